// "Just changed" highlights for bitmaps that evolve frame by frame (weight masks, live neurons).
// A fade map holds, per entry, +k for "grown k frames ago" and −k for "pruned", counting down to
// 0 over FADE_FRAMES frames. Pure functions over typed arrays.

export const FADE_FRAMES = 6;

/** Age every highlight by one frame. Returns how many are still lit. */
export function decay(fade: Int8Array): number {
  let lit = 0;
  for (let i = 0; i < fade.length; i++) {
    const v = fade[i];
    if (v === 0) continue;
    const w = v > 0 ? v - 1 : v + 1;
    fade[i] = w;
    if (w !== 0) lit++;
  }
  return lit;
}

/** Highlights entries whose bit differs between two bitsets (bit j of byte i = entry 8i+j). */
export function markBitChanges(fade: Int8Array, prev: Uint8Array, cur: Uint8Array, n: number): number {
  let changed = 0;
  const bytes = Math.min(prev.length, cur.length);
  for (let i = 0; i < bytes; i++) {
    const x = prev[i] ^ cur[i];
    if (x === 0) continue;
    for (let j = 0; j < 8; j++) {
      if (!(x & (1 << j))) continue;
      const e = i * 8 + j;
      if (e >= n) break;
      fade[e] = cur[i] & (1 << j) ? FADE_FRAMES : -FADE_FRAMES;
      changed++;
    }
  }
  return changed;
}

/** Same for byte-per-entry 0/1 arrays (live heads, live neurons). */
export function markByteChanges(fade: Int8Array, prev: Uint8Array, cur: Uint8Array): number {
  let changed = 0;
  const n = Math.min(prev.length, cur.length, fade.length);
  for (let i = 0; i < n; i++) {
    if (prev[i] === cur[i]) continue;
    fade[i] = cur[i] ? FADE_FRAMES : -FADE_FRAMES;
    changed++;
  }
  return changed;
}
