// Command line: train / flops / export / eval / bench a config given as a preset, a share link
// (the studio's URL or its query string) and field overrides. Run: npm run --silent cli -- <cmd> ...
import { parseArgs } from 'node:util';
import { renameSync, writeFileSync } from 'node:fs';
import { assertValidConfig, presetConfig, PRESETS, type ExperimentConfig, type PresetName } from '../engine/config';
import { applyOverrides, decodeConfig, encodeConfig, noticeOf, type IgnoredKey } from '../engine/config-url';
import { flopsForConfig } from '../engine/flops';
import { assertTrainable } from '../engine/memory';
import { importModel } from '../engine/io/checkpoint';
import { readCheckpointHeader } from '../engine/io/training-checkpoint';
import { exportTrained } from '../engine/io/export-trained';
import { nodeWasmThreads, useBackend, type NodeBackend } from '../backend/node';
import { parseWasmThreads, WASM_MAX_THREADS, WASM_THREADS_ENV } from '../backend/wasm-threads';
import { cachedLoader, loadForConfig } from './load-data';
import { percent, trainRun } from './train-run';
import { checkArgs, checkWritable, readInputFile, wholeFlag } from './checks';
import { parseMethods, sweep, SWEEP_METHOD_NAMES } from './sweep';

const HELP = `Sparse ViT Studio CLI

  cli train  [--preset P] [--url "<link or query>"] [--set field=value]... [--backend wasm|cpu]
             [--data-dir DIR] [--json FILE] [--save FILE.safetensors [--compact]] [--quiet]
             [--checkpoint FILE [--checkpoint-every N] [--stop-at N]] [--log FILE.jsonl]
             --checkpoint writes everything needed to resume, every N steps (default: every ~30 s)
             and when the run stops; --stop-at N ends the run after step N, as Ctrl-C would;
             --log appends one JSON line per step as the run goes.
  cli train  --resume FILE [--checkpoint FILE] [--stop-at N] [--log ...] [--json ...] [--save ...]
             continues a checkpoint: the same experiment (no --preset/--url/--set), the same
             losses as an uninterrupted run on the same backend; it keeps checkpointing to FILE
             unless --checkpoint names another. The summary's losses cover every step.
  cli sweep  [--preset P] [--url ...] [--set ...] [--seeds N] [--methods ${SWEEP_METHOD_NAMES.join(',')}]
             [--json FILE]   the paper's table: each method × N seeds (default 3), mean ± std accuracy
             and FLOPs saved per method; the JSON is rewritten after every run
  cli flops  [--preset P] [--url ...] [--set ...]          FLOPs/params of a config (MACs), no training
  cli export [--preset P] [--url ...] [--set ...] --out FILE [--compact]   train, then save safetensors
  cli eval   FILE.safetensors [--data-dir DIR] [--backend ...]             test accuracy of a saved model
  cli bench  [--quick] [--only NAMES]                       writes BENCHMARKS.md
  cli bench  --check        reruns a deterministic subset of the stored results from their links
                            (tiny paper-table and ablation rows, seed 0; fmnist-10min's first 200
                            losses) and fails on any difference
  cli bench  --check --all  the same for every accuracy table, the fmnist ones in full (about half an
                            hour); when all reproduce, stamps them as reproduced under the current
                            numerics files, so a change that moved no figure leaves none stale
  cli profile [--preset P] [--url ...] [--set ...] [--backend wasm|cpu] [--json FILE]   kernels per step

  --threads N (train, sweep, export, eval, profile): WASM threads, 1 to ${WASM_MAX_THREADS}; default $${WASM_THREADS_ENV}
             or every core (at most ${WASM_MAX_THREADS}). 1 is tfjs's single-threaded binary.

Presets: ${PRESETS.join(', ')}. Fields: camelCase names (seed, steps, batchSize, lr, dataset, method,
density, ...) or the link's short keys. The printed "config" is the studio's share-link query.`;

