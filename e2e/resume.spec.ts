// Checkpoints and resume (issue #12) in Chromium on WASM with tiny shapes: a run closed mid-run is
// listed as interrupted, Resume goes on from its stored checkpoint, and its losses equal an
// uninterrupted run's bit for bit; the saved record holds the same losses.
import { expect, test, type Page } from '@playwright/test';
import { collectErrors } from './page-errors';

type StudioUi = { losses(): number[]; status(): string; step(): number; elapsedMs(): number };
type CheckpointWrite = { step: number; bytes: number; workerMs: number; at: number; syncMs: number; putMs: number; totalMs: number };
type StudioRuns = { saveCost(): { flushMs: number; trainMs: number; checkpointWrites: CheckpointWrite[] } };

const LINK = '/?v=1&p=tiny&n=64&st=60&bs=8&ee=20&es=32&m=svite&dt=4&backend=wasm';

const step = (page: Page) => page.evaluate(() => (globalThis as unknown as { __studioUi: StudioUi }).__studioUi.step());
const status = (page: Page) => page.evaluate(() => (globalThis as unknown as { __studioUi: StudioUi }).__studioUi.status());
const losses = (page: Page) => page.evaluate(() => (globalThis as unknown as { __studioUi: StudioUi }).__studioUi.losses());
/** The saved frames' steps and training times, in the order written, read from the studio's IndexedDB. */
type Req<T> = { result: T; error: unknown; onsuccess: () => void; onerror: () => void };
type Chunk = { seq: number; frames: { step: number; elapsedMs: number }[] };
type Db = { transaction(store: string): { objectStore(store: string): { getAll(): Req<Chunk[]> } }; close(): void };
const savedClock = (page: Page) => page.evaluate(async () => {
  const ask = <T>(r: Req<T>): Promise<T> => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const idb = (globalThis as unknown as { indexedDB: { open(name: string): Req<Db> } }).indexedDB;
  const db = await ask(idb.open('sparse-vit-studio'));
  const chunks = await ask(db.transaction('chunks').objectStore('chunks').getAll());
  db.close();
  return chunks.sort((a, b) => a.seq - b.seq).flatMap((c) => c.frames.map((f) => [f.step, f.elapsedMs]));
});
const checkpointWrites = (page: Page) => page.evaluate(() => (globalThis as unknown as { __studioRuns: StudioRuns }).__studioRuns.saveCost().checkpointWrites);

async function startWhenReady(page: Page): Promise<void> {
  await expect(page.getByTestId('start')).toBeEnabled();
  // Clicked the moment it enables, Start sometimes never got past step 0 on this loaded machine (runs.spec.ts).
  await page.waitForTimeout(3000);
  await page.getByTestId('start').click();
}

test('a run closed mid-run resumes from its checkpoint and its losses equal an uninterrupted run', async ({ context }) => {
  test.setTimeout(300_000);
  // Main-thread tasks over 50 ms, to report what writing the checkpoint costs (printed, not asserted).
  await context.addInitScript(() => {
    type Entry = { startTime: number; duration: number };
    const w = globalThis as unknown as { __longTasks: Entry[]; PerformanceObserver: new (cb: (l: { getEntries(): Entry[] }) => void) => { observe(o: { type: string }): void } };
    w.__longTasks = [];
    new w.PerformanceObserver((l) => { for (const e of l.getEntries()) w.__longTasks.push({ startTime: e.startTime, duration: e.duration }); }).observe({ type: 'longtask' });
  });
  // 1. Train, pause (a checkpoint is taken at pause), and close the page while the run is live.
  const first = await context.newPage();
  const errors = collectErrors(first);
  await first.goto(LINK);
  await startWhenReady(first);
  await expect.poll(() => step(first), { timeout: 90_000, intervals: [200] }).toBeGreaterThanOrEqual(5);
  await first.getByTestId('pause').click();
  await expect.poll(() => status(first), { timeout: 30_000, intervals: [500] }).toBe('paused');
  const pausedAt = await step(first);
  expect(pausedAt).toBeLessThan(60);
  const pausedElapsed = await first.evaluate(() => (globalThis as unknown as { __studioUi: StudioUi }).__studioUi.elapsedMs());
  expect(pausedElapsed).toBeGreaterThan(0);
  await expect.poll(async () => (await checkpointWrites(first)).at(-1)?.step, { timeout: 30_000, intervals: [500] }).toBe(pausedAt);
  const written = await checkpointWrites(first);
  const longTasks = await first.evaluate(() => (globalThis as unknown as { __longTasks: { startTime: number; duration: number }[] }).__longTasks);
  // Long tasks that overlap a checkpoint's write (from its flush's start to its commit).
  const during = longTasks.filter((t) => written.some((w) => t.startTime < w.at + w.totalMs && t.startTime + t.duration > w.at));
  const usage = await first.evaluate(() => (globalThis as unknown as { navigator: { storage: { estimate(): Promise<{ usage?: number }> } } }).navigator.storage.estimate());
  console.log(`CHECKPOINT-WRITE ${JSON.stringify({ written, longTasksDuring: during, longTasksTotal: longTasks.length, storageUsage: usage.usage })}`);
  expect(errors).toEqual([]);

  // 2. Another tab lists the paused run as running, without Resume, while the first page holds it;
  // when that page closes (no beforeunload: as a crash or a closed tab) the list turns it
  // interrupted by itself, with Resume, and so does a fresh load at once.
  const page = await context.newPage();
  const errors2 = collectErrors(page);
  await page.goto(LINK);
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.getByTestId('runs-toggle').click();
  const row = page.getByTestId('run-row').first();
  await expect(row.getByTestId('saved-run-status')).toHaveAttribute('data-status', 'running');
  await expect(row.getByTestId('run-resume')).toHaveCount(0);
  await first.close();
  await expect(row.getByTestId('saved-run-status')).toHaveAttribute('data-status', 'interrupted', { timeout: 5000 });
  await expect(row.getByTestId('run-resume')).toBeVisible();
  await page.reload();
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.getByTestId('runs-toggle').click();
  await expect(row.getByTestId('saved-run-status')).toHaveAttribute('data-status', 'interrupted', { timeout: 5000 });
  await expect(row.getByTestId('saved-run-status')).toContainText(`at ${pausedAt}/60`);
  // The panels show the saved history up to the checkpoint before the worker goes on.
  await row.getByTestId('run-resume').click();
  await expect.poll(() => losses(page)).toHaveLength(pausedAt);
  await expect.poll(() => status(page), { timeout: 120_000, intervals: [1000] }).toBe('finished');
  const resumed = await losses(page);
  expect(resumed).toHaveLength(60);
  // The clock went on from the checkpoint's training time: the saved frames' times never go back.
  const clock = await savedClock(page);
  expect(clock.map(([s]) => s)).toContain(pausedAt);
  for (let i = 1; i < clock.length; i++) expect(clock[i][1], `elapsed at step ${clock[i][0]} after step ${clock[i - 1][0]}`).toBeGreaterThanOrEqual(clock[i - 1][1]);
  expect(await page.evaluate(() => (globalThis as unknown as { __studioUi: StudioUi }).__studioUi.elapsedMs())).toBeGreaterThan(pausedElapsed);

  // 3. The record was appended to: reopened from the store, it holds the same 60 losses.
  await page.reload();
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.getByTestId('runs-toggle').click();
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('saved-run-status').first()).toHaveAttribute('data-status', 'finished');
  await page.getByTestId('run-row').first().getByTestId('run-open').click();
  await expect.poll(() => losses(page)).toEqual(resumed);

  // 4. The same config and seed without interruption: the same losses, bit for bit (same backend).
  await page.reload();
  await startWhenReady(page);
  await expect.poll(() => status(page), { timeout: 120_000, intervals: [1000] }).toBe('finished');
  const uninterrupted = await losses(page);
  expect(uninterrupted).toHaveLength(60);
  expect(resumed).toEqual(uninterrupted);
  expect(errors2).toEqual([]);
});

