// The safetensors format, by hand: u64 little-endian header length N, N bytes of JSON header
// (padded with spaces so the data starts 8-byte aligned), then the raw little-endian data, each
// tensor at `data_offsets` relative to the data start, covering the data region exactly.
import { utf8Decode, utf8Encode } from './utf8';

export const DTYPE_BYTES = {
  BOOL: 1, U8: 1, I8: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
} as const;
export type Dtype = keyof typeof DTYPE_BYTES;

/** F16 and BF16 come as their raw bits (Uint16Array); BOOL as one byte per entry. */
export type TensorData =
  | Float64Array | Float32Array | Int32Array | Uint32Array | Int16Array | Uint16Array
  | Int8Array | Uint8Array | BigInt64Array | BigUint64Array;

type TensorCtor = new (buffer: ArrayBuffer) => TensorData;
const CTORS: Record<Dtype, TensorCtor> = {
  BOOL: Uint8Array, U8: Uint8Array, I8: Int8Array, I16: Int16Array, U16: Uint16Array, F16: Uint16Array,
  BF16: Uint16Array, I32: Int32Array, U32: Uint32Array, F32: Float32Array, I64: BigInt64Array,
  U64: BigUint64Array, F64: Float64Array,
};

export interface SafeTensor {
  dtype: Dtype;
  shape: number[];
  data: TensorData;
}
export interface NamedTensor extends SafeTensor {
  name: string;
}
export interface DecodedSafetensors {
  /** In header order; every array is a fresh, aligned copy. */
  tensors: Map<string, SafeTensor>;
  metadata: Record<string, string>;
}

/** The reference library's cap: a header past it is refused before it is read (or allocated). */
export const MAX_HEADER_BYTES = 100_000_000;

/**
 * The most tensors a file may list, counted before the header is parsed: a 100 MB header holds
 * over a million zero-size entries, and parsing and checking them takes seconds and gigabytes.
 * Real files list a few hundred (DeiT-Base: 152; with masks, 200); the largest the studio writes,
 * a training checkpoint at the deepest config allowed (48 blocks), lists a few thousand.
 */
export const MAX_TENSORS = 10_000;

export class SafetensorsError extends Error {
  override name = 'SafetensorsError';
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const isDtype = (d: unknown): d is Dtype => typeof d === 'string' && Object.hasOwn(DTYPE_BYTES, d);
const isCount = (x: unknown): x is number => Number.isSafeInteger(x) && (x as number) >= 0;

/** Product of a shape (1 for a scalar), or NaN if it exceeds 2^53. */
function numel(shape: number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return Number.isSafeInteger(n) ? n : NaN;
}

function swapBytes(b: Uint8Array, width: number): void {
  if (width === 1) return;
  for (let i = 0; i < b.length; i += width) b.subarray(i, i + width).reverse();
}

export function encodeSafetensors(tensors: NamedTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const fail = (what: string): never => {
    throw new SafetensorsError(`cannot encode safetensors: ${what}`);
  };
  // Written by hand, not JSON.stringify(object): keeps "__proto__" and integer-like names in order.
  const entries: string[] = [];
  const metaKeys = Object.keys(metadata);
  if (metaKeys.length) {
    for (const k of metaKeys) if (typeof metadata[k] !== 'string') fail(`metadata "${k}" is not a string`);
    entries.push(`"__metadata__":${JSON.stringify(metadata)}`);
  }
  const seen = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (!t.name || t.name === '__metadata__' || seen.has(t.name)) fail(`bad or repeated tensor name "${t.name}"`);
    seen.add(t.name);
    if (!isDtype(t.dtype)) fail(`tensor "${t.name}" has unknown dtype ${String(t.dtype)}`);
    if (!(t.data instanceof CTORS[t.dtype])) fail(`tensor "${t.name}": ${t.data.constructor.name} does not hold ${t.dtype}`);
    if (!t.shape.every(isCount) || numel(t.shape) !== t.data.length)
      fail(`tensor "${t.name}": shape [${t.shape}] does not match its ${t.data.length} values`);
    const info = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.data.byteLength] };
    entries.push(`${JSON.stringify(t.name)}:${JSON.stringify(info)}`);
    offset += t.data.byteLength;
  }
  const json = utf8Encode(`{${entries.join(',')}}`);
  const headerLen = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLen + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLen % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerLen / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLen);
  let pos = 8 + headerLen;
  for (const t of tensors) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(raw, pos);
    if (!LITTLE_ENDIAN) swapBytes(out.subarray(pos, pos + raw.length), DTYPE_BYTES[t.dtype]);
    pos += raw.length;
  }
  return out;
}