/** What a link carried that was not used, as the JSON output records it (--quiet hides only the log). */
type LinkReport = { ignored?: IgnoredKey[]; ignoredMore?: number };

/** The config the flags give; `training` also checks that it fits in memory (flops counts any size). */
function configFrom(values: { preset?: string; url?: string; set?: string[] }, log: (s: string) => void, training = true): { config: ExperimentConfig; link: LinkReport } {
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
  // Says what is wrong with each field and how to fix it; before any data loads.
  if (training) assertTrainable(config);
  else assertValidConfig(config);
  return { config, link };
}

/** A checkpoint to resume: its bytes, and its config and step (checked before any data loads). */
function readResume(file: string): { bytes: Uint8Array; config: ExperimentConfig; step: number } {
  const bytes = readInputFile('--resume', file, 'give a file written by --checkpoint');
  const { config, step } = readCheckpointHeader(bytes, file);
  if (step >= config.steps) throw new Error(`${file} is a finished run (step ${step} of ${config.steps}): there is nothing to resume`);
  return { bytes, config, step };
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
      backend: { type: 'string' }, threads: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'string' },
      out: { type: 'string' }, save: { type: 'string' }, compact: { type: 'boolean' }, quiet: { type: 'boolean' },
      quick: { type: 'boolean' }, only: { type: 'string' }, check: { type: 'boolean' }, all: { type: 'boolean' }, 'check-shard': { type: 'string' },
      checkpoint: { type: 'string' }, 'checkpoint-every': { type: 'string' }, 'stop-at': { type: 'string' },
      resume: { type: 'string' }, log: { type: 'string' }, seeds: { type: 'string' }, methods: { type: 'string' },
    },
  });
  checkArgs(cmd, values, positionals);
  const log = (s: string): void => {
    if (!values.quiet) process.stderr.write(s + '\n');
  };
  const backendArg = (values.backend ?? 'wasm') as NodeBackend;
  if (!['wasm', 'cpu'].includes(backendArg)) throw new Error(`--backend must be wasm or cpu (got ${values.backend})`);
  const threads = values.threads ? parseWasmThreads(values.threads, '--threads') : nodeWasmThreads();

  switch (cmd) {
    case 'flops': {
      const { config: c, link } = configFrom(values, log, false);
      console.log(JSON.stringify({ config: encodeConfig(c), ...link, flops: flopsForConfig(c) }, null, 2));
      return 0;
    }
    case 'train':
    case 'export': {
      const resume = values.resume ? readResume(values.resume) : null;
      const { config: c, link } = resume ? { config: resume.config, link: {} } : configFrom(values, log);
      const out = values.out ?? values.save;
      if (cmd === 'export' && !out) throw new Error('export needs --out FILE.safetensors');
      if (out) checkWritable(values.out ? 'out' : 'save', out);
      if (values.json) checkWritable('json', values.json);
      if (values.log) checkWritable('log', values.log);
      // A resumed run keeps checkpointing where it came from, unless told otherwise.
      const checkpointFile = values.checkpoint ?? values.resume;
      if (checkpointFile) checkWritable(values.checkpoint ? 'checkpoint' : 'resume', checkpointFile);
      const every = wholeFlag('checkpoint-every', values['checkpoint-every'], 1) ?? 0;
      const stopAt = wholeFlag('stop-at', values['stop-at'], 1);
      if (resume && stopAt !== undefined && stopAt <= resume.step)
        log(`${values.resume} is at step ${resume.step} already: --stop-at ${stopAt} stops it at once`);
      const backend = await useBackend(backendArg, log, threads);
      const data = loadForConfig(c, values['data-dir']);
      // Ctrl-C: finish the step, then write what the run has; a second Ctrl-C quits at once.
      const interrupt = new AbortController();
      process.once('SIGINT', () => {
        log('\ninterrupted: writing what the run has (Ctrl-C again to quit at once)');
        interrupt.abort();
      });
      const { summary, trainer } = await trainRun(c, data, backend, {
        log, quiet: values.quiet, signal: interrupt.signal, stopAt, logFile: values.log,
        resume: resume ? { bytes: resume.bytes, file: values.resume! } : undefined,
        checkpoint: checkpointFile ? { file: checkpointFile, every } : undefined,
      });
      if (summary.checkpoint) log(`checkpoint ${summary.checkpoint.file} at step ${summary.checkpoint.step} (${(summary.checkpoint.bytes / 2 ** 20).toFixed(2)} MiB)`);
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
    case 'sweep': {
      const { config: base, link } = configFrom(values, log);
      const methods = parseMethods(values.methods ?? SWEEP_METHOD_NAMES.join(','));
      const seeds = wholeFlag('seeds', values.seeds, 1) ?? 3;
      if (values.json) checkWritable('json', values.json);
      const backend = await useBackend(backendArg, log, threads);
      const dataFor = cachedLoader(values['data-dir']);
      dataFor(base); // a missing data set fails here, before any training
      const interrupt = new AbortController();
      process.once('SIGINT', () => {
        log('\ninterrupted: writing the runs finished so far');
        interrupt.abort();
      });
      const text = (r: object): string => JSON.stringify({ ...r, ...link }, null, 2);
      // Rewritten after every run (atomically), so a sweep cut short keeps the runs it finished.
      const write = (r: object): void => {
        if (!values.json) return;
        writeFileSync(`${values.json}.tmp-${process.pid}`, text(r));
        renameSync(`${values.json}.tmp-${process.pid}`, values.json);
      };
      log(`sweep: ${methods.join(', ')} × ${seeds} seed(s), ${base.steps} steps each on ${base.preset}`);
      const result = await sweep(base, methods, seeds, dataFor, backend, { log, progress: write, signal: interrupt.signal });
      write(result);
      if (!values.json) console.log(text(result));
      return interrupt.signal.aborted ? 130 : 0;
    }
    case 'eval': {
      const file = positionals[0];
      if (!file) throw new Error('eval needs a .safetensors file');
      const bytes = readInputFile('eval:', file, 'give the path of a .safetensors file, e.g. one written by `cli export`');
      const imported = importModel(bytes, file);
      for (const n of imported.configNotes) log(`${file}: ${n}`);
      const backend = await useBackend(backendArg, log, threads);
      const { evaluateImported } = await import('./eval-model');
      const r = await evaluateImported(imported, loadForConfig(imported.config, values['data-dir']));
      const notes = imported.configNotes.length ? { configNotes: imported.configNotes } : {};
      console.log(JSON.stringify({ file, backend, config: encodeConfig(imported.config), ...notes, method: imported.method, layout: imported.layout, ...r }, null, 2));
      if (r.error) throw new Error(`eval: ${file}: ${r.error}`); // after the report is printed: exit 1
      return 0;
    }
    case 'profile': {
      const { config: c } = configFrom(values, log);
      if (values.json) checkWritable('json', values.json);
      return (await import('./profile')).profileCommand(c, loadForConfig(c, values['data-dir']), await useBackend(backendArg, log, threads), values.json);
    }
    case 'bench': {
      if (values['check-shard']) {
        await (await import('./bench/check')).checkShard(values['check-shard'], values.all ?? false);
        return 0;
      }
      if (values.all && !values.check) throw new Error('--all goes with --check: npm run bench -- --check --all');
      if (values.check) {
        if (values.only || values.quick) throw new Error('--check reruns the stored results as they are: it takes no --only or --quick');
        const { failures, skipped } = await (await import('./bench/check')).checkResults((s) => process.stderr.write(s + '\n'), values.all ?? false);
        if (!failures.length) {
          log(skipped ? `check: every stored result rerun reproduced exactly; ${skipped} not rerun here (see above)` : 'check: every stored result reproduced exactly');
          return 0;
        }
        console.error(`\ncheck: ${failures.length} stored result(s) did not reproduce. A change that moves the numerics must rerun the tables it touches (npm run bench -- --only <section>) in the same change:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
        return 1;
      }
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
