import { describe, expect, it } from 'vitest';
import { Rng } from '../rng';
import { decodeSafetensors, encodeSafetensors, MAX_TENSORS, toFloat32, type NamedTensor } from './safetensors';
import { utf8Decode, utf8Encode } from './utf8';

const ascii = (s: string): Uint8Array => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const u64 = (n: number): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, n, true);
  return b;
};
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};
/** A file from a raw header text (or object) and a data region of `dataLen` zero bytes. */
const rawFile = (header: string | object, dataLen: number): Uint8Array => {
  const h = utf8Encode(typeof header === 'string' ? header : JSON.stringify(header));
  return concat(u64(h.length), h, new Uint8Array(dataLen));
};
const f32 = (shape: number[], offsets: [number, number]) => ({ dtype: 'F32', shape, data_offsets: offsets });

describe('encodeSafetensors', () => {
  it('writes the same bytes as the reference implementation', () => {
    // safetensors' own test: save({"test": np.zeros((2, 2), dtype=np.int32)})
    const out = encodeSafetensors([{ name: 'test', dtype: 'I32', shape: [2, 2], data: new Int32Array(4) }], {});
    const expected = concat(ascii('@\0\0\0\0\0\0\0{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    '), new Uint8Array(16));
    expect(out).toEqual(expected);
  });

  it('writes a valid header: u64 length, 8-byte aligned, JSON, contiguous offsets in order', () => {
    const rng = new Rng(3);
    const tensors: NamedTensor[] = [
      { name: 'a.weight', dtype: 'F32', shape: [3, 5], data: Float32Array.from({ length: 15 }, () => rng.normal()) },
      { name: 'a.weight.mask', dtype: 'U8', shape: [3, 5], data: Uint8Array.from({ length: 15 }, () => rng.int(2)) },
      { name: 'steps', dtype: 'I32', shape: [], data: Int32Array.of(-7) },
      { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
      { name: 'b', dtype: 'F32', shape: [2], data: Float32Array.of(1.5, -0) },
    ];
    const out = encodeSafetensors(tensors, { note: 'héllo ✓ 😀' });
    const n = Number(new DataView(out.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = utf8Decode(out.subarray(8, 8 + n))!;
    expect(text).toMatch(/^\{.*\} *$/);
    const header = JSON.parse(text);
    expect(header.__metadata__).toEqual({ note: 'héllo ✓ 😀' });
    let pos = 0;
    for (const t of tensors) {
      expect(header[t.name]).toEqual({ dtype: t.dtype, shape: t.shape, data_offsets: [pos, pos + t.data.byteLength] });
      pos += t.data.byteLength;
    }
    expect(out.length).toBe(8 + n + pos);
  });

  it('rejects data that does not match its shape or dtype', () => {
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [2, 2], data: new Float32Array(3) }])).toThrow(/shape \[2,2\]/);
    expect(() => encodeSafetensors([{ name: 'x', dtype: 'F32', shape: [2], data: new Uint8Array(2) }])).toThrow(/does not hold F32/);
    const t = { name: 'x', dtype: 'U8' as const, shape: [1], data: new Uint8Array(1) };
    expect(() => encodeSafetensors([t, t])).toThrow(/repeated/);
  });
});

