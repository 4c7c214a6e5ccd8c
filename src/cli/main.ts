// Command line: train / flops / export / eval / bench a config given as a preset, a share link
// (the studio's URL or its query string) and field overrides. Run: npm run --silent cli -- <cmd> ...
import { parseArgs } from 'node:util';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { assertValidConfig, presetConfig, PRESETS, type ExperimentConfig, type PresetName } from '../engine/config';
import { applyOverrides, decodeConfig, encodeConfig, noticeOf, type IgnoredKey } from '../engine/config-url';
import { flopsForConfig } from '../engine/flops';
import { importModel } from '../engine/io/checkpoint';
import { exportTrained } from '../engine/io/export-trained';
import { useBackend, type NodeBackend } from '../backend/node';
import { loadForConfig } from './load-data';
import { percent, trainRun } from './train-run';
import { checkArgs, checkWritable } from './checks';

const HELP = `Sparse ViT Studio CLI

  cli train  [--preset P] [--url "<link or query>"] [--set field=value]... [--backend wasm|cpu]
             [--data-dir DIR] [--json FILE] [--save FILE.safetensors [--compact]] [--quiet]
  cli flops  [--preset P] [--url ...] [--set ...]          FLOPs/params of a config (MACs), no training
  cli export [--preset P] [--url ...] [--set ...] --out FILE [--compact]   train, then save safetensors
  cli eval   FILE.safetensors [--data-dir DIR] [--backend ...]             test accuracy of a saved model
  cli bench  [--quick] [--only NAMES]                       writes BENCHMARKS.md
  cli profile [--preset P] [--url ...] [--set ...] [--backend wasm|cpu] [--json FILE]   kernels per step

Presets: ${PRESETS.join(', ')}. Fields: camelCase names (seed, steps, batchSize, lr, dataset, method,
density, ...) or the link's short keys. The printed "config" is the studio's share-link query.`;

/** What a link carried that was not used, as the JSON output records it (--quiet hides only the log). */
type LinkReport = { ignored?: IgnoredKey[]; ignoredMore?: number };

function configFrom(values: { preset?: string; url?: string; set?: string[] }, log: (s: string) => void): { config: ExperimentConfig; link: LinkReport } {
  let c: ExperimentConfig;
  const link: LinkReport = {};
  if (values.url && values.preset) throw new Error('give --preset or --url, not both: the link names its own preset (p=…)');
  if (values.url) {
    const d = decodeConfig(values.url);
    const { shown, more } = noticeOf(d.ignored);
    for (const i of shown) log(`link: ignored ${i.key}=${i.value}: ${i.reason}`);
    if (more) log(`link: …and ${more} more ignored`);
    if (shown.length) link.ignored = shown;
    if (more) link.ignoredMore = more;
    c = d.config;
  } else {
    const p = (values.preset ?? 'tiny') as PresetName;
    if (!PRESETS.includes(p)) throw new Error(`unknown preset "${values.preset}"; presets: ${PRESETS.join(', ')}`);
    c = presetConfig(p);
  }
  const config = applyOverrides(c, values.set ?? []);
  assertValidConfig(config); // says what is wrong with each field and how to fix it
  return { config, link };
}

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === 'help' || cmd === '--help' || cmd === '-h') {
    console.log(HELP);
    return 0;
  }
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      preset: { type: 'string' }, url: { type: 'string' }, set: { type: 'string', multiple: true },
      backend: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'string' },
      out: { type: 'string' }, save: { type: 'string' }, compact: { type: 'boolean' }, quiet: { type: 'boolean' },
      quick: { type: 'boolean' }, only: { type: 'string' },
    },
  });
  checkArgs(cmd, values, positionals);
  const log = (s: string): void => {
    if (!values.quiet) process.stderr.write(s + '\n');
  };
  const backendArg = (values.backend ?? 'wasm') as NodeBackend;
  if (!['wasm', 'cpu'].includes(backendArg)) throw new Error(`--backend must be wasm or cpu (got ${values.backend})`);

  switch (cmd) {
    case 'flops': {
      const { config: c, link } = configFrom(values, log);
      console.log(JSON.stringify({ config: encodeConfig(c), ...link, flops: flopsForConfig(c) }, null, 2));
      return 0;
    }
    case 'train':
    case 'export': {
      const { config: c, link } = configFrom(values, log);
      const out = values.out ?? values.save;
      if (cmd === 'export' && !out) throw new Error('export needs --out FILE.safetensors');
      if (out) checkWritable(values.out ? 'out' : 'save', out);
      if (values.json) checkWritable('json', values.json);
      const backend = await useBackend(backendArg, log);
      const data = loadForConfig(c, values['data-dir']);
      // Ctrl-C: finish the step, then write what the run has; a second Ctrl-C quits at once.
      const interrupt = new AbortController();
      process.once('SIGINT', () => {
        log('\ninterrupted: writing what the run has (Ctrl-C again to quit at once)');
        interrupt.abort();
      });
      const { summary, trainer } = await trainRun(c, data, backend, { log, quiet: values.quiet, signal: interrupt.signal });
      if (out && summary.stoppedBy === 'non-finite-loss') log(`not saving ${out}: the weights are not finite`);
      else if (out) {
        writeFileSync(out, await exportTrained(trainer, values.compact ? 'compact' : 'dense'));
        log(`saved ${out}${values.compact ? ' (compact: removed heads and neurons are gone)' : ''}`);
      }
      trainer.dispose();
      const text = JSON.stringify({ ...summary, ...link }, null, 2);
      if (values.json) writeFileSync(values.json, text);
      if (cmd === 'train' && !values.json) console.log(text);
      else log(`test accuracy ${percent(summary.testAccuracy)} · ${summary.imagesPerSec.toFixed(0)} images/s · ${values.json ?? ''}`);
      if (summary.stoppedBy === 'interrupt') return 130; // the shell's code for Ctrl-C
      if (summary.error) throw new Error(summary.error); // after the summary is written: exit 1
      return 0;
    }
    case 'eval': {
      const file = positionals[0];
      if (!file) throw new Error('eval needs a .safetensors file');
      if (!existsSync(file)) throw new Error(`eval: ${file} does not exist (give the path of a .safetensors file, e.g. one written by \`cli export\`)`);
      const imported = importModel(new Uint8Array(readFileSync(file)), file);
      for (const n of imported.configNotes) log(`${file}: ${n}`);
      const backend = await useBackend(backendArg, log);
      const { evaluateImported } = await import('./eval-model');
      const r = await evaluateImported(imported, loadForConfig(imported.config, values['data-dir']));
      const notes = imported.configNotes.length ? { configNotes: imported.configNotes } : {};
      console.log(JSON.stringify({ file, backend, config: encodeConfig(imported.config), ...notes, method: imported.method, layout: imported.layout, ...r }, null, 2));
      return 0;
    }
    case 'profile': {
      const { config: c } = configFrom(values, log);
      if (values.json) checkWritable('json', values.json);
      return (await import('./profile')).profileCommand(c, loadForConfig(c, values['data-dir']), await useBackend(backendArg, log), values.json);
    }
    case 'bench': {
      const { runBenchmarks } = await import('./bench/run');
      await runBenchmarks({ quick: values.quick ?? false, only: values.only?.split(','), log });
      return 0;
    }
    default:
      console.error(`unknown command "${cmd}"\n\n${HELP}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    console.error(`error: ${e.message}`);
    process.exit(1);
  },
);
