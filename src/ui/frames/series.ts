// A growable table of numeric columns sharing one x column (the step), for charts. Storage is
// typed arrays; views are subarrays (no copies). When full it halves itself by keeping every
// other row and from then on keeps only every stride-th pushed row, so a 10-million-step run
// costs the same memory and drawing time as a short one.

export class Series {
  x: Float64Array;
  cols: Float64Array[];
  length = 0;
  private stride = 1;
  private pushed = 0;

  constructor(readonly columns: number, readonly maxRows = 8192, initial = 256) {
    this.x = new Float64Array(initial);
    this.cols = Array.from({ length: columns }, () => new Float64Array(initial));
  }

  push(x: number, ...ys: number[]): void {
    const keep = this.pushed % this.stride === 0;
    this.pushed++;
    if (!keep) return;
    if (this.length === this.x.length) this.grow();
    this.x[this.length] = x;
    for (let c = 0; c < this.columns; c++) this.cols[c][this.length] = ys[c] ?? NaN;
    this.length++;
  }

  /** Replace the last row's value in one column (e.g. a smoothed value computed later). */
  last(col: number): number {
    return this.length ? this.cols[col][this.length - 1] : NaN;
  }

  lastX(): number {
    return this.length ? this.x[this.length - 1] : NaN;
  }

  /** [x, ...columns] as subarray views of the live storage (valid until the next push). */
  view(): Float64Array[] {
    return [this.x.subarray(0, this.length), ...this.cols.map((c) => c.subarray(0, this.length))];
  }

  column(col: number): Float64Array {
    return this.cols[col].subarray(0, this.length);
  }

  clear(): void {
    this.length = 0;
    this.stride = 1;
    this.pushed = 0;
  }

  private grow(): void {
    if (this.x.length < this.maxRows) {
      const n = Math.min(this.maxRows, this.x.length * 2);
      const widen = (a: Float64Array): Float64Array => {
        const b = new Float64Array(n);
        b.set(a);
        return b;
      };
      this.x = widen(this.x);
      this.cols = this.cols.map(widen);
      return;
    }
    // Full: keep every other row.
    const half = Math.floor(this.length / 2);
    for (let i = 0; i < half; i++) {
      this.x[i] = this.x[2 * i];
      for (const c of this.cols) c[i] = c[2 * i];
    }
    this.length = half;
    this.stride *= 2;
  }
}
