// BENCHMARKS.md from the sections' JSON results. Every figure comes from a measured run.
import { readFileSync, writeFileSync } from 'node:fs';
import { withFigures } from './figures';
import { bestTorch, bestTorchInference, gemmRates } from './peer-best';
import { gemmFlop } from './torch-peer';
import { median } from '../../engine/stats';
import { baselineRowIn, formatPaired, pairedRuns } from './paired';
import { COMPARED_THREADS } from './threads';
import path from 'node:path';
import { repoRoot } from '../node-datasets';
import type { BrowserData, ChromiumPeer } from './browser-result';
import { webGpuSteps } from './webgpu-steps-render';
import type { SoakData } from './soak-result';
import type { CheckpointData, StoreData } from './checkpoint-result';
import { freshness, NUMERICS_PATHS, wasLoaded, type Provenance, type Reproduced } from './provenance';
import { loadResults, SPEED_SECTIONS, type GpuData, type KernelsData, type ThreadsData, type ThreadRun, type PeerData, type AblationData, type TopologyData, type TopologyGroup, type AccuracyData, type PaperTableData, type ResultOf, type SectionData, type SectionName, type SectionResult } from './results';

type Renderers = { [N in SectionName]: (d: SectionData[N], all: SectionResult[]) => string };

type ResultNamed<N extends SectionName> = Extract<SectionResult, { section: N }>;
const find = <N extends SectionName>(all: SectionResult[], name: N): ResultNamed<N> | undefined =>
  all.find((r): r is ResultNamed<N> => r.section === name);

const pct = (x: number, d = 2): string => `${(x * 100).toFixed(d)}%`;
/** x with d decimals, '–' for none (null, NaN, ∞). */
export const fixed = (x: number | null, d = 2): string => (x !== null && Number.isFinite(x) ? x.toFixed(d) : '–');
/** A table cell's text on one line, without the table's own separator. */
const cell = (s: string): string => s.replace(/\|/g, '/').replace(/\n/g, ' ');

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** One renderer per section, in the order of the page. */
const renderers: Renderers = {
  'node-throughput': (d) =>
    `Config \`${d.config}\`, batch ${d.batchSize}; median of measured steps after warm-up.\n\n` +
    table(['backend', 'train step (ms)', 'images/s (train)', 'inference batch (ms)'],
      d.rows.map((r) => [r.backend, fixed(r.trainMs, 1), fixed(r.imagesPerSec, 0), fixed(r.inferMs, 1)])),
  kernels: (d) => kernels(d),
  threads: (d, all) => threads(d, find(all, 'browser')?.data),
  peer: (d) => peer(d),
  browser: (d) => browser(d),
  'webgpu-steps': (d) => webGpuSteps(d),
  gpu: (d) => gpu(d),
  'scale-out': (d) =>
    `Config \`${d.config}\`, global batch ${d.batchSize}, ${d.steps} steps; one BLAS thread per process; load average before: ${d.loadAverage.join(', ')}. ` +
    'The PyTorch rows are `python/sparse_vit` (torchrun, gloo) training the same link; the GPU section says whether a GPU was lent (none is measured here).\n\n' +
    (d.skipped ? `**PyTorch was not measured: ${cell(d.skipped)}.**\n\n` : '') +
    table(['engine', 'processes', 'images/s (train)'], d.rows.map((r) => [r.engine, r.processes, fixed(r.imagesPerSec, 0)])),
  'fmnist-10min': (d) =>
    `The 10-minute step count (${d.plannedSteps} steps, ${fixed(d.epochs, 2)} epochs: what the ${d.backend} backend trained in ${d.budgetMs / 60000} minutes when calibrated, fixed in \`src/cli/bench/fmnist-budget.ts\` so the run reproduces from its link), config \`${d.config}\`. ` +
    `Wall time includes data loading and both evaluations${d.totalWallMs <= d.budgetMs ? ', within the budget' : `: **over the ${d.budgetMs / 60000}-minute budget** on this run`}.\n\n` +
    table(['test accuracy (10,000 images)', 'train accuracy (10,000 images)', 'wall time', 'images/s', 'target'],
      [[`**${pct(d.testAccuracy)}**`, pct(d.trainAccuracy), `${fixed(d.totalWallMs / 1000, 0)} s`, fixed(d.imagesPerSec, 0), '≥ 85%']]),
  'svite-overhead': (d) =>
    `Config \`${d.config}\`. Ordinary steps compared with dense (target ≤ 1.05); a topology-update step in ordinary steps.\n\n` +
    table(['backend', 'dense step (ms)', 'SViTE step (ms)', 'SViTE / dense', 'update step (ms)', 'update cost (ordinary steps)'],
      d.rows.map((r) => [r.backend, fixed(r.denseMs, 1), fixed(r.sviteMs, 1), `**${fixed(r.ratio, 3)}**`, fixed(r.updateMs, 1), fixed(r.updateInOrdinarySteps, 2)])),
  'structured-speed': (d) =>
    `Backend ${d.backend}. Dense and sparse steps run interleaved; each time ratio is the median over rounds of sparse ÷ dense measured back to back. ` +
    `"Realised" = time saving ÷ executed-FLOPs saving (target ≥ 80%; the paper reached 9% for SViTE+ and 75% for S²ViTE). ` +
    `Topology-update steps (full-width probe, then the compact weights are taken anew) are timed apart; "with updates" spreads their cost over the preset's ΔT.\n\n` +
    table(['shape', 'batch', 'executed FLOPs', 'train step', 'realised (train)', 'update step', 'realised with updates (ΔT)', 'inference', 'realised (inference)'],
      d.rows.map((r) => [r.name, r.batchSize, `×${fixed(r.flopsRatio, 3)}`, `×${fixed(r.trainRatio, 3)}`, `**${pct(r.trainSavingRealised, 0)}**`,
        r.updateRatio === null ? '–' : `×${fixed(r.updateRatio, 2)}`,
        `${pct(r.amortisedSavingRealised, 0)} (${r.presetUpdateInterval})`,
        `×${fixed(r.inferRatio, 3)}`, `**${pct(r.inferSavingRealised, 0)}**`])),
  'paper-table': (d) => paperTable(d),
  ablations: (d) => ablationTables(d),
  topology: (d) => topologyTables(d),
  'accuracy-svite': (d) => accuracy(d),
  'accuracy-structured': (d, all) => {
    // The dense baseline is measured once, in accuracy-svite, and shown in both tables.
    const dense = find(all, 'accuracy-svite')?.data.rows.find((r) => r.name === 'dense');
    return accuracy({ ...d, rows: dense ? [dense, ...d.rows] : d.rows });
  },
  checkpoint: (d) => checkpoint(d),
  store: (d) => store(d),
  soak: (d) => soak(d),
};

