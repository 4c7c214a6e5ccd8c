// The benchmark results: one JSON file per section in bench/results/, each typed by its section's
// name. The Node sections (sections.ts) and the browser benchmark (scripts/bench-browser.ts) write
// them; render.ts reads them. No tfjs here, so the browser benchmark (run by tsx) can import it.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NodeBackend } from '../../backend/node';
import { repoRoot } from '../node-datasets';
import type { BrowserData } from './browser-result';
import type { WebGpuStepsData } from './webgpu-steps-result';
import type { SoakData } from './soak-result';
import type { CheckpointData, StoreData } from './checkpoint-result';
import type { StepTiming } from './step-time';
import type { ProfileReport } from '../profile';
import type { Provenance } from './provenance';

export interface NodeThroughputData {
  config: string;
  batchSize: number;
  rows: (StepTiming & { backend: NodeBackend })[];
}

export interface Fmnist10MinData {
  backend: NodeBackend;
  budgetMs: number;
  config: string;
  steps: number;
  plannedSteps: number;
  /** Everything: data loading, calibration, training, evaluation. */
  totalWallMs: number;
  epochs: number;
  testAccuracy: number;
  trainAccuracy: number;
  testImages: number;
  /** The training run alone. */
  wallMs: number;
  imagesPerSec: number;
  confusion: number[][];
  /** The first losses (bench --check reruns them) and a digest of them all; absent in older results. */
  losses?: number[];
  lossDigest?: string;
}

export interface SviteOverheadData {
  config: string;
  rows: { backend: NodeBackend; denseMs: number; sviteMs: number; ratio: number; updateMs: number; updateInOrdinarySteps: number }[];
}

export interface StructuredSpeedRow {
  name: string;
  config: string;
  batchSize: number;
  reps: number;
  flopsRatio: number;
  theoreticalRatio: number;
  denseTrainMs: number;
  sparseTrainMs: number;
  trainRatio: number;
  denseInferMs: number;
  sparseInferMs: number;
  inferRatio: number;
  updateMs: number | null;
  updateRatio: number | null;
  presetUpdateInterval: number;
  amortisedRatio: number;
  trainSavingRealised: number;
  inferSavingRealised: number;
  amortisedSavingRealised: number;
}

export interface StructuredSpeedData {
  backend: NodeBackend;
  rows: StructuredSpeedRow[];
}

export interface AccuracyRow {
  name: string;
  meanAccuracy: number;
  stdAccuracy: number;
  runs: { seed: number; config: string; testAccuracy: number; wallMs: number; globalDensity: number; updates: number; savedTheoretical: number; savedExecuted: number }[];
}

export interface AccuracyData {
  steps: number;
  batchSize: number;
  seeds: number[];
  testImages: number;
  rows: AccuracyRow[];
}

export interface PaperRow {
  name: string;
  meanAccuracy: number;
  stdAccuracy: number;
  /** FLOPs saved at the end of a run (the same for every seed of a row). */
  savedTheoretical: number;
  savedExecuted: number;
  /** Training time per step, mean over seeds (update steps included). */
  msPerStep: number;
  runs: { seed: number; config: string; testAccuracy: number; msPerStep: number; updates: number; lossDigest?: string }[];
}

export interface PaperPreset {
  preset: string;
  /** The backend every run trained on (absent in results from before it was recorded: WASM). */
  backend?: NodeBackend;
  /** A preset's table is measured on its own (`--only paper-table:fmnist`), so it records its own provenance. */
  provenance?: Provenance;
  steps: number;
  batchSize: number;
  seeds: number[];
  testImages: number;
  rows: PaperRow[];
}

export interface PaperTableData {
  presets: PaperPreset[];
}

export interface AblationRow {
  name: string;
  meanAccuracy: number;
  stdAccuracy: number;
  runs: {
    seed: number; config: string; testAccuracy: number;
    /** lossDigest() of every loss of the run (bench --check compares it); absent in older results. */
    lossDigest?: string;
    /** Topology updates made. */
    updates: number;
    /** S²ViTE: share of unit swaps that regrew the unit just pruned (no change). */
    noopShare?: number;
    /** S²ViTE: heads that changed identity by the end, in the block where fewest did. */
    headsChanged?: number;
    /** Share of the unit (S²ViTE) or weight (SViTE) budget ever live. */
    fired?: number;
  }[];
}

