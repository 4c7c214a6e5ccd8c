import { describe, expect, it } from 'vitest';
import { PRESETS, presetConfig, validateConfig, type ExperimentConfig } from './config';
import { applyOverrides, decodeConfig, encodeConfig, noticeOf, REASONS, URL_FIELDS } from './config-url';

const changed: Partial<ExperimentConfig> = {
  dataset: 'synthetic', imageSize: 32, patchSize: 8, inChans: 3, numClasses: 10, embedDim: 48, depth: 3, numHeads: 6,
  mlpRatio: 3, augment: true, trainSize: 500, steps: 123, batchSize: 7, lr: 0.000731, minLr: 1e-6, weightDecay: 0.01,
  warmupSteps: 3, labelSmoothing: 0.05, clipNorm: 2.5, evalEvery: 11, evalSize: 99, method: 's2vite', density: 0.3,
  distribution: 'uniform', growth: 'random', updateFraction: 0.25, updateInterval: 9, updateEnd: 0.7, attnDensity: 0.75,
  mlpDensity: 0.4, tokenKeep: 0.9, regrowPruned: true, sparseMoments: 'keep',
  unitFraction: 0.35, unitRounding: 'round', unitCap: 3, unitInit: 'zero', unitProtect: 2, unitGrowth: 'random', neuronPrune: 'magnitude',
  tokenSelector: 'centre', tokenTauStart: 3.5, tokenTauEnd: 0.25, tokenNoise: 0.5, tokenPrior: 7.5, tokenLr: 0.25,
};

describe('URL codec', () => {
  it('round-trips every field of every preset', () => {
    expect(URL_FIELDS.length).toBe(Object.keys(changed).length);
    for (const p of PRESETS) {
      const c: ExperimentConfig = { ...presetConfig(p), ...changed, seed: 4242 };
      expect(validateConfig(c)).toEqual([]);
      const link = encodeConfig(c);
      const d = decodeConfig(link);
      expect(d.ignored).toEqual([]);
      expect(d.config).toEqual(c);
      // A full URL and a hash work too.
      expect(decodeConfig(`http://localhost:5173/?${link}#x`).config).toEqual(c);
    }
  });

  it('writes only non-default values, always the seed, and is stable', () => {
    const c = presetConfig('fmnist');
    expect(encodeConfig(c)).toBe('v=1&p=fmnist&s=0');
    expect(encodeConfig({ ...c, method: 'svite', density: 0.3, seed: 7 })).toBe('v=1&p=fmnist&m=svite&d=0.3&s=7');
  });

  it('survives garbage: never throws, falls back to defaults, reports what it ignored', () => {
    const d = decodeConfig('v=9&p=nope&m=magic&d=abc&zzz=1&st=1.5&h=5&s=-3&run=1&%E0%A4%A=1');
    const def = presetConfig('tiny');
    expect(d.config.method).toBe(def.method);
    expect(d.config.density).toBe(def.density);
    expect(d.config.steps).toBe(def.steps);
    expect(d.config.numHeads).toBe(def.numHeads); // 32 % 5 ≠ 0 → back to the preset's
    expect(d.extras.run).toBe('1');
    const keys = d.ignored.map((i) => i.key);
    for (const k of ['v', 'p', 'm', 'd', 'zzz', 'st', 'h', 's']) expect(keys).toContain(k);
    expect(validateConfig(d.config)).toEqual([]);
    for (const junk of ['', '?', '#', '&&&', '===', 'http://x/?p=fmnist&&&d=', '%%%', 'p=deit-small&dim=0&h=0'])
      expect(() => decodeConfig(junk)).not.toThrow();
    expect(validateConfig(decodeConfig('p=deit-small&dim=0&h=0').config)).toEqual([]);
  });

  it('applies CLI overrides by camelCase name or short key, refusing bad input clearly', () => {
    const c = applyOverrides(presetConfig('fmnist'), ['seed=3', 'steps=10', 'batchSize=8', 'lr=0.01', 'dataset=mnist', 'm=svite', 'density=0.3']);
    expect([c.seed, c.steps, c.batchSize, c.lr, c.dataset, c.method, c.density]).toEqual([3, 10, 8, 0.01, 'mnist', 'svite', 0.3]);
    expect(() => applyOverrides(c, ['bogus=1'])).toThrow(/unknown field/);
    expect(() => applyOverrides(c, ['steps=x'])).toThrow(/whole number/);
  });
});

