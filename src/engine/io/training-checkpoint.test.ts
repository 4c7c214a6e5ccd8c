import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { presetConfig, type ExperimentConfig } from '../config';
import { syntheticDataset } from '../data/synthetic';
import { Trainer } from '../trainer';
import { CheckpointError, exportModel, importModel } from './checkpoint';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { StateWriter } from './state-bundle';
import { encodeTrainingCheckpoint, readCheckpointHeader, TRAINING_CHECKPOINT_FORMAT } from './training-checkpoint';

// 36 images in batches of 8: epochs end mid-batch (steps 5, 9, 14); updates follow steps 3, 6, 9.
const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 36, testCount: 16 });
const N = 12;
const cfg = (over: Partial<ExperimentConfig>): ExperimentConfig => ({
  ...presetConfig('tiny'), embedDim: 16, numHeads: 2, batchSize: 8, steps: N, updateInterval: 3, augment: true, evalEvery: 0, ...over,
});

const METHODS: [string, Partial<ExperimentConfig>][] = [
  ['dense', {}],
  ['svite', { method: 'svite', growth: 'gradient' }],
  ['svite (restart: per-entry bias correction)', { method: 'svite', sparseMoments: 'restart' }],
  ['svite (keep: the reference rule)', { method: 'svite', sparseMoments: 'keep' }],
  ['s2vite', { method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5 }],
  ['svite+ (tokens)', { method: 'svite', tokenKeep: 0.5 }],
  ['svite+ (centre prior, its own lr: a bucket of its own)', { method: 'svite', tokenKeep: 0.5, tokenPrior: 3, tokenLr: 0.3 }],
];

async function stepTo(t: Trainer, n: number): Promise<number[]> {
  const out: number[] = [];
  while (t.stepsDone < n) out.push((await t.step()).loss);
  return out;
}

afterEach(() => tf.disposeVariables());

