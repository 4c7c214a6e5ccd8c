// Model files: safetensors under exact timm names, weights in PyTorch layout, masks as
// `<weight>.mask` (U8, 1 = active), the experiment config and S²ViTE's live units in metadata.
// A compact file physically drops removed heads and neurons; import re-expands it with zeros.
// Import also takes a plain timm state dict (no metadata) when the caller supplies the config.
import { METHODS, validateConfig, type ExperimentConfig, type Method, type ModelConfig } from '../config';
import { readStoredConfig } from './stored-config';
import { mlpHidden } from '../facts';
import { paramSpecs, POSITION_BIAS, type ParamSpec } from '../model/params';
import {
  aliveFromUnits, blockUnits, compactShape, compactTensor, compactionOf, expandTensor, parseUnits,
  unitsFromAlive, type BlockUnits,
} from './compact';
import { decodeSafetensors, encodeSafetensors, toFloat32, type NamedTensor, type SafeTensor } from './safetensors';
import { sizeOf } from '../facts/shape';
import { fromTimmLayout, toTimmLayout } from './timm-layout';
import { PRETRAINED_CFG_KEY, pretrainedCfgJson, readPretrainedCfg, type DataFacts, type Preprocessing } from './pretrained-cfg';

export const CHECKPOINT_FORMAT = 'sparse-vit-studio/1';
/** Training checkpoints' formats (training-checkpoint.ts) start so: a model import names them. */
export const TRAINING_CHECKPOINT_FAMILY = 'sparse-vit-studio/checkpoint/';
export type Layout = 'dense' | 'compact';
const MASK = '.mask';

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export interface ExportArgs {
  config: ExperimentConfig;
  specs: ParamSpec[];
  /** Our layout, keyed by timm name. */
  params: Map<string, Float32Array>;
  /** Our layout, 1 = active, for sparse weights only. */
  masks?: Map<string, Uint8Array>;
  /** depth × numHeads, 1 = live. */
  headsAlive?: Uint8Array;
  /** depth × MLP hidden, 1 = live. */
  neuronsAlive?: Uint8Array;
  /** Drop removed heads and neurons physically. */
  compact?: boolean;
  /** Normalisation and class names of the training data, stored as timm's `pretrained_cfg`. */
  data?: DataFacts;
}

export interface ImportOptions {
  /** Used when the file carries no config of its own (e.g. a plain timm state dict). */
  config?: ExperimentConfig;
}

export interface ImportedModel {
  config: ExperimentConfig;
  /** Training-only fields of the stored config that were put back to their preset's values. */
  configNotes: string[];
  method: Method;
  layout: Layout;
  specs: ParamSpec[];
  /** The file holds the SViTE+ token selector (`token_selector.score.*`). */
  hasSelector: boolean;
  /** Our full layout; removed units of a compact file are zeros. */
  params: Map<string, Float32Array>;
  /** Our full layout; only the masks the file holds. */
  masks: Map<string, Uint8Array>;
  /** depth × numHeads / depth × hidden, 1 = live; null when the file does not record them. */
  headsAlive: Uint8Array | null;
  neuronsAlive: Uint8Array | null;
  /** timm's `pretrained_cfg` (mean, std, input size, classes); null for files written before it was stored. */
  preprocessing: Preprocessing | null;
  metadata: Record<string, string>;
}

const MODEL_FIELDS: (keyof ModelConfig)[] = ['imageSize', 'patchSize', 'inChans', 'numClasses', 'embedDim', 'depth', 'numHeads', 'mlpRatio'];
const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'];

const describe = (c: ModelConfig): string =>
  `embedDim ${c.embedDim}, depth ${c.depth}, ${c.numHeads} heads, MLP hidden ${mlpHidden(c)}, ` +
  `patch ${c.patchSize} on ${c.imageSize}×${c.imageSize}×${c.inChans}, ${c.numClasses} classes`;

const listNames = (names: string[], max = 8): string =>
  names.slice(0, max).join(', ') + (names.length > max ? `, … (+${names.length - max} more)` : '');

/** Names of the tensors holding NaN or ±Infinity: a diverged model must not pass as a model. */
function nonFinite(params: Map<string, Float32Array>): string[] {
  return [...params].filter(([, v]) => !v.every(Number.isFinite)).map(([name]) => name);
}
/** The tensor holding the largest |value|, and that value: where to look when finite weights give non-finite outputs. */
export function largestWeight(params: ReadonlyMap<string, Float32Array>): { name: string; value: number } | null {
  let best: { name: string; value: number } | null = null;
  for (const [name, v] of params)
    for (let i = 0; i < v.length; i++) if (!best || Math.abs(v[i]) > Math.abs(best.value)) best = { name, value: v[i] };
  return best;
}

const nonFiniteText = (names: string[]): string =>
  `${names.length} tensor(s) hold NaN or infinite values (the training diverged): ${listNames(names)}`;

