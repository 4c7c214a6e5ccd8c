// The checkpoint benchmark's results (issue #12, "Speed and size"): no tfjs here, so the browser
// script (scripts/bench-store.ts, run by tsx) can import it.
//   checkpoint: written by `npm run bench -- --only checkpoint` in Node (src/cli/bench/checkpoint.ts);
//   store:      written by `npm run bench:store`, the studio in headless Chromium, its real IndexedDB.

export interface CheckpointRow {
  preset: string;
  /** The method's row name (dense, SViTE d=0.5, S²ViTE (0.7, 0.6)). */
  name: string;
  config: string;
  params: number;
  /** Bytes of Trainer.checkpoint(), as the studio stores them (a Blob of the raw bytes) and `cli train --checkpoint` writes them. */
  rawBytes: number;
  /** The same bytes through gzip (fflate, level 6), for comparison only: nothing stores them so. */
  gzipBytes: number;
  /** Medians over rounds. */
  stepMs: number;
  writeMs: number;
  readMs: number;
  /** Median over rounds of write ÷ the step measured just before it (and read ÷ step). */
  writeInSteps: number;
  readInSteps: number;
  /** writeMs ÷ the studio's checkpoint interval: the share of training time checkpoints take. */
  writeShare: number;
  rounds: { stepMs: number; writeMs: number; readMs: number }[];
}

export interface CheckpointData {
  backend: string;
  /** The studio's checkpoint interval in training milliseconds (CHECKPOINT_EVERY_MS). */
  intervalMs: number;
  /** os.loadavg() at the start: the machine is shared. */
  loadAverage: number[];
  rows: CheckpointRow[];
}

/** What the studio's run recorder cost while the studio trained, read from the page at the end. */
export interface StoreData {
  chromium: string;
  query: string;
  backend: string | null;
  /** The studio's checkpoint interval in training milliseconds (CHECKPOINT_EVERY_MS). */
  intervalMs: number;
  loadAverage: number[];
  /** Wall time of the measured window and the steps trained in it. */
  windowMs: number;
  steps: number;
  /** The worker's training milliseconds of those steps (the sum of its per-step times). */
  trainMs: number;
  /** Main-thread milliseconds in the recorder: taking each frame in, and building and issuing each write. */
  frameMs: number;
  flushMs: number;
  /** Writes (transactions) issued, and those that carried a checkpoint. */
  writes: number;
  checkpoints: { step: number; bytes: number; workerMs: number; syncMs: number; putMs: number; commitMs: number }[];
  /** Worker milliseconds spent making checkpoints (serialising, then the Blob): training waits for them. */
  workerCheckpointMs: number;
  /** (frameMs + flushMs) ÷ trainMs: main-thread work of saving, per training millisecond. */
  mainShare: number;
  /** workerCheckpointMs ÷ trainMs: the worker's own pause for checkpoints, per training millisecond. */
  workerShare: number;
  /** mainShare + workerShare, against the 1%. */
  share: number;
  longTasksDuringWrites: number;
  consoleErrors: string[];
}
