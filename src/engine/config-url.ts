// The experiment's one canonical text form: a versioned URL query string. The same string is the
// studio's share link and the CLI's input. One table drives encoding and decoding: short stable
// keys, enums by name, only the fields that differ from the preset, and always the seed.
// Decoding never throws: a bad or unknown key falls back to the default and is reported.
import {
  DATASETS, DISTRIBUTIONS, GROWTHS, METHODS, MOMENT_RULES, PRESETS, presetConfig, validateConfig,
  type ExperimentConfig, type PresetName,
} from './config';

export const URL_VERSION = 1;

type Kind = { kind: 'int' } | { kind: 'float' } | { kind: 'bool' } | { kind: 'enum'; values: readonly string[] };

interface Field {
  field: keyof ExperimentConfig;
  key: string;
  type: Kind;
}

const int: Kind = { kind: 'int' };
const float: Kind = { kind: 'float' };
const bool: Kind = { kind: 'bool' };
const oneOf = (values: readonly string[]): Kind => ({ kind: 'enum', values });

/** Order here is the order in a link. Never reuse or rename a key: old links must keep working. */
export const URL_FIELDS: readonly Field[] = [
  { field: 'dataset', key: 'ds', type: oneOf(DATASETS) },
  { field: 'imageSize', key: 'img', type: int },
  { field: 'patchSize', key: 'ps', type: int },
  { field: 'inChans', key: 'ch', type: int },
  { field: 'numClasses', key: 'nc', type: int },
  { field: 'embedDim', key: 'dim', type: int },
  { field: 'depth', key: 'dep', type: int },
  { field: 'numHeads', key: 'h', type: int },
  { field: 'mlpRatio', key: 'mlp', type: float },
  { field: 'augment', key: 'aug', type: bool },
  { field: 'trainSize', key: 'n', type: int },
  { field: 'steps', key: 'st', type: int },
  { field: 'batchSize', key: 'bs', type: int },
  { field: 'lr', key: 'lr', type: float },
  { field: 'minLr', key: 'mlr', type: float },
  { field: 'weightDecay', key: 'wd', type: float },
  { field: 'warmupSteps', key: 'wu', type: int },
  { field: 'labelSmoothing', key: 'ls', type: float },
  { field: 'clipNorm', key: 'clip', type: float },
  { field: 'evalEvery', key: 'ee', type: int },
  { field: 'evalSize', key: 'es', type: int },
  { field: 'method', key: 'm', type: oneOf(METHODS) },
  { field: 'density', key: 'd', type: float },
  { field: 'distribution', key: 'dist', type: oneOf(DISTRIBUTIONS) },
  { field: 'growth', key: 'g', type: oneOf(GROWTHS) },
  { field: 'updateFraction', key: 'a', type: float },
  { field: 'updateInterval', key: 'dt', type: int },
  { field: 'updateEnd', key: 'te', type: float },
  { field: 'attnDensity', key: 'ad', type: float },
  { field: 'mlpDensity', key: 'md', type: float },
  { field: 'tokenKeep', key: 'tk', type: float },
  { field: 'regrowPruned', key: 'rp', type: bool },
  { field: 'sparseMoments', key: 'sm', type: oneOf(MOMENT_RULES) },
];

/** Keys the studio itself reads from a link (not part of the experiment). */
export const UI_KEYS = ['run', 'backend', 'panel', 'theme'] as const;

export interface IgnoredKey {
  key: string;
  value: string;
  reason: string;
}

export interface DecodedLink {
  config: ExperimentConfig;
  ignored: IgnoredKey[];
  /** Values of UI_KEYS present in the link. */
  extras: Record<string, string>;
}

function format(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  return String(v);
}

/** Canonical query string (no leading '?'): v, preset, fields that differ from the preset, seed. */
export function encodeConfig(c: ExperimentConfig): string {
  const base = presetConfig(c.preset);
  const parts = [`v=${URL_VERSION}`, `p=${c.preset}`];
  for (const f of URL_FIELDS) if (c[f.field] !== base[f.field]) parts.push(`${f.key}=${encodeURIComponent(format(c[f.field]))}`);
  parts.push(`s=${c.seed}`);
  return parts.join('&');
}

/** Parse one value of a field; a string explains why it was refused. */
export function parseFieldValue(f: Field, raw: string): { value: unknown } | string {
  const t = f.type;
  switch (t.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) return `not a whole number`;
      return { value: Number(raw) };
    }
    case 'float': {
      const x = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(x)) return `not a number`;
      return { value: x };
    }
    case 'bool':
      if (['1', 'true', 'yes', 'on'].includes(raw.toLowerCase())) return { value: true };
      if (['0', 'false', 'no', 'off'].includes(raw.toLowerCase())) return { value: false };
      return `not a boolean (use 1 or 0)`;
    case 'enum':
      return t.values.includes(raw) ? { value: raw } : `not one of ${t.values.join(', ')}`;
  }
}