test('Continue extends a finished run: its first steps stay, the extra ones follow, and the record holds them all', async ({ page }) => {
  test.setTimeout(240_000);
  const errors = collectErrors(page);
  await page.goto(LINK.replace('st=60', 'st=16'));
  await startWhenReady(page);
  await expect.poll(() => status(page), { timeout: 120_000, intervals: [1000] }).toBe('finished');
  const original = await losses(page);
  expect(original).toHaveLength(16);
  await page.getByTestId('runs-toggle').click();
  const row = page.getByTestId('run-row').first();
  await expect(row.getByTestId('saved-run-status')).toHaveAttribute('data-status', 'finished');
  await row.getByTestId('run-continue').click();
  // The status read 'finished' before the click too: wait for the continued run's last step first.
  await expect.poll(() => step(page), { timeout: 120_000, intervals: [1000] }).toBe(32);
  await expect.poll(() => status(page), { timeout: 120_000, intervals: [1000] }).toBe('finished');
  const continued = await losses(page);
  expect(continued).toHaveLength(32);
  expect(continued.slice(0, 16)).toEqual(original);
  for (const l of continued) expect(Number.isFinite(l)).toBe(true);
  await expect(row.getByTestId('saved-run-status')).toHaveAttribute('data-status', 'finished');
  await page.reload();
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.getByTestId('runs-toggle').click();
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.getByTestId('run-row').first().getByTestId('run-open').click();
  await expect.poll(() => losses(page)).toEqual(continued);
  expect(errors).toEqual([]);
});

test('a run cut off in its first seconds can resume, and the list says from which step', async ({ context }) => {
  // Long enough that no end-of-run checkpoint comes to the rescue: only the early ones can.
  const link = '/?v=1&p=tiny&n=64&st=5000&bs=8&ee=0&es=32&m=svite&dt=4&backend=wasm';
  const first = await context.newPage();
  await first.goto(link);
  await startWhenReady(first);
  // The first checkpoint comes after 2 s of training, well before the 30 s steady interval.
  await expect.poll(async () => (await checkpointWrites(first)).length, { timeout: 20_000, intervals: [250] }).toBeGreaterThanOrEqual(1);
  const saved = (await checkpointWrites(first)).at(-1)!.step;
  expect(saved).toBeGreaterThan(0);
  await first.close(); // as a reload or a crash, mid-run

  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(link);
  await expect(page.getByTestId('start')).toBeEnabled();
  await page.getByTestId('runs-toggle').click();
  const row = page.getByTestId('run-row').first();
  await expect(row.getByTestId('saved-run-status')).toHaveAttribute('data-status', 'interrupted', { timeout: 10_000 });
  const resume = row.getByTestId('run-resume');
  const from = Number((await resume.textContent())!.match(/^Resume from (\d+)$/)![1]);
  expect(from).toBeGreaterThanOrEqual(saved); // a later checkpoint may have come before the close
  await resume.click();
  await expect.poll(() => status(page), { timeout: 30_000, intervals: [200] }).toMatch(/running|paused/);
  expect(await step(page)).toBeGreaterThanOrEqual(from);
  await expect.poll(() => step(page), { timeout: 60_000, intervals: [250] }).toBeGreaterThan(from);
  await page.getByTestId('stop').click();
  expect(errors).toEqual([]);
});
