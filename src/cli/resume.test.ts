// Checkpoints, --stop-at, --resume and --log through the CLI's run (in process, CPU backend), and
// the sweep's table.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../engine/tf';
import { presetConfig, type ExperimentConfig } from '../engine/config';
import { syntheticDataset } from '../engine/data/synthetic';
import { readCheckpointHeader } from '../engine/io/training-checkpoint';
import { Trainer } from '../engine/trainer';
import { sweep } from './sweep';
import { trainRun } from './train-run';

const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 36, testCount: 16 });
const cfg = (over: Partial<ExperimentConfig> = {}): ExperimentConfig => ({
  ...presetConfig('tiny'), embedDim: 16, numHeads: 2, batchSize: 8, steps: 10, updateInterval: 3, evalEvery: 4, evalSize: 16, ...over,
});
const tmp = (): string => mkdtempSync(path.join(os.tmpdir(), 'svs-resume-'));
const jsonLines = (file: string): Record<string, number>[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

afterEach(() => {
  vi.restoreAllMocks();
  tf.disposeVariables();
});

describe('train --checkpoint / --stop-at / --resume / --log', () => {
  it('a run stopped and resumed has the uninterrupted run\'s losses, updates and evaluations; the log keeps every step', async () => {
    const before = tf.memory().numTensors;
    const dir = tmp();
    const c = cfg({ method: 's2vite' });
    const whole = await trainRun(c, data, 'cpu', { quiet: true, trainEvalImages: 16 });
    whole.trainer.dispose();

    const file = path.join(dir, 'run.ckpt'), log = path.join(dir, 'run.jsonl');
    const first = await trainRun(c, data, 'cpu', { quiet: true, trainEvalImages: 16, checkpoint: { file, every: 3 }, stopAt: 5, logFile: log });
    first.trainer.dispose();
    expect(first.summary.stoppedBy).toBe('stop-at');
    expect(first.summary.steps).toBe(5);
    expect(first.summary.checkpoint).toMatchObject({ file, step: 5 });
    expect(readCheckpointHeader(readFileSync(file)).step).toBe(5);
    expect(existsSync(`${file}.tmp-${process.pid}`)).toBe(false); // written through a rename

    const bytes = new Uint8Array(readFileSync(file));
    const second = await trainRun(c, data, 'cpu', { quiet: true, trainEvalImages: 16, resume: { bytes, file }, checkpoint: { file, every: 3 }, logFile: log });
    second.trainer.dispose();
    const a = whole.summary, b = second.summary;
    expect(b.resumedFrom).toBe(5);
    expect(b.losses).toHaveLength(10);
    expect(b.losses).toEqual(a.losses);
    expect(b.updates).toEqual(a.updates);
    expect(b.evals).toEqual(a.evals);
    expect(b.heads).toEqual(a.heads);
    expect(b.testAccuracy).toBe(a.testAccuracy);
    expect(readCheckpointHeader(readFileSync(file)).step).toBe(10);

    const steps = jsonLines(log).filter((l) => 'loss' in l);
    expect(steps.map((l) => l.step)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(steps.map((l) => l.loss)).toEqual(a.losses);
    expect(jsonLines(log).filter((l) => 'testAccuracy' in l).map((l) => l.step)).toEqual([4, 8]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a non-finite loss names the last good checkpoint, and leaves it as it was', async () => {
    const before = tf.memory().numTensors;
    const file = path.join(tmp(), 'nan.ckpt');
    const steps = Trainer.prototype.steps;
    vi.spyOn(Trainer.prototype, 'steps').mockImplementation(async function (this: Trainer, limit?: number) {
      if (this.stepsDone === 7) {
        const p = await this.readParams();
        p.get('head.weight')![0] = NaN;
        this.model.write(p);
      }
      return steps.call(this, limit);
    });
    const { summary, trainer } = await trainRun(cfg(), data, 'cpu', { quiet: true, trainEvalImages: 16, checkpoint: { file, every: 3 } });
    trainer.dispose();
    expect(summary.stoppedBy).toBe('non-finite-loss');
    expect(summary.error).toMatch(/^the loss at step 8 is NaN .* The last good checkpoint is .*nan\.ckpt, at step 6\.$/);
    expect(readCheckpointHeader(readFileSync(file)).step).toBe(6);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('sweep', () => {
  it('trains each method over the seeds and reports mean ± std accuracy and FLOPs saved per method', async () => {
    const before = tf.memory().numTensors;
    const seen: number[] = [];
    const r = await sweep(cfg({ steps: 3, evalEvery: 0, seed: 5 }), ['dense', 's2vite'], 2, () => data, 'cpu', {
      progress: (t) => seen.push(t.rows.reduce((n, row) => n + row.runs.length, 0)),
    });
    expect(seen).toEqual([1, 2, 3, 4]); // the table after every run
    expect(r.rows.map((row) => [row.method, row.name, row.seeds])).toEqual([['dense', 'dense', [5, 6]], ['s2vite', 'S²ViTE (0.7, 0.6)', [5, 6]]]);
    const [dense, s2] = r.rows;
    expect(dense.flopsSavedTheoretical).toBe(0);
    expect(s2.flopsSavedTheoretical).toBeGreaterThan(0);
    expect(s2.flopsSavedExecuted).toBeGreaterThan(0);
    for (const row of r.rows) {
      const accs = row.runs.map((x) => x.testAccuracy);
      expect(row.accuracyMean).toBeCloseTo((accs[0] + accs[1]) / 2, 12);
      expect(row.accuracyStd).toBeCloseTo(Math.abs(accs[0] - accs[1]) / Math.SQRT2, 12);
    }
    expect(s2.runs[1].config).toMatch(/m=s2vite/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
