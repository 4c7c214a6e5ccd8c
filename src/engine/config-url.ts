// The experiment's one canonical text form: a versioned URL query string. The same string is the
// studio's share link and the CLI's input. One table drives encoding and decoding: short stable
// keys, enums by name, only the fields that differ from the preset, and always the seed.
// Decoding never throws: a bad or unknown key falls back to the default and is reported.
import {
  DATASETS, DEFAULT_PRESET, DISTRIBUTIONS, GROWTHS, METHODS, MOMENT_RULES, NEURON_PRUNE_SCORES, PRESETS, TOKEN_SELECTORS, UNIT_INITS, UNIT_ROUNDINGS, presetConfig, validateConfig,
  type ConfigIssue, type ExperimentConfig, type PresetName,
} from './config';

export const URL_VERSION = 1;

/**
 * The fixed reasons a link's text is reported as ignored, in one place: another decoder of the
 * format (a Python one) gives the same list, so each is plain and short.
 */
export const REASONS = {
  afterHash: 'text after # is not part of the experiment',
  beforeQuestion: 'text before ? is not part of the experiment',
  doubledQuestion: 'a doubled ?; read as one',
  unknownKey: 'unknown key',
  inexactWhole: 'too many digits to hold exactly',
} as const;

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
  { field: 'unitFraction', key: 'ua', type: float },
  { field: 'unitRounding', key: 'ur', type: oneOf(UNIT_ROUNDINGS) },
  { field: 'unitCap', key: 'uc', type: int },
  { field: 'unitInit', key: 'ui', type: oneOf(UNIT_INITS) },
  { field: 'unitProtect', key: 'up', type: int },
  { field: 'unitGrowth', key: 'ug', type: oneOf(GROWTHS) },
  { field: 'neuronPrune', key: 'np', type: oneOf(NEURON_PRUNE_SCORES) },
  { field: 'tokenSelector', key: 'tsel', type: oneOf(TOKEN_SELECTORS) },
  { field: 'tokenTauStart', key: 'tau0', type: float },
  { field: 'tokenTauEnd', key: 'tau1', type: float },
  { field: 'tokenNoise', key: 'tn', type: float },
  { field: 'tokenPrior', key: 'tpr', type: float },
  { field: 'tokenLr', key: 'tlr', type: float },
];

/** Keys the studio itself reads from a link (not part of the experiment). */
export const UI_KEYS = ['run', 'backend', 'panel', 'theme', 'data', 'sweep', 'seeds'] as const;

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

/** A value as a link writes it. Whole numbers ≥ 1e21 are written out in digits: String() would give
 * `1e+21`, which the whole-number parser (rightly) refuses. */
