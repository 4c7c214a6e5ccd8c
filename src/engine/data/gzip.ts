// gunzip with the checks fflate skips, streamed so that hostile input costs little: fflate neither
// verifies the CRC nor the stored length, and its one-shot gunzipSync inflates the whole stream even
// when its output no longer fits (a 4 GiB stream of zeros is a 4 MB file), so a flipped bit would be
// silently wrong pixels and a bomb would cost minutes. Here the output is counted as it arrives and
// the stream stops at the size the trailer states.
import { Inflate } from 'fflate';
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

/** Compressed bytes fed to the inflater at a time: deflate expands at most ~1032×, so one feed yields ≤ 17 MiB. */
const FEED_BYTES = 16 * 1024;

/** Where the deflate stream starts: after the 10-byte header and its optional fields (RFC 1952 §2.3). */
function deflateStart(b: Uint8Array, corrupt: (why: string) => DataFileError): number {
  if (b[2] !== 8) throw corrupt(`compression method ${b[2]}, not deflate`);
  const flags = b[3];
  let at = 10;
  if (flags & 4) at += 2 + (b[10] | (b[11] << 8)); // FEXTRA
  for (const field of [8, 16]) if (flags & field) while (at < b.length && b[at++] !== 0); // FNAME, FCOMMENT: zero-terminated
  if (flags & 2) at += 2; // FHCRC
  if (at > b.length - 8) throw corrupt('its header runs into the trailer');
  return at;
}

/** Thrown by the output counter to stop the inflater; never leaves gunzipIfNeeded. */
class PastTrailerSize extends Error {}

/**
 * The decompressed bytes of a gzip file, or the bytes unchanged when they are not gzip. At most
 * MAX_UNPACKED_BYTES, and at most the size the trailer states: the trailer is checked before
 * anything is unpacked, and inflating stops as soon as the output passes it, so a stream that
 * unpacks to more (a bomb, or a forged trailer) is refused after unpacking at most that size.
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
  const body = bytes.subarray(deflateStart(bytes, corrupt), bytes.length - 8);
  // More output than the trailer states can never match it: the size is mod 2^32, and 2^32 bytes are past the limit.
  const out = new Uint8Array(storedSize);
  let written = 0;
  const inflater = new Inflate((chunk) => {
    if (written + chunk.length > storedSize) throw new PastTrailerSize();
    out.set(chunk, written);
    written += chunk.length;
  });
  try {
    for (let at = 0; at < body.length || at === 0; at += FEED_BYTES)
      inflater.push(body.subarray(at, at + FEED_BYTES), at + FEED_BYTES >= body.length);
  } catch (e) {
    if (e instanceof PastTrailerSize)
      throw corrupt(`it unpacks to more than the ${storedSize} bytes its trailer states; stopped there`);
    throw corrupt(e instanceof Error ? e.message : String(e));
  }
  if (written !== storedSize) throw corrupt(`unpacked ${written} bytes, the trailer says ${storedSize}`);
  if (crc32(out) !== u32le(bytes, bytes.length - 8)) throw corrupt('CRC-32 mismatch');
  return out;
}
