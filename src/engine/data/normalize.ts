// Per-channel mean and std of the training pixels in [0, 1] units. Counting the 256 byte values per
// channel first makes this exact and fast even for 47 M Fashion-MNIST pixels.
import type { ImageSet } from './types';

export interface ChannelStats {
  mean: number[];
  std: number[];
}

export function channelStats(set: ImageSet): ChannelStats {
  const C = set.channels;
  const hist = new Float64Array(C * 256);
  const n = set.count * set.height * set.width * C;
  for (let i = 0; i < n; i += C) for (let c = 0; c < C; c++) hist[c * 256 + set.images[i + c]]++;
  const mean: number[] = [], std: number[] = [];
  for (let c = 0; c < C; c++) {
    let cnt = 0, sum = 0, sq = 0;
    for (let v = 0; v < 256; v++) {
      const h = hist[c * 256 + v], x = v / 255;
      cnt += h; sum += h * x; sq += h * x * x;
    }
    const m = cnt ? sum / cnt : 0;
    mean.push(m);
    // A constant channel would divide by zero when normalising: floor the std.
    std.push(Math.max(Math.sqrt(Math.max(0, sq / (cnt || 1) - m * m)), 1e-3));
  }
  return { mean, std };
}
