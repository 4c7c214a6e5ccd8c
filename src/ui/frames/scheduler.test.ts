import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

type Scheduler = typeof import('./scheduler');

// The scheduler keeps module state: a fresh copy per test, with a hand-cranked animation frame and
// a fake clock that draws advance.
let s: Scheduler;
/** Animation-frame callbacks waiting to run (the tests compile without DOM types). */
let frames: ((time: number) => void)[];
let now: number;

/** Runs the callbacks requested so far, as the browser does at the next animation frame. */
function animationFrame(): void {
  const due = frames.splice(0);
  for (const cb of due) cb(now);
}

/** A draw that records its name and takes `ms` of the fake clock. */
const drawer = (log: string[], name: string, ms = 0) => (): void => {
  log.push(name);
  now += ms;
};

beforeEach(async () => {
  frames = [];
  now = 0;
  vi.stubGlobal('requestAnimationFrame', (cb: (time: number) => void) => frames.push(cb));
  vi.spyOn(performance, 'now').mockImplementation(() => now);
  vi.resetModules();
  s = await import('./scheduler');
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

describe('frame scheduler', () => {
  it('draws each notified panel once in the next animation frame, however often it was notified', () => {
    const log: string[] = [];
    s.subscribe(drawer(log, 'a'));
    s.subscribe(drawer(log, 'b'));
    s.notify();
    s.notify();
    s.notify();
    expect(log).toEqual([]);
    expect(frames).toHaveLength(1);
    animationFrame();
    expect(log).toEqual(['a', 'b']);
    expect(frames).toHaveLength(0); // nothing left to draw, no frame requested
  });

  it('draws with the data current at the frame, not at the notification', () => {
    let data = 1;
    const seen: number[] = [];
    s.subscribe(() => seen.push(data));
    s.notify();
    data = 2;
    s.notify();
    animationFrame();
    expect(seen).toEqual([2]);
  });

  it('leaves the rest for the next frame once a frame has drawn for more than 4 ms', () => {
    const log: string[] = [];
    s.subscribe(drawer(log, 'slow', 5));
    s.subscribe(drawer(log, 'b', 1));
    s.subscribe(drawer(log, 'c', 1));
    s.notify();
    animationFrame();
    expect(log).toEqual(['slow']);
    animationFrame();
    expect(log).toEqual(['slow', 'b', 'c']);
  });

  it('runs only the latest job of a key, in a frame of its own before the panels draw', () => {
    const log: string[] = [];
    s.subscribe(drawer(log, 'panel'));
    s.later('progress', () => log.push('job 1'));
    s.later('progress', () => log.push('job 2'));
    s.later('eval', () => log.push('eval'));
    s.notify();
    animationFrame();
    expect(log).toEqual(['job 2', 'eval']);
    animationFrame();
    expect(log).toEqual(['job 2', 'eval', 'panel']);
  });

  it('does not draw a panel that unsubscribed while it was waiting', () => {
    const log: string[] = [];
    const off = s.subscribe(drawer(log, 'gone'));
    s.subscribe(drawer(log, 'stays'));
    s.notify();
    off();
    animationFrame();
    expect(log).toEqual(['stays']);
  });

  it('keeps drawing the other panels when one throws', () => {
    const log: string[] = [];
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    s.subscribe(() => {
      throw new Error('broken panel');
    });
    s.subscribe(drawer(log, 'fine'));
    s.notify();
    animationFrame();
    expect(log).toEqual(['fine']);
    expect(error).toHaveBeenCalledTimes(1);
  });
});
