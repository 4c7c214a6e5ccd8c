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

const mib = (n: number): string => (n / 2 ** 20).toFixed(0);
const u32le = (b: Uint8Array, o: number): number => (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) >>> 0;

/** The most one data file may unpack to: the largest real one, CIFAR-10's tarball, is ~176 MiB. */
export const MAX_UNPACKED_BYTES = 256 * 2 ** 20;

/**
 * The decompressed bytes of a gzip file, or the bytes unchanged when they are not gzip. At most
 * MAX_UNPACKED_BYTES: the trailer's size is checked before anything is unpacked, and fflate unpacks
 * into a buffer of exactly that size, so a trailer that understates only truncates (then the CRC fails).
 */
export function gunzipIfNeeded(file: string, bytes: Uint8Array): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  const corrupt = (why: string): DataFileError =>
    new DataFileError(file, `corrupt gzip stream (${why}): the file is damaged or the download was cut short; re-download it`);
  if (bytes.length < 18) throw corrupt(`only ${bytes.length} bytes`);
  const storedSize = u32le(bytes, bytes.length - 4);
  if (storedSize > MAX_UNPACKED_BYTES)
    // A cut-short download ends in arbitrary bytes, so a huge size may also mean truncation.
    throw corrupt(`its trailer says it unpacks to ${mib(storedSize)} MiB, past the ${mib(MAX_UNPACKED_BYTES)} MiB limit for one data file; ` +
      `the largest real one, CIFAR-10's tarball, is ~176 MiB`);
  let out: Uint8Array;
  try {
    out = gunzipSync(bytes);
  } catch (e) {
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
  const storedCrc = u32le(bytes, bytes.length - 8);
  if (out.length % 2 ** 32 !== storedSize) throw corrupt(`unpacked ${out.length} bytes, the trailer says ${storedSize}`);
  if (crc32(out) !== storedCrc) throw corrupt('CRC-32 mismatch');
  return out;
}
