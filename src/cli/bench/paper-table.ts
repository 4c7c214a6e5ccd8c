// The paper's Table (accuracy vs FLOPs for dense, SViTE, S²ViTE and SViTE+) in miniature: every
// row over three seeds on `tiny` (its own step count) and on `fmnist` at the step count the
// 10-minute budget reaches. Results are saved after every run, and a rerun resumes: seeds a row
// already has at the same step count are kept (delete bench/results/paper-table.json to start
// afresh). `--only paper-table:fmnist` measures one preset, `--only paper-table:fmnist:dense+svite-0.5`
// some of its rows.
import { presetConfig, type ExperimentConfig, type PresetName } from '../../engine/config';
import { PAPER_ROWS, paperRowConfig } from '../../engine/facts/paper-rows';
import { useBackend } from '../../backend/node';
import { cachedLoader } from '../load-data';
import { trainRun } from '../train-run';
import type { PaperPreset, PaperRow, PaperTableData } from './results';
import { loadResults } from './results';
import { lossDigest } from './digest';
import { fmnist10Min } from './fmnist-budget';
import { freshness, type Provenance } from './provenance';
import { mean, std } from '../../engine/stats';

export const PAPER_PRESETS = ['tiny', 'fmnist'] as const satisfies readonly PresetName[];

/** The base config of a preset's table: fmnist at the 10-minute run's config (its step count and schedule). */
function baseConfig(preset: (typeof PAPER_PRESETS)[number], quick: boolean): ExperimentConfig {
  if (quick) return { ...presetConfig(preset), steps: preset === 'tiny' ? 60 : 100, evalEvery: 0 };
  if (preset === 'tiny') return { ...presetConfig('tiny'), evalEvery: 0 };
  return fmnist10Min();
}

/**
 * The stored tables with this one in its preset's place: another process may be measuring another
 * preset, or other rows of this one (`paper-table:fmnist:dense` beside `paper-table:fmnist:svite-0.5`),
 * so the rows this process does not measure are taken as stored now, when they describe this code.
 */
function mergedWithStored(table: PaperPreset, measuring: ReadonlySet<string>): PaperTableData {
  const stored = loadResults().find((r) => r.section === 'paper-table');
  const presets = stored?.section === 'paper-table' ? stored.data.presets.filter((p) => p.preset !== table.preset) : [];
  const same = stored?.section === 'paper-table' ? stored.data.presets.find((p) => p.preset === table.preset && p.steps === table.steps) : undefined;
  const others = same && !freshness(same.provenance).stale ? same.rows.filter((r) => !measuring.has(r.name)) : [];
  const named = (rows: PaperRow[], name: string): PaperRow | undefined => rows.find((r) => r.name === name);
  const rows = PAPER_ROWS.flatMap(([, name]) => (measuring.has(name) ? named(table.rows, name) : named(others, name) ?? named(table.rows, name)) ?? []);
  presets.push({ ...table, rows });
  presets.sort((a, b) => PAPER_PRESETS.indexOf(a.preset as never) - PAPER_PRESETS.indexOf(b.preset as never));
  return { presets };
}

/** `dense+svite+-0.7`: row ids joined by '+', which SViTE+'s own ids contain (the longest known id wins). */
export function parseRowIds(list: string): string[] {
  const ids = PAPER_ROWS.map(([id]) => id).sort((a, b) => b.length - a.length);
  const out: string[] = [];
  for (let rest = list; rest; ) {
    const id = ids.find((x) => rest === x || rest.startsWith(`${x}+`));
    if (!id) throw new Error(`unknown paper-table row in "${rest}"; rows: ${PAPER_ROWS.map(([r]) => r).join(', ')}, joined by +`);
    out.push(id);
    rest = rest.slice(id.length + 1);
  }
  return out;
}

