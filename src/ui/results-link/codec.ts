// The results of a finished run in a link's fragment (`#r=…`, never sent to a server): a versioned
// summary (final metrics, downsampled curves, the final density map, live heads and neurons, FLOPs,
// backend, time, and the config with its seed) as JSON, deflated (fflate) and base64url-encoded.
// The config also stays in the link's query, so a garbled fragment still loads the experiment.
// Decoding never trusts the text: every field is checked, and a failure says what is wrong.
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { decodeConfig } from '../../engine/config-url';
import type { ExperimentConfig } from '../../engine/config';
import { COMPONENTS, type FlopsTotals } from '../../engine/flops';
import { mlpHidden } from '../../engine/facts';

export const RESULTS_VERSION = 1;
export const RESULTS_KEY = 'r';
/** Points kept per curve: enough to draw it, small enough for the link. */
export const CURVE_POINTS = 96;
/** Larger fragments are refused: they would not survive chat apps and some browsers. */
export const MAX_FRAGMENT_CHARS = 8192;
/** Neuron maps up to this many bits go in whole; larger ones are binned (see neuronBins). */
export const EXACT_NEURON_BITS = 20_000;
const NEURON_BINS = 4096;

/** The neuron map for the link: whole, or binned when it would not fit. */
export function neuronField(alive: Uint8Array | null, depth: number, hidden: number): Pick<ResultsSummary, 'neurons' | 'neuronBins'> {
  if (!alive) return { neurons: null };
  if (alive.length <= EXACT_NEURON_BITS) return { neurons: packBits(alive) };
  const width = Math.ceil(alive.length / NEURON_BINS);
  const perBlock = Math.ceil(hidden / width);
  const levels = new Uint8Array(Math.ceil((depth * perBlock) / 2));
  const live: number[] = [];
  for (let b = 0; b < depth; b++) {
    let total = 0;
    for (let k = 0; k < perBlock; k++) {
      const from = b * hidden + k * width, to = b * hidden + Math.min(hidden, (k + 1) * width);
      let n = 0;
      for (let i = from; i < to; i++) n += alive[i];
      total += n;
      const i = b * perBlock + k;
      levels[i >> 1] |= Math.round((15 * n) / (to - from)) << ((i & 1) * 4);
    }
    live.push(total);
  }
  return { neurons: null, neuronBins: { width, levels: toBase64(levels, false), live } };
}

/** A binned neuron map back as a bitmap for drawing: each bin's share of live neurons, first ones live. */
function unbin(bins: { width: number; levels: string }, depth: number, hidden: number): Uint8Array {
  const perBlock = Math.ceil(hidden / bins.width);
  const levels = fromBase64(bins.levels, false);
  if (levels.length !== Math.ceil((depth * perBlock) / 2)) throw new ResultsLinkError(`neuronBins holds ${levels.length * 2} bins, expected ${depth * perBlock}`);
  const out = new Uint8Array(depth * hidden);
  for (let b = 0; b < depth; b++) {
    for (let k = 0; k < perBlock; k++) {
      const i = b * perBlock + k;
      const from = b * hidden + k * bins.width, size = Math.min(hidden, (k + 1) * bins.width) - k * bins.width;
      const n = Math.round((((levels[i >> 1] >> ((i & 1) * 4)) & 15) * size) / 15);
      out.fill(1, from, from + n);
    }
  }
  return out;
}

export interface ResultsSummary {
  v: typeof RESULTS_VERSION;
  /** The run's config as its canonical query string (seed included). */
  config: string;
  step: number;
  test: { accuracy: number | null; loss: number; images: number };
  /** [step, value] rows, downsampled. */
  loss: [number, number][];
  evals: [number, number | null, number][];
  density: [number, number][];
  /** Final density per weight layer (timm name). */
  layers: Record<string, number>;
  globalDensity: number;
  /** depth × numHeads and depth × hidden, 1 = live, as base64 bitsets; null when not recorded. */
  heads: string | null;
  neurons: string | null;
  /** A neuron map too large for the link (paper-scale models): live fraction per bin of `width`
   *  neurons (within a block) in 16 levels, and the exact live count per block. */
  neuronBins?: { width: number; levels: string; live: number[] };
  flops: { dense: number; theoretical: number; executed: number; byComponent: Record<string, FlopsTotals> };
  backend: string;
  elapsedMs: number;
}

