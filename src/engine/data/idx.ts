// IDX files (the MNIST and Fashion-MNIST format): big-endian header, then raw unsigned bytes.
// Images: magic 0x00000803, count, rows, cols. Labels: magic 0x00000801, count.
import { gunzipIfNeeded } from './gzip';
import { assertNotHtml } from './sniff';
import { DataFileError, type ImageSet } from './types';

export const IDX_IMAGES_MAGIC = 0x00000803;
export const IDX_LABELS_MAGIC = 0x00000801;

export interface IdxImages {
  images: Uint8Array; // count * height * width
  count: number;
  height: number;
  width: number;
}

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

const u32be = (b: Uint8Array, o: number): number => ((b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]) >>> 0;
const hex8 = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

function describeMagic(m: number): string {
  if (m === IDX_IMAGES_MAGIC) return `${hex8(m)} (an IDX images file)`;
  if (m === IDX_LABELS_MAGIC) return `${hex8(m)} (an IDX labels file)`;
  return hex8(m);
}

/** Unpacks, rejects HTML and checks the magic number; returns the raw IDX bytes. */
function openIdx(file: string, raw: Uint8Array, magic: number, what: string, officialUrl: string): Uint8Array {
  assertNotHtml(file, raw, 'an IDX file', officialUrl);
  const b = gunzipIfNeeded(file, raw);
  if (b.length < 8) throw new DataFileError(file, `truncated: ${b.length} bytes, too short for an IDX header`);
  const found = u32be(b, 0);
  if (found !== magic)
    throw new DataFileError(file, `wrong magic number: expected ${hex8(magic)} for IDX ${what}, found ${describeMagic(found)}`);
  return b;
}

function checkLength(file: string, b: Uint8Array, expected: number, what: string): void {
  if (b.length < expected)
    throw new DataFileError(file, `truncated: the header promises ${what}, i.e. ${expected} bytes, but the file has ${b.length}`);
  if (b.length > expected)
    throw new DataFileError(file, `has ${b.length} bytes but its header promises ${what}, i.e. ${expected} bytes: not a valid IDX file`);
}

export function parseIdxImages(file: string, raw: Uint8Array, officialUrl = 'the official source'): IdxImages {
  const b = openIdx(file, raw, IDX_IMAGES_MAGIC, 'images', officialUrl);
  if (b.length < 16) throw new DataFileError(file, `truncated: ${b.length} bytes, too short for an IDX images header (16)`);
  const count = u32be(b, 4), height = u32be(b, 8), width = u32be(b, 12);
  checkLength(file, b, 16 + count * height * width, `${count} images of ${height}×${width}`);
  // A copy (not slice: a Node Buffer's slice is a view), so the pixels own their buffer.
  return { images: new Uint8Array(b.subarray(16)), count, height, width };
}

export function parseIdxLabels(file: string, raw: Uint8Array, numClasses = 10, officialUrl = 'the official source'): Uint8Array {
  const b = openIdx(file, raw, IDX_LABELS_MAGIC, 'labels', officialUrl);
  const count = u32be(b, 4);
  checkLength(file, b, 8 + count, `${count} labels`);
  const labels = new Uint8Array(b.subarray(8));
  for (let i = 0; i < count; i++)
    if (labels[i] >= numClasses) throw new DataFileError(file, `label ${labels[i]} at index ${i} is outside 0..${numClasses - 1}`);
  return labels;
}

/** Pairs an images file with its labels file; the counts must agree. */
export function idxImageSet(images: NamedBytes, labels: NamedBytes, officialUrl?: string): ImageSet {
  const im = parseIdxImages(images.name, images.bytes, officialUrl);
  const lab = parseIdxLabels(labels.name, labels.bytes, 10, officialUrl);
  if (im.count !== lab.length)
    throw new DataFileError(images.name,
      `holds ${im.count} images but ${labels.name} holds ${lab.length} labels: these two files do not belong together`);
  return { images: im.images, labels: lab, count: im.count, height: im.height, width: im.width, channels: 1 };
}