export async function paperTable(opts: { quick: boolean; part?: string; log: (s: string) => void; save: (d: PaperTableData) => void; provenance: () => Provenance }): Promise<PaperTableData> {
  await useBackend('wasm');
  const previous = loadResults().find((r) => r.section === 'paper-table');
  const tables: PaperPreset[] = previous?.section === 'paper-table' ? [...previous.data.presets] : [];
  let measured: { table: PaperPreset; measuring: ReadonlySet<string> } | null = null;
  const seeds = opts.quick ? [0] : [0, 1, 2];
  const [onlyPreset, onlyRows] = opts.part?.split(':') ?? [];
  const rowIds = onlyRows === undefined ? undefined : parseRowIds(onlyRows);
  for (const preset of PAPER_PRESETS) {
    if (onlyPreset && onlyPreset !== preset) continue;
    const base = baseConfig(preset, opts.quick);
    const dataFor = cachedLoader();
    // A rerun resumes a preset's seeds only while they still describe this code.
    const old = tables.find((t) => t.preset === preset && t.steps === base.steps);
    const kept = old && !freshness(old.provenance).stale ? old.rows : [];
    const table: PaperPreset = { preset, steps: base.steps, batchSize: base.batchSize, seeds, testImages: dataFor(base).test.count, backend: 'wasm', provenance: opts.provenance(), rows: [] };
    // Rows in the table's order: the ones measured now, and the others as they were.
    for (const [, name] of PAPER_ROWS) {
      const old = kept.find((r) => r.name === name);
      if (old) table.rows.push(old);
    }
    const at = tables.findIndex((t) => t.preset === preset);
    if (at >= 0) tables[at] = table;
    else tables.push(table);
    const chosen = PAPER_ROWS.filter(([id]) => !rowIds || rowIds.includes(id));
    const measuring = new Set(chosen.map(([, name]) => name));
    measured = { table, measuring };
    const rows = new Map<string, PaperRow>();
    for (const [id, name] of chosen) {
      const existing = table.rows.find((r) => r.name === name);
      const row: PaperRow = existing ?? { name, meanAccuracy: NaN, stdAccuracy: NaN, savedTheoretical: NaN, savedExecuted: NaN, msPerStep: NaN, runs: [] };
      rows.set(id, row);
      const order = PAPER_ROWS.findIndex(([r]) => r === id);
      if (!existing) table.rows.splice(table.rows.filter((r) => PAPER_ROWS.findIndex(([, n]) => n === r.name) < order).length, 0, row);
    }
    // Seed by seed across the rows, so a measurement cut short still has every row.
    for (const seed of seeds)
      for (const [id, name, over] of chosen) {
        const row = rows.get(id)!;
        if (row.runs.some((r) => r.seed === seed)) continue;
        const c = paperRowConfig(base, over, seed);
        const { summary, trainer } = await trainRun(c, dataFor(c), 'wasm', { quiet: true, trainEvalImages: 1000 });
        trainer.dispose();
        row.runs.push({ seed, config: summary.config, testAccuracy: summary.testAccuracy, msPerStep: summary.trainMs / summary.steps, updates: summary.updates.length, lossDigest: lossDigest(summary.losses) });
        const accs = row.runs.map((r) => r.testAccuracy);
        Object.assign(row, {
          meanAccuracy: mean(accs), stdAccuracy: std(accs), msPerStep: mean(row.runs.map((r) => r.msPerStep)),
          savedTheoretical: summary.flops.savedTheoretical, savedExecuted: summary.flops.savedExecuted,
        });
        opts.log(`   ${preset} ${name} seed ${seed}: ${(summary.testAccuracy * 100).toFixed(2)}% (${(summary.trainMs / summary.steps).toFixed(1)} ms/step)`);
        table.provenance = opts.provenance();
        opts.save(mergedWithStored(table, measuring));
      }
  }
  // The stored file as it is now, with this process's last preset in it (not its start-time copy
  // of another preset, which another process may have moved on since).
  return measured ? mergedWithStored(measured.table, measured.measuring) : { presets: tables };
}
