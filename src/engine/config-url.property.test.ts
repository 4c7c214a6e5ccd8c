// Properties of the link codec over many generated links (fast-check): nothing throws, every decoded
// config runs, nothing the link said is dropped or changed without a report, and valid configs
// survive encode → decode exactly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DATASET_GEOMETRY, DATASETS, PRESETS, presetConfig, validateConfig, type ExperimentConfig } from './config';
import { mlpHidden } from './facts/shape';
import { decodeConfig, encodeConfig, fieldByName, NOTICE_ITEMS, noticeOf, parseFieldValue, UI_KEYS, URL_FIELDS } from './config-url';

const RUNS = 10_000;
// FC_SEED=<seed printed by a failure> reruns that failure.
if (process.env.FC_SEED) fc.configureGlobal({ seed: Number(process.env.FC_SEED) });

// Values a user might type for any field: numbers of every size and sign, words, escapes, junk.
const rawValue = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('0', '1', '0.5', '1e-6', '1e21', '1e+21', '28', '50', '18', 'mnist', 'fashion-mnist', 'cifar10', 'svite',
    's2vite', 'erk', 'random', 'true', 'banana', '__proto__', '', '%', '%E0%A4%A', '+', 'why?', 'a=b'),
  fc.string({ maxLength: 8 }),
);
const anyKey = fc.oneof(
  fc.constantFrom(...URL_FIELDS.map((f) => f.key), ...URL_FIELDS.map((f) => f.field), 'v', 'p', 's', 'seed', ...UI_KEYS),
  fc.string({ maxLength: 5 }),
);
const pairs = fc.array(fc.tuple(anyKey, rawValue), { maxLength: 14 });
const esc = (s: string): string => encodeURIComponent(s);
const linkOf = (preset: string, ps: [string, string][]): string => [`p=${preset}`, ...ps.map(([k, v]) => `${esc(k)}=${esc(v)}`)].join('&');