/** Look a field up by its short key or its camelCase name. */
export function fieldByName(name: string): Field | undefined {
  return URL_FIELDS.find((f) => f.key === name || f.field === name);
}

/** Accepts a full URL, '?query', '#query' or a bare query string. */
function queryOf(link: string): string {
  const s = link.trim();
  const q = s.indexOf('?');
  if (q >= 0) return s.slice(q + 1).split('#')[0];
  if (s.startsWith('#')) return s.slice(1);
  return s;
}

/** key/value pairs of a query; '+' is a space; undecodable escapes are kept raw (then refused). */
function parseQuery(q: string): [string, string][] {
  const dec = (s: string): string => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return q.split('&').filter((p) => p.length > 0).map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? [dec(p), ''] : [dec(p.slice(0, eq)), dec(p.slice(eq + 1))];
  });
}

export function decodeConfig(link: string): DecodedLink {
  const pairs = parseQuery(queryOf(link));
  const get = (k: string): string | null => pairs.find(([key]) => key === k)?.[1] ?? null;
  const ignored: IgnoredKey[] = [];
  const extras: Record<string, string> = {};
  const version = get('v');
  if (version !== null && version !== String(URL_VERSION))
    ignored.push({ key: 'v', value: version, reason: `link version ${version}; this studio reads version ${URL_VERSION}, fields it does not know are ignored` });
  const presetRaw = get('p');
  let preset: PresetName = 'tiny';
  if (presetRaw !== null) {
    if ((PRESETS as readonly string[]).includes(presetRaw)) preset = presetRaw as PresetName;
    else ignored.push({ key: 'p', value: presetRaw, reason: `unknown preset; using tiny (presets: ${PRESETS.join(', ')})` });
  }
  const config = presetConfig(preset);
  const fromLink = new Map<keyof ExperimentConfig, string>();
  for (const [key, raw] of pairs) {
    if (key === 'v' || key === 'p') continue;
    if ((UI_KEYS as readonly string[]).includes(key)) {
      extras[key] = raw;
      continue;
    }
    if (key === 's' || key === 'seed') {
      const n = Number(raw);
      if (/^\d+$/.test(raw) && n < 2 ** 32) config.seed = n;
      else ignored.push({ key, value: raw, reason: `seed must be a whole number in [0, 2^32); using ${config.seed}` });
      continue;
    }
    const f = fieldByName(key);
    if (!f) {
      ignored.push({ key, value: raw, reason: 'unknown key' });
      continue;
    }
    const parsed = parseFieldValue(f, raw);
    if (typeof parsed === 'string') {
      ignored.push({ key, value: raw, reason: `${f.field}: ${parsed}; using ${format(config[f.field])}` });
      continue;
    }
    (config as unknown as Record<string, unknown>)[f.field] = parsed.value;
    fromLink.set(f.field, key);
  }
  // Values that parse but cannot run together: put the link's offending field back to the preset's.
  for (let round = 0; round < 8; round++) {
    const issue = validateConfig(config).find((i) => fromLink.has(i.field));
    if (!issue) break;
    const key = fromLink.get(issue.field)!;
    ignored.push({ key, value: format(config[issue.field]), reason: `${issue.message}; using the preset's ${format(presetConfig(preset)[issue.field])}` });
    (config as unknown as Record<string, unknown>)[issue.field] = presetConfig(preset)[issue.field];
    fromLink.delete(issue.field);
  }
  return { config, ignored, extras };
}

/** Apply `field=value` overrides (CLI --set): camelCase names or short keys. Throws on bad input. */
export function applyOverrides(c: ExperimentConfig, sets: string[]): ExperimentConfig {
  const out = { ...c };
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq < 0) throw new Error(`--set ${s}: expected field=value`);
    const name = s.slice(0, eq), raw = s.slice(eq + 1);
    if (name === 'seed' || name === 's') {
      if (!/^\d+$/.test(raw)) throw new Error(`--set seed=${raw}: seed must be a whole number`);
      out.seed = Number(raw);
      continue;
    }
    if (name === 'preset' || name === 'p') throw new Error('use --preset to pick a preset');
    const f = fieldByName(name);
    if (!f) throw new Error(`--set ${name}: unknown field; known: seed, ${URL_FIELDS.map((x) => x.field).join(', ')}`);
    const parsed = parseFieldValue(f, raw);
    if (typeof parsed === 'string') throw new Error(`--set ${name}=${raw}: ${parsed}`);
    (out as unknown as Record<string, unknown>)[f.field] = parsed.value;
  }
  return out;
}
