// `npx tsx scripts/profile-longtasks.ts <base-url> <query> [seconds] [afterStep]`: which work fills
// the studio's main-thread tasks over 50 ms while it trains. It clicks Start, waits for step
// `afterStep` (default 1), records a Chromium trace (timeline + sampled JS stacks) for `seconds`
// (default 8), then prints every main-thread task over 50 ms of wall time or 20 ms of CPU time:
// what ran in it (trace events by self wall and CPU time) and the JS functions the sampler saw
// there (self time, and the app's frames on the stack); then the whole window, and a SUMMARY line
// to compare builds back to back. PROFILE_JS=0 leaves the sampler out. The trace is kept in
// .cache/profile-longtasks/trace.json (open it in DevTools' Performance panel). Serve an
// unminified build for readable names:
//   node node_modules/vite/bin/vite.js build --outDir .cache/profile-longtasks/dist --minify false
//   node node_modules/vite/bin/vite.js preview --outDir .cache/profile-longtasks/dist --port 4342 --strictPort
import { mkdirSync, writeFileSync } from 'node:fs';
import { launchChromium } from '../e2e/chromium';
import { TIMELINE_CATEGORIES, mainThread, traceEvents, type TraceEvent } from '../e2e/main-thread';

interface ProfileNode { id: number; parent?: number; callFrame: { functionName: string; url: string; lineNumber: number } }

const [base, query, seconds = '8', afterStep = '1'] = process.argv.slice(2);
if (!base || query === undefined) throw new Error('usage: profile-longtasks.ts <base-url> <query> [seconds] [afterStep]');

/** PROFILE_JS=0: timeline only, without the JS sampler (which itself slows the page). */
const sampleJs = process.env.PROFILE_JS !== '0';
const CATEGORIES = [...TIMELINE_CATEGORIES, 'v8', 'v8.execute', 'disabled-by-default-v8.gc', ...(sampleJs ? ['disabled-by-default-v8.cpu_profiler'] : [])];

const browser = await launchChromium();
const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
await context.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
const page = await context.newPage();
page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
await page.goto(`${base}/?${query}`);
await page.getByTestId('start').click();
const step = async (): Promise<number> => Number(await page.getByTestId('step-counter').textContent());
const deadline = Date.now() + 180_000;
while ((await step()) < Number(afterStep) && Date.now() < deadline) await page.waitForTimeout(250);
console.log(`step ${await step()}: tracing ${seconds} s`);
await browser.startTracing(page, { categories: CATEGORIES });
// Starting the sampler stalls the page for seconds: the window opens at a mark after it.
await page.waitForTimeout(sampleJs ? 4000 : 500);
await page.evaluate(() => performance.mark('longtask-window'));
await page.waitForTimeout(Number(seconds) * 1000);
const buffer = await browser.stopTracing();
console.log(`step ${await step()} at the end`);
await browser.close();
mkdirSync('.cache/profile-longtasks', { recursive: true });
writeFileSync('.cache/profile-longtasks/trace.json', buffer);

const events = traceEvents(buffer);
const main = mainThread(events);
const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined);
const mark = events.find((e) => e.name === 'longtask-window');
const tasks = onMain.filter((e) => e.name === 'RunTask' && e.ts >= (mark?.ts ?? 0)).sort((a, b) => a.ts - b.ts);
// Wall time over 50 ms, or CPU time of the thread over 20 ms (on a loaded machine a task's wall
// time stretches while the thread waits for a core; its thread time does not).
const long = tasks.filter((t) => (t.dur ?? 0) > 50_000 || (t.tdur ?? 0) > 20_000);
const ms = (us: number): string => (us / 1000).toFixed(1);
const wallCpu = (t: TraceEvent): string => `${ms(t.dur ?? 0)} (cpu ${ms(t.tdur ?? 0)})`;
console.log(`over 50 ms wall: ${tasks.filter((t) => (t.dur ?? 0) > 50_000).map(wallCpu).join(', ') || 'none'}`);
console.log(`longest by cpu: ${[...tasks].sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0)).slice(0, 10).map(wallCpu).join(', ')}`);

// Sampled stacks of the main thread (Profile + ProfileChunk events share an id).
const profile = events.find((e) => e.name === 'Profile' && e.pid === main.pid && e.tid === main.tid);
const nodes = new Map<number, ProfileNode>();
const samples: { ts: number; node: number }[] = [];
if (profile) {
  let ts = Number((profile.args?.data as { startTime: number }).startTime);
  for (const c of events.filter((e) => e.name === 'ProfileChunk' && e.id === profile.id && e.pid === main.pid)) {
    const d = c.args?.data as { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] };
    for (const n of d.cpuProfile?.nodes ?? []) nodes.set(n.id, n);
    (d.cpuProfile?.samples ?? []).forEach((node, i) => { ts += d.timeDeltas?.[i] ?? 0; samples.push({ ts, node }); });
  }
}
const frameName = (n: ProfileNode): string => {
  const f = n.callFrame;
  const file = f.url?.split('/').pop() ?? '';
  return `${f.functionName || '(anonymous)'}${file ? ` ${file}:${f.lineNumber + 1}` : ''}`;
};
const top = (m: Map<string, number>, k: number): string => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, v]) => `    ${ms(v).padStart(7)} ms  ${n}`).join('\n');