describe('link codec properties', () => {
  it('decoding never throws, on arbitrary text and on arbitrary key=value links', () => {
    fc.assert(fc.property(fc.string({ maxLength: 60 }), (s) => void decodeConfig(s)), { numRuns: RUNS });
    fc.assert(fc.property(fc.constantFrom(...PRESETS), pairs, (p, ps) => void decodeConfig(linkOf(p, ps))), { numRuns: RUNS });
  });

  it('every decoded config validates, whichever fields conflict, and each value is the link\'s or the preset\'s', () => {
    // Typed values for the link's fields, so that most parse and many conflict with each other.
    const typed = fc.constantFrom(...URL_FIELDS).chain((f) => {
      const v = f.type.kind === 'enum' ? fc.constantFrom(...f.type.values)
        : f.type.kind === 'bool' ? fc.constantFrom('0', '1')
        : f.type.kind === 'int' ? fc.integer({ min: -2, max: 130 }).map(String)
        : fc.oneof(fc.double({ min: -0.5, max: 4, noNaN: true }), fc.constantFrom(1e-6, 0.5, 1)).map(String);
      return v.map((raw) => [f.key, raw] as [string, string]);
    });
    fc.assert(fc.property(fc.constantFrom(...PRESETS), fc.array(typed, { maxLength: 20 }), (p, ps) => {
      const d = decodeConfig(linkOf(p, ps));
      expect(validateConfig(d.config)).toEqual([]);
      const base = presetConfig(p);
      const last = new Map(ps.map(([k, raw]) => [fieldByName(k)!.field, { k, raw }]));
      for (const [field, { k, raw }] of last) {
        const parsed = parseFieldValue(fieldByName(k)!, raw);
        const wanted = typeof parsed === 'string' ? undefined : parsed.value;
        if (d.config[field] === wanted) continue;
        // Not what the link said: put back to the preset's value, and reported under its key.
        expect(d.config[field]).toBe(base[field]);
        expect(d.ignored.some((i) => i.key === k && i.value === raw), `${k}=${raw} in ${linkOf(p, ps)}`).toBe(true);
      }
    }), { numRuns: RUNS });
  });

  it('reports every input it does not use: unknown keys, bad values, duplicates, text after #', () => {
    fc.assert(fc.property(fc.constantFrom(...PRESETS), pairs, fc.string({ maxLength: 6 }), (p, ps, frag) => {
      const link = linkOf(p, ps) + (frag ? `#${esc(frag)}` : '');
      const d = decodeConfig(link);
      const reported = (k: string, v: string): boolean => d.ignored.some((i) => i.key === k && i.value === v);
      ps.forEach(([k, raw], at) => {
        const f = fieldByName(k);
        const laterSame = ps.slice(at + 1).some(([k2]) => (f ? fieldByName(k2)?.field === f.field : k2 === k || (['s', 'seed'].includes(k) && ['s', 'seed'].includes(k2))));
        if ((UI_KEYS as readonly string[]).includes(k)) expect(laterSame || d.extras[k] === raw || reported(k, raw)).toBe(true);
        else if (k === 's' || k === 'seed') expect(laterSame || (/^\d+$/.test(raw) && d.config.seed === Number(raw)) || reported(k, raw)).toBe(true); // '00' is seed 0
        else if (k === 'p' || k === 'v') return; // the link's own p= comes first; checked below
        else if (!f) expect(reported(k, raw)).toBe(true);
        else if (laterSame) {
          // An earlier duplicate is reported unless the later one was refused (then this one may count).
          const used = d.config[f.field] === (parseFieldValue(f, raw) as { value?: unknown }).value;
          expect(used || reported(k, raw)).toBe(true);
        }
      });
      const ps2 = ps.filter(([k]) => k === 'p');
      if (ps2.length) expect(reported('p', p)).toBe(true); // our p= was overridden by a later one
      if (frag) expect(reported('#', esc(frag))).toBe(true); // as written in the link
    }), { numRuns: RUNS });
  });

  it('a stray ? inside a value loses nothing before it', () => {
    fc.assert(fc.property(fc.constantFrom(...PRESETS), pairs, fc.string({ maxLength: 6 }), (p, ps, note) => {
      const clean = linkOf(p, ps);
      const stray = `${clean}&note=${note.replace(/[&#=%+]/g, '')}?`;
      const a = decodeConfig(clean), b = decodeConfig(stray);
      expect(b.config).toEqual(a.config);
      expect(b.ignored.some((i) => i.key === 'note')).toBe(true);
    }), { numRuns: 2_000 });
    expect(decodeConfig('p=fmnist&m=svite&note=why?').config).toMatchObject({ preset: 'fmnist', method: 'svite' });
    expect(decodeConfig('http://localhost:5173/?p=fmnist&m=svite&note=why?').config).toMatchObject({ preset: 'fmnist', method: 'svite' });
  });

  it('decode ∘ encode is the identity on valid configs, huge whole numbers included', () => {
    const frac = fc.double({ min: Number.MIN_VALUE, max: 1, noNaN: true });
    const config = fc.record({
      preset: fc.constantFrom(...PRESETS),
      seed: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      heads: fc.integer({ min: 2, max: 8 }), headDim: fc.integer({ min: 1, max: 16 }),
      patch: fc.integer({ min: 1, max: 8 }), grid: fc.integer({ min: 1, max: 8 }),
      dataset: fc.constantFrom(...DATASETS),
      mlpRatio: fc.double({ min: 0.01, max: 16, noNaN: true }),
      trainSize: fc.oneof(fc.nat(), fc.constantFrom(1e21, 2 ** 53, 1e300, Number.MAX_VALUE)),
      steps: fc.integer({ min: 1, max: 10_000_000 }),
      lr: frac, minLrOfLr: fc.double({ min: 0, max: 1, noNaN: true }),
      weightDecay: fc.double({ min: 0, max: 1, noNaN: true }), labelSmoothing: fc.double({ min: 0, max: 0.99, noNaN: true }),
      clipNorm: fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(1e25)),
      warmupSteps: fc.oneof(fc.nat(), fc.constant(1e22)),
      method: fc.constantFrom('dense', 'svite', 's2vite') as fc.Arbitrary<ExperimentConfig['method']>,
      density: frac, tokenKeep: frac, attnDensity: frac, updateEnd: fc.double({ min: 0, max: 1, noNaN: true }),
      regrowPruned: fc.boolean(), augment: fc.boolean(),
    }).map((r): ExperimentConfig => {
      const geo = r.dataset === 'synthetic' ? { imageSize: r.patch * r.grid, inChans: 1, numClasses: 10 } : DATASET_GEOMETRY[r.dataset];
      const c: ExperimentConfig = {
        ...presetConfig(r.preset), seed: r.seed, dataset: r.dataset, ...geo,
        patchSize: r.dataset === 'synthetic' ? r.patch : geo.imageSize / 4,
        embedDim: r.heads * r.headDim, numHeads: r.heads, mlpRatio: r.mlpRatio, trainSize: r.trainSize, steps: r.steps,
        lr: r.lr, minLr: r.lr * r.minLrOfLr, weightDecay: r.weightDecay, labelSmoothing: r.labelSmoothing, clipNorm: r.clipNorm,
        warmupSteps: r.warmupSteps, method: r.method, density: r.density, tokenKeep: r.tokenKeep, attnDensity: r.attnDensity,
        updateEnd: r.updateEnd, regrowPruned: r.regrowPruned, augment: r.augment,
      };
      // A link has no sign for zero (and needs none): -0 is written "0".
      for (const k of Object.keys(c) as (keyof ExperimentConfig)[]) if (Object.is(c[k], -0)) (c as unknown as Record<string, unknown>)[k] = 0;
      return c;
    }).filter((c) => mlpHidden(c) >= 1); // a ratio that leaves the MLP no neurons is invalid
    fc.assert(fc.property(config, (c) => {
      expect(validateConfig(c)).toEqual([]);
      const d = decodeConfig(encodeConfig(c));
      expect(d.ignored).toEqual([]);
      expect(d.config).toEqual(c);
    }), { numRuns: RUNS });
  });
});

