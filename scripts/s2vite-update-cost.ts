// Diagnostic (README, S²ViTE's update rule): the loss cost of S²ViTE's first changing update. A run with updates and its frozen twin
// (te=0) share every loss up to that update (no-op updates change nothing), so their difference
// after it is the update's cost: mean per-step loss difference in windows after it.
// Usage: node scripts/run-ts.mjs scripts/s2vite-update-cost.ts SEEDS LINK  (e.g. 0,1,2 'v=1&p=tiny&m=s2vite&ad=0.7&md=0.6&np=magnitude')
import { decodeConfig } from '../src/engine/config-url';
import { useBackend } from '../src/backend/node';
import { cachedLoader } from '../src/cli/load-data';
import { trainRun } from '../src/cli/train-run';

await useBackend('wasm');
const dataFor = cachedLoader();
const seeds = process.argv[2].split(',').map(Number);
const link = process.argv[3];
const run = async (l: string) => { const c = { ...decodeConfig(l).config, evalEvery: 0 }; const r = await trainRun(c, dataFor(c), 'wasm', { quiet: true }); r.trainer.dispose(); return r.summary; };
for (const seed of seeds) {
  const upd = await run(`${link}&s=${seed}`), frz = await run(`${link}&te=0&s=${seed}`);
  const d = upd.losses.map((x, i) => x - frz.losses[i]);
  const firstDiff = d.findIndex((x) => x !== 0) + 1;
  const changing = upd.updates.filter((e) => e.prunedIds && e.grownIds && e.prunedIds.some((i) => !e.grownIds!.includes(i)));
  const first = changing[0];
  const win = (a: number, b: number) => { const s = d.slice(first.step + a - 1, first.step + b); return +(s.reduce((p, q) => p + q, 0) / s.length).toFixed(3); };
  console.log(JSON.stringify({ seed, firstDifferingStep: firstDiff, firstChanging: { step: first.step, layer: first.layer, pruned: first.prunedIds, grown: first.grownIds },
    changingSteps: changing.map((e) => `${e.step}:${e.layer.replace('blocks.', '').replace('.attn', '').replace('.mlp', '')}`).join(' '),
    lossDiffAfter: { '1-10': win(1, 10), '11-30': win(11, 30), '31-60': win(31, 60), '61-120': win(61, 120) }, accUpd: upd.testAccuracy, accFrozen: frz.testAccuracy }));
}
// WASM's thread pool (worker_threads) keeps a Node process alive once its work is done: end it here.
process.exit(0);
