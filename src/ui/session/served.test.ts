import { describe, expect, it } from 'vitest';
import { probeServed, type Ask } from './served';

const enc = (s: string) => async () => new TextEncoder().encode(s);
/** A server that answers the paths in `files` (by suffix), and everything else like a dev server: index.html, 200. */
const server = (files: Record<string, string>): Ask => async (url) => {
  const hit = Object.keys(files).find((f) => url.endsWith(f));
  return hit ? { ok: true, contentType: 'application/octet-stream', bytes: enc(files[hit]) } : { ok: true, contentType: 'text/html', bytes: enc('<!doctype html><html></html>') };
};

describe('probeServed', () => {
  it('a dev server that answers every path with index.html serves nothing', async () => {
    expect(await probeServed('fashion-mnist', '/datasets', server({}))).toBe(false);
  });
  it('a manifest that lists the test split: served; one without it: not', async () => {
    expect(await probeServed('mnist', '/datasets', server({ 'mnist/files.json': JSON.stringify({ files: ['t10k-images-idx3-ubyte.gz'] }) }))).toBe(true);
    expect(await probeServed('cifar10', '/datasets', server({ 'cifar10/files.json': JSON.stringify({ files: ['data_batch_1.bin'] }) }))).toBe(false);
  });
  it('no manifest: the test file itself decides', async () => {
    expect(await probeServed('cifar10', '/base/datasets/', server({ '/base/datasets/cifar10/test_batch.bin': 'x' }))).toBe(true);
  });
  it('a network failure counts as not served', async () => {
    expect(await probeServed('mnist', '/datasets', async () => { throw new Error('offline'); })).toBe(false);
  });
});
