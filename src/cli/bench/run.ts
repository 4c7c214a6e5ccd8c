// `npm run bench`: every benchmark section, each measured in one run, results kept as JSON in
// bench/results/ and rendered into BENCHMARKS.md. `--only a,b` reruns some sections; the others
// keep their last results. Ratios are measured back to back in one process on one backend.
import { mkdirSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../node-datasets';
import { SECTIONS } from './sections';
import { renderBenchmarks } from './render';

export interface SectionResult {
  section: string;
  title: string;
  measuredAt: string;
  machine: string;
  wallMs: number;
  data: unknown;
}

export const resultsDir = (): string => path.join(repoRoot(), 'bench', 'results');

export function machineLine(): string {
  return `${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

export function loadResults(): SectionResult[] {
  const dir = resultsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as SectionResult);
}

export async function runBenchmarks(opts: { quick: boolean; only?: string[]; log: (s: string) => void }): Promise<void> {
  const names = Object.keys(SECTIONS);
  // `--only render` only re-renders BENCHMARKS.md from the stored results.
  const chosen = (opts.only ?? names.filter((n) => !SECTIONS[n].manual)).filter((n) => n !== 'render');
  for (const n of chosen) if (!SECTIONS[n]) throw new Error(`unknown section ${n}; sections: ${names.join(', ')}`);
  mkdirSync(resultsDir(), { recursive: true });
  for (const name of chosen) {
    const s = SECTIONS[name];
    opts.log(`== ${name}: ${s.title}`);
    const t0 = Date.now();
    const data = await s.run({ quick: opts.quick, log: opts.log });
    const result: SectionResult = { section: name, title: s.title, measuredAt: new Date().toISOString(), machine: machineLine(), wallMs: Date.now() - t0, data };
    writeFileSync(path.join(resultsDir(), `${name}.json`), JSON.stringify(result, null, 1));
    opts.log(`   done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  writeFileSync(path.join(repoRoot(), 'BENCHMARKS.md'), renderBenchmarks(loadResults()));
  opts.log('wrote BENCHMARKS.md');
}