function paperTable(d: PaperTableData): string {
  const parts = ['WASM backend. Test accuracy is mean ± std over the seeds; FLOPs saved are per image at the end of the run ' +
    '(theoretical = nonzero weights, as the paper counts; executed = what our kernels compute); time per step includes topology updates; the runs are not back to back (a table takes hours), so for speed ratios see `structured-speed`. ' +
    'The figure plots these rows (`npm run paper-figure` draws it from the JSON).', '', '![Accuracy against FLOPs saved](docs/paper-table.png)'];
  for (const p of d.presets) {
    const dense = p.rows.find((r) => r.name === 'dense');
    parts.push('', `**${p.preset}**: ${p.steps} steps of batch ${p.batchSize}, seeds ${p.seeds.join(', ')}, ${p.testImages} test images, ${p.backend ?? 'wasm'} (${partProvenance(p.provenance)}).`, '',
      table(['method', 'test accuracy', 'vs dense', 'FLOPs saved (theoretical)', 'FLOPs saved (executed)', 'ms / step', 'time vs dense'],
        p.rows.filter((r) => r.runs.length).map((r) => [r.name, `${pct(r.meanAccuracy)} ± ${pct(r.stdAccuracy)}${r.runs.length < p.seeds.length ? ` (${r.runs.length} of ${p.seeds.length} seeds)` : ''}`,
          dense && r !== dense ? `${fixed((r.meanAccuracy - dense.meanAccuracy) * 100)} pts` : '–',
          pct(r.savedTheoretical, 1), pct(r.savedExecuted, 1), fixed(r.msPerStep, 1), dense ? `×${fixed(r.msPerStep / dense.msPerStep, 2)}` : '–'])));
  }
  return parts.join('\n');
}

function ablationTables(d: AblationData): string {
  const parts = [`Every row starts from \`${d.config}\` (${d.preset}, ${d.steps} steps) and changes what it names; seeds ${d.seeds.join(', ')}, WASM. ` +
    '"No-op swaps": unit swaps that regrew the unit just pruned.'];
  for (const g of d.groups) {
    const first = g.rows[0];
    const structured = g.rows.some((r) => r.runs.some((x) => x.noopShare !== undefined));
    const head = ['row', 'test accuracy', 'per seed', `vs ${first?.name ?? '–'}`, 'updates', ...(structured ? ['no-op swaps', 'heads changed (min over blocks)', 'units ever live'] : [])];
    parts.push('', `**${g.title}** ${g.question} (${partProvenance(g.provenance)})`, '',
      table(head, g.rows.map((r) => {
        const avg = (k: 'noopShare' | 'headsChanged' | 'fired'): number => r.runs.reduce((a, x) => a + (x[k] ?? NaN), 0) / r.runs.length;
        return [r.name, `${pct(r.meanAccuracy, 1)} ± ${pct(r.stdAccuracy, 1)}`, r.runs.map((x) => (x.testAccuracy * 100).toFixed(1)).join(' / '),
          r === first ? '–' : `${fixed((r.meanAccuracy - first.meanAccuracy) * 100, 1)} pts`, r.runs[0]?.updates ?? '–',
          ...(structured ? [pct(avg('noopShare'), 0), fixed(avg('headsChanged'), 1), pct(avg('fired'), 0)] : [])];
      })));
  }
  return parts.join('\n');
}