export interface AblationGroup {
  id: string;
  backend?: NodeBackend;
  /** A group is measured on its own (`--only ablations:GROUP`), so it records its own provenance. */
  provenance?: Provenance;
  title: string;
  question: string;
  rows: AblationRow[];
}

export interface AblationData {
  preset: string;
  steps: number;
  /** The preset's link, every row's starting point. */
  config: string;
  seeds: number[];
  groups: AblationGroup[];
}

/** One seed of a topology row: S²ViTE's fields are what its updates did (sparse/replay.ts). */
export interface TopologyRun {
  seed: number;
  config: string;
  testAccuracy: number;
  /** lossDigest() of every loss (bench --check compares it); absent in older results. */
  lossDigest?: string;
  /** Unit updates (one per block and kind per topology update) and those that changed the live set. */
  unitUpdates?: number;
  changing?: number;
  noopShare?: number;
  pingPongShare?: number;
  everAliveHeads?: number;
  everAliveNeurons?: number;
}

export interface TopologyGroup {
  id: string;
  title: string;
  question: string;
  preset: string;
  steps: number;
  seeds: number[];
  /** The group's base link (preset, steps, no periodic evaluation). */
  base: string;
  backend?: NodeBackend;
  /** A group is measured on its own (`--only topology:GROUP`), so it records its own provenance. */
  provenance?: Provenance;
  rows: { name: string; link: string; meanAccuracy: number; stdAccuracy: number; runs: TopologyRun[] }[];
}

export interface TopologyData {
  groups: TopologyGroup[];
}

/** Ours (Node WASM) and each PyTorch configuration, measured back to back. */
export interface TorchRun {
  /** OPENBLAS_NUM_THREADS of the Python process. */
  blasThreads: number;
  /** torch.set_num_threads. */
  torchThreads: number;
  trainMs: number;
  inferMs: number;
  imagesPerSec: number;
  /** The forward matmuls of one block alone (PeerData.gemmShapes), summed medians; absent in older results. */
  gemmMs?: number;
}

export interface PeerRound {
  ours: { trainMs: number; inferMs: number; imagesPerSec: number; gemmMs?: number };
  torch: TorchRun[];
}

export interface PeerData {
  config: string;
  batchSize: number;
  /** Steps (and inference batches) each side left unmeasured, then measured; absent in results before they were recorded (3, then 12). */
  warmupSteps?: number;
  measuredSteps?: number;
  /** Parameters of our model; the PyTorch model asserts the same count. */
  params: number;
  /** Why PyTorch was not measured (no torch here), else null. */
  skipped: string | null;
  python: string | null;
  torch: string | null;
  /** BLAS / OpenMP / oneDNN shared objects the Python process had mapped. */
  blasLibraries: string[];
  /** torch.__config__.show()'s BLAS_INFO. */
  blasInfo: string | null;
  mkldnn: boolean | null;
  rounds: PeerRound[];
  /** os.loadavg() (1, 5, 15 min) before the first round: the machine is shared. */
  loadAverage: number[];
  /** [M, K, N] of each forward matmul of one block (qkv, proj, fc1, fc2), timed alone on both sides; absent in older results. */
  gemmShapes?: [number, number, number][];
  /** Medians over rounds. */
  ours: { backend: NodeBackend; trainMs: number; inferMs: number; imagesPerSec: number } | null;
  /** Medians over rounds; ratios are ours ÷ PyTorch as speeds, the median of each round's back-to-back pair. */
  torchRuns: (TorchRun & { trainRatio: number; inferRatio: number })[];
}

/** Kernels per step (cli profile's measurement) for each method on the fmnist shapes. */
export interface KernelsData {
  backend: NodeBackend;
  /** The target for a dense training step (issue #11). */
  targetDense: number;
  rows: ({ name: string } & ProfileReport)[];
}

