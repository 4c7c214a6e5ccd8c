// BENCHMARKS.md from the sections' JSON results. Every figure comes from a measured run.
import type { SectionResult } from './run';

type Row = Record<string, unknown>;
const pct = (x: number, d = 2): string => `${(x * 100).toFixed(d)}%`;
const f = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '–');

function table(head: string[], rows: (string | number)[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const renderers: Record<string, (d: any, all: Map<string, SectionResult>) => string> = {
  'node-throughput': (d) =>
    `Config \`${d.config}\`, batch ${d.batchSize}; median of measured steps after warm-up.\n\n` +
    table(['backend', 'train step (ms)', 'images/s (train)', 'inference batch (ms)'],
      d.rows.map((r: Row) => [r.backend as string, f(r.trainMs as number, 1), f(r.imagesPerSec as number, 0), f(r.inferMs as number, 1)])),
  'fmnist-10min': (d) =>
    `Budget ${d.budgetMs / 60000} min on the ${d.backend} backend, everything included (data loading, step-rate calibration, training, evaluation): ${d.steps} of ${d.plannedSteps ?? d.steps} planned steps (${f(d.epochs, 2)} epochs), config \`${d.config}\`.\n\n` +
    table(['test accuracy (10,000 images)', 'train accuracy (10,000 images)', 'wall time', 'images/s', 'target'],
      [[`**${pct(d.testAccuracy)}**`, pct(d.trainAccuracy), `${f((d.totalWallMs ?? d.wallMs) / 1000, 0)} s`, f(d.imagesPerSec, 0), '≥ 85%']]),
  'svite-overhead': (d) =>
    `Config \`${d.config}\`. Ordinary steps compared with dense (target ≤ 1.05); a topology-update step in ordinary steps.\n\n` +
    table(['backend', 'dense step (ms)', 'SViTE step (ms)', 'SViTE / dense', 'update step (ms)', 'update cost (ordinary steps)'],
      d.rows.map((r: Row) => [r.backend as string, f(r.denseMs as number, 1), f(r.sviteMs as number, 1), `**${f(r.ratio as number, 3)}**`, f(r.updateMs as number, 1), f(r.updateInOrdinarySteps as number, 2)])),
  'structured-speed': (d) =>
    `Backend ${d.backend}. Dense and sparse steps run interleaved; each time ratio is the median over rounds of sparse ÷ dense measured back to back. ` +
    `"Realised" = time saving ÷ executed-FLOPs saving (target ≥ 80%; the paper reached 9% for SViTE+ and 75% for S²ViTE). ` +
    `Topology-update steps (full-width probe, then the compact weights are taken anew) are timed apart; "with updates" spreads their cost over the preset's ΔT.\n\n` +
    table(['shape', 'batch', 'executed FLOPs', 'train step', 'realised (train)', 'update step', 'realised with updates (ΔT)', 'inference', 'realised (inference)'],
      d.rows.map((r: Row) => [r.name as string, r.batchSize as number, `×${f(r.flopsRatio as number, 3)}`, `×${f(r.trainRatio as number, 3)}`, `**${pct(r.trainSavingRealised as number, 0)}**`,
        r.updateRatio == null ? '–' : `×${f(r.updateRatio as number, 2)}`,
        r.amortisedSavingRealised == null ? '–' : `${pct(r.amortisedSavingRealised as number, 0)} (${r.presetUpdateInterval})`,
        `×${f(r.inferRatio as number, 3)}`, `**${pct(r.inferSavingRealised as number, 0)}**`])),
  'accuracy-svite': (d) => accuracy(d),
  'accuracy-structured': (d, all) => {
    const dense = (all.get('accuracy-svite')?.data as any)?.rows?.find((r: Row) => r.name === 'dense');
    return accuracy({ ...d, rows: dense ? [dense, ...d.rows] : d.rows });
  },
  browser: (d) => (d.markdown as string) ?? '',
};

function accuracy(d: any): string {
  const dense = d.rows.find((r: Row) => r.name === 'dense');
  return `Fashion-MNIST, ${d.steps} steps of batch ${d.batchSize} for every row, seeds ${d.seeds.join(', ')}; test accuracy on ${d.testImages} images (mean ± std).\n\n` +
    table(['method', 'test accuracy', 'vs dense', 'FLOPs saved (theoretical)', 'FLOPs saved (executed)'],
      d.rows.map((r: any) => [r.name, `${pct(r.meanAccuracy)} ± ${pct(r.stdAccuracy)}`, dense && r !== dense ? `${((r.meanAccuracy - dense.meanAccuracy) * 100).toFixed(2)} pts` : '–',
        pct(r.runs[0].savedTheoretical, 1), pct(r.runs[0].savedExecuted, 1)]));
}

const ORDER = ['node-throughput', 'browser', 'fmnist-10min', 'svite-overhead', 'structured-speed', 'accuracy-svite', 'accuracy-structured'];

export function renderBenchmarks(results: SectionResult[]): string {
  const all = new Map(results.map((r) => [r.section, r]));
  const parts = [
    '# Benchmarks',
    '',
    'Written by `npm run bench` (Node sections) and `npm run bench:browser` (headless Chromium). Each section is one run;',
    'ratios are measured back to back in that run. Raw results: `bench/results/*.json`. Rerun one section with',
    '`npm run bench -- --only <section>`.',
  ];
  for (const name of ORDER) {
    const r = all.get(name);
    if (!r) continue;
    parts.push('', `## ${r.title}`, '', `_Section \`${name}\`, measured ${r.measuredAt.slice(0, 16).replace('T', ' ')} UTC on ${r.machine}, ${Math.round(r.wallMs / 1000)} s._`, '', renderers[name]?.(r.data, all) ?? '');
  }
  return parts.join('\n') + '\n';
}