function topologyTables(d: TopologyData): string {
  const parts = ['WASM, each row a link (add `&s=SEED`). "No-op": unit swaps that regrew the unit just pruned (they change nothing). ' +
    '"Ping-pong": updates of a block\'s heads or neurons whose live set equals the one two updates before, over the updates that changed it. ' +
    '"Ever alive": heads / neurons live at some point of the run.'];
  for (const g of d.groups) {
    const first = g.rows[0];
    const avg = (r: TopologyGroup['rows'][number], k: 'noopShare' | 'pingPongShare' | 'everAliveHeads' | 'everAliveNeurons' | 'changing' | 'unitUpdates'): number =>
      r.runs.reduce((a, x) => a + (x[k] ?? NaN), 0) / r.runs.length;
    const structured = g.rows.some((r) => r.runs.some((x) => x.unitUpdates !== undefined));
    const bases = g.rows.map((r) => baselineRowIn(g.rows, r));
    const anyBaseline = bases.some(Boolean);
    const vsBaseline = (i: number): string => {
      const b = bases[i];
      return b ? `${formatPaired(pairedRuns(g.rows[i], b))} (against ${b.name})` : '–';
    };
    parts.push('', `**${g.title}** ${g.question} \`${g.preset}\`, ${g.steps} steps, seeds ${g.seeds.join(', ')}, ${g.backend ?? 'wasm'} (${partProvenance(g.provenance)}).`, '',
      table(['row', 'link', 'test accuracy', 'per seed', `vs ${first?.name ?? '–'}`, ...(anyBaseline ? ['vs its baseline, seed by seed (mean ± SE)'] : []), ...(structured ? ['changing / unit updates', 'no-op', 'ping-pong', 'ever alive (heads / neurons)'] : [])],
        g.rows.map((r, i) => [r.name, `\`${r.link}\``, `${pct(r.meanAccuracy, 1)} ± ${pct(r.stdAccuracy, 1)}`, r.runs.map((x) => (x.testAccuracy * 100).toFixed(1)).join(' / '),
          r === first ? '–' : `${fixed((r.meanAccuracy - first.meanAccuracy) * 100, 1)} pts`, ...(anyBaseline ? [vsBaseline(i)] : []),
          ...(structured ? (r.runs[0]?.unitUpdates === undefined ? ['–', '–', '–', '–'] : [`${fixed(avg(r, 'changing'), 0)} / ${fixed(avg(r, 'unitUpdates'), 0)}`,
            pct(avg(r, 'noopShare'), 0), pct(avg(r, 'pingPongShare'), 0), `${pct(avg(r, 'everAliveHeads'), 0)} / ${pct(avg(r, 'everAliveNeurons'), 0)}`]) : [])])));
  }
  return parts.join('\n');
}

function accuracy(d: AccuracyData): string {
  const dense = d.rows.find((r) => r.name === 'dense');
  return `Fashion-MNIST, ${d.steps} steps of batch ${d.batchSize} for every row, seeds ${d.seeds.join(', ')}; test accuracy on ${d.testImages} images (mean ± std).\n\n` +
    table(['method', 'test accuracy', 'vs dense', 'FLOPs saved (theoretical)', 'FLOPs saved (executed)'],
      d.rows.map((r) => [r.name, `${pct(r.meanAccuracy)} ± ${pct(r.stdAccuracy)}`, dense && r !== dense ? `${((r.meanAccuracy - dense.meanAccuracy) * 100).toFixed(2)} pts` : '–',
        pct(r.runs[0].savedTheoretical, 1), pct(r.runs[0].savedExecuted, 1)]));
}

function chromiumPeer(p: ChromiumPeer): string {
  if (p.skipped !== null || p.ratio === null) return `Chromium WASM against PyTorch: not measured — ${cell(p.skipped ?? 'no result')}.`;
  return `**Chromium WASM against PyTorch ${p.torch} on the CPU (1 thread, OpenBLAS 1 thread), the same fmnist shapes and step (\`bench/peer/torch_vit.py\`):** ` +
    `${p.rounds.length} round${p.rounds.length === 1 ? '' : 's'}, each the WASM row's measurement in a fresh page, then PyTorch. Chromium ${fixed(p.chromiumImagesPerSec, 0)} images/s, ` +
    `PyTorch ${fixed(p.torchImagesPerSec, 0)} images/s: **${fixed(p.ratio, 2)}×** (rounds: ${p.rounds.map((r) => fixed(r.chromiumImagesPerSec / r.torchImagesPerSec, 2)).join(' / ')}).`;
}

