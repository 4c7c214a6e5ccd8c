// Writes python/tests/link_corpus.json: share links, good and bad, that the TypeScript and Python
// decoders must read alike (src/cli/python/link-corpus.test.ts). Generated with fast-check from a
// fixed seed, so the file only changes when this script does. Run: npx tsx scripts/link-corpus.ts
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { PRESET_CONFIGS, PRESETS } from '../src/engine/config';
import { encodeConfig, UI_KEYS, URL_FIELDS } from '../src/engine/config-url';
import { repoRoot } from '../src/cli/node-datasets';

const SEED = 21;

const rawValue = fc.oneof(
  fc.integer({ min: -5, max: 300 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.constantFrom('0', '1', '0.5', '1e-6', '1e-7', '1e21', '1e+21', '123456789012345678901234', ' 12 ', '0x10', '.5', '5.', 'Infinity',
    '28', '50', '18', 'mnist', 'fashion-mnist', 'cifar10', 'svite', 's2vite', 'erk', 'random', 'true', 'YES', 'banana', '',
    '%', '%E0%A4%A', '%C3%A9', '%ED%A0%80', '+', 'why?', 'a=b', '1_0', '٣', '\u00a012'),
  fc.string({ maxLength: 8 }),
  fc.string({ maxLength: 6, unit: 'grapheme' }),
  fc.string({ maxLength: 6, unit: 'binary-ascii' }),
);
const anyKey = fc.oneof(
  fc.constantFrom(...URL_FIELDS.map((f) => f.key), ...URL_FIELDS.map((f) => f.field), 'v', 'p', 's', 'seed', ...UI_KEYS),
  fc.string({ maxLength: 5 }),
  fc.string({ maxLength: 4, unit: 'binary-ascii' }),
);
const esc = (s: string, raw: boolean): string => (raw ? s : encodeURIComponent(s));
const keyValueLink = fc.tuple(fc.constantFrom(...PRESETS, 'nope'), fc.array(fc.tuple(anyKey, rawValue, fc.boolean()), { maxLength: 14 }))
  .map(([p, ps]) => [`p=${p}`, ...ps.map(([k, v, raw]) => `${esc(k, raw)}=${esc(v, raw)}`)].join('&'));
// Typed values, so most parse and many conflict with each other (the put-back path).
const typedPair = fc.constantFrom(...URL_FIELDS).chain((f) => {
  const v = f.type.kind === 'enum' ? fc.constantFrom(...f.type.values)
    : f.type.kind === 'bool' ? fc.constantFrom('0', '1')
    : f.type.kind === 'int' ? fc.integer({ min: -2, max: 130 }).map(String)
    : fc.oneof(fc.double({ min: -0.5, max: 4, noNaN: true }), fc.constantFrom(1e-6, 0.5, 1)).map(String);
  return v.map((raw) => `${f.key}=${encodeURIComponent(raw)}`);
});
const typedLink = fc.tuple(fc.constantFrom(...PRESETS), fc.array(typedPair, { minLength: 1, maxLength: 8 }), fc.nat(2 ** 32 + 5))
  .map(([p, ps, s]) => [`v=1`, `p=${p}`, ...ps, `s=${s}`].join('&'));
const wrapped = fc.tuple(fc.constantFrom('', '?', '#', 'https://studio.example/?', 'https://studio.example/#', 'http://x/', ' '), keyValueLink, fc.constantFrom('', '#frag', '&', '?x=1'))
  .map(([a, b, c]) => a + b + c);

const good = [
  ...PRESETS.map((p) => encodeConfig(PRESET_CONFIGS[p])),
  encodeConfig({ ...PRESET_CONFIGS.fmnist, method: 'svite', density: 0.3, seed: 7 }),
  encodeConfig({ ...PRESET_CONFIGS.fmnist, method: 's2vite', attnDensity: 0.75, mlpDensity: 0.25, tokenKeep: 0.5 }),
  encodeConfig({ ...PRESET_CONFIGS.tiny, method: 'svite', growth: 'gradient', distribution: 'uniform', sparseMoments: 'keep', minLr: 1e-7 }),
  'https://studio.example/?v=1&p=fmnist&m=svite&d=0.2&s=3&run=abc&panel=masks#top',
  // S²ViTE's unit rule and SViTE+'s selector options, and their bad values.
  encodeConfig({ ...PRESET_CONFIGS.tiny, method: 's2vite', unitFraction: 0.3, unitRounding: 'floor', unitCap: 2, unitInit: 'zero', unitProtect: 3, unitGrowth: 'random', neuronPrune: 'magnitude' }),
  encodeConfig({ ...PRESET_CONFIGS.fmnist, method: 'svite', tokenKeep: 0.7, tokenSelector: 'centre', tokenTauStart: 3, tokenTauEnd: 0.5, tokenNoise: 0.25 }),
  'v=1&p=tiny&m=s2vite&ua=0&ur=up&uc=-1&ui=old&up=1001&ug=taylor&np=l1&tsel=random&tau0=0&tau1=2000&tn=11&s=1',
  // Notices of the link's shape: a bare word before ?, a doubled ?, a whole number a double cannot hold, a zero-width MLP.
  'aug?v=1&p=tiny&s=2', '??v=1&p=tiny&s=2', 'https://studio.example/??v=1&p=tiny', 'v=1&p=tiny&ee=123456789012345678901234&st=9007199254740993',
  'v=1&p=tiny&mlp=0.001', 'v=1&p=tiny&mlp=0.01&d=0.5',
];
const links = [
  ...good,
  ...fc.sample(fc.oneof(keyValueLink, typedLink, wrapped, fc.string({ maxLength: 60 }), fc.string({ maxLength: 40, unit: 'grapheme' })), { seed: SEED, numRuns: 600 }),
];
const file = path.join(repoRoot(), 'python', 'tests', 'link_corpus.json');
writeFileSync(file, `${JSON.stringify({ generatedBy: 'npx tsx scripts/link-corpus.ts', seed: SEED, links }, null, 1)}\n`);
console.log(`wrote ${links.length} links to ${file}`);
