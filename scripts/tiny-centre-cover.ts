// How much of a `tiny` image's shape lies in the patches that fixed centre tokens keep (keep 0.7: 11
// of 16): 5000 shapes from the synthetic generator, their covered pixels counted per patch. The
// README cites it for why the crop is hard to beat on `tiny`.
// Run: npx tsx scripts/tiny-centre-cover.ts
import { presetConfig } from '../src/engine/config';
import { centrePatches, keptTokens } from '../src/engine/facts';
import { randomShape } from '../src/engine/data/synthetic-shapes';
import { Rng } from '../src/engine/rng';

const c = { ...presetConfig('tiny'), method: 'svite' as const, density: 0.5, tokenKeep: 0.7 };
const keep = new Set(centrePatches(c, keptTokens(c)));
const size = c.imageSize, p = c.patchSize, grid = size / p, px = 2 / size;
const rng = new Rng(123);
let inside = 0, covered = 0, whole = 0;
const shares: number[] = [];
for (let i = 0; i < 5000; i++) {
  const sdf = randomShape(i % 10, rng, px);
  let a = 0, b = 0;
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      if (sdf((x + 0.5) * px - 1, (y + 0.5) * px - 1) > 0) continue;
      b++;
      if (keep.has(Math.floor(y / p) * grid + Math.floor(x / p))) a++;
    }
  inside += a;
  covered += b;
  if (!b) continue;
  shares.push(a / b);
  if (a === b) whole++;
}
shares.sort((x, y) => x - y);
console.log(JSON.stringify({
  keptPatches: [...keep], keptArea: keep.size / (grid * grid), shapePixelsKept: inside / covered,
  medianImageShare: shares[shares.length >> 1], tenthPercentile: shares[Math.floor(shares.length * 0.1)], wholeShapeKept: whole / shares.length,
}));
