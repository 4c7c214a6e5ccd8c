// The README's measured figures, generated from the stored results: each figure in the README sits
// between markers naming where it comes from, `<!--fig:paper/tiny/dense/acc-->92.3 ± 1.8%<!--/fig-->`,
// and `npm run bench -- --only render` rewrites what lies between them. A test fails when a marker's
// text differs from its result, or when a measured-looking number in "What to expect" has no marker:
// no hand-copied figure can drift from BENCHMARKS.md.
//
// Keys (fields after the last slash):
//   paper/<preset>/<row id>/{acc,mean,seeds,delta,baseline,saved,executed}   (row ids: engine/facts/paper-rows.ts; delta: against dense; baseline: against the row's baseline row)
//   ablation/<group id>/<row slug>/{acc,mean,seeds,delta,noop,fired}  (delta: against the group's first row)
//   topology/<group id>/<row slug>/{acc,mean,seeds,noop,pingpong,paired} (paired: against the row's baseline row, seed by seed) · topology/<group id>/<row slug>/{delta,paired}/<other row slug>
//   fmnist-10min/{acc,steps,minutes}
//   peer/{ours-ips,torch-ips,ratio,infer-ratio,ours-infer-ms,torch-infer-ms,best}  (against the best PyTorch configuration)
//   peer/{ours-gemm,torch-gemm}  (GFLOP/s of one block's matmuls alone; PyTorch's fastest configuration)
//   kernels/<row slug>/{train,infer}
//   browser/<backend>/{ips,first} · browser/ui/fps · browser/peer/ratio · store/share · soak/<metric slug>/growth · checkpoint/<preset>/<row slug>/{mib,write}
import { baselineRowName, PAPER_ROWS } from '../../engine/facts/paper-rows';
import { baselineRowIn, formatPaired, pairedRuns } from './paired';
import { SPEED_SECTIONS, type SectionResult, type SectionData, type SectionName } from './results';
import { bestTorch, bestTorchInference, gemmRates } from './peer-best';
import { freshness, wasLoaded, type Provenance } from './provenance';