export function exportModel(args: ExportArgs): Uint8Array {
  const { config: c, specs, params, masks = new Map<string, Uint8Array>() } = args;
  const hidden = mlpHidden(c);
  const problems: string[] = [];
  if (args.headsAlive && args.headsAlive.length !== c.depth * c.numHeads)
    problems.push(`headsAlive has ${args.headsAlive.length} entries, expected depth×numHeads = ${c.depth * c.numHeads}`);
  if (args.neuronsAlive && args.neuronsAlive.length !== c.depth * hidden)
    problems.push(`neuronsAlive has ${args.neuronsAlive.length} entries, expected depth×hidden = ${c.depth * hidden}`);
  const byName = new Map(specs.map((s) => [s.name, s]));
  for (const [name, m] of masks) {
    const s = byName.get(name);
    if (!s?.sparse) problems.push(`mask for "${name}", which is not a sparse weight`);
    else if (m.length !== sizeOf(s.shape)) problems.push(`mask "${name}" has ${m.length} entries, expected ${sizeOf(s.shape)}`);
  }
  for (const s of specs) {
    const p = params.get(s.name);
    if (!p) problems.push(`parameter "${s.name}" is missing`);
    else if (p.length !== sizeOf(s.shape)) problems.push(`parameter "${s.name}" has ${p.length} values, expected ${sizeOf(s.shape)} ([${s.shape}])`);
  }
  const bad = nonFinite(params);
  if (bad.length) problems.push(nonFiniteText(bad));
  const cfgJson = args.data && pretrainedCfgJson(c, args.data);
  if (cfgJson) {
    try {
      readPretrainedCfg(cfgJson, c, (what) => { throw new CheckpointError(what); });
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  if (problems.length) throw new CheckpointError(`cannot export the model:\n  - ${problems.join('\n  - ')}`);

  const heads = unitsFromAlive(args.headsAlive, c.depth, c.numHeads);
  const neurons = unitsFromAlive(args.neuronsAlive, c.depth, hidden);
  const units = args.compact ? blockUnits(heads, neurons) : null;
  const toFile = (name: string, spec: ParamSpec, data: Float32Array | Uint8Array): NamedTensor => {
    let out = toTimmLayout(spec, data);
    let shape = spec.timmShape;
    const k = units && compactionOf(name, c, units);
    if (k) [out, shape] = [compactTensor(out, shape, k), compactShape(shape, k)];
    return out instanceof Float32Array ? { name, dtype: 'F32', shape, data: out } : { name, dtype: 'U8', shape, data: out };
  };
  // Float tensors first, masks after: every F32 tensor then starts 4-byte aligned in the file.
  const tensors = specs.map((s) => toFile(s.name, s, params.get(s.name) as Float32Array));
  for (const s of specs) {
    const m = masks.get(s.name);
    if (m) tensors.push(toFile(s.name + MASK, s, m));
  }
  const metadata: Record<string, string> = {
    format: CHECKPOINT_FORMAT,
    config: JSON.stringify(c),
    method: c.method,
    layout: args.compact ? 'compact' : 'dense',
    // timm's VisionTransformer arguments that the weights alone do not say (the head reads the cls token).
    class_token: 'true',
    global_pool: 'token',
  };
  if (args.headsAlive || args.compact) metadata.heads = JSON.stringify(heads);
  if (args.neuronsAlive || args.compact) metadata.neurons = JSON.stringify(neurons);
  if (cfgJson) metadata[PRETRAINED_CFG_KEY] = cfgJson;
  return encodeSafetensors(tensors, metadata);
}

/** A caller-supplied config (a plain timm file): only its model part must hold. */
function checkModel(c: ExperimentConfig, fail: (what: string) => never): void {
  const issues = validateConfig(c).filter((i) => (MODEL_FIELDS as string[]).includes(i.field));
  if (issues.length) fail(`the model config is invalid:\n  - ${issues.map((i) => i.message).join('\n  - ')}`);
}

export function importModel(bytes: Uint8Array, fileName = 'file', options: ImportOptions = {}): ImportedModel {
  const fail = (what: string): never => {
    throw new CheckpointError(`${fileName}: ${what}`);
  };
  const { tensors, metadata } = decodeSafetensors(bytes, fileName);
  const ours = metadata.format?.startsWith('sparse-vit-studio/') ?? false;
  if (ours && metadata.format.startsWith(TRAINING_CHECKPOINT_FAMILY))
    fail('is a training checkpoint (for resuming a run), not a model file: resume it with `cli train --resume`, and save the model with --save');
  if (ours && metadata.format !== CHECKPOINT_FORMAT)
    fail(`was written in format '${metadata.format}'; this version of the studio reads '${CHECKPOINT_FORMAT}'`);
  const meta = (k: string): string | undefined => (ours ? metadata[k] : undefined);

  const stored = meta('config');
  const { config, notes } = stored !== undefined ? readStoredConfig(stored, fail) : { config: options.config
    ?? fail(ours ? "has no 'config' metadata: pass the model config to import it"
      : 'is not a Sparse ViT Studio file (a plain timm state dict?): pass the model config (embedDim, depth, numHeads, …) to import it'), notes: [] };
  if (stored === undefined) checkModel(config, fail);
  const method = (meta('method') ?? config.method) as Method;
  if (!METHODS.includes(method)) fail(`metadata 'method' is '${method}', expected one of ${METHODS.join(', ')}`);
  const layout = (meta('layout') ?? 'dense') as Layout;
  if (layout !== 'dense' && layout !== 'compact') fail(`metadata 'layout' is '${layout}', expected 'dense' or 'compact'`);
  const units = (key: string, count: number): number[][] | null => {
    const json = meta(key);
    if (json === undefined) return null;
    const u = parseUnits(json, key, config.depth, count);
    return typeof u === 'string' ? fail(u) : u;
  };
  const hidden = mlpHidden(config);
  const heads = units('heads', config.numHeads);
  const neurons = units('neurons', hidden);
  if (layout === 'compact' && (!heads || !neurons)) fail("compact layout without 'heads' and 'neurons' metadata: cannot restore removed units");
  const live = layout === 'compact' ? blockUnits(heads as number[][], neurons as number[][]) : null;

  const hasSelector = tensors.has('token_selector.score.weight') || tensors.has('token_selector.score.bias');
  const specs = paramSpecs(config, hasSelector, tensors.has(POSITION_BIAS));
  checkTensors(tensors, specs, config, live, fileName);

  const params = new Map<string, Float32Array>();
  const masks = new Map<string, Uint8Array>();
  for (const s of specs) {
    const k = live && compactionOf(s.name, config, live);
    const full = <T extends Float32Array | Uint8Array>(d: T): T => fromTimmLayout(s, k ? expandTensor(d, s.timmShape, k) : d);
    params.set(s.name, full(toFloat32(tensors.get(s.name) as SafeTensor) as Float32Array));
    const m = tensors.get(s.name + MASK);
    if (m) masks.set(s.name, full(m.data as Uint8Array));
  }
  const bad = nonFinite(params);
  if (bad.length) fail(nonFiniteText(bad));
  const cfg = meta(PRETRAINED_CFG_KEY);
  return {
    config, configNotes: notes, method, layout, specs, hasSelector, params, masks,
    headsAlive: heads && aliveFromUnits(heads, config.numHeads),
    neuronsAlive: neurons && aliveFromUnits(neurons, hidden),
    preprocessing: cfg === undefined ? null : readPretrainedCfg(cfg, config, fail),
    metadata,
  };
}

/** Every missing, unexpected, mis-typed or mis-shaped tensor, reported at once. */
function checkTensors(
  tensors: Map<string, SafeTensor>, specs: ParamSpec[], c: ExperimentConfig, live: BlockUnits[] | null, fileName: string,
): void {
  const expected = new Map<string, number[]>(); // name → shape in the file (timm layout, compacted)
  for (const s of specs) {
    const k = live && compactionOf(s.name, c, live);
    const shape = k ? compactShape(s.timmShape, k) : s.timmShape;
    expected.set(s.name, shape);
    if (s.sparse) expected.set(s.name + MASK, shape);
  }
  const problems: string[] = [];
  const missing = specs.map((s) => s.name).filter((n) => !tensors.has(n));
  if (missing.length) problems.push(`missing ${missing.length} tensor(s): ${listNames(missing)}`);
  const unexpected = [...tensors.keys()].filter((n) => !expected.has(n));
  if (unexpected.length) {
    const prefix = /^[^.]+\./.exec(unexpected[0])?.[0];
    const prefixed = prefix && unexpected.every((n) => n.startsWith(prefix) && expected.has(n.slice(prefix.length)));
    problems.push(`unexpected tensor(s): ${listNames(unexpected)}` +
      (prefixed ? ` (every name carries the prefix '${prefix}': save the state_dict of the bare model)` : ''));
  }
  for (const [name, shape] of expected) {
    const t = tensors.get(name);
    if (!t) continue;
    const isMask = name.endsWith(MASK);
    if (isMask ? t.dtype !== 'U8' && t.dtype !== 'BOOL' : !FLOAT_DTYPES.includes(t.dtype))
      problems.push(`${name} is ${t.dtype}, expected ${isMask ? 'U8 or BOOL' : FLOAT_DTYPES.join(', ')}`);
    else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i]))
      problems.push(`${name} has shape [${t.shape}], expected [${shape}]`);
    else if (isMask && (t.data as Uint8Array).some((v) => v > 1)) problems.push(`${name} holds values other than 0 and 1`);
  }
  if (problems.length) {
    const shown = problems.slice(0, 20);
    if (problems.length > shown.length) shown.push(`… and ${problems.length - shown.length} more`);
    throw new CheckpointError(
      `${fileName} does not fit the model (${describe(c)}${live ? ', compact layout' : ''}):\n  - ${shown.join('\n  - ')}`,
    );
  }
}
