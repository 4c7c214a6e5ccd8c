// Initial SViTE masks: for each sparse layer exactly round(density·N) active entries, drawn with
// the run's seed (the reference draws Bernoulli; an exact count keeps the budget exact).
import type { Rng } from '../rng';

export function randomMask(size: number, active: number, rng: Rng): Float32Array {
  const mask = new Float32Array(size);
  if (active >= size) return mask.fill(1);
  // Partial Fisher-Yates: the first `active` slots of a random permutation.
  const perm = new Int32Array(size);
  for (let i = 0; i < size; i++) perm[i] = i;
  for (let i = 0; i < active; i++) {
    const j = i + rng.int(size - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
    mask[perm[i]] = 1;
  }
  return mask;
}

/** Pack a 0/1 float mask into a bitset (bit j of byte i = entry 8i+j). */
export function packBits(mask: Float32Array | Uint8Array): { bits: Uint8Array; active: number } {
  const bits = new Uint8Array(Math.ceil(mask.length / 8));
  let active = 0;
  for (let i = 0; i < mask.length; i++)
    if (mask[i] > 0) {
      bits[i >> 3] |= 1 << (i & 7);
      active++;
    }
  return { bits, active };
}

export function unpackBits(bits: Uint8Array, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = (bits[i >> 3] >> (i & 7)) & 1;
  return out;
}
