// The benchmark results: one JSON file per section in bench/results/, each typed by its section's
// name. The Node sections (sections.ts) and the browser benchmark (scripts/bench-browser.ts) write
// them; render.ts reads them. No tfjs here, so the browser benchmark (run by tsx) can import it.
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NodeBackend } from '../../backend/node';
import { repoRoot } from '../node-datasets';
import type { BrowserData } from './browser-result';
import type { StepTiming } from './step-time';

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
  runs: { seed: number; config: string; testAccuracy: number; msPerStep: number; updates: number }[];
}

export interface PaperPreset {
  preset: string;
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
  browser: BrowserData;
}

export type SectionName = keyof SectionData;

export interface ResultOf<N extends SectionName> {
  section: N;
  title: string;
  measuredAt: string;
  /** machineLine() of the run. */
  machine: string;
  wallMs: number;
  data: SectionData[N];
}

export type SectionResult = { [N in SectionName]: ResultOf<N> }[SectionName];

/** The machine a result was measured on: "2× AMD EPYC, 24 GiB, " then the runtime (Node, Chromium). */
export function machineLine(runtime: string): string {
  const cpus = os.cpus();
  return `${cpus.length}× ${cpus[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${runtime}`;
}

export const resultsDir = (): string => path.join(repoRoot(), 'bench', 'results');

export function saveResult<N extends SectionName>(result: ResultOf<N>): void {
  mkdirSync(resultsDir(), { recursive: true });
  writeFileSync(path.join(resultsDir(), `${result.section}.json`), JSON.stringify(result, null, 1));
}

/** Every stored result; the files are ours (written by saveResult), so they are trusted as typed. */
export function loadResults(): SectionResult[] {
  const dir = resultsDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as SectionResult);
}