function browser(d: BrowserData): string {
  const { ui } = d;
  const parts = [
    `The real training worker in headless Chromium ${d.chromium}, \`${d.config}\` preset shapes (28×28×1, patch 7, D 64, depth 4, 4 heads, batch 64, ` +
      `${d.dataset === 'fashion-mnist' ? 'served Fashion-MNIST' : 'synthetic images'}); rows marked tiny train the \`tiny\` preset's shapes on synthetic images. ` +
      `**WebGPU here is SwiftShader (software Vulkan on the CPU), and so is WebGL: a ${d.cores}-core CPU with no GPU**, ` +
      `shared with other benchmark processes (load average ${d.loadAverage.map((l) => l.toFixed(1)).join(' / ')} at the start). ` +
      'Warm-up steps (shader compilation) are not timed; images/s = batch ÷ median measured step (the step awaits the loss, so it is synchronised).',
    '',
    table(['backend (asked → used)', 'shapes', 'adapter', 'first step (ms)', 'median step (ms)', 'images/s', 'kernels / step', 'steps timed', 'note'],
      d.rows.map((r) => [`${r.backend} → ${r.actualBackend ?? 'none'}`, r.preset ?? 'fmnist', cell(r.backend === 'webgpu' || r.actualBackend === 'webgpu' ? (r.adapter ?? '–') : '–'),
        fixed(r.warmupMs, 0), fixed(r.medianStepMs, 1), r.imagesPerSec === null ? '–' : `**${fixed(r.imagesPerSec, 0)}**`,
        r.kernelsPerStep ?? '–', `${r.measuredSteps} (after ${r.warmupSteps} warm-up)`, cell(r.note ?? '').slice(0, 160)])),
    '',
    'Kernels per step: tf.profile in the real worker (its tfjs engine) around one step taken while paused, its frame included; registered kernels only, as `cli profile` counts. ' +
      d.rows.filter((r) => r.kernelsTop?.length).map((r) => `${r.actualBackend} (${r.preset}): ${r.kernelsTop.map((k) => `${k.name} ${k.count}`).join(', ')}`).join('; ') + '.',
    '',
  ];
  if (d.peer) parts.push(chromiumPeer(d.peer), '');
  if (!ui.measured) return [...parts, `Studio UI: not measured — ${ui.skipped}.`].join('\n');
  const bytes = (x: number | null): string => x?.toLocaleString('en-US') ?? '–';
  parts.push(
    `Studio UI (\`index.html\`, 1440×900) while it trains \`${ui.query}\` on ${ui.backend ?? 'wasm'}, over ${fixed((ui.windowMs ?? 0) / 1000, 0)} s starting after its second step ` +
      `(the first step, with setup and shader compilation, ended ${fixed((ui.firstStepAfterMs ?? 0) / 1000, 1)} s after the click on Start):`,
    '',
    table(['UI frames/s', 'long tasks > 50 ms (wall)', 'longest (ms, wall)', 'tasks > 50 ms of CPU', 'longest task (ms of CPU)', 'main thread CPU', 'steps in window', 'worker → UI messages', 'worker → UI bytes/s (binary + JSON)'],
      [[fixed(ui.fps, 1), `${ui.longTasks} (${ui.longTaskMsTotal} ms in all)`, ui.longTasks ? fixed(ui.longestTaskMs, 0) : '–',
        fixed(ui.cpuLongTasks ?? null, 0), fixed(ui.longestTaskCpuMs ?? null, 1), ui.mainThreadCpuShare == null ? '–' : pct(ui.mainThreadCpuShare, 1),
        fixed(ui.stepsInWindow, 0), fixed(ui.messages, 0),
        `${bytes(ui.bytesPerSec)} (${bytes(ui.binaryBytesPerSec)} + ${bytes(ui.jsonBytesPerSec)})`]]),
    '',
    'Wall-time long tasks (the longtask API) include waiting for one of the shared cores; the CPU columns come from a Chromium trace of the same window ' +
      "(each task's main-thread CPU time, e2e/main-thread.ts), which that waiting does not inflate.",
  );
  if (ui.skipped) parts.push('', `Note: ${ui.skipped}.`);
  return parts.join('\n');
}

function kernels(d: KernelsData): string {
  const top = (ks: { name: string; count: number }[]): string => [...ks].sort((a, b) => b.count - a.count).slice(0, 8).map((k) => `${k.name} ${k.count}`).join(', ');
  return [
    `\`cli profile\`'s measurement (src/cli/profile.ts) on ${d.backend} in Node: tf.profile of one ordinary training step (topology updates off) and of one inference batch; ` +
      'only registered kernels are counted (custom-gradient scopes are not). Step and batch times are medians without the profiler, one row after another on a shared machine: compare counts across rows, not times. ' +
      `Target for the dense training step: ≤ ${d.targetDense} kernels.`,
    '',
    table(['method', 'config', 'kernels / training step', 'train step (ms)', 'images/s', 'kernels / inference batch', 'inference batch (ms)', 'most frequent (training)'],
      d.rows.map((r) => [r.name, `\`${r.config}\``, `**${r.kernelsPerStep}**${r.name === 'dense' ? (r.kernelsPerStep <= d.targetDense ? ' (target met)' : ` (target ≤ ${d.targetDense}: not met)`) : ''}`,
        fixed(r.stepMs, 1), fixed(r.imagesPerSec, 0), r.inference.kernels, fixed(r.inference.batchMs, 1), top(r.byKernel)])),
  ].join('\n');
}

/** b threads ÷ a threads as speeds: the median over rounds of each round's back-to-back ratio (null without rounds). */
function threadRatio(runs: ThreadRun[], a: number, b: number, speed: (r: ThreadRun | undefined) => number | null | undefined): number | null {
  const rounds = [...new Set(runs.flatMap((r) => (r.round === undefined ? [] : [r.round])))];
  const ratios = rounds.flatMap((n) => {
    const sa = speed(runs.find((r) => r.round === n && r.asked === a)), sb = speed(runs.find((r) => r.round === n && r.asked === b));
    return sa && sb ? [sb / sa] : [];
  });
  return ratios.length ? median(ratios) : null;
}

