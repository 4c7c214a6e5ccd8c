import { describe, expect, it } from 'vitest';
import { writeTar } from './encode';
import { readTar } from './tar';

const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255);

describe('readTar', () => {
  it('reads back the files written, with their paths and sizes (incl. empty and block-sized)', () => {
    const entries = [
      { name: 'a/one.bin', bytes: bytes(1000, 1) },
      { name: 'a/empty', bytes: new Uint8Array(0) },
      { name: 'b/block.bin', bytes: bytes(512, 2) },
    ];
    expect(readTar('t.tar', writeTar(entries))).toEqual(entries);
  });

  it('skips directories and takes GNU long names', () => {
    const tar = writeTar([{ name: 'dir/', bytes: new Uint8Array(0) }, { name: '././@LongLink', bytes: Uint8Array.from('x'.repeat(120) + '/f.bin\0', (c) => c.charCodeAt(0)) }, { name: 'short', bytes: bytes(3, 0) }]);
    tar[156] = 0x35; // '5': directory (checksum fixed below)
    tar[512 + 156] = 0x4c; // 'L': GNU long name
    for (const off of [0, 512]) {
      let sum = 0;
      for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : tar[off + i];
      const s = `${sum.toString(8).padStart(6, '0')}\0 `;
      for (let i = 0; i < 8; i++) tar[off + 148 + i] = s.charCodeAt(i);
    }
    expect(readTar('t.tar', tar).map((e) => e.name)).toEqual([`${'x'.repeat(120)}/f.bin`]);
  });

  it('rejects a damaged header and a truncated entry', () => {
    const tar = writeTar([{ name: 'f', bytes: bytes(2000, 3) }]);
    const bad = tar.slice();
    bad[10] ^= 1;
    expect(() => readTar('t.tar', bad)).toThrow(/t\.tar: not a valid tar archive: bad header checksum at byte 0/);
    expect(() => readTar('t.tar', tar.subarray(0, 1024))).toThrow(/t\.tar: truncated tar archive: entry "f" needs 2000 bytes/);
  });
});
