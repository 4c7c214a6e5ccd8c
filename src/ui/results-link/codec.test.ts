import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PRESETS, presetConfig, type ExperimentConfig } from '../../engine/config';
import { computeFlops } from '../../engine/flops';
import { mlpHidden } from '../../engine/facts';
import { paramSpecs } from '../../engine/model/params';
import { Rng } from '../../engine/rng';
import { Series } from '../frames/series';
import { MAX_FRAGMENT_CHARS, ResultsLinkError, decodeResults, encodeResults, packBits, unpackBits } from './codec';
import { summarize, type RunResults } from './summary';

/** The largest results a run of this config can leave: every step logged, noisy values, random live units. */
function worstCase(config: ExperimentConfig, seed = 1): RunResults {
  const rng = new Rng(seed);
  const scalars = new Series(4), evals = new Series(2, 2048), perFrame = new Series(6, 4096);
  for (let s = 1; s <= config.steps; s++) scalars.push(s, 2 * rng.next() + 1 / s, 2 * rng.next(), 1e-3 * rng.next(), 5 * rng.next());
  for (let s = 1; s <= config.steps; s += Math.max(1, Math.floor(config.steps / 2000))) evals.push(s, rng.next(), 3 * rng.next());
  for (let s = 1; s <= config.steps; s += 4) perFrame.push(s, rng.next(), rng.next(), 1e9 * rng.next(), 1e9 * rng.next(), 1e9, rng.next());
  const density = Object.fromEntries(paramSpecs(config).filter((p) => p.sparse).map((p) => [p.name, rng.next()]));
  const bits = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (rng.next() < 0.5 ? 1 : 0));
  const s2 = config.method === 's2vite';
  return {
    config, step: config.steps, test: { accuracy: 0.8765, loss: 0.43219876, count: 10000 },
    scalars, evals, perFrame,
    snapshot: { density, globalDensity: 0.4321, headsAlive: s2 ? bits(config.depth * config.numHeads) : null, neuronsAlive: s2 ? bits(config.depth * mlpHidden(config)) : null },
    flops: computeFlops(config), backend: 'webgpu', elapsedMs: 123456.7,
  };
}

describe('results link codec', () => {
  it('round-trips a summary exactly; live units come back as the run had them', () => {
    const config: ExperimentConfig = { ...presetConfig('tiny'), method: 's2vite', seed: 42, steps: 300 };
    const r = worstCase(config);
    const summary = summarize(r);
    const back = decodeResults(encodeResults(summary));
    expect(back.summary).toEqual(summary);
    expect(back.config).toEqual(config);
    expect(back.headsAlive).toEqual(r.snapshot.headsAlive);
    expect(back.neuronsAlive).toEqual(r.snapshot.neuronsAlive);
    expect(summary.loss.length).toBeLessThanOrEqual(96);
    expect(summary.loss.at(-1)?.[0]).toBe(300); // the last step is always kept
  });

  it('packs any bitset exactly (property)', () => {
    fc.assert(fc.property(fc.uint8Array({ min: 0, max: 1, maxLength: 300 }), (bits) => {
      expect(unpackBits(packBits(bits), bits.length)).toEqual(bits);
    }));
  });

  it(`stays within ${MAX_FRAGMENT_CHARS} characters for every preset and method, with worst-case contents`, () => {
    for (const preset of PRESETS) {
      for (const method of ['svite', 's2vite'] as const) {
        const config: ExperimentConfig = { ...presetConfig(preset), method, steps: Math.max(presetConfig(preset).steps, 100_000) };
        const text = encodeResults(summarize(worstCase(config)));
        expect(text.length, `${preset} ${method}: ${text.length} characters`).toBeLessThanOrEqual(MAX_FRAGMENT_CHARS);
        expect(decodeResults(text).config).toEqual(config);
      }
    }
  });

  it('says what is wrong with a garbled fragment, and never throws anything else (property)', () => {
    const good = encodeResults(summarize(worstCase({ ...presetConfig('tiny'), method: 'svite', steps: 50 })));
    const expectClear = (text: string, message: RegExp): void => {
      expect(() => decodeResults(text)).toThrow(ResultsLinkError);
      expect(() => decodeResults(text)).toThrow(message);
    };
    expectClear('', /does not start with a version number/);
    expectClear(`2${good.slice(1)}`, /written in version 2; this studio reads version 1/);
    expectClear(good.slice(0, good.length - 40), /compressed data is damaged|cut off/);
    expectClear(`${good.slice(0, 30)}*${good.slice(31)}`, /holds "\*", which base64url does not use/);
    expectClear(`1.${'A'.repeat(9000)}`, /more than a results link ever is/);
    fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.nat(good.length - 1), fc.string({ minLength: 1, maxLength: 5 }), (junk, at, insert) => {
      for (const text of [junk, `1.${junk}`, good.slice(0, at) + insert + good.slice(at + 1)]) {
        try {
          decodeResults(text);
        } catch (e) {
          expect(e).toBeInstanceOf(ResultsLinkError);
        }
      }
    }), { numRuns: 300 });
  });

  it('checks the fields of a well-formed but wrong summary, naming each', () => {
    const config = { ...presetConfig('tiny'), method: 's2vite' as const, steps: 20 };
    const s = summarize(worstCase(config));
    const bad = { ...s, step: -1, heads: 'AAAA', test: { accuracy: 7, loss: 0, images: 1 }, backend: 5 };
    let message = '';
    try {
      decodeResults(encodeResults(bad as never));
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^its summary is invalid:\n {2}- step is not a step count\n/);
    for (const part of ['test must hold accuracy (0..1 or null)', 'backend is not a name', 'heads: a bitset holds 24 bits, expected 8']) expect(message).toContain(part);
  });

  it('bins a paper-scale neuron map: exact live counts per block, each bin within one level of the truth', () => {
    const config: ExperimentConfig = { ...presetConfig('deit-base'), method: 's2vite', steps: 10 };
    const r = worstCase(config);
    const s = summarize(r);
    expect([s.neurons, s.neuronBins?.width]).toEqual([null, 9]); // 12 × 3072 neurons in ≤ 4096 bins
    const hidden = mlpHidden(config);
    const truth = r.snapshot.neuronsAlive!;
    expect(s.neuronBins!.live).toEqual(Array.from({ length: 12 }, (_, b) => truth.subarray(b * hidden, (b + 1) * hidden).reduce((a, v) => a + v, 0)));
    const back = decodeResults(encodeResults(s)).neuronsAlive!;
    for (let b = 0; b < 12; b++) {
      for (let k = 0; k < hidden; k += 9) { // bins start afresh in each block
        const from = b * hidden + k, to = b * hidden + Math.min(hidden, k + 9);
        const count = (a: Uint8Array) => a.subarray(from, to).reduce((x, v) => x + v, 0);
        expect(Math.abs(count(back) - count(truth))).toBeLessThanOrEqual(1);
      }
    }
  });
});

describe('resultsFragment', () => {
  it('finds r= among other fragment keys and refuses broken %-escapes clearly', async () => {
    const { resultsFragment } = await import('./reported');
    expect(resultsFragment('#r=1.abc')).toBe('1.abc');
    expect(resultsFragment('#x=2&r=1.a%2Db')).toBe('1.a-b');
    expect(resultsFragment('#panel=heads')).toBeNull();
    expect(() => resultsFragment('#r=1.%zz')).toThrow(ResultsLinkError);
  });
});