function threads(d: ThreadsData, b: BrowserData | undefined): string {
  const wasm = b?.rows.find((r) => r.backend === 'wasm' && (r.preset ?? 'fmnist') === 'fmnist');
  const [one, two] = COMPARED_THREADS;
  const train = threadRatio(d.runs, one, two, (r) => r?.imagesPerSec), infer = threadRatio(d.runs, one, two, (r) => (r?.inferMs ? 1000 / r.inferMs : null));
  return [
    `Config \`${d.config}\`. Each row is a fresh Node process training on WASM with n threads as the CLI does (\`--threads n\`): tfjs's single-threaded SIMD binary, ` +
      'and our kernels (the Linear layers, attention, GELU, LayerNorm\'s forward, the token sequence) split over the process\'s thread and n − 1 helper threads on one shared memory (src/engine/kernels/kernel-pool.ts). ' +
      'Then the threads in use, fmnist training steps and inference batches (medians after warm-up); rounds alternate the thread counts. ' +
      '"CPU ÷ wall" is the process\'s CPU time over the timed steps ÷ their wall time (above 1 only if more than one thread computes). ' +
      'The losses do not depend on the thread count (src/backend/wasm-threads.test.ts, e2e/node-parity.spec.ts).',
    '',
    table(['round', 'threads asked', 'backend', 'threads in use', 'train step (ms)', 'images/s', 'inference batch (ms)', 'CPU ÷ wall', 'error'],
      d.runs.map((r) => [r.round ?? '–', r.asked, r.backend ?? '–', r.actualThreads ?? '–', fixed(r.trainMs, 1), fixed(r.imagesPerSec, 0), fixed(r.inferMs ?? null, 1), fixed(r.cpuPerWall, 2), cell(r.error ?? '')])),
    '',
    `**${two} threads ÷ ${one}** (as speeds, the median over rounds of each round's back-to-back ratio): training **×${fixed(train, 2)}**, inference **×${fixed(infer, 2)}**.`,
    '',
    wasm
      ? `Chromium (browser benchmark, the studio's worker, which asks for every core, at most 4): cross-origin isolated **${wasm.crossOriginIsolated ?? '–'}**, ` +
        `threads in use **${wasm.wasmThreads ?? '–'}**, ${fixed(wasm.imagesPerSec, 0)} images/s.`
      : 'Chromium: not measured yet (`npm run bench:browser`).',
  ].join('\n');
}

function gpu(d: GpuData): string {
  if (!d.lent) return `**No GPU was lent to this task, and nothing was measured on one.** The project's device tool, asked at ${d.checkedAt.slice(0, 16).replace('T', ' ')} UTC, answered: "${cell(d.answer)}". ` +
    'No GPU figure appears anywhere on this page, and none is estimated; WebGPU above is SwiftShader, a software adapter on the CPU.';
  return table(['backend', 'preset', 'images/s', 'kernels / step'], d.rows.map((r) => [r.backend, r.preset, fixed(r.imagesPerSec, 0), r.kernelsPerStep]));
}

function peer(d: PeerData): string {
  const head = `Config \`${d.config}\` (${d.params.toLocaleString('en-US')} parameters), batch ${d.batchSize}. `;
  if (d.skipped || !d.ours) return `${head}**PyTorch was not measured: ${cell(d.skipped ?? 'no result')}.**`;
  return [
    head + `PyTorch ${d.torch} on the CPU through ${d.python}, running \`bench/peer/torch_vit.py\`: a timm-layout ViT of the same shapes and parameter count ` +
      '(asserted), the same step (label-smoothed cross-entropy, gradient clipping, AdamW with decay on weight matrices), random images of the same size. ' +
      `BLAS: build says \`BLAS_INFO=${d.blasInfo ?? '?'}\`; the process had mapped ${d.blasLibraries.map((l) => `\`${l}\``).join(', ') || 'nothing named like a BLAS'}` +
      `${d.mkldnn ? ' (oneDNN available)' : ''}. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset. ` +
      `${d.rounds.length} round${d.rounds.length === 1 ? '' : 's'}, each: ours on ${d.ours.backend} (Node), then every PyTorch configuration; figures are medians over rounds, ` +
      `each from the median of its ${d.measuredSteps ?? 12} measured steps (then inference batches) after ${d.warmupSteps ?? 3} unmeasured ones; a ratio is the median of the rounds' back-to-back ratios. ` +
      'Ratios are ours ÷ PyTorch as speeds (images/s for training, batches/s for inference): above 1 is faster than PyTorch. ' +
      'More threads than free cores make OpenMP and OpenBLAS threads wait on each other: the load over the run is in the line above.',
    '',
    table(['PyTorch BLAS threads', 'PyTorch threads', 'PyTorch train step (ms)', 'PyTorch images/s', 'ours images/s', '**ours ÷ PyTorch (train)**', 'PyTorch inference batch (ms)', 'ours inference batch (ms)', '**ours ÷ PyTorch (inference)**'],
      d.torchRuns.map((t, i) => [t.blasThreads, t.torchThreads, fixed(t.trainMs, 1), fixed(t.imagesPerSec, 0), fixed(d.ours?.imagesPerSec ?? null, 0),
        `**${fixed(t.trainRatio, 2)}×** (rounds: ${d.rounds.map((r) => fixed(r.ours.imagesPerSec / r.torch[i].imagesPerSec, 2)).join(' / ')})`,
        fixed(t.inferMs, 1), fixed(d.ours?.inferMs ?? null, 1), `**${fixed(t.inferRatio, 2)}×**`])),
    '',
    bestLine(d),
    ...(d.gemmShapes && d.ours ? ['', gemmLine(d)] : []),
  ].join('\n');
}