export class ResultsLinkError extends Error {
  override name = 'ResultsLinkError';
}

/** Every `stride`-th row and always the last, so at most `max` rows remain. */
export function downsample<T>(rows: T[], max = CURVE_POINTS): T[] {
  if (rows.length <= max) return rows;
  const stride = Math.ceil((rows.length - 1) / (max - 1));
  const out = rows.filter((_, i) => i % stride === 0);
  if (out.at(-1) !== rows.at(-1)) out.push(rows.at(-1) as T);
  return out;
}

/** Four significant digits: what a chart or a table shows, a third of the characters. */
export const round = (v: number): number => (Number.isFinite(v) ? Number(v.toPrecision(4)) : v);

export function packBits(bits: Uint8Array): string {
  const bytes = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) if (bits[i]) bytes[i >> 3] |= 1 << (i & 7);
  return toBase64(bytes, false);
}

export function unpackBits(text: string, n: number): Uint8Array {
  const bytes = fromBase64(text, false);
  if (bytes.length !== Math.ceil(n / 8)) throw new ResultsLinkError(`a bitset holds ${bytes.length * 8} bits, expected ${n}`);
  return Uint8Array.from({ length: n }, (_, i) => (bytes[i >> 3] >> (i & 7)) & 1);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function toBase64(bytes: Uint8Array, url: boolean): string {
  const abc = B64 + (url ? '-_' : '+/');
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((bytes.length - i) * 8) / 6));
    for (let k = 0; k < chars; k++) out += abc[(n >> (18 - 6 * k)) & 63];
  }
  return out;
}

function fromBase64(text: string, url: boolean): Uint8Array {
  const abc = B64 + (url ? '-_' : '+/');
  if (text.length % 4 === 1) throw new ResultsLinkError('the text is cut off (its length cannot be base64)');
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let acc = 0, bits = 0, j = 0;
  for (const ch of text) {
    const v = abc.indexOf(ch);
    if (v < 0) throw new ResultsLinkError(`it holds ${JSON.stringify(ch)}, which base64${url ? 'url' : ''} does not use`);
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (acc >> bits) & 255;
    }
  }
  return out;
}

/** The fragment's value (without `#r=`). */
export function encodeResults(s: ResultsSummary): string {
  return `${RESULTS_VERSION}.${toBase64(deflateSync(strToU8(JSON.stringify(s)), { level: 9 }), true)}`;
}