const pct = (x: number, d = 1): string => `${(x * 100).toFixed(d)}%`;
const pts = (x: number, d = 1): string => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(d)} points`;
export const slug = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The provenance of the part a figure was read from: a stale part's figures say so. */
let readFrom: Provenance | undefined;
/** Whether that part is a speed measurement: one taken on a loaded machine says so too. */
let readSpeed = false;

function data<N extends SectionName>(all: SectionResult[], name: N): SectionData[N] {
  const r = all.find((x) => x.section === name);
  if (!r) throw new Error(`no stored ${name} result`);
  readFrom = r.provenance;
  readSpeed = SPEED_SECTIONS.includes(name);
  return r.data as SectionData[N];
}

type Run = { seed: number; testAccuracy: number };
/** The fields every accuracy row shares: mean ± std, the seeds, the difference against a baseline row. */
function accuracyField(field: string, row: { meanAccuracy: number; stdAccuracy: number; runs: Run[] }, base?: { meanAccuracy: number }): string | undefined {
  switch (field) {
    case 'acc': return `${pct(row.meanAccuracy)} ± ${pct(row.stdAccuracy)}`;
    case 'mean': return pct(row.meanAccuracy);
    case 'seeds': return `${[...row.runs].sort((a, b) => a.seed - b.seed).map((r) => (r.testAccuracy * 100).toFixed(1)).join(' / ')}%`;
    case 'delta': return base ? pts(row.meanAccuracy - base.meanAccuracy) : undefined;
    default: return undefined;
  }
}

const byKey: Record<string, (all: SectionResult[], parts: string[]) => string | undefined> = {
  paper(all, [preset, id, field]) {
    const table = data(all, 'paper-table').presets.find((p) => p.preset === preset);
    readFrom = table?.provenance;
    const name = PAPER_ROWS.find(([r]) => r === id)?.[1];
    const row = table?.rows.find((r) => r.name === name);
    if (!row) return undefined;
    if (field === 'saved') return pct(row.savedTheoretical);
    if (field === 'executed') return pct(row.savedExecuted);
    if (field === 'baseline') {
      // The row against its own baseline row (engine/facts' baselineOf): S²ViTE's frozen topology, SViTE+'s fixed tokens.
      const base = table?.rows.find((r) => r.name === baselineRowName(name!));
      return base ? pts(row.meanAccuracy - base.meanAccuracy) : undefined;
    }
    return accuracyField(field, row, table?.rows.find((r) => r.name === 'dense'));
  },
  ablation(all, [group, rowSlug, field]) {
    const g = data(all, 'ablations').groups.find((x) => x.id === group);
    readFrom = g?.provenance;
    const row = g?.rows.find((r) => slug(r.name) === rowSlug);
    if (!g || !row) return undefined;
    const avg = (k: 'noopShare' | 'fired'): number => row.runs.reduce((a, x) => a + (x[k] ?? NaN), 0) / row.runs.length;
    if (field === 'noop') return pct(avg('noopShare'), 0);
    if (field === 'fired') return pct(avg('fired'), 0);
    return accuracyField(field, row, g.rows[0] === row ? undefined : g.rows[0]);
  },
  topology(all, [group, rowSlug, field, baseSlug]) {
    const g = data(all, 'topology').groups.find((x) => x.id === group);
    readFrom = g?.provenance;
    const row = g?.rows.find((r) => slug(r.name) === rowSlug);
    if (!g || !row) return undefined;
    const avg = (k: 'noopShare' | 'pingPongShare'): number => row.runs.reduce((a, x) => a + (x[k] ?? NaN), 0) / row.runs.length;
    if (field === 'noop') return pct(avg('noopShare'), 0);
    if (field === 'pingpong') return pct(avg('pingPongShare'), 0);
    if (field === 'paired') {
      const base = baseSlug ? g.rows.find((r) => slug(r.name) === baseSlug) : baselineRowIn(g.rows, row);
      return base ? formatPaired(pairedRuns(row, base)) : undefined;
    }
    return accuracyField(field, row, g.rows.find((r) => slug(r.name) === baseSlug));
  },
  'fmnist-10min'(all, [field]) {
    const d = data(all, 'fmnist-10min');
    return ({ acc: pct(d.testAccuracy, 2), steps: String(d.steps), minutes: (d.totalWallMs / 60000).toFixed(1) } as Record<string, string>)[field];
  },
  peer(all, [field]) {
    const d = data(all, 'peer');
    const best = bestTorch(d), bestInfer = bestTorchInference(d), rates = gemmRates(d);
    if (!d.ours || !best || !bestInfer) return undefined;
    const torchName = `PyTorch ${best.torchThreads} thread${best.torchThreads > 1 ? 's' : ''}, BLAS ${best.blasThreads}`;
    return ({
      'ours-ips': d.ours.imagesPerSec.toFixed(0), 'torch-ips': best.imagesPerSec.toFixed(0), ratio: `${best.trainRatio.toFixed(2)}×`,
      'infer-ratio': `${bestInfer.inferRatio.toFixed(2)}×`, 'ours-infer-ms': d.ours.inferMs.toFixed(1), 'torch-infer-ms': bestInfer.inferMs.toFixed(1), best: torchName,
      ...(rates ? { 'ours-gemm': rates.ours.toFixed(0), 'torch-gemm': Math.max(...rates.torch.map((t) => t.gflops)).toFixed(0) } : {}),
    } as Record<string, string>)[field];
  },
  kernels(all, [rowSlug, field]) {
    const row = data(all, 'kernels').rows.find((r) => slug(r.name) === rowSlug);
    if (!row) return undefined;
    return ({ train: String(row.kernelsPerStep), infer: String(row.inference.kernels) } as Record<string, string>)[field];
  },
  browser(all, [backend, field]) {
    const d = data(all, 'browser');
    if (backend === 'peer') return field === 'ratio' && d.peer?.ratio != null ? `${d.peer.ratio.toFixed(2)}×` : undefined;
    if (backend === 'ui') return field === 'fps' && d.ui.fps != null ? d.ui.fps.toFixed(0) : undefined;
    const row = d.rows.find((r) => r.backend === backend && (r.preset ?? 'fmnist') === 'fmnist');
    if (field === 'first' && row?.warmupMs != null) return `${(row.warmupMs / 1000).toFixed(1)} s`;
    return field === 'ips' && row?.imagesPerSec != null ? row.imagesPerSec.toFixed(0) : undefined;
  },
  store(all, [field]) {
    return field === 'share' ? pct(data(all, 'store').share, 2) : undefined;
  },
  soak(all, [metric, field]) {
    const g = data(all, 'soak').growth.find((x) => slug(x.metric) === metric);
    return g && field === 'growth' ? pct(g.growth, 1) : undefined;
  },
  checkpoint(all, [preset, rowSlug, field]) {
    const row = data(all, 'checkpoint').rows.find((r) => r.preset === preset && slug(r.name) === rowSlug);
    if (!row) return undefined;
    return ({ mib: `${(row.rawBytes / 2 ** 20).toFixed(2)} MiB`, write: `${row.writeMs.toFixed(1)} ms` } as Record<string, string>)[field];
  },
};

/**
 * A figure's text from the stored results, marked "(stale)" when its part no longer describes this
 * code (provenance.ts), and "(loaded)" when it is a speed measured on a loaded machine; throws, naming the key, when there is no such figure.
 */
export function figure(all: SectionResult[], key: string): string {
  const [kind, ...parts] = key.split('/');
  readFrom = undefined;
  readSpeed = false;
  const text = byKey[kind]?.(all, parts);
  if (text === undefined) throw new Error(`README figure ${key}: no such result (keys: see src/cli/bench/figures.ts)`);
  // Set by the resolver (TS cannot see the assignment through the call).
  const from = readFrom as Provenance | undefined, speed = readSpeed as boolean;
  if (freshness(from).stale) return `${text} (stale)`;
  return speed && from && wasLoaded(from.load) ? `${text} (loaded)` : text;
}

const MARKER = /<!--fig:([^>]+?)-->([\s\S]*?)<!--\/fig-->/g;

/** Every marker in a text with its current and generated content. */
export function figureMarkers(text: string, all: SectionResult[]): { key: string; shown: string; generated: string }[] {
  return [...text.matchAll(MARKER)].map((m) => ({ key: m[1], shown: m[2], generated: figure(all, m[1]) }));
}

/** The text with every marker's content generated afresh. */
export const withFigures = (text: string, all: SectionResult[]): string =>
  text.replace(MARKER, (_, key: string) => `<!--fig:${key}-->${figure(all, key)}<!--/fig-->`);

/** The text with every marker (and its content) removed: what is left was typed by hand. */
export const withoutFigures = (text: string): string => text.replace(MARKER, '');
