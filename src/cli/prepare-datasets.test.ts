import { lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeCifarRecords, encodeIdxImages, encodeIdxLabels, writeTar } from '../engine/data/encode';
import { loadDatasetFromDir } from './node-datasets';
import { download, prepareDatasets, type PrepareOptions } from './prepare-datasets';

const temps: string[] = [];
const tempDir = (prefix: string): string => { const d = mkdtempSync(path.join(tmpdir(), prefix)); temps.push(d); return d; };
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

function fixtureSources(): string {
  const src = tempDir('datasets-src-');
  const put = (rel: string, bytes: Uint8Array): void => {
    mkdirSync(path.dirname(path.join(src, rel)), { recursive: true });
    writeFileSync(path.join(src, rel), bytes);
  };
  const images = (n: number): Uint8Array => gzipSync(encodeIdxImages({ images: new Uint8Array(n * 784).fill(9), count: n, height: 28, width: 28 }));
  const labels = (n: number): Uint8Array => gzipSync(encodeIdxLabels(Uint8Array.from({ length: n }, (_, i) => i % 10)));
  put('fashion-mnist/train-images-idx3-ubyte.gz', images(20));
  put('fashion-mnist/train-labels-idx1-ubyte.gz', labels(20));
  put('fashion-mnist/t10k-images-idx3-ubyte.gz', images(10));
  put('fashion-mnist/t10k-labels-idx1-ubyte.gz', labels(10));
  put('mnist/t10k-images-idx3-ubyte.gz', images(10));
  put('mnist/t10k-labels-idx1-ubyte.gz', new TextEncoder().encode('<!DOCTYPE html><title>404</title>')); // a failed download
  const batch = encodeCifarRecords({ images: new Uint8Array(4 * 3072), labels: Uint8Array.of(1, 2, 3, 4), count: 4, height: 32, width: 32, channels: 3 });
  put('cifar10/cifar-10-binary.tar.gz', gzipSync(writeTar([
    { name: 'cifar-10-batches-bin/data_batch_1.bin', bytes: batch },
    { name: 'cifar-10-batches-bin/data_batch_2.bin', bytes: batch },
    { name: 'cifar-10-batches-bin/test_batch.bin', bytes: batch },
  ])));
  return src;
}

describe('prepareDatasets', () => {
  it('copies and validates what local sources have, reports what is missing or corrupt, and is idempotent', async () => {
    const work = tempDir('datasets-out-');
    const lines: string[] = [];
    const opts: PrepareOptions = {
      outDir: path.join(work, 'data'), publicDir: path.join(work, 'public/datasets'), localSources: [fixtureSources()],
      offline: true, full: false, only: ['fashion-mnist', 'mnist', 'cifar10'], log: (l) => lines.push(l),
    };
    const first = await prepareDatasets(opts);
    const log = lines.join('\n');
    expect(first.ok).toBe(false); // the HTML page posing as MNIST labels
    expect(Object.keys(first.ready)).toEqual(['fashion-mnist', 'cifar10']);
    expect(log).toMatch(/t10k-labels-idx1-ubyte\.gz copied from .* is CORRUPT: t10k-labels-idx1-ubyte\.gz: this is an HTML page/);
    expect(log).toMatch(/train-images-idx3-ubyte\.gz +MISSING \(offline \(--offline\)\); official source: https:\/\/storage\.googleapis\.com/);
    expect(log).toMatch(/data_batch_2\.bin +extracted from .*cifar-10-binary\.tar\.gz: 4 images/);
    expect(log).toMatch(/→ mnist NOT usable: mnist is incomplete/);
    expect(JSON.parse(readFileSync(path.join(work, 'data/cifar10/files.json'), 'utf8')).files).toEqual(['data_batch_1.bin', 'data_batch_2.bin', 'test_batch.bin']);
    expect(loadDatasetFromDir('cifar10', opts.outDir).train.count).toBe(8);
    expect(lstatSync(opts.publicDir!).isDirectory()).toBe(true); // a real folder, so .gitignore's `public/datasets/` matches
    expect(readlinkSync(path.join(opts.publicDir!, 'fashion-mnist'))).toBe(path.join('..', '..', 'data', 'fashion-mnist'));

    lines.length = 0;
    const again = await prepareDatasets(opts);
    expect(Object.keys(again.ready)).toEqual(['fashion-mnist', 'cifar10']);
    expect(lines.join('\n')).toMatch(/train-images-idx3-ubyte\.gz +up to date, copied from/);
  });
});

describe('download', () => {
  it('gives up on a server that never answers, and reports HTTP errors', async () => {
    const server = createServer((req, res) => {
      if (req.url === '/404') res.writeHead(404).end('no');
      // otherwise: never answer
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const t0 = Date.now();
      await expect(download(`${base}/hang`, 300)).rejects.toThrow(/timed out/);
      expect(Date.now() - t0).toBeLessThan(3000);
      await expect(download(`${base}/404`, 300)).rejects.toThrow(/HTTP 404/);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
