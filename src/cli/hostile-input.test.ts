// Hostile or careless input to the CLI (issue 22): each is refused fast, saying what is wrong and
// what to do, with no raw system error and no stack.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetConfig } from '../engine/config';
import { sizeOf } from '../engine/facts/shape';
import { gzipOfZeros } from '../engine/fixtures/gzip-bomb';
import { CHECKPOINT_FORMAT } from '../engine/io/checkpoint';
import { encodeSafetensors } from '../engine/io/safetensors';
import { paramSpecs } from '../engine/model/params';

const root = path.resolve(__dirname, '../..');
const cliRun = (...args: string[]): { status: number | null; stdout: string; stderr: string } =>
  spawnSync(process.execPath, [path.join(root, 'scripts/run-ts.mjs'), 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8' });
const refused = (...args: string[]): string => {
  const r = cliRun(...args);
  expect(r.status, r.stdout).toBe(1);
  expect(r.stderr).not.toMatch(/steps\/s|EISDIR|at .*\.[tj]s:\d+/); // no training, no raw error, no stack
  return r.stderr;
};
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'svs-hostile-'));

describe('cli on hostile input', () => {
  // Unpatched, each bomb cost minutes of CPU (183 s and 102 s here) before its error.
  it('refuses gzip bombs given as train-images-idx3-ubyte.gz: 4 GiB of zeros whose trailer wraps to 0, and a forged trailer', () => {
    for (const [bomb, stated] of [[gzipOfZeros(2 ** 32, 2 ** 32), 0], [gzipOfZeros(3e9, 47_040_016), 47_040_016]] as const) {
      const dir = tmp();
      mkdirSync(path.join(dir, 'fashion-mnist'));
      writeFileSync(path.join(dir, 'fashion-mnist', 'train-images-idx3-ubyte.gz'), bomb);
      expect(refused('train', '--preset', 'fmnist', '--data-dir', dir, '--quiet')).toMatch(
        `error: fashion-mnist/train-images-idx3-ubyte.gz: corrupt gzip stream (it unpacks to more than the ${stated} bytes its trailer states; stopped there)`);
    }
  }, 120_000);

  it('says what is wrong with a folder or a device file given as a file', () => {
    const dir = tmp();
    expect(refused('eval', dir)).toMatch(/^error: eval: \S+ is a folder, not a file \(give the path of a \.safetensors file/);
    expect(refused('train', '--resume', dir)).toMatch(/^error: --resume \S+ is a folder, not a file \(give a file written by --checkpoint\)/);
    if (existsSync('/proc/version')) // root may open it for writing; the write then fails with EIO
      expect(refused('train', '--log', '/proc/version')).toMatch(/^error: --log \/proc\/version cannot be written \(EIO: i\/o error\): give a file in a folder of yours on a disk/);
  }, 120_000);

  it('refuses a safetensors header of 1.4 M zero-size tensors before parsing it', () => {
    const entries = Array.from({ length: 1_400_000 }, (_, i) => `"t${i}":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}`);
    const header = Buffer.from(`{${entries.join(',')}}`);
    const length = Buffer.alloc(8);
    length.writeUInt32LE(header.length, 0);
    const file = path.join(tmp(), 'many.safetensors');
    writeFileSync(file, Buffer.concat([length, header]));
    expect(refused('eval', file)).toMatch(/^error: \S+many\.safetensors: its header lists more than 10000 tensors, the limit/);
  }, 120_000);

  it('eval says why a model with a finite but huge weight has no accuracy, and exits 1', () => {
    const config = presetConfig('tiny');
    const tensors = paramSpecs(config).map((s) => {
      const data = Float32Array.from({ length: sizeOf(s.shape) }, (_, i) => (((i * 7919) % 101) - 50) / 1000); // varied, so the norms pass signal
      if (s.name === 'head.weight') data[5] = 3.4e38; // finite: the import's NaN/Infinity check lets it through
      return { name: s.name, dtype: 'F32' as const, shape: s.timmShape, data };
    });
    const file = path.join(tmp(), 'huge.safetensors');
    writeFileSync(file, encodeSafetensors(tensors, { format: CHECKPOINT_FORMAT, config: JSON.stringify(config) }));
    const r = cliRun('eval', file, '--quiet');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ testAccuracy: null, error: expect.stringMatching(/not finite/) });
    expect(r.stderr).toMatch(/^error: eval: \S+huge\.safetensors: the model's outputs on the test images are not finite \(loss \w+\): its weights are finite, but the forward pass overflows float32 .*; its largest weight is 3\.40e\+38, in head\.weight/);
  }, 120_000);

  it('refuses configs that validated, then crashed, before loading data; still counts FLOPs of deit-base', () => {
    expect(refused('train', '--url', 'v=1&p=tiny&img=1024&ps=1&st=1')).toMatch(/^error: Invalid experiment config:\n {2}- this config does not fit in memory: its tensors need about 2,097,745 GiB to train .* past the 2\.00 GiB limit; its synthetic images take 6\.84 GiB/);
    expect(refused('train', '--set', 'mlpRatio=0.001')).toMatch(/mlpRatio 0\.001 gives an MLP of no neurons/);
    expect(refused('train', '--set', 'embedDim=4096', '--set', 'depth=48', '--set', 'numHeads=64')).toMatch(/its tensors need about 115 GiB to train .* past the 2\.00 GiB limit/);
    const flops = cliRun('flops', '--preset', 'deit-base', '--quiet');
    expect(flops.status, flops.stderr).toBe(0);
    expect(JSON.parse(flops.stdout).flops.dense / 1e9).toBeCloseTo(17.564, 3);
  }, 120_000);

  it('reports link text it does not read, escaping control characters', () => {
    const r = cliRun('flops', '--url', 'aug?v=1&p=tiny&ee=123456789012345678901234&a\u0007b=1');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('link:'))).toEqual([
      'link: ignored aug=: text before ? is not part of the experiment',
      'link: ignored ee=123456789012345678901234: evalEvery: too many digits to hold exactly; using 200',
      'link: ignored a%07b=1: unknown key',
    ]);
    expect(cliRun('flops', '--url', '??v=1&p=fmnist').stderr).toBe('link: ignored ??=: a doubled ?; read as one\n');
  }, 120_000);
});
