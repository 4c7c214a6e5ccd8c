// A saved run as one file: its record, every flushed chunk (per-step scalars, evaluations, update
// events, sample images) and its snapshots, gzipped JSON. Typed arrays travel as base64 of their
// bytes and non-finite numbers as tags, so a run reads back exactly (JSON alone turns NaN into
// null). Importing checks the file before anything is written and never replaces a saved run.
import { gzipSync, strFromU8, strToU8 } from 'fflate';
import { validateConfig } from '../../engine/config';
import { gunzipIfNeeded } from '../../engine/data/gzip';
import type { ChunkRecord, RunRecord, SnapshotRecord } from './db';
import type { LoadedRun } from './history';

export const RUN_FILE_FORMAT = 'sparse-vit-studio/run/1';
export const RUN_FILE_SUFFIX = '.svrun.gz';

export class RunFileError extends Error {
  override name = 'RunFileError';
  constructor(file: string, why: string) {
    super(`${file}: ${why}`);
  }
}

const TYPED = { Float32Array, Int32Array, Uint8Array, Float64Array, Uint16Array } as const;
type TypedName = keyof typeof TYPED;

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const s = atob(text);
  const out = new Uint8Array(new ArrayBuffer(s.length));
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) return { $num: String(value) };
  for (const name of Object.keys(TYPED) as TypedName[]) {
    if (value instanceof TYPED[name]) {
      const v = value as ArrayBufferView;
      return { $typed: name, b64: toBase64(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) };
    }
  }
  return value;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function reviver(this: unknown, _key: string, value: unknown): unknown {
  if (!isObject(value)) return value;
  if (typeof value.$num === 'string' && Object.keys(value).length === 1) {
    if (!['NaN', 'Infinity', '-Infinity'].includes(value.$num)) throw new Error(`"${value.$num}" is not a number tag`);
    return Number(value.$num);
  }
  if (typeof value.$typed === 'string' && typeof value.b64 === 'string') {
    const name = value.$typed as TypedName;
    if (!Object.hasOwn(TYPED, name)) throw new Error(`unknown array type "${value.$typed}"`);
    const bytes = fromBase64(value.b64);
    const Ctor = TYPED[name];
    if (bytes.length % Ctor.BYTES_PER_ELEMENT) throw new Error(`a ${name} of ${bytes.length} bytes`);
    return new Ctor(bytes.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
  }
  return value;
}

/** The file's bytes. The checkpoint, if the store keeps one, is not included: the file is the record. */
export function encodeRunFile(run: LoadedRun): Uint8Array {
  const body = { format: RUN_FILE_FORMAT, record: run.record, chunks: run.chunks, snapshots: run.snapshots };
  return gzipSync(strToU8(JSON.stringify(body, replacer)), { mtime: 0 });
}

/** A file name that says what the run was. */
export const runFileName = (r: RunRecord): string =>
  `${r.name.replace(/[^\w.-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '') || 'run'}${RUN_FILE_SUFFIX}`;

/** More than a few control characters in the first kilobyte: not text. */
const looksBinary = (text: string): boolean => (text.slice(0, 1024).match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0) > 4;

/** Reads and checks a run file; throws RunFileError naming the file and what is wrong. */
export function decodeRunFile(file: string, bytes: Uint8Array): LoadedRun {
  const bad = (why: string): RunFileError => new RunFileError(file, why);
  const fix = 'Export a run from the Runs panel (its Export button) and import that file.';
  let text: string;
  try {
    text = strFromU8(gunzipIfNeeded(file, bytes));
  } catch (err) {
    throw bad(`not a run file the studio wrote (${err instanceof Error ? err.message : String(err)}). ${fix}`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text, reviver);
  } catch (err) {
    // The parser's own text ("Unexpected token '\u0000', …") quotes the bytes: say what the file is instead.
    if (!(err instanceof SyntaxError)) throw bad(`not a run file the studio wrote (${err instanceof Error ? err.message : String(err)}). ${fix}`);
    throw bad(`not a run file: ${looksBinary(text) ? 'it holds binary data' : 'its text is not JSON'}, and a run file is the JSON (gzip-compressed) that the studio writes. ${fix}`);
  }
  if (!isObject(body) || body.format !== RUN_FILE_FORMAT)
    throw bad(`not a run file: expected format "${RUN_FILE_FORMAT}"${isObject(body) && typeof body.format === 'string' ? `, found "${body.format.slice(0, 80)}"` : ''}`);
  const { record, chunks, snapshots } = body;
  if (!isObject(record) || typeof record.id !== 'string' || typeof record.name !== 'string' || !isObject(record.config))
    throw bad('its run record is missing or damaged (id, name and config are required)');
  const issues = validateConfig(record.config as unknown as RunRecord['config']);
  if (issues.length) throw bad(`its experiment config is invalid: ${issues.map((i) => i.message).join('; ')}`);
  if (!Array.isArray(chunks) || !Array.isArray(snapshots)) throw bad('its chunks or snapshots are missing');
  chunks.forEach((c: unknown, i) => {
    if (!isObject(c) || !Array.isArray(c.frames) || !Array.isArray(c.evals)) throw bad(`chunk ${i} is damaged (frames and evals must be lists)`);
    c.frames.forEach((f: unknown, j) => {
      if (!isObject(f) || !(f.steps instanceof Int32Array) || !(f.loss instanceof Float32Array) || f.loss.length !== f.steps.length)
        throw bad(`chunk ${i}, frame ${j} is damaged (its steps and losses must be arrays of equal length)`);
    });
  });
  snapshots.forEach((s: unknown, i) => {
    if (!isObject(s) || typeof s.step !== 'number' || !isObject(s.snapshot)) throw bad(`snapshot ${i} is damaged`);
  });
  return { record: record as unknown as RunRecord, chunks: chunks as ChunkRecord[], snapshots: snapshots as SnapshotRecord[] };
}

/** The run as it is stored under a new id (an import never overwrites a saved run). */
export function asImported(run: LoadedRun, id: string): LoadedRun {
  // A run that was live when exported is not running here; its checkpoint stays behind (the file
  // is the record), so it offers no Resume.
  const status = run.record.status === 'running' ? 'stopped' : run.record.status;
  return {
    record: { ...run.record, id, status, name: `${run.record.name} (imported)`, starred: false, sweepId: undefined, parentId: undefined, checkpointStep: undefined },
    chunks: run.chunks.map((c) => ({ ...c, runId: id })),
    snapshots: run.snapshots.map((s) => ({ ...s, runId: id })),
  };
}
