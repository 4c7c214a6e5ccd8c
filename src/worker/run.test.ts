// The worker's run loop in Node (no Worker needed: Run takes a post function): a diverged model
// stops the run with a message that names the step, and nothing outlives the run.
import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../engine/tf';
import { presetConfig } from '../engine/config';
import { syntheticDataset } from '../engine/data/synthetic';
import { Trainer } from '../engine/trainer';
import type { WorkerEvent } from '../protocol/messages';
import { Run } from './run';

afterEach(() => tf.disposeVariables());

describe('Run', () => {
  it('stops at the first non-finite loss and shows a message naming the step', async () => {
    const before = tf.memory().numTensors;
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 200, testCount: 50 });
    const trainer = await Trainer.create({ ...presetConfig('tiny'), batchSize: 8, steps: 20, evalEvery: 0, evalSize: 50 }, data);
    const params = await trainer.readParams();
    params.get('head.bias')![0] = Infinity;
    trainer.model.write(params);
    const events: WorkerEvent[] = [];
    let stopped = (): void => {};
    const run = new Run(1, (e) => {
      events.push(e);
      if (e.type === 'state' && e.state === 'stopped') stopped();
    });
    await new Promise<void>((resolve) => {
      stopped = resolve;
      run.begin(trainer);
    });
    const errors = events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ fatal: true, message: expect.stringMatching(/^Training failed: the loss at step 1 is NaN \(not finite\)/) });
    expect(events.some((e) => e.type === 'state' && e.state === 'finished')).toBe(false);
    await run.close(); // frees the trainer
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a run that failed before it had a model answers export, evaluate and try with an error, asked before or after', async () => {
    const before = tf.memory().numTensors;
    const events: WorkerEvent[] = [];
    const run = new Run(1, (e) => events.push(e));
    run.exportModel(1, 'dense'); // asked while the data was still loading
    run.evaluate();
    run.abandon(); // the start failed (e.g. the data set is not served)
    run.tryImage(2, { kind: 'test', index: 0 });
    const errors = events.filter((e) => e.type === 'error');
    expect(errors.map((e) => e.type === 'error' && e.command)).toEqual(['evaluate', 'export', 'try']);
    for (const e of errors) expect(e).toMatchObject({ fatal: false, message: expect.stringMatching(/^There is no model: this run stopped before training began/) });
    await run.close();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('try: a test image between steps gives its label and the top classes; a missing one a clear error, the run going on', async () => {
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 200, testCount: 50 });
    const trainer = await Trainer.create({ ...presetConfig('tiny'), batchSize: 8, steps: 30, evalEvery: 0, evalSize: 50 }, data);
    const events: WorkerEvent[] = [];
    let finished = (): void => {};
    const run = new Run(1, (e) => {
      events.push(e);
      if (e.type === 'state' && e.state === 'finished') finished();
    });
    const done = new Promise<void>((resolve) => (finished = resolve));
    run.begin(trainer);
    run.tryImage(1, { kind: 'test', index: 3 });
    run.tryImage(2, { kind: 'test', index: 50 });
    await done;
    const tried = events.find((e) => e.type === 'tried');
    expect(tried).toMatchObject({ requestId: 1, test: { index: 3, label: data.test.labels[3] }, size: 16, channels: 1 });
    if (tried?.type !== 'tried') return;
    expect(tried.top.map((t) => t.name)).toEqual(tried.top.map((t) => data.classNames[t.cls]));
    expect(tried.top).toHaveLength(5);
    expect(tried.top[0].prob).toBeGreaterThanOrEqual(tried.top[4].prob);
    expect(events.find((e) => e.type === 'error')).toMatchObject({ fatal: false, command: 'try', message: 'Try it failed: there is no test image 50: the test set has 50 (0 to 49)' });
    await run.close();
  });

  it('posts checkpoints a resumed trainer goes on from exactly, and a later NaN names the last one', async () => {
    const before = tf.memory().numTensors;
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 200, testCount: 50 });
    const config = { ...presetConfig('tiny'), batchSize: 8, steps: 40, evalEvery: 0, evalSize: 50 };
    const trainer = await Trainer.create(config, data);
    const events: WorkerEvent[] = [];
    const waiters: Array<() => void> = [];
    const until = (match: (e: WorkerEvent) => boolean): Promise<WorkerEvent> => new Promise((resolve) => {
      const check = (): void => {
        const hit = events.find(match);
        if (hit) resolve(hit);
        else waiters.push(check);
      };
      check();
    });
    const run = new Run(1, (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    }, { startPaused: true, checkpointEveryMs: 1e-6, frameHz: 60 });
    run.begin(trainer);
    await until((e) => e.type === 'state' && e.state === 'paused');
    run.resume();
    await until((e) => e.type === 'checkpoint' && e.step >= 3);
    run.pause();
    await until((e) => e.type === 'state' && e.state === 'paused' && e.step > 0);
    const checkpoints = events.filter((e) => e.type === 'checkpoint');
    // One per step while running (the interval is tiny), none twice for a step.
    expect(new Set(checkpoints.map((c) => c.step)).size).toBe(checkpoints.length);
    const last = checkpoints.at(-1)!;
    expect(last.step).toBe(trainer.stepsDone);
    // Every step up to the checkpoint was in a frame posted before it.
    const framed = events.slice(0, events.indexOf(last)).flatMap((e) => (e.type === 'frame' ? Array.from(e.steps) : []));
    expect(framed.at(-1)).toBe(last.step);

    // A trainer built from the second checkpoint reaches the live run's losses bit for bit.
    const mid = checkpoints[1];
    const resumed = await Trainer.fromCheckpoint(new Uint8Array(await mid.blob.arrayBuffer()), data);
    while (resumed.stepsDone < last.step) await resumed.step();
    expect(Array.from(resumed.losses)).toEqual(Array.from(trainer.losses));
    resumed.dispose();

    const params = await trainer.readParams();
    params.get('head.bias')![0] = Infinity;
    trainer.model.write(params);
    run.resume();
    const error = await until((e) => e.type === 'error');
    expect(error).toMatchObject({ fatal: true, message: expect.stringContaining(`The last good checkpoint is saved with this run in the Runs panel, at step ${last.step}.`) });
    await run.close();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a resumed run\'s clock goes on from its checkpoint\'s time: frames and the next checkpoint count from there', async () => {
    const before = tf.memory().numTensors;
    const data = syntheticDataset({ imageSize: 16, channels: 1, seed: 0, trainCount: 200, testCount: 50 });
    const trainer = await Trainer.create({ ...presetConfig('tiny'), batchSize: 8, steps: 6, evalEvery: 0, evalSize: 50 }, data);
    const events: WorkerEvent[] = [];
    let finished = (): void => {};
    const done = new Promise<void>((resolve) => (finished = resolve));
    const elapsedMs = 3_600_000;
    // A checkpoint is due 30 s of training after the resumed one, not at once (the clock does not
    // start over below the interval).
    const run = new Run(1, (e) => {
      events.push(e);
      if (e.type === 'state' && e.state === 'finished') finished();
    }, { elapsedMs, checkpointEveryMs: 30_000, frameHz: 60 });
    run.begin(trainer);
    await done;
    const frames = events.flatMap((e) => (e.type === 'frame' ? [e] : []));
    expect(frames.length).toBeGreaterThan(1);
    expect(frames[0].elapsedMs).toBe(elapsedMs);
    for (let i = 1; i < frames.length; i++) expect(frames[i].elapsedMs).toBeGreaterThanOrEqual(frames[i - 1].elapsedMs);
    expect(frames.at(-1)!.elapsedMs).toBeLessThan(elapsedMs + 60_000);
    // Only the checkpoint at the end: none was due in between.
    expect(events.filter((e) => e.type === 'checkpoint').map((e) => e.type === 'checkpoint' && e.step)).toEqual([6]);
    await run.close();
    expect(tf.memory().numTensors).toBe(before);
  });
});