describe('link repair, by example', () => {
  const put = (link: string): { keys: string[]; config: ExperimentConfig } => {
    const d = decodeConfig(link);
    expect(validateConfig(d.config)).toEqual([]);
    return { keys: d.ignored.map((i) => i.key), config: d.config };
  };
  it('puts back the link field that caused an issue flagged on a preset field', () => {
    expect(put('v=1&p=tiny&ds=mnist')).toMatchObject({ keys: ['ds'], config: { dataset: 'synthetic', imageSize: 16 } });
    expect(put('p=tiny&dim=50')).toMatchObject({ keys: ['dim'], config: { embedDim: 48 } });
    expect(put('p=tiny&img=18')).toMatchObject({ keys: ['img'], config: { imageSize: 16 } });
    expect(put('p=tiny&lr=0.000001')).toMatchObject({ keys: ['lr'], config: { lr: presetConfig('tiny').lr } });
    // Only what conflicts goes: here ds (the 32×32 synthetic images with patch 8 are fine).
    expect(put('p=tiny&img=32&ps=8&ds=mnist')).toMatchObject({ keys: ['ds'], config: { dataset: 'synthetic', imageSize: 32, patchSize: 8 } });
    // A consistent set of new values is kept whole.
    expect(put('p=tiny&ds=mnist&img=28&ps=7')).toMatchObject({ keys: [], config: { dataset: 'mnist', imageSize: 28, patchSize: 7 } });
  });
  it('gives each put-back field the reason it resolves, not the first issue left', () => {
    const reasons = new Map(decodeConfig('v=1&p=tiny&dim=50&img=18&lr=0.000001&ds=mnist').ignored.map((i) => [i.key, i.reason]));
    expect([...reasons.keys()].sort()).toEqual(['dim', 'ds', 'img', 'lr']);
    expect(reasons.get('ds')).toMatch(/^mnist images are 28×28/);
    expect(reasons.get('lr')).toMatch(/^minLr must be between 0 and lr/);
    expect(reasons.get('dim')).toMatch(/^embedDim 50 is not divisible/);
    expect(reasons.get('img')).toMatch(/^imageSize 18 is not divisible/);
  });
  it('has no round cap: twelve bad fields are all put back', () => {
    const bad = 'st=0&bs=0&dim=0&dep=0&h=0&img=0&ps=0&lr=5&d=0&a=0&ad=0&md=0';
    const { keys, config } = put(`p=fmnist&${bad}`);
    expect(keys.sort()).toEqual(bad.split('&').map((kv) => kv.split('=')[0]).sort());
    expect(config).toEqual(presetConfig('fmnist'));
  });
  it('reports duplicates, the last one winning', () => {
    const d = decodeConfig('p=tiny&p=fmnist&d=0.3&density=0.4&s=1&s=2');
    expect([d.config.preset, d.config.density, d.config.seed]).toEqual(['fmnist', 0.4, 2]);
    expect(d.ignored.map((i) => `${i.key}=${i.value}`)).toEqual(['p=tiny', 'd=0.3', 's=1']);
  });
  it('a notice lists a bounded number of settings, each cut short', () => {
    const big = 'x'.repeat(1 << 20);
    const d = decodeConfig(`p=tiny&note=${big}&${Array.from({ length: 1000 }, (_, i) => `k${i}=1`).join('&')}`);
    expect(d.ignored).toHaveLength(1001);
    const n = noticeOf(d.ignored);
    expect(n.shown).toHaveLength(NOTICE_ITEMS);
    expect(n.more).toBe(1001 - NOTICE_ITEMS);
    expect(JSON.stringify(n.shown).length).toBeLessThan(10_000);
    expect(n.shown[0].value).toMatch(/… \(1048576 characters\)$/);
  });
});
