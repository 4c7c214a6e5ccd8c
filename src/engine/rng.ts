// Seeded PRNG (sfc32 seeded through splitmix32). Every random choice in the engine takes one,
// so a seed reproduces data order, initial weights, masks and growth exactly on any backend.

/** Everything a stream's next draws depend on: its four sfc32 words and the cached second normal. */
export interface RngState {
  words: [number, number, number, number]; // uint32 each
  spareNormal: number | null;
}

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spareNormal: number | null = null;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.uint32();
  }

  state(): RngState {
    return { words: [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0], spareNormal: this.spareNormal };
  }

  /** Continue exactly where the stream whose state() this is stood (a resumed run). */
  setState(s: RngState): void {
    [this.a, this.b, this.c, this.d] = s.words.map((w) => w | 0);
    this.spareNormal = s.spareNormal;
  }

  /** A child stream that does not disturb this one's sequence order for other consumers. */
  fork(salt: number): Rng {
    return new Rng((this.uint32() ^ Math.imul(salt + 1, 0x27d4eb2d)) >>> 0);
  }

  uint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  normal(): number {
    if (this.spareNormal !== null) {
      const v = this.spareNormal;
      this.spareNormal = null;
      return v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Normal(0, std) truncated to [-2, 2] absolute, as timm's trunc_normal_(std=.02) does. */
  truncNormal(std: number, lo = -2, hi = 2): number {
    for (;;) {
      const x = this.normal() * std;
      if (x >= lo && x <= hi) return x;
    }
  }

  /** Standard Gumbel sample. */
  gumbel(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return -Math.log(-Math.log(u));
  }

  /** In-place Fisher-Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(arr: T): T {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i];
      arr[i] = arr[j];
      arr[j] = t;
    }
    return arr;
  }

  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    return this.shuffle(p);
  }

  /** k distinct indices from [0, n), in increasing order. */
  sample(n: number, k: number): Int32Array {
    return this.permutation(n).subarray(0, k).sort();
  }
}
