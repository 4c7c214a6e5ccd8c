// Diagnostic: does S²ViTE's prune score rank live units by usefulness? At steps just before an
// update, mask each live head (proj rows) / neuron (fc2 row) and measure the loss increase on
// 500 training images; compare with the Taylor head score of the next update and the L1 neuron score.
// Usage: node scripts/run-ts.mjs scripts/s2vite-unit-oracle.ts [SEEDS=0,1,2] [AD,MD=0.7,0.6] [STEPS=149,329,629]
import { presetConfig, type ExperimentConfig } from '../src/engine/config';
import { useBackend } from '../src/backend/node';
import { cachedLoader } from '../src/cli/load-data';
import { Trainer } from '../src/engine/trainer';
import { headDim, mlpHidden } from '../src/engine/facts';
import type { StructuredSparsity } from '../src/engine/sparse/structured';

const spearman = (a: number[], b: number[]): number => {
  const rank = (x: number[]) => { const o = x.map((v, i) => [v, i]).sort((p, q) => p[0] - q[0]); const r = new Array(x.length); o.forEach(([, i], k) => (r[i] = k)); return r; };
  const ra = rank(a), rb = rank(b), n = a.length, m = (n - 1) / 2;
  let num = 0, da = 0, db = 0;
  for (let i = 0; i < n; i++) { num += (ra[i] - m) * (rb[i] - m); da += (ra[i] - m) ** 2; db += (rb[i] - m) ** 2; }
  return num / Math.sqrt(da * db);
};
const argmin = (x: number[]) => x.indexOf(Math.min(...x));

await useBackend('wasm');
const dataFor = cachedLoader();
const seeds = (process.argv[2] ?? '0,1,2').split(',').map(Number);
const [ad, md] = (process.argv[3] ?? '0.7,0.6').split(',').map(Number);
const at = (process.argv[4] ?? '149,329,629').split(',').map(Number);
for (const seed of seeds) {
  // Magnitude-pruned neurons: the rule whose scores this diagnosed (README, S²ViTE's update rule).
  const c: ExperimentConfig = { ...presetConfig('tiny'), method: 's2vite', attnDensity: ad, mlpDensity: md, neuronPrune: 'magnitude', evalEvery: 0, seed };
  const tr = await Trainer.create(c, dataFor(c));
  const sp = tr.sparsity as unknown as StructuredSparsity;
  const hd = headDim(c), E = c.embedDim, hidden = mlpHidden(c);
  for (const stop of at) {
    while (tr.stepsDone < stop) await tr.step();
    const state = await tr.exportState();
    const { headsAlive, neuronsAlive } = state;
    if (!headsAlive || !neuronsAlive) throw new Error('not an S²ViTE run: no live units');
    const base = (await tr.evaluate(500, 'train')).loss;
    const lossWithout = async (name: string, rows: number[]) => {
      const p = new Map(state.params); const w = p.get(name)!.slice();
      for (const r of rows) w.fill(0, r * E, (r + 1) * E);
      p.set(name, w); tr.restore({ ...state, params: p });
      const l = (await tr.evaluate(500, 'train')).loss; return l - base;
    };
    const heads: { b: number; h: number; oracle: number; l1: number }[][] = [], neurons: { oracle: number; l1: number }[][] = [];
    for (let b = 0; b < c.depth; b++) {
      heads.push([]); neurons.push([]);
      const qkv = state.params.get(`blocks.${b}.attn.qkv.weight`)!, proj = state.params.get(`blocks.${b}.attn.proj.weight`)!;
      for (let h = 0; h < c.numHeads; h++) {
        if (!headsAlive[b * c.numHeads + h]) continue;
        const rows = Array.from({ length: hd }, (_, d) => h * hd + d);
        let l1 = 0;
        for (const r of rows) for (let j = 0; j < E; j++) l1 += Math.abs(proj[r * E + j]);
        for (let i = 0; i < E; i++) for (let part = 0; part < 3; part++) for (const d of rows) l1 += Math.abs(qkv[i * 3 * E + part * E + d]);
        heads[b].push({ b, h, oracle: await lossWithout(`blocks.${b}.attn.proj.weight`, rows), l1 });
      }
      const fc1 = state.params.get(`blocks.${b}.mlp.fc1.weight`)!, fc2 = state.params.get(`blocks.${b}.mlp.fc2.weight`)!;
      for (let j = 0; j < hidden; j++) {
        if (!neuronsAlive[b * hidden + j]) continue;
        let l1 = 0;
        for (let i = 0; i < E; i++) l1 += Math.abs(fc1[i * hidden + j]) + Math.abs(fc2[j * E + i]);
        neurons[b].push({ oracle: await lossWithout(`blocks.${b}.mlp.fc2.weight`, [j]), l1 });
      }
    }
    tr.restore(state);
    await tr.step(); // the update step: its Taylor scores
    for (let b = 0; b < c.depth; b++) {
      const hs = heads[b];
      const taylor = hs.map((x) => sp.headScores[b * c.numHeads + x.h]);
      const ns = neurons[b];
      const k = Math.ceil(0.1 * ns.length);
      const lowOr = new Set(ns.map((x, i) => [x.oracle, i]).sort((p, q) => p[0] - q[0]).slice(0, k).map((x) => x[1]));
      const lowL1 = ns.map((x, i) => [x.l1, i]).sort((p, q) => p[0] - q[0]).slice(0, k).map((x) => x[1]);
      console.log(JSON.stringify({ seed, step: stop, block: b, baseLoss: +base.toFixed(4),
        heads: hs.map((x, i) => ({ h: x.h, dLoss: +x.oracle.toFixed(4), taylor: +taylor[i].toPrecision(3), l1: +x.l1.toFixed(1) })),
        headTaylorPicksOracleMin: argmin(taylor) === argmin(hs.map((x) => x.oracle)), headL1PicksOracleMin: argmin(hs.map((x) => x.l1)) === argmin(hs.map((x) => x.oracle)),
        neuronSpearmanL1Oracle: +spearman(ns.map((x) => x.l1), ns.map((x) => x.oracle)).toFixed(2),
        neuronLowestKOverlap: `${lowL1.filter((i) => lowOr.has(i)).length}/${k}`,
        neuronOracleMinMax: [+Math.min(...ns.map((x) => x.oracle)).toFixed(4), +Math.max(...ns.map((x) => x.oracle)).toFixed(4)] }));
    }
  }
  tr.dispose();
}
// WASM's thread pool (worker_threads) keeps a Node process alive once its work is done: end it here.
process.exit(0);
