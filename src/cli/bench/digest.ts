// A run's losses in 16 hex digits (SHA-256 of their float64 bytes): stored beside each benchmark
// run, so `bench --check` can tell that every loss of a rerun matches, not only the final accuracy.
import { createHash } from 'node:crypto';

export const lossDigest = (losses: number[]): string =>
  createHash('sha256').update(new Uint8Array(Float64Array.from(losses).buffer)).digest('hex').slice(0, 16);
