// gunzip with the integrity checks fflate skips: it neither verifies the CRC nor the stored length,
// so a flipped bit would otherwise become silently wrong pixels.
import { gunzipSync } from 'fflate';
import { isGzip } from './sniff';
import { DataFileError } from './types';

const CRC_TABLE = ((): Uint32Array => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const u32le = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

/** The decompressed bytes of a gzip file, or the bytes unchanged when they are not gzip. */
export function gunzipIfNeeded(file: string, bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const corrupt = (why: string): DataFileError =>
    new DataFileError(file, `corrupt gzip stream (${why}): the file is damaged or the download was cut short; re-download it`);
  if (bytes.length < 18) throw corrupt(`only ${bytes.length} bytes`);
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes);
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
  const storedCrc = u32le(bytes, bytes.length - 8);
  const storedSize = u32le(bytes, bytes.length - 4);
  if (out.length % 2 ** 32 !== storedSize) throw corrupt(`unpacked ${out.length} bytes, the trailer says ${storedSize}`);
  if (crc32(out) !== storedCrc) throw corrupt('CRC-32 mismatch');
  return out;
}
