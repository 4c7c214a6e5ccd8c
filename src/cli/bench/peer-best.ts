// The denominator of a speed ratio against PyTorch is its best configuration on this machine (the
// most images/s in training, the fastest batch in inference), not the one that happens to suit us.
import type { PeerData } from './results';

type TorchRow = PeerData['torchRuns'][number];

export const bestTorch = (d: PeerData): TorchRow | undefined =>
  d.torchRuns.reduce<TorchRow | undefined>((best, t) => (!best || t.imagesPerSec > best.imagesPerSec ? t : best), undefined);

export const bestTorchInference = (d: PeerData): TorchRow | undefined =>
  d.torchRuns.reduce<TorchRow | undefined>((best, t) => (!best || t.inferMs < best.inferMs ? t : best), undefined);
