// The soak section's data, measured by scripts/soak.ts (Playwright, headless Chromium): memory of
// the studio over a long training run, sampled once a minute. A benchmark, not a test. No tfjs and
// no Node APIs here: the soak script (tsx) and the renderer import it.

/** One sample, taken after a forced garbage collection in the page and in the worker. */
export interface SoakSample {
  /** Minutes since the first training step. */
  minute: number;
  step: number;
  /** The page's JS heap (CDP Runtime.getHeapUsage on the page), bytes. */
  pageHeapUsed: number;
  /** ArrayBuffer and external-string backing stores of the page, bytes. */
  pageBacking: number;
  /** DOM nodes in the page (CDP Memory.getDOMCounters). */
  domNodes: number;
  /** The worker's JS heap (Runtime.getHeapUsage through the worker's target), bytes. */
  workerHeapUsed: number;
  /** The worker's ArrayBuffer backing stores (the WASM backend's memory among them), bytes. */
  workerBacking: number;
  /** tfjs tensors alive in the worker, as its last frame reported them (taken at the same point of every step). */
  tensorsFrame: number | null;
  /** tfjs tensors alive in the worker when sampled (mid-step tensors included). */
  tensorsNow: number | null;
  /** Resident memory of Chromium's renderer processes (page and worker), bytes (/proc). */
  rendererRss: number;
  /** os.loadavg()[0] at the sample: the machine is shared, which changes speed, not memory. */
  load1: number;
}

export interface SoakGrowth {
  metric: string;
  from: number;
  to: number;
  /** (to − from) ÷ from. */
  growth: number;
}

export interface SoakData {
  /** The studio link that was opened. */
  query: string;
  chromium: string;
  viewport: string;
  /** Panels on the page (data-testid) and which of them showed content rather than a "does not apply" note. */
  panels: { testid: string; applies: boolean }[];
  plannedMinutes: number;
  /** The sample compared against the last one (the first minutes fill caches and chart buffers). */
  baselineMinute: number;
  samples: SoakSample[];
  growth: SoakGrowth[];
  /** The target on every growth figure. */
  targetGrowth: number;
  consoleErrors: string[];
  /** Why the run ended early, if it did. */
  stoppedEarly: string | null;
}

/**
 * Growth of each metric from the baseline minute to the end. Each end is the median of three
 * samples (the baseline minute and its neighbours; the last three), so one sample caught mid-step
 * or mid-collection does not decide it.
 */
export function soakGrowth(samples: SoakSample[], baseline: number): SoakGrowth[] {
  const at = samples.findIndex((s) => s.minute >= baseline);
  const first = samples.slice(Math.max(0, at - 1), at + 2);
  const last = samples.slice(-3);
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const metrics: [string, (s: SoakSample) => number | null][] = [
    ['page JS heap', (s) => s.pageHeapUsed],
    ['page DOM nodes', (s) => s.domNodes],
    ['worker JS heap', (s) => s.workerHeapUsed],
    ['worker ArrayBuffers (WASM memory)', (s) => s.workerBacking],
    ['tfjs tensors (at a frame)', (s) => s.tensorsFrame],
    ['renderer resident memory', (s) => s.rendererRss],
  ];
  if (at < 0 || samples.length < 2) return [];
  return metrics.flatMap(([metric, get]) => {
    const a = first.map(get), b = last.map(get);
    if (a.includes(null) || b.includes(null)) return [];
    const from = med(a as number[]), to = med(b as number[]);
    return from === 0 ? [] : [{ metric, from, to, growth: (to - from) / from }];
  });
}
