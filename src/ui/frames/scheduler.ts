// Draw scheduling: data arrives whenever the worker posts; panels draw at most once per animation
// frame, with the latest data. `notify()` marks every panel dirty; dirty panels draw in the next
// animation frame, and when one frame's drawing exceeds its budget the rest continue in the next
// frame, so no single task on the main thread grows with the number of panels.

type Draw = () => void;

/** Set `globalThis.__studioDrawLog = []` (devtools, tests) to record [start, ms, name] of draws over 4 ms. */
type DrawLog = [number, number, string][];
const names = new WeakMap<Draw, string>();

/** Milliseconds of drawing per animation frame before the rest waits for the next one. */
const BUDGET_MS = 4;

const subscribers = new Set<Draw>();
const dirty = new Set<Draw>();
const jobs = new Map<string, () => void>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  const t0 = performance.now();
  // One-shot jobs (store updates that re-render labels) get a frame of their own; the panels draw
  // in the following frames, within the budget. Small tasks stay small on a busy machine.
  if (jobs.size) {
    const pending = [...jobs.values()];
    jobs.clear();
    for (const job of pending) job();
    if (dirty.size) schedule();
    return;
  }
  for (const draw of [...dirty]) {
    if (performance.now() - t0 > BUDGET_MS) break;
    dirty.delete(draw);
    try {
      const t1 = performance.now();
      draw();
      const log = (globalThis as { __studioDrawLog?: DrawLog }).__studioDrawLog;
      const ms = performance.now() - t1;
      if (log && ms > 4) log.push([Math.round(t1), Math.round(ms), names.get(draw) ?? '?']);
    } catch (err) {
      console.error('panel draw failed', err);
    }
  }
  if (dirty.size) schedule();
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(flush);
  else setTimeout(flush, 16);
}

/**
 * Run `job` at the start of the next animation frame; a later job with the same key replaces it
 * (e.g. the run counters: only the latest values matter). Keeps store updates, and the React
 * renders they cause, out of the message-handling task and coalesced to one per frame.
 */
export function later(key: string, job: () => void): void {
  jobs.set(key, job);
  schedule();
}

/** Request a redraw of every subscribed panel (within the next animation frames). */
export function notify(): void {
  for (const d of subscribers) dirty.add(d);
  if (dirty.size) schedule();
}

/** Subscribe a draw function; returns unsubscribe. */
export function subscribe(draw: Draw, name = ''): () => void {
  subscribers.add(draw);
  names.set(draw, name);
  return () => {
    subscribers.delete(draw);
    dirty.delete(draw);
  };
}