/** How many threads the WASM backend runs on in Node, asked and measured. */
export interface ThreadRun {
  /** Rounds alternate the thread counts; a ratio pairs the runs of one round. Absent before rounds were kept. */
  round?: number;
  /** Threads asked for (useBackend's `threads`: 1 = tfjs's single-threaded binary). */
  asked: number;
  /** What tfjs loaded and reports; null when init failed. */
  backend: string | null;
  actualThreads: number | null;
  trainMs: number | null;
  /** Median forward pass of one batch in eval mode. Absent before it was measured. */
  inferMs?: number | null;
  imagesPerSec: number | null;
  /** Process CPU time ÷ wall time over the timed steps: above 1 means more than one thread worked. */
  cpuPerWall: number | null;
  error: string | null;
}

export interface ThreadsData {
  config: string;
  runs: ThreadRun[];
}

/**
 * The GPU section (issue #11): measured only on a machine the project's device tool lends. When
 * none is lent, the record of that check stands in its place, and no figure is given.
 */
export interface GpuData {
  lent: boolean;
  /** When the device tool was asked, and what it answered. */
  checkedAt: string;
  answer: string;
  rows: { backend: string; preset: string; imagesPerSec: number; kernelsPerStep: number }[];
}

/** Training images/s of python/sparse_vit with 1 and 2 gloo processes and of the TS engine, same link (scale-out.ts). */
export interface ScaleOutData {
  config: string;
  batchSize: number;
  steps: number;
  /** Why PyTorch was not measured (no torch here), else null. */
  skipped: string | null;
  loadAverage: number[];
  rows: { engine: string; processes: number; imagesPerSec: number }[];
}

/** Each section's data, by section name. */
export interface SectionData {
  'node-throughput': NodeThroughputData;
  'fmnist-10min': Fmnist10MinData;
  'svite-overhead': SviteOverheadData;
  'structured-speed': StructuredSpeedData;
  'accuracy-svite': AccuracyData;
  'accuracy-structured': AccuracyData;
  'paper-table': PaperTableData;
  ablations: AblationData;
  topology: TopologyData;
  peer: PeerData;
  kernels: KernelsData;
  threads: ThreadsData;
  gpu: GpuData;
  browser: BrowserData;
  soak: SoakData;
  checkpoint: CheckpointData;
  'scale-out': ScaleOutData;
  /** Measured by scripts/bench-store.ts in Chromium. */
  store: StoreData;
  /** Measured by scripts/bench-webgpu-steps.ts in Chromium: counts, not times. */
  'webgpu-steps': WebGpuStepsData;
}

export type SectionName = keyof SectionData;

/** The sections whose figures are times or speeds: on a loaded machine they are not results. */
export const SPEED_SECTIONS: readonly SectionName[] = ['node-throughput', 'kernels', 'threads', 'peer', 'browser', 'fmnist-10min', 'svite-overhead', 'structured-speed', 'checkpoint', 'store', 'scale-out'];

export interface ResultOf<N extends SectionName> {
  section: N;
  title: string;
  measuredAt: string;
  /** machineLine() of the run. */
  machine: string;
  wallMs: number;
  /** The commit, a clean tree, the load over the run. Absent only in results kept from before it was recorded. */
  provenance?: Provenance;
  data: SectionData[N];
}

export type SectionResult = { [N in SectionName]: ResultOf<N> }[SectionName];

/** os.loadavg() (1, 5, 15 min), two decimals: every section records how busy the shared machine was. */
export const loadAverage = (): number[] => os.loadavg().map((l) => Math.round(l * 100) / 100);

/** The machine a result was measured on: "2× AMD EPYC, 24 GiB, " then the runtime (Node, Chromium). */
export function machineLine(runtime: string): string {
  const cpus = os.cpus();
  return `${cpus.length}× ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${runtime}`;
}

export const resultsDir = (): string => path.join(repoRoot(), 'bench', 'results');

export function saveResult<N extends SectionName>(result: ResultOf<N> & { provenance: Provenance }): void {
  mkdirSync(resultsDir(), { recursive: true });
  writeFileSync(path.join(resultsDir(), `${result.section}.json`), JSON.stringify(result, null, 1));
}

/** Every stored result; the files are ours (written by saveResult), so they are trusted as typed. */
export function loadResults(): SectionResult[] {
  const dir = resultsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as SectionResult);
}

