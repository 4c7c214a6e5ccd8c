// Training checkpoints: one safetensors file with everything a run needs to go on bit-exactly
// (parameters, AdamW moments, sparsity state, every random stream, the data cursor, the losses so
// far), its experiment config and step in the metadata. Unlike a model file (checkpoint.ts) it is
// not meant for other tools: its tensor names are the trainer's internal state.
import { presetConfig, type ExperimentConfig } from '../config';
import type { Dataset } from '../data/types';
import { CHECKPOINT_FORMAT, CheckpointError, TRAINING_CHECKPOINT_FAMILY } from './checkpoint';
import { decodeSafetensors, decodeSafetensorsMetadata, encodeSafetensors, SafetensorsError } from './safetensors';
import { StateReader, StateWriter } from './state-bundle';
import { readStoredConfig } from './stored-config';

export { CheckpointError };
export const TRAINING_CHECKPOINT_FORMAT = `${TRAINING_CHECKPOINT_FAMILY}1`;

export interface CheckpointHeader {
  format: string;
  config: ExperimentConfig;
  /** Steps done when it was written. */
  step: number;
  /** Steps added past config.steps by Continue (absent when none): the run ends at steps + continued. */
  continued?: number;
  /** What the writer added (e.g. the CLI's evaluations so far), by key. */
  extra: Record<string, string>;
}

/** The config's fields in its preset's order: the same config always writes the same bytes. */
const canonicalJson = (c: ExperimentConfig): string =>
  JSON.stringify(Object.fromEntries(Object.keys(presetConfig(c.preset)).map((k) => [k, c[k as keyof ExperimentConfig]])));

const FNV_START = 0x811c9dc5;
/** FNV-1a, 32 bits. Each step is a bijection of the running hash, so any single changed value changes the result. */
function fnv1a(h: number, values: ArrayLike<number>): number {
  for (let i = 0; i < values.length; i++) h = Math.imul(h ^ values[i], 0x01000193);
  return h;
}
const codes = (s: string): number[] => Array.from(s, (ch) => ch.codePointAt(0)!);

/** FNV-1a over the training labels: catches resuming on another data set of the same size cheaply. */
export function dataFingerprint(d: Dataset): string {
  return `${d.name}:${d.train.count}:${(fnv1a(FNV_START, d.train.labels) >>> 0).toString(16)}`;
}

/** What the checksum covers: the metadata that drives the run, then the data region's bytes. */
const CHECKED_KEYS = ['config', 'step', 'state', 'extra'] as const;
function checksum(metadata: Record<string, string>, data: Uint8Array[]): string {
  let h = FNV_START;
  for (const k of CHECKED_KEYS) h = fnv1a(h, codes(`${k}=${metadata[k] ?? ''};`));
  // Only in continued runs' files: checkpoints written before Continue existed keep their checksum.
  if (metadata.continued !== undefined) h = fnv1a(h, codes(`continued=${metadata.continued};`));
  for (const d of data) h = fnv1a(h, d);
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function encodeTrainingCheckpoint(head: Omit<CheckpointHeader, 'format'>, w: StateWriter): Uint8Array {
  const metadata: Record<string, string> = {
    format: TRAINING_CHECKPOINT_FORMAT,
    config: canonicalJson(head.config),
    step: String(head.step),
    state: JSON.stringify(w.values),
    extra: JSON.stringify(head.extra),
    ...(head.continued ? { continued: String(head.continued) } : {}),
  };
  // The data region is the tensors' bytes in this order (safetensors.ts writes them so).
  metadata.checksum = checksum(metadata, w.tensors.map((t) => new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength)));
  return encodeSafetensors(w.tensors, metadata);
}

function headerOf(metadata: Record<string, string>, fail: (what: string) => never): CheckpointHeader {
  const format = metadata.format;
  if (format === CHECKPOINT_FORMAT)
    fail('is a model file (from export or --save), not a training checkpoint: it has no optimizer or data state to resume from. Evaluate it with `cli eval`, or start a new run');
  if (format?.startsWith(TRAINING_CHECKPOINT_FAMILY) && format !== TRAINING_CHECKPOINT_FORMAT)
    fail(`was written in checkpoint format '${format}'; this version reads '${TRAINING_CHECKPOINT_FORMAT}'`);
  if (format !== TRAINING_CHECKPOINT_FORMAT)
    fail('is not a training checkpoint (its metadata names no checkpoint format): resume only from files written by --checkpoint or the studio');
  const json = metadata.config ?? fail("has no 'config' metadata");
  const { config, notes } = readStoredConfig(json, fail);
  // A model file may put back a bad training-only field; a run that continues must not change.
  if (notes.length) fail(`its config cannot be resumed as written:\n  - ${notes.join('\n  - ')}`);
  const continued = Number(metadata.continued ?? 0);
  if (!(Number.isSafeInteger(continued) && continued >= 0))
    fail(`metadata 'continued' is ${JSON.stringify(metadata.continued)}, expected a whole number of steps added by Continue`);
  const step = Number(metadata.step);
  if (!(Number.isSafeInteger(step) && step >= 0 && step <= config.steps + continued))
    fail(`metadata 'step' is ${JSON.stringify(metadata.step)}, expected a whole number from 0 to steps (${config.steps + continued})`);
  let extra: unknown = {};
  try {
    extra = JSON.parse(metadata.extra ?? '{}');
  } catch {
    fail("metadata 'extra' is not valid JSON");
  }
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra) || Object.values(extra).some((v) => typeof v !== 'string'))
    fail("metadata 'extra' is not an object of strings");
  return { format, config, step, extra: extra as Record<string, string>, ...(continued ? { continued } : {}) };
}

const failer = (fileName: string) => (what: string): never => {
  throw new CheckpointError(`${fileName}: ${what}`);
};

/** Framing errors of the file itself read as checkpoint errors, naming the file. */
function asCheckpointError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    throw e instanceof SafetensorsError ? new CheckpointError(e.message) : e;
  }
}

/** Config, step and format only: reads the header, copies no tensor. */
export function readCheckpointHeader(bytes: Uint8Array, fileName = 'checkpoint'): CheckpointHeader {
  return headerOf(asCheckpointError(() => decodeSafetensorsMetadata(bytes, fileName)), failer(fileName));
}

export function decodeTrainingCheckpoint(bytes: Uint8Array, fileName = 'checkpoint'): { header: CheckpointHeader; state: StateReader } {
  const fail = failer(fileName);
  const { tensors, metadata } = asCheckpointError(() => decodeSafetensors(bytes, fileName));
  const header = headerOf(metadata, fail);
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true); // < 100 MB: decoded above
  const sum = checksum(metadata, [bytes.subarray(8 + headerLen)]);
  if (metadata.checksum !== sum)
    fail(`is damaged: its checksum is ${JSON.stringify(metadata.checksum)} but its contents sum to "${sum}" (a partial copy or a changed byte). Use an intact copy, or start the run again`);
  let values: unknown;
  try {
    values = JSON.parse(metadata.state ?? 'null');
  } catch {
    fail("metadata 'state' is not valid JSON");
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) fail("has no 'state' metadata: it is not a complete training checkpoint");
  return { header, state: new StateReader(tensors, values as Record<string, unknown>, fail) };
}