describe('presets and validation', () => {
  it('every preset is valid', () => {
    for (const p of PRESETS) expect(validateConfig(presetConfig(p)), p).toEqual([]);
  });
  it('rejects impossible configs with a message that says how to fix them', () => {
    const c = presetConfig('fmnist');
    const msgs = (over: Partial<ExperimentConfig>): string => validateConfig({ ...c, ...over }).map((i) => i.message).join('\n');
    expect(msgs({ numHeads: 5 })).toMatch(/embedDim 64 is not divisible by numHeads 5/);
    expect(msgs({ patchSize: 5 })).toMatch(/imageSize 28 is not divisible by patchSize 5/);
    expect(msgs({ imageSize: 32, patchSize: 4 })).toMatch(/fashion-mnist images are 28×28/);
    expect(msgs({ density: 0 })).toMatch(/density must be in \(0, 1\]/);
    expect(msgs({ method: 's2vite', numHeads: 1 })).toMatch(/at least 2 heads/);
    expect(msgs({ batchSize: 0 })).toMatch(/batchSize/);
    expect(msgs({ unitFraction: 0 })).toMatch(/unitFraction must be in \(0, 1\]/);
    expect(msgs({ unitRounding: 'up' as never })).toMatch(/unitRounding must be one of ceil, round, floor/);
    expect(msgs({ unitCap: -1 })).toMatch(/unitCap must be a whole number ≥ 0/);
    expect(msgs({ unitProtect: 1.5 })).toMatch(/unitProtect must be a whole number/);
    expect(msgs({ unitInit: 'old' as never })).toMatch(/unitInit must be one of fresh, zero/);
    expect(msgs({ neuronPrune: 'l1' as never })).toMatch(/neuronPrune must be one of magnitude, taylor/);
    expect(msgs({ tokenSelector: 'random' as never })).toMatch(/tokenSelector must be one of learned, centre/);
    expect(msgs({ tokenTauEnd: 0 })).toMatch(/tokenTauEnd must be in \(0, 1000\]/);
  });
});

describe('what a link says outside its settings is reported, not dropped', () => {
  const ignored = (link: string): string[] => decodeConfig(link).ignored.map((i) => `${i.key}=${i.value}: ${i.reason}`);
  it('a bare word before a stray ?, and a doubled ?', () => {
    expect(ignored('aug?v=1&p=tiny')).toEqual([`aug=: ${REASONS.beforeQuestion}`]);
    expect(ignored('??v=1')).toEqual([`??=: ${REASONS.doubledQuestion}`]);
    expect(ignored('http://localhost:5173/???v=1&p=fmnist')).toEqual([`??=: ${REASONS.doubledQuestion}`]);
    expect(decodeConfig('http://localhost:5173/???v=1&p=fmnist').config.preset).toBe('fmnist');
    // An address before the ? is a URL's, not a setting.
    for (const link of ['?p=fmnist', 'localhost:5173?p=fmnist', 'studio.html?p=fmnist', 'http://h/x?p=fmnist']) expect(ignored(link)).toEqual([]);
  });
  it('a whole number a double cannot hold exactly is refused, not rounded', () => {
    expect(ignored('v=1&p=tiny&ee=123456789012345678901234')).toEqual(['ee=123456789012345678901234: evalEvery: too many digits to hold exactly; using 200']);
    expect(ignored('p=tiny&ee=9007199254740993')).toHaveLength(1); // 2^53 + 1
    expect(decodeConfig('p=tiny&ee=9007199254740992&n=1000000000000000000000').config).toMatchObject({ evalEvery: 2 ** 53, trainSize: 1e21 });
  });
  it('control characters are escaped in notices, as the link writes them', () => {
    const shown = noticeOf(decodeConfig('p=tiny&a%07b=1&x=%1B%5B31m%7F').ignored).shown;
    expect(shown.map((i) => [i.key, i.value])).toEqual([['a%07b', '1'], ['x', '%1B[31m%7F']]);
  });
});