export interface DecodedResults {
  summary: ResultsSummary;
  config: ExperimentConfig;
  headsAlive: Uint8Array | null;
  neuronsAlive: Uint8Array | null;
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isRows = (v: unknown, width: number, nullable = false): boolean => Array.isArray(v) && v.length <= 4 * CURVE_POINTS &&
  v.every((r) => Array.isArray(r) && r.length === width && r.every((x, i) => isNum(x) || (nullable && i === 1 && x === null)));

/** Reads a fragment value back; throws ResultsLinkError saying what is wrong. */
export function decodeResults(value: string): DecodedResults {
  const fail = (what: string): never => {
    throw new ResultsLinkError(what);
  };
  if (value.length > MAX_FRAGMENT_CHARS) fail(`it is ${value.length} characters long, more than a results link ever is (${MAX_FRAGMENT_CHARS})`);
  const dot = value.indexOf('.');
  const version = dot > 0 ? value.slice(0, dot) : '';
  if (!/^\d+$/.test(version)) fail('it does not start with a version number');
  if (Number(version) !== RESULTS_VERSION) fail(`it was written in version ${version}; this studio reads version ${RESULTS_VERSION}`);
  let json: string;
  try {
    json = strFromU8(inflateSync(fromBase64(value.slice(dot + 1), true)));
  } catch (e) {
    return fail(e instanceof ResultsLinkError ? e.message : 'its compressed data is damaged (the link was probably cut or edited)');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return fail('its summary is not valid JSON');
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return fail('its summary is not an object');
  const s = raw as Record<string, unknown>;
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  need(s.v === RESULTS_VERSION, `v is ${JSON.stringify(s.v)}, expected ${RESULTS_VERSION}`);
  need(typeof s.config === 'string', 'config is missing');
  const decoded = typeof s.config === 'string' ? decodeConfig(s.config) : null;
  if (decoded?.ignored.length) problems.push(`config: ${decoded.ignored.map((i) => `${i.key}=${i.value} (${i.reason})`).join('; ')}`);
  need(isNum(s.step) && s.step >= 0, 'step is not a step count');
  const t = s.test as Record<string, unknown> | undefined;
  need(typeof t === 'object' && t !== null && (t.accuracy === null || (isNum(t.accuracy) && t.accuracy >= 0 && t.accuracy <= 1)) && isNum(t.loss) && isNum(t.images),
    'test must hold accuracy (0..1 or null), loss and images');
  need(isRows(s.loss, 2), 'loss must be [step, value] rows');
  need(isRows(s.evals, 3, true), 'evals must be [step, accuracy, loss] rows');
  need(isRows(s.density, 2), 'density must be [step, value] rows');
  const layers = s.layers;
  need(typeof layers === 'object' && layers !== null && !Array.isArray(layers) && Object.values(layers).every(isNum), 'layers must map layer names to densities');
  need(isNum(s.globalDensity), 'globalDensity is not a number');
  const f = s.flops as Record<string, unknown> | undefined;
  const bc = f?.byComponent as Record<string, Record<string, unknown>> | undefined;
  need(typeof f === 'object' && f !== null && isNum(f.dense) && isNum(f.theoretical) && isNum(f.executed) && typeof bc === 'object' && bc !== null &&
    COMPONENTS.every((k) => typeof bc[k] === 'object' && bc[k] !== null && isNum(bc[k].dense) && isNum(bc[k].theoretical) && isNum(bc[k].executed)),
  `flops must hold dense, theoretical, executed and byComponent (${COMPONENTS.join(', ')})`);
  need(typeof s.backend === 'string' && s.backend.length < 40, 'backend is not a name');
  need(isNum(s.elapsedMs), 'elapsedMs is not a number');
  const c = decoded?.config;
  const bitset = (key: 'heads' | 'neurons', n: number): Uint8Array | null => {
    const v = s[key];
    if (v === null) return null;
    if (typeof v !== 'string') return (problems.push(`${key} must be a bitset or null`), null);
    try {
      return unpackBits(v, n);
    } catch (e) {
      problems.push(`${key}: ${(e as Error).message}`);
      return null;
    }
  };
  const headsAlive = c ? bitset('heads', c.depth * c.numHeads) : null;
  const bins = s.neuronBins as ResultsSummary['neuronBins'] | undefined;
  let neuronsAlive = c ? bitset('neurons', c.depth * mlpHidden(c)) : null;
  if (c && bins !== undefined) {
    if (typeof bins !== 'object' || bins === null || !isNum(bins.width) || bins.width < 1 || typeof bins.levels !== 'string' ||
      !Array.isArray(bins.live) || bins.live.length !== c.depth || !bins.live.every(isNum)) problems.push('neuronBins must hold width, levels and live counts per block');
    else {
      try {
        neuronsAlive = unbin(bins, c.depth, mlpHidden(c));
      } catch (e) {
        problems.push((e as Error).message);
      }
    }
  }
  if (problems.length || !c) fail(`its summary is invalid:\n  - ${problems.join('\n  - ')}`);
  return { summary: s as unknown as ResultsSummary, config: c as ExperimentConfig, headsAlive, neuronsAlive };
}
