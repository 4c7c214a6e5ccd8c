// The denominator of a speed ratio against PyTorch is its best configuration on this machine (the
// most images/s in training, the fastest batch in inference), not the one that happens to suit us.
import { median } from '../../engine/stats';
import type { PeerData } from './results';
import { gemmFlop } from './torch-peer';

type TorchRow = PeerData['torchRuns'][number];

export const bestTorch = (d: PeerData): TorchRow | undefined =>
  d.torchRuns.reduce<TorchRow | undefined>((best, t) => (!best || t.imagesPerSec > best.imagesPerSec ? t : best), undefined);

export const bestTorchInference = (d: PeerData): TorchRow | undefined =>
  d.torchRuns.reduce<TorchRow | undefined>((best, t) => (!best || t.inferMs < best.inferMs ? t : best), undefined);

/** GFLOP/s of one block's forward matmuls alone: ours (median over rounds) and each PyTorch configuration's. */
export function gemmRates(d: PeerData): { ours: number; torch: { row: TorchRow; gflops: number }[] } | null {
  const shapes = d.gemmShapes, oursMs = d.rounds.flatMap((r) => (r.ours.gemmMs === undefined ? [] : [r.ours.gemmMs]));
  if (!shapes || !oursMs.length) return null;
  const flop = gemmFlop(shapes);
  return { ours: flop / median(oursMs) / 1e6, torch: d.torchRuns.filter((t) => Number.isFinite(t.gemmMs)).map((row) => ({ row, gflops: flop / (row.gemmMs as number) / 1e6 })) };
}
