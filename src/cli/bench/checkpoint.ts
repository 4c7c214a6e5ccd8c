// The `checkpoint` section (issue #12): a training checkpoint's size, the time to write it
// (Trainer.checkpoint(), the serialisation the worker does every CHECKPOINT_EVERY_MS of training)
// and to read it back (Trainer.fromCheckpoint, what Resume does), for the fmnist and cifar10 presets
// on their real data (the data cursor's size follows the training set), WASM backend in Node. Each
// round takes a training step, then writes, then reads, so every ratio is measured back to back.
import { gzipSync } from 'fflate';
import { presetConfig, type ExperimentConfig } from '../../engine/config';
import { encodeConfig } from '../../engine/config-url';
import { Trainer } from '../../engine/trainer';
import { CHECKPOINT_EVERY_MS } from '../../protocol/messages';
import { useBackend } from '../../backend/node';
import { cachedLoader } from '../load-data';
import { loadAverage } from './results';
import { median } from '../../engine/stats';
import type { CheckpointData, CheckpointRow } from './checkpoint-result';
import type { SectionContext } from './sections';

const METHODS: [string, Partial<ExperimentConfig>][] = [
  ['dense', {}],
  ['SViTE d=0.5', { method: 'svite', density: 0.5 }],
  ['S²ViTE (0.7, 0.6)', { method: 's2vite', attnDensity: 0.7, mlpDensity: 0.6 }],
];

const WARMUP_STEPS = 3;

export async function checkpointSection(ctx: SectionContext): Promise<CheckpointData> {
  const loadAtStart = loadAverage();
  const backend = await useBackend('wasm');
  const load = cachedLoader();
  const reps = ctx.quick ? 2 : 7;
  const rows: CheckpointRow[] = [];
  for (const preset of ['fmnist', 'cifar10'] as const) {
    for (const [name, over] of METHODS) {
      const config = { ...presetConfig(preset), ...over };
      const data = load(config);
      const trainer = await Trainer.create(config, data);
      try {
        for (let i = 0; i < WARMUP_STEPS; i++) await trainer.step();
        const rounds: CheckpointRow['rounds'] = [];
        let bytes: Uint8Array = new Uint8Array(0);
        for (let i = 0; i < reps; i++) {
          const stepMs = (await trainer.step()).elapsedMs;
          let t0 = performance.now();
          bytes = await trainer.checkpoint();
          const writeMs = performance.now() - t0;
          t0 = performance.now();
          const back = await Trainer.fromCheckpoint(bytes, data);
          const readMs = performance.now() - t0;
          back.dispose();
          rounds.push({ stepMs, writeMs, readMs });
        }
        const row: CheckpointRow = {
          preset, name, config: encodeConfig(config), params: trainer.paramsCount(),
          rawBytes: bytes.byteLength, gzipBytes: gzipSync(bytes, { level: 6, mtime: 0 }).byteLength,
          stepMs: median(rounds.map((r) => r.stepMs)), writeMs: median(rounds.map((r) => r.writeMs)), readMs: median(rounds.map((r) => r.readMs)),
          writeInSteps: median(rounds.map((r) => r.writeMs / r.stepMs)), readInSteps: median(rounds.map((r) => r.readMs / r.stepMs)),
          writeShare: median(rounds.map((r) => r.writeMs)) / CHECKPOINT_EVERY_MS, rounds,
        };
        rows.push(row);
        ctx.log(`   ${preset} ${name}: ${(row.rawBytes / 2 ** 20).toFixed(2)} MiB (gzip ${(row.gzipBytes / 2 ** 20).toFixed(2)}), write ${row.writeMs.toFixed(1)} ms = ${row.writeInSteps.toFixed(2)} steps, read ${row.readMs.toFixed(1)} ms`);
      } finally {
        trainer.dispose();
      }
    }
  }
  return { backend, intervalMs: CHECKPOINT_EVERY_MS, loadAverage: loadAtStart, rows };
}
