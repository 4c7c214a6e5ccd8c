import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { findSharedDatasets } from '../../cli/node-datasets';
import { encodeCifarRecords, encodeIdxImages, encodeIdxLabels } from './encode';
import { fetchDataset, type FetchLike } from './fetch-dataset';
import { MissingDataError } from './sources';

const INDEX_HTML = new TextEncoder().encode('<!doctype html>\n<html><head><script type="module" src="/src/main.tsx"></script></head></html>');

/** A fake static server over a map of paths; `spa` answers unknown paths with index.html like Vite. */
function fakeServer(files: Record<string, Uint8Array>, spa: boolean): { fetch: FetchLike; requested: string[] } {
  const requested: string[] = [];
  const fetch: FetchLike = async (url) => {
    requested.push(url);
    const body = files[url] ?? (spa ? INDEX_HTML : undefined);
    return { ok: !!body, status: body ? 200 : 404, arrayBuffer: async () => (body ?? new Uint8Array()).slice().buffer };
  };
  return { fetch, requested };
}

const idx = (n: number): Record<string, Uint8Array> => ({
  'train-images-idx3-ubyte.gz': gzipSync(encodeIdxImages({ images: new Uint8Array(n * 784), count: n, height: 28, width: 28 })),
  'train-labels-idx1-ubyte.gz': gzipSync(encodeIdxLabels(new Uint8Array(n))),
  't10k-images-idx3-ubyte.gz': gzipSync(encodeIdxImages({ images: new Uint8Array(n * 784), count: n, height: 28, width: 28 })),
  't10k-labels-idx1-ubyte.gz': gzipSync(encodeIdxLabels(new Uint8Array(n))),
});
const under = (base: string, files: Record<string, Uint8Array>): Record<string, Uint8Array> =>
  Object.fromEntries(Object.entries(files).map(([k, v]) => [`${base}/${k}`, v]));
const json = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));

async function rejection(p: Promise<unknown>): Promise<Error> {
  try { await p; } catch (e) { return e as Error; }
  throw new Error('expected a rejection');
}

describe('fetchDataset', () => {
  it('loads the canonical files under baseUrl/name', async () => {
    const srv = fakeServer(under('/datasets/fashion-mnist', idx(3)), false);
    const ds = await fetchDataset('fashion-mnist', '/datasets/', { fetch: srv.fetch });
    expect([ds.name, ds.train.count, ds.test.count]).toEqual(['fashion-mnist', 3, 3]);
  });

  it('a missing file answered by the SPA fallback (index.html) is reported as missing, with what to do', async () => {
    const files = under('/datasets/fashion-mnist', idx(3));
    delete files['/datasets/fashion-mnist/train-images-idx3-ubyte.gz'];
    const e = await rejection(fetchDataset('fashion-mnist', '/datasets', { fetch: fakeServer(files, true).fetch }));
    expect(e).toBeInstanceOf(MissingDataError);
    expect(e.message).toMatch(/train-images-idx3-ubyte\.gz is missing \(\/datasets\/fashion-mnist\/train-images-idx3-ubyte\.gz answered with an HTML page, not the file; official source: http:\/\/fashion-mnist\.s3-website/);
    expect(e.message).toMatch(/Run `npm run datasets`/);
    const e404 = await rejection(fetchDataset('fashion-mnist', '/datasets', { fetch: fakeServer(files, false).fetch }));
    expect(e404.message).toMatch(/HTTP 404 for \/datasets\/fashion-mnist\/train-images-idx3-ubyte\.gz/);
  });

  it('with a manifest, asks only for the files it lists (no 404 noise), e.g. CIFAR-10 with one batch', async () => {
    const batch = encodeCifarRecords({ images: new Uint8Array(2 * 3072), labels: Uint8Array.of(3, 4), count: 2, height: 32, width: 32, channels: 3 });
    const srv = fakeServer({
      'http://x/d/cifar10/files.json': json({ name: 'cifar10', files: ['data_batch_1.bin', 'test_batch.bin'] }),
      'http://x/d/cifar10/data_batch_1.bin': batch,
      'http://x/d/cifar10/test_batch.bin': batch,
    }, true);
    const ds = await fetchDataset('cifar10', 'http://x/d', { fetch: srv.fetch });
    expect([ds.train.count, ds.test.count, ds.classNames[3]]).toEqual([2, 2, 'cat']);
    expect(srv.requested.sort()).toEqual(['http://x/d/cifar10/data_batch_1.bin', 'http://x/d/cifar10/files.json', 'http://x/d/cifar10/test_batch.bin']);
  });

  it('MNIST without train images: fails, or splits the test set with allowTestSplit', async () => {
    const files = idx(10);
    const srv = fakeServer({
      ...under('/d/mnist', { 't10k-images-idx3-ubyte.gz': files['t10k-images-idx3-ubyte.gz'], 't10k-labels-idx1-ubyte.gz': files['t10k-labels-idx1-ubyte.gz'] }),
      '/d/mnist/files.json': json({ name: 'mnist', files: ['t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'] }),
    }, true);
    const e = await rejection(fetchDataset('mnist', '/d', { fetch: srv.fetch }));
    expect(e.message).toMatch(/train-images-idx3-ubyte\.gz is missing \(not listed in \/d\/mnist\/files\.json: npm run datasets found no copy/);
    expect(srv.requested.some((u) => u.includes('train-'))).toBe(false);
    const ds = await fetchDataset('mnist', '/d', { fetch: srv.fetch, allowTestSplit: true });
    expect([ds.train.count, ds.test.count]).toEqual([8, 2]);
  });

  const shared = findSharedDatasets();
  it.skipIf(!shared)('works with the real global fetch against a local HTTP server (MNIST from ../shared)', async () => {
    const server = createServer((req, res) => {
      const m = /^\/datasets\/mnist\/([\w.-]+)$/.exec(req.url ?? '');
      try {
        const body = m ? readFileSync(path.join(shared!, 'mnist', m[1])) : null;
        res.writeHead(200).end(body);
      } catch {
        res.writeHead(200, { 'content-type': 'text/html' }).end(INDEX_HTML); // SPA fallback
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/datasets`;
    try {
      const ds = await fetchDataset('mnist', base, { allowTestSplit: true });
      expect([ds.train.count, ds.test.count]).toEqual([8000, 2000]);
      const e = await rejection(fetchDataset('mnist', base));
      expect(e.message).toMatch(/train-images-idx3-ubyte\.gz is missing \(.*answered with an HTML page/);
    } finally {
      server.close();
    }
  });
});
