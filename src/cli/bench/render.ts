// BENCHMARKS.md from the sections' JSON results. Every figure comes from a measured run.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../node-datasets';
import type { BrowserData } from './browser-result';
import { loadResults, type AblationData, type AccuracyData, type PaperTableData, type ResultOf, type SectionData, type SectionName, type SectionResult } from './results';

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
  browser: (d) => browser(d),
  'fmnist-10min': (d) =>
    `Budget ${d.budgetMs / 60000} min on the ${d.backend} backend, everything included (data loading, step-rate calibration, training, evaluation): ${d.steps} of ${d.plannedSteps} planned steps (${fixed(d.epochs, 2)} epochs), config \`${d.config}\`.\n\n` +
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
  'accuracy-svite': (d) => accuracy(d),
  'accuracy-structured': (d, all) => {
    // The dense baseline is measured once, in accuracy-svite, and shown in both tables.
    const dense = find(all, 'accuracy-svite')?.data.rows.find((r) => r.name === 'dense');
    return accuracy({ ...d, rows: dense ? [dense, ...d.rows] : d.rows });
  },
};

function paperTable(d: PaperTableData): string {
  const parts = ['WASM backend. Test accuracy is mean ± std over the seeds; FLOPs saved are per image at the end of the run ' +
    '(theoretical = nonzero weights, as the paper counts; executed = what our kernels compute); time per step includes topology updates; the runs are not back to back (a table takes hours), so for speed ratios see `structured-speed`. ' +
    'The figure plots these rows (`npm run paper-figure` draws it from the JSON).', '', '![Accuracy against FLOPs saved](docs/paper-table.png)'];
  for (const p of d.presets) {
    const dense = p.rows.find((r) => r.name === 'dense');
    parts.push('', `**${p.preset}**: ${p.steps} steps of batch ${p.batchSize}, seeds ${p.seeds.join(', ')}, ${p.testImages} test images.`, '',
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
    parts.push('', `**${g.title}** ${g.question}`, '',
      table(head, g.rows.map((r) => {
        const avg = (k: 'noopShare' | 'headsChanged' | 'fired'): number => r.runs.reduce((a, x) => a + (x[k] ?? NaN), 0) / r.runs.length;
        return [r.name, `${pct(r.meanAccuracy, 1)} ± ${pct(r.stdAccuracy, 1)}`, r.runs.map((x) => (x.testAccuracy * 100).toFixed(1)).join(' / '),
          r === first ? '–' : `${fixed((r.meanAccuracy - first.meanAccuracy) * 100, 1)} pts`, r.runs[0]?.updates ?? '–',
          ...(structured ? [pct(avg('noopShare'), 0), fixed(avg('headsChanged'), 1), pct(avg('fired'), 0)] : [])];
      })));
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

function browser(d: BrowserData): string {
  const { ui } = d;
  const parts = [
    `The real training worker in headless Chromium ${d.chromium}, \`${d.config}\` preset shapes (28×28×1, patch 7, D 64, depth 4, 4 heads, batch 64, ` +
      `${d.dataset === 'fashion-mnist' ? 'served Fashion-MNIST' : 'synthetic images'}). ` +
      `**WebGPU here is SwiftShader (software Vulkan on the CPU), and so is WebGL: a ${d.cores}-core CPU with no GPU**, ` +
      `shared with other benchmark processes (load average ${d.loadAverage.map((l) => l.toFixed(1)).join(' / ')} at the start). ` +
      'Warm-up steps (shader compilation) are not timed; images/s = batch ÷ median measured step (the step awaits the loss, so it is synchronised).',
    '',
    table(['backend (asked → used)', 'adapter', 'first step (ms)', 'median step (ms)', 'images/s', 'steps timed', 'note'],
      d.rows.map((r) => [`${r.backend} → ${r.actualBackend ?? 'none'}`, cell(r.backend === 'webgpu' || r.actualBackend === 'webgpu' ? (r.adapter ?? '–') : '–'),
        fixed(r.warmupMs, 0), fixed(r.medianStepMs, 1), r.imagesPerSec === null ? '–' : `**${fixed(r.imagesPerSec, 0)}**`,
        `${r.measuredSteps} (after ${r.warmupSteps} warm-up)`, cell(r.note ?? '').slice(0, 160)])),
    '',
  ];
  if (!ui.measured) return [...parts, `Studio UI: not measured — ${ui.skipped}.`].join('\n');
  const bytes = (x: number | null): string => x?.toLocaleString('en-US') ?? '–';
  parts.push(
    `Studio UI (\`index.html\`, 1440×900) while it trains \`${ui.query}\` on ${ui.backend ?? 'wasm'}, over ${fixed((ui.windowMs ?? 0) / 1000, 0)} s starting after its second step ` +
      `(the first step, with setup and shader compilation, ended ${fixed((ui.firstStepAfterMs ?? 0) / 1000, 1)} s after the click on Start):`,
    '',
    table(['UI frames/s', 'long tasks > 50 ms', 'longest (ms)', 'steps in window', 'worker → UI messages', 'worker → UI bytes/s (binary + JSON)'],
      [[fixed(ui.fps, 1), `${ui.longTasks} (${ui.longTaskMsTotal} ms in all)`, ui.longTasks ? fixed(ui.longestTaskMs, 0) : '–', fixed(ui.stepsInWindow, 0), fixed(ui.messages, 0),
        `${bytes(ui.bytesPerSec)} (${bytes(ui.binaryBytesPerSec)} + ${bytes(ui.jsonBytesPerSec)})`]]),
  );
  if (ui.skipped) parts.push('', `Note: ${ui.skipped}.`);
  return parts.join('\n');
}

/** A section's header: its title and where, when and how long it was measured. */
function section<N extends SectionName>(r: ResultOf<N>, all: SectionResult[]): string {
  return [
    '', `## ${r.title}`, '',
    `_Section \`${r.section}\`, measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC on ${r.machine}, ${Math.round(r.wallMs / 1000)} s._`, '',
    renderers[r.section](r.data, all),
  ].join('\n');
}

export function renderBenchmarks(results: SectionResult[]): string {
  const parts = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (Node sections) and `npm run bench:browser` (headless Chromium). Each section is one run;',
    'ratios are measured back to back in that run. Raw results: `bench/results/*.json`. Rerun one section with',
    '`npm run bench -- --only <section>`.',
  ];
  for (const name of Object.keys(renderers) as SectionName[]) {
    const r = find(results, name);
    if (r) parts.push(section(r, results));
  }
  return parts.join('\n') + '\n';
}

/** BENCHMARKS.md from every stored result. */
export function writeBenchmarks(): void {
  writeFileSync(path.join(repoRoot(), 'BENCHMARKS.md'), renderBenchmarks(loadResults()));
}