/** The matmuls alone, as rates: how much of the gap is arithmetic throughput, not the step around it. */
function gemmLine(d: PeerData): string {
  const shapes = d.gemmShapes ?? [], rates = gemmRates(d);
  if (!rates) return '';
  return `**The matrix multiplications alone** (one block's forward matmuls on a batch, M×K by K×N: ${shapes.map(([m, k, n]) => `${m}×${k}×${n}`).join(', ')}, ` +
    `${fixed(gemmFlop(shapes) / 1e6, 1)} MFLOP; each shape's median call, summed; medians over rounds): ours (the Linear layer on ${d.ours?.backend}: our SIMD GEMM, in XNNPACK's summation order, on every thread, with a zero bias added) **${fixed(rates.ours, 1)} GFLOP/s**; ` +
    rates.torch.map(({ row, gflops }) => `PyTorch ${row.torchThreads} thread${row.torchThreads > 1 ? 's' : ''}, BLAS ${row.blasThreads}: **${fixed(gflops, 1)} GFLOP/s**`).join('; ') + '.';
}

/** The headline ratios: against PyTorch's best configuration here, each with its spread over rounds. */
function bestLine(d: PeerData): string {
  const train = bestTorch(d), infer = bestTorchInference(d);
  if (!train || !infer || !d.ours) return '';
  const spread = (xs: number[]): string => `rounds ${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;
  const ti = d.torchRuns.indexOf(train), ii = d.torchRuns.indexOf(infer);
  return `**Against PyTorch's best configuration here** (training: ${train.torchThreads} thread${train.torchThreads > 1 ? 's' : ''}, BLAS ${train.blasThreads}; inference: ${infer.torchThreads} thread${infer.torchThreads > 1 ? 's' : ''}, BLAS ${infer.blasThreads}): ` +
    `training **${fixed(train.trainRatio, 2)}×** (${spread(d.rounds.map((r) => r.ours.imagesPerSec / r.torch[ti].imagesPerSec))}), ` +
    `inference **${fixed(infer.inferRatio, 2)}×** (${spread(d.rounds.map((r) => r.torch[ii].inferMs / r.ours.inferMs))}).`;
}

const mib = (b: number): string => `${(b / 2 ** 20).toFixed(2)} MiB`;

function checkpoint(d: CheckpointData): string {
  return [
    `Node, ${d.backend} backend, each preset on its real training set (the data cursor in the file is one index per training image); ` +
      'write = `Trainer.checkpoint()` (the serialisation the studio\'s worker and `cli train --checkpoint` do), read = `Trainer.fromCheckpoint` (what Resume does: a new trainer, then its state loaded). ' +
      'Each round trains one step, then writes, then reads: "in steps" is the median over rounds of write (or read) ÷ the step just before it. ' +
      '**Size is raw**: the studio stores the bytes as they are (a Blob in IndexedDB), as does the CLI; the gzip column (fflate, level 6) is only for comparison. ' +
      `"Share of training" = write time ÷ the studio's checkpoint interval (${fixed(d.intervalMs / 1000, 0)} s of training). Load average ${d.loadAverage.map((l) => fixed(l, 1)).join(' / ')} at the start (shared 2-core machine).`,
    '',
    table(['preset', 'method', 'parameters', 'size (raw, stored)', 'gzip (not stored)', 'train step (ms)', 'write (ms)', 'write in steps', 'share of training', 'read (ms)', 'read in steps'],
      d.rows.map((r) => [r.preset, r.name, r.params.toLocaleString('en-US'), `**${mib(r.rawBytes)}**`, mib(r.gzipBytes), fixed(r.stepMs, 1), `**${fixed(r.writeMs, 1)}**`,
        fixed(r.writeInSteps, 2), pct(r.writeShare, 3), fixed(r.readMs, 1), fixed(r.readInSteps, 2)])),
  ].join('\n');
}

function store(d: StoreData): string {
  const c = d.checkpoints;
  return [
    `The studio (\`index.html\`) in headless Chromium ${d.chromium} trains \`?${d.query}\` on ${d.backend ?? '?'} and saves the run as it always does, in the browser's own IndexedDB ` +
      `(frames and evaluations flushed about once a second, snapshots at a bounded rate, the worker's checkpoint Blob every ${fixed(d.intervalMs / 1000, 0)} s of training). ` +
      'At the end the page\'s run recorder reports the main-thread milliseconds it spent (taking each frame in; building and issuing each write, the puts\' structured clone included) and the worker\'s milliseconds making each checkpoint (serialising, then the Blob: training waits for it). ' +
      'Both are divided by the training milliseconds of the same steps in the same run (the worker\'s per-step times). IndexedDB commits run in the browser\'s storage process, off both threads; their wall time is shown but not counted. ' +
      'Only the worker\'s part holds training up; the main thread\'s runs beside it, and competes with it only for cores. All are wall-clock times: on a loaded machine a thread descheduled mid-write counts the wait too. ' +
      `Load average ${d.loadAverage.map((l) => fixed(l, 1)).join(' / ')} at the start (shared 2-core machine).`,
    '',
    table(['window', 'steps', 'training ms', 'writes', 'main thread (ms)', 'worker, checkpoints (ms)', 'main ÷ training', 'worker ÷ training', '**saving ÷ training**', 'target'],
      [[`${fixed(d.windowMs / 1000, 0)} s`, d.steps, fixed(d.trainMs, 0), d.writes, `${fixed(d.frameMs + d.flushMs, 1)} (frames ${fixed(d.frameMs, 1)}, writes ${fixed(d.flushMs, 1)})`,
        fixed(d.workerCheckpointMs, 1), pct(d.mainShare, 3), pct(d.workerShare, 3), `**${pct(d.share, 3)}**`, d.share <= 0.01 ? '≤ 1%: met' : '≤ 1%: **not met**']]),
    '',
    c.length
      ? table(['checkpoint at step', 'size', 'worker (ms)', 'main thread (ms)', 'of which the put (ms)', 'until committed (ms)'],
        c.map((w) => [w.step, mib(w.bytes), fixed(w.workerMs, 1), fixed(w.syncMs, 1), fixed(w.putMs, 1), fixed(w.commitMs, 0)]))
      : 'No checkpoint was written in the window.',
    '',
    `Main-thread tasks over 50 ms that overlapped a write: ${d.longTasksDuringWrites}.` + (d.consoleErrors.length ? ` Console errors: ${cell(d.consoleErrors.join('; ')).slice(0, 300)}` : ''),
  ].join('\n');
}

