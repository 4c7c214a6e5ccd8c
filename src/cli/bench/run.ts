// `npm run bench`: every Node benchmark section, each measured in one run, results kept as JSON in
// bench/results/ and rendered into BENCHMARKS.md. `--only a,b` reruns some sections; the others
// keep their last results (`--only render` only re-renders). Ratios are measured back to back in
// one process on one backend.
import { writeBenchmarks } from './render';
import { machineLine, saveResult, type SectionData } from './results';
import { SECTIONS, type NodeSectionName } from './sections';
import { startProvenance } from './provenance';

const NAMES = Object.keys(SECTIONS) as NodeSectionName[];
const isNodeSection = (n: string): n is NodeSectionName => (NAMES as string[]).includes(n);

async function measure<N extends NodeSectionName>(name: N, opts: { quick: boolean; part?: string; log: (s: string) => void }): Promise<void> {
  const s = SECTIONS[name];
  opts.log(`== ${name}${opts.part ? `:${opts.part}` : ''}: ${s.title}`);
  const t0 = Date.now();
  const provenance = startProvenance();
  const save = (data: SectionData[N]): void =>
    saveResult({ section: name, title: s.title, measuredAt: new Date().toISOString(), machine: machineLine(`Node ${process.version}`), wallMs: Date.now() - t0, provenance: provenance.now(), data });
  save(await s.run({ quick: opts.quick, part: opts.part, log: opts.log, save, provenance: provenance.now }));
  provenance.stop();
  opts.log(`   done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

export async function runBenchmarks(opts: { quick: boolean; only?: string[]; log: (s: string) => void }): Promise<void> {
  const chosen = (opts.only ?? NAMES).filter((n) => n !== 'render').map((n): [string, string?] => { const at = n.indexOf(':'); return at < 0 ? [n] : [n.slice(0, at), n.slice(at + 1)]; });
  for (const [n] of chosen)
    if (!isNodeSection(n)) throw new Error(`unknown section ${n}; sections: ${NAMES.join(', ')} (browser: \`npm run bench:browser\`)`);
  for (const [name, part] of chosen as [NodeSectionName, string?][]) await measure(name, { ...opts, part });
  writeBenchmarks();
  opts.log('wrote BENCHMARKS.md');
}
