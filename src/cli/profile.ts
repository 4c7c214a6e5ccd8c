// `cli profile`: what one training step and one inference batch cost on a Node backend, kernel by
// kernel (tf.profile): kernels per step, count and time per kernel type, step ms and images/s.
// Ordinary steps only (topology updates are switched off: they are rare and profiled apart by the
// benchmarks). Kernel times come from the backend's own clock and include tf.profile's overhead;
// stepMs and batchMs are timed separately, without the profiler.
import { writeFileSync } from 'node:fs';
import * as tf from '../engine/tf';
import type { ExperimentConfig } from '../engine/config';
import { encodeConfig } from '../engine/config-url';
import type { Dataset } from '../engine/data/types';
import { Trainer } from '../engine/trainer';
import { median } from '../engine/stats';

export interface KernelStat {
  name: string;
  count: number;
  /** Summed kernel time, milliseconds. */
  ms: number;
}

export interface ProfileReport {
  config: string;
  backend: string;
  batchSize: number;
  kernelsPerStep: number;
  /** Per kernel type, most time first. */
  byKernel: KernelStat[];
  /** Median training step without the profiler. */
  stepMs: number;
  imagesPerSec: number;
  inference: { kernels: number; byKernel: KernelStat[]; batchMs: number; imagesPerSec: number };
}

const WARMUP = 3;
const REPS = 8;

export async function profileConfig(config: ExperimentConfig, data: Dataset, backend: string): Promise<ProfileReport> {
  const steps = WARMUP + REPS + 2;
  const c: ExperimentConfig = { ...config, steps, updateInterval: steps + 1, evalEvery: 0 };
  tf.disposeVariables();
  const trainer = await Trainer.create(c, data);
  try {
    for (let i = 0; i < WARMUP; i++) await trainer.step();
    const stepTimes: number[] = [];
    for (let i = 0; i < REPS; i++) stepTimes.push((await trainer.step()).elapsedMs);
    // tf.profile hands back the engine's one profile record, reset by the next call: read it now.
    const train = tallied(await tf.profile(async () => {
      await trainer.step();
    }));

    const x = tf.randomNormal([c.batchSize, c.imageSize, c.imageSize, c.inChans]) as tf.Tensor4D;
    const batchTimes: number[] = [];
    for (let i = 0; i < WARMUP + REPS; i++) {
      const t0 = performance.now();
      const y = trainer.predict(x);
      await y.data();
      y.dispose();
      if (i >= WARMUP) batchTimes.push(performance.now() - t0);
    }
    const infer = tallied(await tf.profile(async () => {
      const y = trainer.predict(x);
      await y.data();
      y.dispose();
    }));
    x.dispose();

    const stepMs = median(stepTimes), batchMs = median(batchTimes);
    return {
      config: encodeConfig(config), backend, batchSize: c.batchSize,
      kernelsPerStep: train.count, byKernel: train.byKernel, stepMs, imagesPerSec: (c.batchSize * 1000) / stepMs,
      inference: { kernels: infer.count, byKernel: infer.byKernel, batchMs, imagesPerSec: (c.batchSize * 1000) / batchMs },
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * Kernel count and per-type totals. tf.profile also lists each custom-gradient op (named after
 * its scope, or "unnamed scope"), whose time covers the kernels inside it, listed too: left out.
 */
function tallied({ kernels }: { kernels: { name: string; kernelTimeMs: unknown }[] }): { count: number; byKernel: KernelStat[] } {
  const backend = tf.getBackend();
  const real = kernels.filter((k) => tf.getKernel(k.name, backend) !== undefined);
  return { count: real.length, byKernel: tally(real) };
}

function tally(kernels: { name: string; kernelTimeMs: unknown }[]): KernelStat[] {
  const by = new Map<string, KernelStat>();
  for (const k of kernels) {
    const s = by.get(k.name) ?? { name: k.name, count: 0, ms: 0 };
    s.count += 1;
    if (typeof k.kernelTimeMs === 'number') s.ms += k.kernelTimeMs;
    by.set(k.name, s);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms || b.count - a.count);
}

/** The report as a reader wants it: totals, then the kernel types by time. */
export function formatProfile(r: ProfileReport, top = 15): string {
  const table = (rows: KernelStat[]): string[] => {
    const total = rows.reduce((a, b) => a + b.ms, 0) || 1;
    return rows.slice(0, top).map((k) => `  ${k.name.padEnd(22)} ${String(k.count).padStart(5)} × ${k.ms.toFixed(2).padStart(8)} ms  ${((100 * k.ms) / total).toFixed(0).padStart(3)}%`)
      .concat(rows.length > top ? [`  … ${rows.length - top} more kernel types`] : []);
  };
  return [
    `${r.config} on ${r.backend}, batch ${r.batchSize}`,
    `training: ${r.kernelsPerStep} kernels per step, ${r.stepMs.toFixed(1)} ms per step, ${r.imagesPerSec.toFixed(0)} images/s`,
    ...table(r.byKernel),
    `inference: ${r.inference.kernels} kernels per batch, ${r.inference.batchMs.toFixed(1)} ms per batch, ${r.inference.imagesPerSec.toFixed(0)} images/s`,
    ...table(r.inference.byKernel),
  ].join('\n');
}

/** The command: prints the report, and writes it as JSON with --json FILE. */
export async function profileCommand(config: ExperimentConfig, data: Dataset, backend: string, json?: string): Promise<number> {
  const report = await profileConfig(config, data, backend);
  console.log(formatProfile(report));
  if (json) writeFileSync(json, JSON.stringify(report, null, 2));
  return 0;
}