for (const t of long) {
  const end = t.ts + (t.dur ?? 0);
  const inside = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts + (e.dur ?? 0) <= end + 1);
  // Self time per event name: its duration less that of its direct children.
  const self = new Map<string, number>();
  const selfCpu = new Map<string, number>();
  for (const e of inside) {
    const kids = inside.filter((k) => k !== e && k.ts >= e.ts && k.ts + (k.dur ?? 0) <= e.ts + (e.dur ?? 0));
    const direct = kids.filter((k) => !kids.some((p) => p !== k && k.ts >= p.ts && k.ts + (k.dur ?? 0) <= p.ts + (p.dur ?? 0)));
    const d = e.args?.data;
    const label = e.name === 'FunctionCall' || e.name === 'EventDispatch' || e.name === 'TimerFire'
      ? `${e.name} ${String((d as Record<string, unknown> | undefined)?.functionName ?? (d as Record<string, unknown> | undefined)?.type ?? '')}`
      : e.name;
    self.set(label, (self.get(label) ?? 0) + (e.dur ?? 0) - direct.reduce((a, k) => a + (k.dur ?? 0), 0));
    selfCpu.set(label, (selfCpu.get(label) ?? 0) + (e.tdur ?? 0) - direct.reduce((a, k) => a + (k.tdur ?? 0), 0));
  }
  console.log(`\ntask ${wallCpu(t)} ms at +${ms(t.ts - tasks[0]!.ts)} ms: trace events by self wall time\n${top(self, 10)}\n  by self cpu time\n${top(selfCpu, 10)}`);
  const selfFn = new Map<string, number>();
  const appFn = new Map<string, number>();
  const inTask = samples.filter((s) => s.ts >= t.ts && s.ts <= end);
  inTask.forEach((s, i) => {
    const dt = (inTask[i + 1]?.ts ?? end) - s.ts;
    const leaf = nodes.get(s.node);
    if (!leaf) return;
    selfFn.set(frameName(leaf), (selfFn.get(frameName(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let n: ProfileNode | undefined = leaf; n; n = n.parent === undefined ? undefined : nodes.get(n.parent)) {
      if (!n.callFrame.url?.includes('/assets/')) continue;
      const name = frameName(n);
      if (!seen.has(name)) appFn.set(name, (appFn.get(name) ?? 0) + dt);
      seen.add(name);
    }
  });
  console.log(`  sampled JS, self time (${inTask.length} samples)\n${top(selfFn, 12)}\n  app frames on the stack (inclusive)\n${top(appFn, 15)}`);
}

// The whole window: where the main thread's time went, by trace event (self cpu) and app frame.
const windowSelf = new Map<string, number>();
for (const e of onMain.filter((x) => x.ts >= (tasks[0]?.ts ?? 0) && x.name !== 'RunTask')) {
  windowSelf.set(e.name, (windowSelf.get(e.name) ?? 0) + (e.tdur ?? 0));
}
const windowFn = new Map<string, number>();
const inWindow = samples.filter((s) => s.ts >= (tasks[0]?.ts ?? 0));
inWindow.forEach((s, i) => {
  const dt = Math.min((inWindow[i + 1]?.ts ?? s.ts) - s.ts, 5000);
  const seen = new Set<string>();
  for (let n = nodes.get(s.node); n; n = n.parent === undefined ? undefined : nodes.get(n.parent)) {
    const name = frameName(n);
    if (n.callFrame.url?.includes('/assets/') && !seen.has(name)) windowFn.set(name, (windowFn.get(name) ?? 0) + dt);
    seen.add(name);
  }
});
console.log(`\nwhole window: trace events by inclusive cpu\n${top(windowSelf, 15)}\n  app frames on the stack (inclusive, sampled)\n${top(windowFn, 30)}`);
const pick = ['FunctionCall', 'FireAnimationFrame', 'HandlePostMessage', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit'];
console.log(`SUMMARY tasks ${tasks.length}, cpu ${ms(tasks.reduce((a, t) => a + (t.tdur ?? 0), 0))} ms, longest cpu ${ms(Math.max(0, ...tasks.map((t) => t.tdur ?? 0)))} ms, longest wall ${ms(Math.max(0, ...tasks.map((t) => t.dur ?? 0)))} ms, over 50 ms wall ${tasks.filter((t) => (t.dur ?? 0) > 50_000).length}; cpu by kind: ${pick.map((k) => `${k} ${ms(windowSelf.get(k) ?? 0)}`).join(', ')}`);
