// The page's main-thread tasks from a Chromium trace, each with its wall time and the CPU time its
// thread spent on it. On a loaded machine (2 cores shared by several test runs and SwiftShader) a
// task's wall time stretches while its thread waits for a core: 8–20 ms of work showed as 50–300 ms
// long tasks. Its thread CPU time is the work the page itself asked for, whatever the load.
import type { Page } from '@playwright/test';

export interface TraceEvent {
  name: string; ph: string; ts: number; dur?: number; tdur?: number; pid: number; tid: number; id?: string;
  args?: { name?: string; data?: Record<string, unknown> };
}
export interface MainTask { wallMs: number; cpuMs: number }

/** Enough to see every task and what runs in it (no JS sampler: that slows the page itself). */
export const TIMELINE_CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'];

export function traceEvents(buffer: Buffer): TraceEvent[] {
  const raw = JSON.parse(buffer.toString()) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(raw) ? raw : raw.traceEvents;
}

/** The page's main thread: of the renderer main threads, the one that ran the most task time. */
export function mainThread(events: TraceEvent[]): { pid: number; tid: number } {
  const busy = new Map<string, number>();
  for (const e of events) if (e.name === 'RunTask' && e.ph === 'X') busy.set(`${e.pid}:${e.tid}`, (busy.get(`${e.pid}:${e.tid}`) ?? 0) + (e.dur ?? 0));
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
    .sort((a, b) => (busy.get(`${b.pid}:${b.tid}`) ?? 0) - (busy.get(`${a.pid}:${a.tid}`) ?? 0));
  if (!mains[0]) throw new Error('the trace has no renderer main thread (CrRendererMain)');
  return { pid: mains[0].pid, tid: mains[0].tid };
}

/** Top-level tasks of the page's main thread, from the first `performance.mark(mark)` on when given. */
export function mainTasks(events: TraceEvent[], mark?: string): MainTask[] {
  const { pid, tid } = mainThread(events);
  const from = mark ? events.find((e) => e.name === mark)?.ts : undefined;
  if (mark && from === undefined) throw new Error(`the trace has no mark named ${mark}`);
  return events
    .filter((e) => e.pid === pid && e.tid === tid && e.ph === 'X' && e.name === 'RunTask' && e.ts >= (from ?? 0))
    .sort((a, b) => a.ts - b.ts)
    .map((e) => ({ wallMs: (e.dur ?? 0) / 1000, cpuMs: (e.tdur ?? 0) / 1000 }));
}

/** Records the page's timeline while `during` runs; returns its main-thread tasks after the mark it sets. */
export async function traceMainThread(page: Page, during: () => Promise<void>): Promise<MainTask[]> {
  const browser = page.context().browser();
  if (!browser) throw new Error('tracing needs a browser (not a persistent context)');
  await browser.startTracing(page, { categories: TIMELINE_CATEGORIES });
  let failure: unknown = null;
  try {
    await page.evaluate(() => performance.mark('main-thread-window'));
    await during();
  } catch (err) {
    failure = err;
  }
  const buffer = await browser.stopTracing(); // stopped in any case: the browser traces one page at a time
  if (failure) throw failure;
  return mainTasks(traceEvents(buffer), 'main-thread-window');
}
