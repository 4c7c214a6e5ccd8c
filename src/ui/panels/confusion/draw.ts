// The confusion matrix: row = true class, column = predicted class; each row normalised so the
// colour reads as "share of this class predicted as …".

export function drawConfusion(out: Uint32Array, confusion: Int32Array, k: number, seq: Uint32Array): void {
  for (let r = 0; r < k; r++) {
    let total = 0;
    for (let c = 0; c < k; c++) total += confusion[r * k + c];
    for (let c = 0; c < k; c++) {
      const v = total ? confusion[r * k + c] / total : 0;
      out[r * k + c] = seq[v >= 1 ? 255 : (v * 255) | 0];
    }
  }
}
