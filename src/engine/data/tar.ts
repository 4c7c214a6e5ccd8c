// A minimal tar reader (ustar, with GNU long names and pax paths): enough for the official
// CIFAR-10 tarball. Each entry is a 512-byte header followed by its data padded to 512 bytes.
import { asciiPrefix } from './sniff';
import { DataFileError } from './types';

export interface TarEntry {
  name: string;
  bytes: Uint8Array;
}

const BLOCK = 512;

function field(h: Uint8Array, offset: number, length: number): string {
  const s = asciiPrefix(h.subarray(offset, offset + length), length);
  const nul = s.indexOf('\0');
  return nul < 0 ? s : s.slice(0, nul);
}

const octal = (h: Uint8Array, offset: number, length: number): number => parseInt(field(h, offset, length).trim() || '0', 8);

/** The header checksum sums all 512 bytes with the checksum field itself read as spaces. */
function checksumOk(h: Uint8Array): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i];
  return sum === octal(h, 148, 8);
}

/** Regular files of a tar archive, in order, with their full paths. */
export function readTar(file: string, tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  let longName: string | null = null;
  for (let off = 0; off + BLOCK <= tar.length; ) {
    const h = tar.subarray(off, off + BLOCK);
    if (h.every((x) => x === 0)) break; // end-of-archive marker
    if (!checksumOk(h)) throw new DataFileError(file, `not a valid tar archive: bad header checksum at byte ${off}`);
    const size = octal(h, 124, 12);
    const type = String.fromCharCode(h[156]);
    const start = off + BLOCK;
    if (start + size > tar.length)
      throw new DataFileError(file, `truncated tar archive: entry "${field(h, 0, 100)}" needs ${size} bytes, only ${tar.length - start} left`);
    const data = tar.subarray(start, start + size);
    off = start + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') { longName = field(data, 0, size); continue; } // GNU: the next entry's long name
    if (type === 'x') { longName = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(asciiPrefix(data, size))?.[1] ?? longName; continue; }
    if (type !== '0' && type !== '\0') { longName = null; continue; } // directories, links, globals
    // Only POSIX ustar ("ustar\0") has a name prefix there; old GNU tar keeps timestamps at 345.
    const prefix = h[262] === 0 ? field(h, 345, 155) : '';
    const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    longName = null;
    entries.push({ name, bytes: data });
  }
  return entries;
}
