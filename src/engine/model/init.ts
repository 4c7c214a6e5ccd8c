// timm's initialisation, drawn from our seeded RNG on the CPU so a seed gives the same weights
// on every backend: trunc-normal(0.02) for Linear weights and position embedding, zeros for
// biases, ones/zeros for LayerNorm, PyTorch's conv default for the patch embedding.
import type { Rng } from '../rng';
import { sizeOf } from '../facts/shape';
import type { ParamSpec } from './params';

export function initParam(spec: ParamSpec, rng: Rng): Float32Array {
  const size = sizeOf(spec.shape);
  const out = new Float32Array(size);
  if (spec.role === 'bias') return out;
  if (spec.role === 'norm') {
    if (spec.name.endsWith('.weight')) out.fill(1);
    return out;
  }
  if (spec.name === 'patch_embed.proj.weight') {
    // nn.Conv2d default: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    const bound = 1 / Math.sqrt(spec.shape[0]);
    for (let i = 0; i < size; i++) out[i] = (rng.next() * 2 - 1) * bound;
    return out;
  }
  for (let i = 0; i < size; i++) out[i] = rng.truncNormal(0.02);
  return out;
}

/** Fresh init of a few columns of a [in, out] weight (used when a unit is regrown). */
export function initColumns(rows: number, cols: number, pick: (col: number) => boolean, rng: Rng): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) if (pick(c)) out[r * cols + c] = rng.truncNormal(0.02);
  return out;
}