function format(v: unknown): string {
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (typeof v === 'number' && Number.isInteger(v) && Math.abs(v) >= 1e21) return BigInt(v).toString();
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
      const digits = raw.trim();
      if (!/^-?\d+$/.test(digits)) return `not a whole number`;
      const value = Number(digits);
      // Past 2^53 a double rounds most whole numbers: refuse those rather than change them silently.
      if (!Number.isSafeInteger(value) && BigInt(value) !== BigInt(digits)) return REASONS.inexactWhole;
      return { value };
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

/** The query and fragment of a full URL, '?query', '#query' or a bare query string, and what of
 * the link is not read: text before a '?' that is not a URL (`aug?v=1`), a doubled '?' (`??v=1`).
 * A '?' after an '=' or '&' is part of a value (`note=why?`), not the start of a URL's query. */
function splitLink(link: string): { query: string; fragment: string; unread: IgnoredKey[] } {
  const s = link.trim();
  const unread: IgnoredKey[] = [];
  if (s.startsWith('#')) return { query: s.slice(1), fragment: '', unread };
  const h = s.indexOf('#');
  const [body, fragment] = h < 0 ? [s, ''] : [s.slice(0, h), s.slice(h + 1)];
  const q = body.indexOf('?');
  if (q >= 0 && !/[=&]/.test(body.slice(0, q))) {
    const before = body.slice(0, q);
    // A URL's address has a '/', ':' or '.'; a bare word is a setting written on the wrong side.
    if (before && !/[/:.]/.test(before)) unread.push({ key: before, value: '', reason: REASONS.beforeQuestion });
    let query = body.slice(q + 1);
    if (query.startsWith('?')) {
      unread.push({ key: '??', value: '', reason: REASONS.doubledQuestion });
      query = query.replace(/^\?+/, '');
    }
    return { query, fragment, unread };
  }
  if (q < 0 && /^[a-z][a-z\d+.-]*:\/\//i.test(body)) return { query: '', fragment, unread }; // a URL without a query
  return { query: body, fragment, unread };
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

const given = (what: string, used: string): string => `${what} is given again later in the link; using the later ${used}`;

export function decodeConfig(link: string): DecodedLink {
  const { query, fragment, unread } = splitLink(link);
  const pairs = parseQuery(query);
  const ignored: IgnoredKey[] = [...unread];
  if (fragment) ignored.push({ key: '#', value: fragment, reason: REASONS.afterHash });
  // v and p decide how the rest reads, so they are taken first; the last one given counts.
  const lastOf = (k: string): string | null => {
    const all = pairs.filter(([key]) => key === k);
    for (const [, value] of all.slice(0, -1)) ignored.push({ key: k, value, reason: given(k, `${k}=${all[all.length - 1][1]}`) });
    return all.length ? all[all.length - 1][1] : null;
  };
  const version = lastOf('v');
  if (version !== null && version !== String(URL_VERSION))
    ignored.push({ key: 'v', value: version, reason: `link version ${version}; this studio reads version ${URL_VERSION}, fields it does not know are ignored` });
  const presetRaw = lastOf('p');
  let preset: PresetName = DEFAULT_PRESET;
  if (presetRaw !== null) {
    if ((PRESETS as readonly string[]).includes(presetRaw)) preset = presetRaw as PresetName;
    else ignored.push({ key: 'p', value: presetRaw, reason: `unknown preset; using ${DEFAULT_PRESET} (presets: ${PRESETS.join(', ')})` });
  }
  const config = presetConfig(preset);
  const set = (field: keyof ExperimentConfig, value: unknown): void => {
    (config as unknown as Record<string, unknown>)[field] = value;
  };
  const extras: Record<string, string> = {};
  let seedFrom: { key: string; raw: string } | undefined;
  const fromLink = new Map<keyof ExperimentConfig, { key: string; raw: string }>();
  for (const [key, raw] of pairs) {
    if (key === 'v' || key === 'p') continue;
    if ((UI_KEYS as readonly string[]).includes(key)) {
      if (key in extras) ignored.push({ key, value: extras[key], reason: given(key, `${key}=${raw}`) });
      extras[key] = raw;
      continue;
    }
    if (key === 's' || key === 'seed') {
      const n = Number(raw);
      if (!/^\d+$/.test(raw) || n >= 2 ** 32) {
        ignored.push({ key, value: raw, reason: `seed must be a whole number in [0, 2^32); using ${config.seed}` });
        continue;
      }
      if (seedFrom) ignored.push({ key: seedFrom.key, value: seedFrom.raw, reason: given('seed', `${key}=${raw}`) });
      seedFrom = { key, raw };
      config.seed = n;
      continue;
    }
    const f = fieldByName(key);
    if (!f) {
      ignored.push({ key, value: raw, reason: REASONS.unknownKey });
      continue;
    }
    const parsed = parseFieldValue(f, raw);
    if (typeof parsed === 'string') {
      ignored.push({ key, value: raw, reason: `${f.field}: ${parsed}; using ${format(config[f.field])}` });
      continue;
    }
    const before = fromLink.get(f.field);
    if (before) ignored.push({ key: before.key, value: before.raw, reason: given(f.field, `${key}=${raw}`) });
    set(f.field, parsed.value);
    fromLink.set(f.field, { key, raw });
  }
  putBackUntilValid(config, fromLink, ignored);
  return { config, ignored, extras };
}

/** Values that parse but cannot run together: put the link's fields back to the preset's, one at a
 * time, until the config validates. The preset itself is valid, so this ends (at worst with every
 * field from the link put back); each round removes one link field, so no round cap is needed. */
function putBackUntilValid(config: ExperimentConfig, fromLink: Map<keyof ExperimentConfig, { key: string; raw: string }>, ignored: IgnoredKey[]): void {
  const base = presetConfig(config.preset);
  for (let issues = validateConfig(config); issues.length && fromLink.size; issues = validateConfig(config)) {
    const field = culprit(config, issues, [...fromLink.keys()], base);
    // The reason is an issue this put-back resolves (ds=mnist resolves the image-size clash, not
    // the head count's), preferring one that names the field.
    const after = new Set(validateConfig({ ...config, [field]: base[field] }).map((i) => i.message));
    const resolved = issues.filter((i) => !after.has(i.message));
    const issue = resolved.find((i) => i.field === field) ?? resolved[0] ?? issues.find((i) => i.field === field) ?? issues[0];
    const { key, raw } = fromLink.get(field)!;
    ignored.push({ key, value: raw, reason: `${issue.message}; using the preset's ${field} ${format(base[field])}` });
    (config as unknown as Record<string, unknown>)[field] = base[field];
    fromLink.delete(field);
  }
}

/** The link field to put back: the one whose put-back alone leaves the fewest issues, so that as much
 * of the link as possible is kept (`img=32&ps=8&ds=mnist` on tiny loses only ds, though imageSize is
 * the field flagged); on a tie, one an issue names (`ds=mnist` alone is flagged on imageSize), then
 * the last one set. */
function culprit(config: ExperimentConfig, issues: ConfigIssue[], linkFields: (keyof ExperimentConfig)[], base: ExperimentConfig): keyof ExperimentConfig {
  let best = linkFields[linkFields.length - 1], bestScore = Infinity;
  for (const f of linkFields) {
    const score = 2 * validateConfig({ ...config, [f]: base[f] }).length + (issues.some((i) => i.field === f) ? 0 : 1);
    if (score <= bestScore) [best, bestScore] = [f, score];
  }
  return best;
}

/** At most this many ignored settings are listed, each value cut to VALUE_CHARS (a 1 MB link must
 * not become a 1 MB notice); `more` counts the rest. */
export const NOTICE_ITEMS = 12;
const VALUE_CHARS = 80;

/** Control characters as the link escapes them (%07), so a notice cannot ring, erase or restyle a terminal. */
const escapeControls = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, (ch) => encodeURIComponent(ch));

export function noticeOf(ignored: readonly IgnoredKey[]): { shown: IgnoredKey[]; more: number } {
  const clip = (raw: string, n = VALUE_CHARS): string => {
    const s = escapeControls(raw);
    return s.length <= n ? s : `${s.slice(0, n)}… (${s.length} characters)`;
  };
  return {
    // A reason quotes at most a few values, so it may be a few times longer than one.
    shown: ignored.slice(0, NOTICE_ITEMS).map((i) => ({ key: clip(i.key), value: clip(i.value), reason: clip(i.reason, 4 * VALUE_CHARS) })),
    more: Math.max(0, ignored.length - NOTICE_ITEMS),
  };
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