/** Says what a file that failed to parse really is, when it is recognisably something else. */
function sniff(bytes: Uint8Array): string | null {
  let head = '';
  for (let i = 0; i < Math.min(bytes.length, 512); i++) head += String.fromCharCode(bytes[i]);
  head = head.replace(/^(\xef\xbb\xbf|\s)+/, '');
  const lower = head.toLowerCase();
  if (lower.startsWith('<!doctype html') || lower.startsWith('<html') || lower.startsWith('<?xml') || (lower.startsWith('<') && lower.includes('<html')))
    return 'is an HTML/XML page, not a safetensors file: the download failed (an error, login or redirect page was saved instead of the weights)';
  if (lower.startsWith('version https://git-lfs'))
    return 'is a Git LFS pointer, not the weights: download the real file (e.g. `git lfs pull`)';
  if (head.startsWith('PK\x03\x04'))
    return 'is a zip archive (a PyTorch .pt/.pth/.bin checkpoint?), not safetensors: convert it with safetensors.torch.save_file(model.state_dict(), ...)';
  if (head.startsWith('{') && /^\{\s*"/.test(head))
    return `is a JSON document, not a safetensors file: the download probably failed (${JSON.stringify(head.slice(0, 80))})`;
  return null;
}

/**
 * Whether the JSON object in `b` has more than `max` members (tensors, plus __metadata__), judged
 * without parsing it: commas at depth 1 outside strings. Exact for valid JSON; JSON.parse judges the rest.
 */
function hasMoreMembers(b: Uint8Array, max: number): boolean {
  let depth = 0, inString = false, commas = 0;
  for (let i = 0; i < b.length; i++) {
    const ch = b[i];
    if (inString) {
      if (ch === 0x5c) i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x7b || ch === 0x5b) depth++; // { [
    else if (ch === 0x7d || ch === 0x5d) depth--; // } ]
    else if (ch === 0x2c && depth === 1 && ++commas >= max) return true; // , : commas + 1 members
  }
  return false;
}

/** The framing: header length, UTF-8 JSON header object; `dataStart` is where the data region begins. */
function decodeHeader(bytes: Uint8Array, fileName: string): { header: Record<string, unknown>; dataStart: number; fail: (what: string) => never } {
  const fail = (what: string): never => {
    throw new SafetensorsError(`${fileName}: ${what}`);
  };
  // Failures of the framing itself: the file may be a web page or a pointer instead.
  const failFraming = (what: string): never => fail(sniff(bytes) ?? what);

  if (bytes.length < 8)
    failFraming(`is ${bytes.length} bytes long: too short for a safetensors file (8-byte header length, header, data)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = view.getUint32(4, true) * 2 ** 32 + view.getUint32(0, true);
  if (headerLen > MAX_HEADER_BYTES)
    failFraming(`declares a ${headerLen}-byte header; headers are capped at 100 MB (${MAX_HEADER_BYTES} bytes, as in the reference safetensors library): the file is corrupt or not safetensors`);
  if (headerLen > bytes.length - 8)
    failFraming(`declares a ${headerLen}-byte header but only ${bytes.length - 8} bytes follow: the file is truncated or not safetensors`);
  const headerBytes = bytes.subarray(8, 8 + headerLen);
  const tooMany = (): never =>
    fail(`its header lists more than ${MAX_TENSORS} tensors, the limit (real models list a few hundred): the file is corrupt or was made to exhaust memory`);
  if (hasMoreMembers(headerBytes, MAX_TENSORS + 1)) tooMany(); // + 1: __metadata__
  const text = utf8Decode(headerBytes);
  if (text === null) failFraming('header is not valid UTF-8: the file is corrupt or not safetensors');
  let header: unknown;
  try {
    header = JSON.parse(text as string);
  } catch (e) {
    failFraming(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) failFraming('header is not a JSON object');
  if (Object.keys(header as object).filter((k) => k !== '__metadata__').length > MAX_TENSORS) tooMany();
  return { header: header as Record<string, unknown>, dataStart: 8 + headerLen, fail };
}

function readMetadata(info: unknown, fail: (what: string) => never): Record<string, string> {
  const metadata: Record<string, string> = {};
  if (info === undefined) return metadata;
  if (typeof info !== 'object' || info === null || Array.isArray(info)) fail('__metadata__ is not an object of strings');
  for (const [k, v] of Object.entries(info as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(`__metadata__ "${k}" is not a string`);
    metadata[k] = v as string;
  }
  return metadata;
}

/** Only the metadata: reads the header, copies no tensor (a quick look at a large file). */
export function decodeSafetensorsMetadata(bytes: Uint8Array, fileName = 'file'): Record<string, string> {
  const { header, fail } = decodeHeader(bytes, fileName);
  return readMetadata(header.__metadata__, fail);
}

export function decodeSafetensors(bytes: Uint8Array, fileName = 'file'): DecodedSafetensors {
  const { header, dataStart, fail } = decodeHeader(bytes, fileName);
  const dataLen = bytes.length - dataStart;

  const metadata = readMetadata(header.__metadata__, fail);
  const spans: { name: string; begin: number; end: number; dtype: Dtype; shape: number[] }[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (typeof info !== 'object' || info === null || Array.isArray(info)) fail(`tensor "${name}": header entry is not an object`);
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    const absent = (['dtype', 'shape', 'data_offsets'] as const).filter((k) => (info as Record<string, unknown>)[k] === undefined);
    if (absent.length) fail(`tensor "${name}" has no ${absent.join(', ')} in the header`);
    if (!isDtype(dtype))
      fail(`tensor "${name}" has unknown dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(DTYPE_BYTES).join(', ')})`);
    if (!Array.isArray(shape) || !shape.every(isCount)) fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount))
      fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)} (expected [begin, end])`);
    const [begin, end] = offsets as number[];
    if (begin > end || end > dataLen)
      fail(`tensor "${name}" has data_offsets [${begin}, ${end}] out of range (the data region is ${dataLen} bytes)`);
    const need = numel(shape as number[]) * DTYPE_BYTES[dtype as Dtype];
    if (end - begin !== need)
      fail(`tensor "${name}": data_offsets [${begin}, ${end}] hold ${end - begin} bytes but ${dtype} [${shape}] needs ${need}`);
    spans.push({ name, begin, end, dtype: dtype as Dtype, shape: shape as number[] });
  }

  const sorted = [...spans].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  let prev = '';
  for (const s of sorted) {
    if (s.begin < pos) fail(`tensors "${prev}" and "${s.name}" overlap in the data region (byte ${s.begin} < ${pos})`);
    if (s.begin > pos) fail(`data region has a hole: bytes [${pos}, ${s.begin}) belong to no tensor`);
    pos = s.end;
    prev = s.name;
  }
  if (pos !== dataLen) fail(`data region has a hole: its last ${dataLen - pos} bytes belong to no tensor`);

  const tensors = new Map<string, SafeTensor>();
  for (const s of spans) {
    // A fresh buffer, so aligned. Not bytes.slice(): on a Node Buffer that is a view, not a copy.
    const raw = new Uint8Array(s.end - s.begin);
    raw.set(bytes.subarray(dataStart + s.begin, dataStart + s.end));
    if (!LITTLE_ENDIAN) swapBytes(raw, DTYPE_BYTES[s.dtype]);
    tensors.set(s.name, { dtype: s.dtype, shape: s.shape, data: new CTORS[s.dtype](raw.buffer) });
  }
  return { tensors, metadata };
}

const halfToFloat = (h: number): number => {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 31;
  const frac = h & 1023;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
};

/** Float tensor (F32, F16, BF16, F64) as Float32Array, or null for integer and bool dtypes. */
export function toFloat32(t: SafeTensor): Float32Array | null {
  switch (t.dtype) {
    case 'F32':
      return t.data as Float32Array;
    case 'F64':
      return Float32Array.from(t.data as Float64Array);
    case 'F16':
      return Float32Array.from(t.data as Uint16Array, halfToFloat);
    case 'BF16': {
      const bits = new Uint32Array(t.data.length);
      (t.data as Uint16Array).forEach((b, i) => (bits[i] = b << 16));
      return new Float32Array(bits.buffer);
    }
    default:
      return null;
  }
}
