// Writers for the formats the loaders read (IDX, CIFAR-10 records, tar): tests build small and
// deliberately broken files with them, and a subset of a set can be exported in its native format.
import type { ImageSet } from './types';

const putU32be = (b: Uint8Array, o: number, v: number): void => {
  b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 255; b[o + 2] = (v >>> 8) & 255; b[o + 3] = v & 255;
};

export function encodeIdxImages(set: Pick<ImageSet, 'images' | 'count' | 'height' | 'width'>): Uint8Array {
  const out = new Uint8Array(16 + set.count * set.height * set.width);
  putU32be(out, 0, 0x803); putU32be(out, 4, set.count); putU32be(out, 8, set.height); putU32be(out, 12, set.width);
  out.set(set.images.subarray(0, set.count * set.height * set.width), 16);
  return out;
}

export function encodeIdxLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + labels.length);
  putU32be(out, 0, 0x801); putU32be(out, 4, labels.length);
  out.set(labels, 8);
  return out;
}

/** HWC 32×32×3 images back to CIFAR-10 binary records (label, then R, G, B planes). */
export function encodeCifarRecords(set: ImageSet): Uint8Array {
  const plane = 1024, rec = 1 + 3 * plane;
  const out = new Uint8Array(set.count * rec);
  for (let i = 0; i < set.count; i++) {
    out[i * rec] = set.labels[i];
    for (let p = 0; p < plane; p++)
      for (let c = 0; c < 3; c++) out[i * rec + 1 + c * plane + p] = set.images[(i * plane + p) * 3 + c];
  }
  return out;
}

/** A ustar archive of regular files (names up to 100 ASCII characters). */
export function writeTar(entries: { name: string; bytes: Uint8Array }[]): Uint8Array {
  const size = entries.reduce((n, e) => n + 512 + Math.ceil(e.bytes.length / 512) * 512, 1024);
  const out = new Uint8Array(size);
  const text = (o: number, s: string): void => { for (let i = 0; i < s.length; i++) out[o + i] = s.charCodeAt(i); };
  let off = 0;
  for (const e of entries) {
    text(off, e.name);
    text(off + 100, '0000644\0'); text(off + 108, '0000000\0'); text(off + 116, '0000000\0');
    text(off + 124, `${e.bytes.length.toString(8).padStart(11, '0')}\0`);
    text(off + 136, '00000000000\0');
    out[off + 156] = 0x30; // '0': regular file
    text(off + 257, 'ustar\0'); text(off + 263, '00');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : out[off + i];
    text(off + 148, `${sum.toString(8).padStart(6, '0')}\0 `);
    out.set(e.bytes, off + 512);
    off += 512 + Math.ceil(e.bytes.length / 512) * 512;
  }
  return out; // ends with two zero blocks
}
