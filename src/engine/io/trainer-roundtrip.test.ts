import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { presetConfig, type ExperimentConfig } from '../config';
import { syntheticDataset } from '../data/synthetic';
import { Trainer } from '../trainer';
import { importModel } from './checkpoint';
import { exportTrained } from './export-trained';
import { decodeSafetensors } from './safetensors';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 400, testCount: 64 });
const cfg = (over: Partial<ExperimentConfig>): ExperimentConfig => ({ ...presetConfig('tiny'), batchSize: 8, steps: 12, updateInterval: 3, ...over });

afterEach(() => tf.disposeVariables());

describe('export → import → identical logits', () => {
  for (const [name, over] of [
    ['dense', {}], ['svite', { method: 'svite' }], ['s2vite', { method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5 }],
    ['s2vite + tokens', { method: 's2vite', tokenKeep: 0.5 }],
    ['svite + tokens with a centre prior', { method: 'svite', tokenKeep: 0.5, tokenPrior: 3 }],
  ] as [string, Partial<ExperimentConfig>][]) {
    for (const compact of [false, true]) {
      it(`${name}${compact ? ' (compact)' : ''}`, async () => {
        const c = cfg(over);
        const before = tf.memory().numTensors;
        const a = await Trainer.create(c, data);
        for (let i = 0; i < 8; i++) await a.step();
        const bytes = await exportTrained(a, compact ? 'compact' : 'dense');
        const file = decodeSafetensors(bytes, 'x.safetensors');
        if (compact && c.method === 's2vite') expect(file.tensors.get('blocks.0.attn.qkv.weight')!.shape).toEqual([72, 48]); // 2 of 4 heads: 3 × 2 × 12 rows
        if (c.method === 'svite') expect(file.tensors.has('blocks.0.mlp.fc1.weight.mask')).toBe(true);
        const m = importModel(bytes, 'x.safetensors');
        expect(m.config).toEqual(c);
        expect(m.preprocessing).toEqual({ mean: data.mean, std: data.std, classNames: data.classNames, inputSize: [1, 16, 16], numClasses: 10 });
        const b = await Trainer.create(m.config, data);
        b.restore(m);
        const x = tf.randomNormal([6, 16, 16, 1]) as tf.Tensor4D;
        const la = a.predict(x), lb = b.predict(x);
        expect(Array.from(lb.dataSync())).toEqual(Array.from(la.dataSync()));
        if (c.method !== 'dense') expect(b.flops()).toEqual(a.flops());
        tf.dispose([x, la, lb]);
        a.dispose();
        b.dispose();
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
});