describe('decodeSafetensors', () => {
  it('round-trips tensors and metadata exactly into aligned arrays, from an unaligned view', () => {
    const rng = new Rng(7);
    const tensors: NamedTensor[] = [
      { name: 'm', dtype: 'U8', shape: [3], data: Uint8Array.of(1, 0, 1) }, // odd size: what follows is unaligned
      { name: 'w', dtype: 'F32', shape: [4, 6], data: Float32Array.from({ length: 24 }, () => rng.normal()) },
      { name: 'i', dtype: 'I32', shape: [2, 1], data: Int32Array.of(-2147483648, 2147483647) },
      { name: '__proto__', dtype: 'F32', shape: [1], data: Float32Array.of(NaN) },
      { name: '0', dtype: 'F32', shape: [], data: Float32Array.of(Infinity) },
    ];
    const bytes = encodeSafetensors(tensors, { a: '1', b: '{"x":[1]}' });
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    // Also a Node Buffer (as fs.readFileSync gives), whose slice() is a view into a shared pool.
    for (const input of [shifted.subarray(3), Buffer.from(bytes)]) {
      const { tensors: got, metadata } = decodeSafetensors(input, 'x.safetensors');
      expect(metadata).toEqual({ a: '1', b: '{"x":[1]}' });
      expect([...got.keys()].sort()).toEqual(tensors.map((t) => t.name).sort());
      for (const t of tensors) {
        const g = got.get(t.name)!;
        expect(g.dtype).toBe(t.dtype);
        expect(g.shape).toEqual(t.shape);
        expect(g.data.constructor).toBe(t.data.constructor);
        expect(g.data).toEqual(t.data);
        expect([g.data.byteOffset, g.data.buffer.byteLength]).toEqual([0, t.data.byteLength]);
      }
    }
  });

  it('reads the reference file with metadata, and no metadata as {}', () => {
    const ref = concat(ascii('f\0\0\0\0\0\0\0{"__metadata__":{"framework":"pt"},"test1":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}       '), new Uint8Array(16));
    const { tensors, metadata } = decodeSafetensors(ref);
    expect(metadata).toEqual({ framework: 'pt' });
    expect(tensors.get('test1')).toEqual({ dtype: 'I32', shape: [2, 2], data: new Int32Array(4) });
    expect(decodeSafetensors(rawFile({ x: f32([1], [0, 4]) }, 4)).metadata).toEqual({});
  });

  it('converts F16, BF16 and F64 to float32', () => {
    const bytes = encodeSafetensors([
      { name: 'h', dtype: 'F16', shape: [6], data: Uint16Array.of(0x3c00, 0xc000, 0x3555, 0x7c00, 0x0001, 0x8000) },
      { name: 'b', dtype: 'BF16', shape: [3], data: Uint16Array.of(0x3f80, 0xc040, 0xff80) },
      { name: 'd', dtype: 'F64', shape: [1], data: Float64Array.of(0.1) },
      { name: 'u', dtype: 'U8', shape: [1], data: Uint8Array.of(1) },
    ]);
    const { tensors } = decodeSafetensors(bytes);
    expect(Array.from(toFloat32(tensors.get('h')!)!)).toEqual([1, -2, Math.fround(0.333251953125), Infinity, 2 ** -24, -0]);
    expect(Array.from(toFloat32(tensors.get('b')!)!)).toEqual([1, -3, -Infinity]);
    expect(toFloat32(tensors.get('d')!)![0]).toBe(Math.fround(0.1));
    expect(toFloat32(tensors.get('u')!)).toBeNull();
  });

  describe('rejects malformed files, naming the file and the problem', () => {
    const good = rawFile({ a: f32([2, 2], [0, 16]), b: f32([1], [16, 20]) }, 20);
    const cases: [string, Uint8Array, RegExp][] = [
      ['too short', new Uint8Array(5), /is 5 bytes long: too short/],
      ['header length beyond the file', concat(u64(1000), good.subarray(8)), /declares a 1000-byte header but only \d+ bytes follow/],
      // The cap is checked before the length against the file: nothing that size is ever read.
      ['header past the 100 MB cap', concat(u64(100_000_001), good.subarray(8)), /declares a 100000001-byte header; headers are capped at 100 MB/],
      ['header at the cap, truncated', concat(u64(100_000_000), good.subarray(8)), /declares a 100000000-byte header but only/],
      ['header not UTF-8', concat(u64(4), Uint8Array.of(0x7b, 0xff, 0xfe, 0x7d)), /header is not valid UTF-8/],
      ['header not JSON', rawFile('{"a": ', 0), /header is not valid JSON/],
      ['header not an object', rawFile('[1, 2]', 0), /header is not a JSON object/],
      ['an HTML page', utf8Encode('<!DOCTYPE html>\n<html><head><title>404</title></head></html>'), /HTML.*download failed/],
      ['a short HTML snippet', utf8Encode('<html>'), /HTML.*download failed/],
      ['a JSON error body', utf8Encode('{"error":"Repository not found"}'), /JSON document.*download probably failed/],
      ['a Git LFS pointer', utf8Encode('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n'), /Git LFS pointer/],
      ['entry without dtype', rawFile({ a: { shape: [1], data_offsets: [0, 4] } }, 4), /tensor "a" has no dtype/],
      ['entry without shape and offsets', rawFile({ a: { dtype: 'F32' } }, 4), /tensor "a" has no shape, data_offsets/],
      ['entry not an object', rawFile({ a: 3 }, 0), /tensor "a": header entry is not an object/],
      ['unknown dtype', rawFile({ a: { dtype: 'Q4', shape: [1], data_offsets: [0, 4] } }, 4), /tensor "a" has unknown dtype "Q4"/],
      ['invalid shape', rawFile({ a: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, 4), /tensor "a" has an invalid shape \[-1\]/],
      ['offsets out of range', rawFile({ a: f32([4], [0, 16]) }, 8), /tensor "a" has data_offsets \[0, 16\] out of range/],
      ['offsets reversed', rawFile({ a: f32([0], [4, 0]) }, 4), /out of range/],
      ['offsets not matching the shape', rawFile({ a: f32([2, 2], [0, 12]) }, 12), /hold 12 bytes but F32 \[2,2\] needs 16/],
      ['overlapping tensors', rawFile({ a: f32([4], [0, 16]), b: f32([4], [8, 24]) }, 24), /tensors "a" and "b" overlap/],
      ['a hole between tensors', rawFile({ a: f32([1], [0, 4]), b: f32([1], [8, 12]) }, 12), /hole: bytes \[4, 8\)/],
      ['trailing bytes', rawFile({ a: f32([1], [0, 4]) }, 9), /hole: its last 5 bytes/],
      ['non-string metadata', rawFile({ __metadata__: { n: 1 } }, 0), /__metadata__ "n" is not a string/],
    ];
    it.each(cases)('%s', (_, bytes, message) => {
      expect(() => decodeSafetensors(bytes, 'w.safetensors')).toThrow(message);
      expect(() => decodeSafetensors(bytes, 'w.safetensors')).toThrow(/^w\.safetensors: /);
    });
    it('refuses more than MAX_TENSORS tensors before parsing the header; commas inside names and shapes do not count', () => {
      const zeroSize = (n: number, name = (i: number): string => `t${i}`): Record<string, unknown> =>
        Object.fromEntries(Array.from({ length: n }, (_, i) => [name(i), f32([0, 1], [0, 0])]));
      const atCap = rawFile({ __metadata__: { format: 'x' }, ...zeroSize(MAX_TENSORS, (i) => `"{[t,${i}`) }, 0);
      expect(decodeSafetensors(atCap).tensors.size).toBe(MAX_TENSORS);
      expect(() => decodeSafetensors(rawFile(zeroSize(MAX_TENSORS + 1), 0), 'w.safetensors')).toThrow(
        `w.safetensors: its header lists more than ${MAX_TENSORS} tensors, the limit (real models list a few hundred): the file is corrupt or was made to exhaust memory`);
    });

    it('accepts the well-formed control file and tensors listed out of data order', () => {
      expect(decodeSafetensors(good).tensors.size).toBe(2);
      expect(decodeSafetensors(rawFile({ b: f32([1], [16, 20]), a: f32([2, 2], [0, 16]) }, 20)).tensors.size).toBe(2);
    });
  });
});

describe('utf8', () => {
  it('round-trips text and rejects invalid sequences', () => {
    for (const s of ['', 'abc', 'é✓😀\u0000', 'x'.repeat(20000)]) expect(utf8Decode(utf8Encode(s))).toBe(s);
    for (const bad of [[0xc0, 0x80], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0x80], [0xf5, 0x80, 0x80, 0x80]])
      expect(utf8Decode(Uint8Array.from(bad))).toBeNull();
  });
});