describe('training checkpoint: resume is bit-exact', () => {
  for (const [name, over] of METHODS) {
    it(name, async () => {
      const before = tf.memory().numTensors;
      const c = cfg(over);
      const k = 4; // mid-epoch, before an update step; the resumed span crosses both
      const a = await Trainer.create(c, data);
      await stepTo(a, k);
      const bytes = await a.checkpoint({ note: 'x' });
      const rest = await stepTo(a, N);
      const endA = await a.checkpoint();

      const b = await Trainer.fromCheckpoint(bytes, data);
      expect(b.stepsDone).toBe(k);
      expect(await b.checkpoint({ note: 'x' })).toEqual(bytes); // nothing lost or changed on the way in
      expect(await stepTo(b, N)).toEqual(rest);
      expect(b.losses).toEqual(a.losses); // the steps before the checkpoint too
      expect(await b.checkpoint()).toEqual(endA); // every state, not only the losses, ended the same

      // Taking a checkpoint does not disturb the run it is taken from.
      const plain = await Trainer.create(c, data);
      await stepTo(plain, N);
      expect(plain.losses).toEqual(a.losses);
      expect(readCheckpointHeader(bytes)).toEqual({ format: TRAINING_CHECKPOINT_FORMAT, config: c, step: k, extra: { note: 'x' } });
      for (const t of [a, b, plain]) t.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});

describe('training checkpoint: bad files', () => {
  const c = cfg({ method: 'svite' });
  const fail = async (bytes: Uint8Array, message: RegExp, d = data): Promise<void> => {
    const before = tf.memory().numTensors;
    const err = await Trainer.fromCheckpoint(bytes, d, {}, 'run.ckpt').then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(CheckpointError);
    expect((err as Error).message).toMatch(message);
    expect(tf.memory().numTensors).toBe(before);
  };
  /** The checkpoint with one tensor's data replaced, or one tensor left out; resealed (a valid checksum) unless `seal` is false. */
  const edit = (bytes: Uint8Array, name: string, f: ((x: Float32Array) => void) | 'drop', seal = true): Uint8Array => {
    const { tensors, metadata } = decodeSafetensors(bytes);
    if (f === 'drop') tensors.delete(name);
    else f(tensors.get(name)!.data as Float32Array);
    const list = [...tensors].map(([n, t]) => ({ name: n, ...t }));
    return seal
      ? encodeTrainingCheckpoint({ config: c, step: Number(metadata.step), extra: {} }, new StateWriter(list, JSON.parse(metadata.state)))
      : encodeSafetensors(list, metadata);
  };

  it('names what is wrong and how to go on', async () => {
    const t = await Trainer.create(c, data);
    await stepTo(t, 2);
    const bytes = await t.checkpoint();
    const model = exportModel({ config: c, specs: t.model.specs, ...(await t.exportState()) });
    t.dispose();
    await fail(model, /^run\.ckpt: is a model file .* not a training checkpoint/);
    await fail(bytes.subarray(0, bytes.length - 10), /^run\.ckpt: .*hole|out of range/);
    await fail(new TextEncoder().encode('<!doctype html><html>'), /^run\.ckpt: is an HTML/);
    await fail(edit(bytes, 'param.head.weight', (x) => (x[0] *= 1.5), false), /^run\.ckpt: is damaged: its checksum is "\w{8}" but its contents sum to "\w{8}"/);
    await fail(edit(bytes, 'param.head.weight', (x) => (x[0] = NaN)), /'param\.head\.weight' holds non-finite values/);
    await fail(edit(bytes, 'adamw.0.v', (x) => (x[1] = Infinity)), /'adamw\.0\.v' holds non-finite values/);
    const other = syntheticDataset({ imageSize: 16, channels: 1, seed: 1, trainCount: 36, testCount: 16 });
    await fail(bytes, /was trained on data synthetic:36:\w+ .* resume with the same data set/, other);
    const { tensors, metadata } = decodeSafetensors(bytes);
    const reencode = (meta: Record<string, string>): Uint8Array => encodeSafetensors([...tensors].map(([n, x]) => ({ name: n, ...x })), meta);
    await fail(edit(bytes, 'sparsity.blocks.0.mlp.fc1.weight.mask', 'drop'), /no 'sparsity\.blocks\.0\.mlp\.fc1\.weight\.mask' entry/);
    await fail(reencode({ ...metadata, config: JSON.stringify({ ...c, numHeads: 5 }) }), /stored config is invalid:\n.*not divisible by numHeads 5/);
    await fail(reencode({ ...metadata, config: JSON.stringify({ ...c, lr: -1 }) }), /cannot be resumed as written:\n.*lr must be/);
    await fail(reencode({ ...metadata, step: '13' }), /metadata 'step' is "13", expected a whole number from 0 to steps \(12\)/);
    await fail(reencode({ ...metadata, format: 'sparse-vit-studio/checkpoint/9' }), /format 'sparse-vit-studio\/checkpoint\/9'; this version reads 'sparse-vit-studio\/checkpoint\/1'/);
    expect(() => readCheckpointHeader(model, 'm.safetensors')).toThrow(/^m\.safetensors: is a model file/);
    expect(() => importModel(bytes, 'run.ckpt')).toThrow(/^run\.ckpt: is a training checkpoint .* resume it with `cli train --resume`/);
  });
});

describe('training checkpoint: corrupt files', () => {
  it('any changed byte fails as a CheckpointError (never a raw error), or changes nothing that is read', async () => {
    const c = cfg({ method: 's2vite', tokenKeep: 0.5 });
    const t = await Trainer.create(c, data);
    await stepTo(t, 4);
    const bytes = await t.checkpoint();
    t.dispose();
    const before = tf.memory().numTensors;
    const headerEnd = 8 + new DataView(bytes.buffer, bytes.byteOffset).getUint32(0, true);
    let loaded = 0, refused = 0;
    await fc.assert(fc.asyncProperty(
      // Half the changes in the header (config, state values, tensor table), half in the data.
      fc.oneof(fc.integer({ min: 0, max: headerEnd - 1 }), fc.integer({ min: headerEnd, max: bytes.length - 1 })),
      fc.integer({ min: 1, max: 255 }),
      async (at, xor) => {
        const bad = bytes.slice();
        bad[at] ^= xor;
        const r = await Trainer.fromCheckpoint(bad, data, {}, 'bad.ckpt').then((x) => x, (e: unknown) => e);
        if (r instanceof Trainer) {
          loaded++; // header padding: a space that became another blank
          expect(await r.checkpoint()).toEqual(bytes);
          r.dispose();
        } else {
          refused++;
          expect(r, String(r)).toBeInstanceOf(CheckpointError);
          expect((r as Error).message).toMatch(/^bad\.ckpt: /);
        }
        expect(tf.memory().numTensors).toBe(before);
      }), { numRuns: 120, seed: 7 });
    expect(refused).toBeGreaterThan(100);
    expect(loaded + refused).toBe(120);
  });
});
