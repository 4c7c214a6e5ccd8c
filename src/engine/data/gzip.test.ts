import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { gzipOfZeros } from '../fixtures/gzip-bomb';
import { gunzipIfNeeded } from './gzip';

const refusal = (bytes: Uint8Array): string => {
  try {
    gunzipIfNeeded('train-images-idx3-ubyte.gz', bytes);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('not refused');
};

// Unpatched, these cost minutes of CPU (183 s and 102 s on a loaded machine). The timeout is a
// guard against that, far above what the refusal takes (about a second), not a speed claim.
describe('gzip bombs are refused as the bytes arrive', () => {
  it('4 GiB of zeros whose trailer wraps to 0 (a 4 MB file)', () => {
    const bomb = gzipOfZeros(2 ** 32, 2 ** 32);
    expect(bomb.length).toBeLessThan(4.2e6);
    expect(refusal(bomb)).toBe('train-images-idx3-ubyte.gz: corrupt gzip stream (it unpacks to more than the 0 bytes its trailer states; stopped there): ' +
      'the file is damaged or the download was cut short; re-download it');
  }, 20_000);

  it('3 GB of zeros (a 3 MB file) whose trailer states the real file\'s 47,040,016 bytes', () => {
    const forged = gzipOfZeros(3e9, 47_040_016);
    expect(forged.length).toBeLessThan(3e6);
    expect(refusal(forged)).toMatch(/unpacks to more than the 47040016 bytes its trailer states; stopped there/);
  }, 20_000);

  it('still unpacks a real stream, with a header name, in any number of feeds', () => {
    const data = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251);
    const named = gzipSync(data, { filename: 'train-images-idx3-ubyte' });
    expect(named[3] & 8).toBe(8); // FNAME is set, so the header parser skips it
    expect(gunzipIfNeeded('x.gz', named)).toEqual(data);
    expect(gunzipIfNeeded('empty.gz', gzipSync(new Uint8Array(0)))).toEqual(new Uint8Array(0));
  });
});
