import { describe, expect, it } from 'vitest';
import { presetConfig } from '../engine/config';
import { TrainingClient, type WorkerLike } from './client';
import type { Command, WorkerEvent } from './messages';

/** A worker double: records commands, and lets the test answer with events or fail. */
class FakeWorker implements WorkerLike {
  readonly sent: Command[] = [];
  private onMessage: (e: { data: unknown }) => void = () => {};
  private onError: (e: { message?: string }) => void = () => {};

  postMessage(message: unknown): void {
    this.sent.push(message as Command);
  }

  addEventListener(type: 'message' | 'error', listener: (e: never) => void): void {
    if (type === 'message') this.onMessage = listener as typeof this.onMessage;
    else this.onError = listener as typeof this.onError;
  }

  emit(event: WorkerEvent): void {
    this.onMessage({ data: event });
  }

  crash(message: string): void {
    this.onError({ message });
  }
}

const state = (runId: number, step: number): WorkerEvent => ({ type: 'state', runId, state: 'running', step });

describe('TrainingClient', () => {
  it('gives each run a new runId and sends its commands with it', () => {
    const w = new FakeWorker();
    const c = new TrainingClient(w);
    const a = c.start(presetConfig('tiny'), { kind: 'synthetic' });
    c.pause();
    const b = c.start(presetConfig('tiny'), { kind: 'synthetic' });
    c.evaluate(10);
    expect(b).toBeGreaterThan(a);
    expect(w.sent.map((m) => [m.type, m.runId])).toEqual([['start', a], ['pause', a], ['start', b], ['evaluate', b]]);
  });

  it('hands out events of the current run only, unless a listener asks for stale ones too', () => {
    const w = new FakeWorker();
    const c = new TrainingClient(w);
    const old = c.start(presetConfig('tiny'), { kind: 'synthetic' });
    const now = c.start(presetConfig('tiny'), { kind: 'synthetic' });
    const current: number[] = [], every: number[] = [];
    c.on((e) => current.push(e.runId));
    c.on((e) => every.push(e.runId), { stale: true });
    w.emit(state(old, 5));
    w.emit(state(now, 1));
    expect(current).toEqual([now]);
    expect(every).toEqual([old, now]);
  });

  it('resolves init with the backend the worker reports', async () => {
    const w = new FakeWorker();
    const c = new TrainingClient(w);
    const ready = c.init('wasm');
    expect(w.sent).toEqual([{ type: 'init', runId: 0, backend: 'wasm' }]);
    const info = { backend: 'wasm', requested: 'wasm', adapter: 'none', crossOriginIsolated: true } as const;
    w.emit({ type: 'ready', runId: 0, info });
    await expect(ready).resolves.toEqual(info);
  });

  it('turns a crashed worker into a fatal error event, and refuses to init it afterwards', async () => {
    const w = new FakeWorker();
    const c = new TrainingClient(w);
    const errors: WorkerEvent[] = [];
    c.on((e) => errors.push(e));
    const pending = c.init();
    w.crash('script failed to load');
    await expect(pending).rejects.toThrow('script failed to load');
    expect(errors).toMatchObject([{ type: 'error', fatal: true }]);
    await expect(c.init()).rejects.toThrow('script failed to load');
    expect(w.sent).toHaveLength(1);
    // Start too: the new run gets the error at once, and nothing is posted to the dead worker.
    const run = c.start(presetConfig('tiny'), { kind: 'synthetic' });
    expect(errors.at(-1)).toMatchObject({ type: 'error', runId: run, fatal: true, message: expect.stringMatching(/script failed to load/) });
    expect(w.sent).toHaveLength(1);
  });
});