function soak(d: SoakData): string {
  const mb = (b: number): string => (b / 2 ** 20).toFixed(1);
  const last = d.samples[d.samples.length - 1];
  const loads = d.samples.map((s) => s.load1);
  // Every fifth minute, and the first and last samples.
  const shown = d.samples.filter((s, i) => i === 0 || i === d.samples.length - 1 || Math.round(s.minute) % 5 === 0);
  const isCount = (metric: string): boolean => /tensors|nodes/.test(metric);
  return [
    `The studio (\`index.html\`, ${d.viewport}, headless Chromium ${d.chromium}) opened at \`?${d.query}\` trains for ${fixed(last?.minute ?? 0, 1)} of ${d.plannedMinutes} planned minutes ` +
      `with every panel rendering (off-screen ones too: content-visibility is overridden); panels: ${d.panels.map((p) => `${p.testid}${p.applies ? '' : ' (not applicable: a note)'}`).join(', ')}. ` +
      'Each sample follows a forced garbage collection in the page and in the worker (CDP `HeapProfiler.collectGarbage`); heaps from CDP `Runtime.getHeapUsage` ' +
      '(the worker\'s through its own target), tensors from the worker\'s frames (`numTensors`, read at the same point of every step), resident memory of the renderer processes from /proc. ' +
      `Growth compares minute ${d.baselineMinute} (caches, JIT and chart buffers filled) with the end: (end − start) ÷ start, where start is the median of the samples at minutes ${d.baselineMinute - 1}–${d.baselineMinute + 1} and end the median of the last three, so one sample caught mid-step does not decide it; target ≤ ${pct(d.targetGrowth, 0)}. ` +
      `The 2-core machine was shared with other jobs (1-minute load average ${fixed(Math.min(...loads), 1)}–${fixed(Math.max(...loads), 1)}): that changes the step rate, not what memory should do.` +
      (d.stoppedEarly ? ` **The run stopped early: ${cell(d.stoppedEarly)}.**` : ''),
    '',
    table(['metric', `start (minute ${d.baselineMinute})`, `end (minute ${fixed(last?.minute ?? 0, 0)})`, 'growth', `≤ ${pct(d.targetGrowth, 0)}`],
      d.growth.map((g) => [g.metric, isCount(g.metric) ? g.from : `${mb(g.from)} MB`, isCount(g.metric) ? g.to : `${mb(g.to)} MB`, `**${pct(g.growth, 2)}**`, g.growth <= d.targetGrowth ? 'yes' : 'no'])),
    '',
    table(['minute', 'step', 'page heap (MB)', 'DOM nodes', 'worker heap (MB)', 'worker ArrayBuffers (MB)', 'tensors', 'renderer RSS (MB)', 'load'],
      shown.map((s) => [fixed(s.minute, 1), s.step, mb(s.pageHeapUsed), s.domNodes, mb(s.workerHeapUsed), mb(s.workerBacking), s.tensorsFrame ?? '–', mb(s.rendererRss), fixed(s.load1, 1)])),
    ...(d.consoleErrors.length ? ['', `Console errors: ${d.consoleErrors.map(cell).join('; ').slice(0, 400)}`] : []),
  ].join('\n');
}

const shortCommit = (c: string | null | undefined): string => (c ? c.slice(0, 7) : 'unknown');

/** Where, when and how a result was measured: its commit and tree, its machine and the load over the run. */
function provenanceLine(r: SectionResult): string {
  const p = r.provenance;
  const when = `measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC`;
  if (!p) return `_Section \`${r.section}\`, ${when} on ${r.machine}, ${Math.round(r.wallMs / 1000)} s; commit and load over the run not recorded._`;
  const tree = p.clean === null ? 'tree state unknown' : p.clean ? 'clean tree' : `uncommitted changes: ${p.changed.slice(0, 3).join(', ')}${p.changed.length > 3 ? ', …' : ''}`;
  const l = p.load;
  return `_Section \`${r.section}\`, ${when} at commit \`${shortCommit(p.commit)}\` (${tree}) on ${r.machine}, ${Math.round(r.wallMs / 1000)} s; ` +
    `1-minute load average ${fixed(l.start, 1)} at the start, ${fixed(l.max, 1)} at most, ${fixed(l.mean, 1)} on average (${l.samples} samples) on ${l.cores} cores.${reproducedNote(p)}_`;
}

