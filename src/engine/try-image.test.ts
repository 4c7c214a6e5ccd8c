import { afterEach, describe, expect, it } from 'vitest';
import * as tf from './tf';
import { presetConfig, type ExperimentConfig } from './config';
import { evalBatches } from './data/batch';
import { syntheticDataset } from './data/synthetic';
import { Trainer } from './trainer';
import { tryImage } from './try-image';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 200, testCount: 40 });
const cfg = (over: Partial<ExperimentConfig>): ExperimentConfig => ({ ...presetConfig('tiny'), batchSize: 16, steps: 20, ...over });
const imageBytes = 16 * 16;

afterEach(() => tf.disposeVariables());

/** Trainer.predict's logits for test image i, through the evaluation batches. */
async function predictTest(t: Trainer, i: number): Promise<Float32Array> {
  const x = [...evalBatches(data.test, 1, data.mean, data.std, i + 1)][i].x;
  const input = tf.tensor4d(x, [1, 16, 16, 1]);
  const logits = t.predict(input);
  const out = Float32Array.from(await logits.data());
  tf.dispose([input, logits]);
  return out;
}

describe('tryImage', () => {
  for (const [name, over] of [
    ['dense', {}],
    ['S²ViTE with removed heads', { method: 's2vite', attnDensity: 0.5, updateInterval: 3 }],
    ['SViTE+ token selection', { tokenKeep: 0.5 }],
  ] as [string, Partial<ExperimentConfig>][]) {
    it(`${name}: its attention forward gives Trainer.predict's logits, and each cls row sums to 1`, async () => {
      const t = await Trainer.create(cfg(over), data);
      for (let s = 0; s < 7; s++) await t.step();
      const before = tf.memory().numTensors;
      for (const i of [0, 5]) {
        const r = await tryImage(t, data.test.images.slice(i * imageBytes, (i + 1) * imageBytes));
        const expected = await predictTest(t, i);
        expect(r.logits.length).toBe(expected.length);
        r.logits.forEach((v, j) => expect(v).toBeCloseTo(expected[j], 4));
        expect(r.probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
        expect(r.blocks.length).toBe(t.config.depth);
        for (const b of r.blocks) {
          expect(b.maps.length).toBe(b.heads.length);
          b.maps.forEach((m, h) => {
            expect(m.length).toBe(r.grid * r.grid);
            expect(m.reduce((a, v) => a + v, 0) + b.clsSelf[h]).toBeCloseTo(1, 5);
            if (r.kept) m.forEach((v, p) => r.kept!.includes(p) || expect(v).toBe(0)); // dropped patches get no attention
          });
        }
      }
      expect(tf.memory().numTensors).toBe(before);
      t.dispose();
    });
  }

  it('S²ViTE: maps only the live heads; SViTE+: reports the kept tokens the trainer keeps', async () => {
    const s2 = await Trainer.create(cfg({ method: 's2vite', attnDensity: 0.5 }), data);
    const r = await tryImage(s2, data.test.images.slice(0, imageBytes));
    const alive = (await s2.snapshot()).headsAlive!;
    const H = s2.config.numHeads;
    r.blocks.forEach((b, i) => expect(b.heads).toEqual([...Array(H).keys()].filter((h) => alive[i * H + h])));
    expect(r.blocks[0].heads.length).toBeLessThan(H);
    s2.dispose();
    const plus = await Trainer.create(cfg({ tokenKeep: 0.5 }), data, { sampleCount: 1 });
    const tried = await tryImage(plus, data.test.images.slice(0, imageBytes));
    expect(tried.kept).toEqual((await plus.snapshot()).keptTokens);
    plus.dispose();
  });

  it('refuses an image of the wrong size, saying what it expects', async () => {
    const t = await Trainer.create(cfg({}), data);
    await expect(tryImage(t, new Uint8Array(10))).rejects.toThrow(/16×16×1 = 256: resize/);
    t.dispose();
  });
});
