// The studio's Export (worker `export` command) writes the very bytes `cli export` writes for the
// same run (one function, exportTrained, behind both).
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf';
import { presetConfig, type ExperimentConfig } from '../engine/config';
import { syntheticDataset } from '../engine/data/synthetic';
import { exportTrained } from '../engine/io/export-trained';
import { importModel } from '../engine/io/checkpoint';
import { Trainer } from '../engine/trainer';
import { trainRun } from './train-run';
import type { ExportedEvent, WorkerEvent } from '../protocol/messages';
import { Run } from '../worker/run';

afterEach(() => tf.disposeVariables());

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 200, testCount: 40 });
const config: ExperimentConfig = { ...presetConfig('tiny'), method: 's2vite', attnDensity: 0.5, mlpDensity: 0.5, batchSize: 8, steps: 6, updateInterval: 2, evalEvery: 0, evalSize: 40 };

/** A worker Run trained to its end, then asked for the model file. */
async function studioExport(layout: 'dense' | 'compact'): Promise<{ bytes: Uint8Array; events: WorkerEvent[] }> {
  const events: WorkerEvent[] = [];
  let finished = (): void => {};
  let exported = (_e: ExportedEvent): void => {};
  const run = new Run(1, (e) => {
    events.push(e);
    if (e.type === 'state' && e.state === 'finished') finished();
    if (e.type === 'exported') exported(e);
  }, { finalEvalSize: 40 });
  const trainer = await Trainer.create(config, data);
  await new Promise<void>((resolve) => {
    finished = resolve;
    run.begin(trainer);
  });
  const answer = new Promise<ExportedEvent>((resolve) => { exported = resolve; });
  run.exportModel(7, layout);
  const e = await answer;
  expect([e.requestId, e.layout]).toEqual([7, layout]);
  await run.close();
  return { bytes: e.bytes, events };
}

describe('worker export', () => {
  for (const layout of ['dense', 'compact'] as const) {
    it(`gives the bytes cli export writes for the same run (${layout})`, async () => {
      const before = tf.memory().numTensors;
      const { summary, trainer } = await trainRun(config, data, 'cpu', { quiet: true, trainEvalImages: 40 });
      expect(summary.steps).toBe(6);
      const cli = await exportTrained(trainer, layout);
      trainer.dispose();
      tf.disposeVariables();
      const { bytes } = await studioExport(layout);
      expect(bytes.length).toBe(cli.length);
      expect(Buffer.from(bytes).equals(Buffer.from(cli))).toBe(true);
      expect(importModel(bytes, 'studio.safetensors').layout).toBe(layout);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