/** A stamp from `bench --check --all` worth saying: the numerics moved after the measurement. */
const stampOf = (p: Provenance | undefined): Reproduced | undefined => (p?.reproduced && p.reproduced.numerics !== p.numerics ? p.reproduced : undefined);

function reproducedNote(p: Provenance | undefined): string {
  const r = stampOf(p);
  if (!r) return '';
  return ` Reproduced bit for bit at \`${shortCommit(r.commit)}\` (${r.at.slice(0, 10)}), under changed numerics files: the first seed of each row, ${r.runs} run${r.runs > 1 ? 's' : ''} in all, reran in full from ${r.runs > 1 ? 'their links' : 'its link'} (\`npm run bench -- --check --all\`).`;
}

/** The warnings a reader must see before a section's figures: stale numerics, a loaded machine. */
function warnings(r: SectionResult): string[] {
  const out: string[] = [];
  if (r.section === 'gpu') return out; // a record of asking for a machine, not a measurement
  const f = freshness(r.provenance);
  if (f.stale) out.push(`> **Stale:** ${f.why}. These figures may no longer reproduce; rerun: \`${rerunCommand(r.section)}\`.`);
  if (SPEED_SECTIONS.includes(r.section) && r.provenance && wasLoaded(r.provenance.load))
    out.push(`> **Loaded:** the 1-minute load average reached ${fixed(r.provenance.load.max, 1)} on ${r.provenance.load.cores} cores while this ran: its times and ratios are not results. Rerun it on a quiet machine.`);
  return out;
}

/** The command that measures a section again. */
const rerunCommand = (name: SectionName): string =>
  ({ browser: 'npm run bench:browser', store: 'npm run bench:store', soak: 'npm run soak', 'webgpu-steps': 'npm run bench:webgpu-steps' } as Partial<Record<SectionName, string>>)[name] ?? `npm run bench -- --only ${name}`;

/** A part measured on its own (a preset's table, an ablation group): its commit, and a stale mark. */
function partProvenance(p: Provenance | undefined): string {
  const f = freshness(p);
  if (!p?.commit) return '**stale**: commit not recorded';
  const s = stampOf(p);
  const r = s ? `; reproduced bit for bit at \`${shortCommit(s.commit)}\` (first seeds, ${s.runs} run${s.runs > 1 ? 's' : ''})` : '';
  return `measured at \`${shortCommit(p.commit)}\`${r}${f.stale ? `; **stale**: ${f.why}` : ''}`;
}

/** A section's header: its title, where, when and how it was measured, and its warnings. */
function section<N extends SectionName>(r: ResultOf<N>, all: SectionResult[]): string {
  const result = r as SectionResult;
  const w = warnings(result);
  return ['', `## ${r.title}`, '', provenanceLine(result), '', ...(w.length ? [w.join('\n>\n'), ''] : []), renderers[r.section](r.data, all)].join('\n');
}

/** The commit most sections were measured at: the page is regenerated there. */
function measuredAtLine(results: SectionResult[]): string {
  const counts = new Map<string, number>();
  for (const r of results) if (r.provenance?.commit) counts.set(r.provenance.commit, (counts.get(r.provenance.commit) ?? 0) + 1);
  const [commit, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  return commit ? `Regenerated at commit \`${shortCommit(commit)}\`: ${n} of ${results.length} sections were measured there.` : 'No section records its commit yet.';
}

export function renderBenchmarks(results: SectionResult[]): string {
  const parts = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (Node sections), `npm run bench:browser` (headless Chromium) and `npm run soak` (30 minutes in Chromium). Each section is one run;',
    'ratios are measured back to back in that run. Raw results: `bench/results/*.json`. Rerun one section with',
    '`npm run bench -- --only <section>`; `npm run bench -- --check` reruns a deterministic subset from its links and fails on any difference.',
    '',
    `${measuredAtLine(results)} Each section names the commit it was measured at and the load over its run. ` +
      `A section is marked **stale** when the engine's numerics (the files under ${NUMERICS_PATHS.map((p) => `\`${p}\``).join(', ')}, tests excepted) are no longer what they were when it was measured ` +
      `and \`npm run bench -- --check --all\` has not since rerun the first seed of each of its rows to the same accuracy and losses, bit for bit, under the current ones, ` +
      `and a speed section **loaded** when the 1-minute load average exceeded the cores while it ran.`,
  ];
  for (const name of Object.keys(renderers) as SectionName[]) {
    const r = find(results, name);
    if (r) parts.push(section(r, results));
  }
  return parts.join('\n') + '\n';
}

/** BENCHMARKS.md from every stored result, and the README's figures (figures.ts) from the same results. */
export function writeBenchmarks(): void {
  const results = loadResults();
  writeFileSync(path.join(repoRoot(), 'BENCHMARKS.md'), renderBenchmarks(results));
  const readme = path.join(repoRoot(), 'README.md');
  writeFileSync(readme, withFigures(readFileSync(readme, 'utf8'), results));
}
