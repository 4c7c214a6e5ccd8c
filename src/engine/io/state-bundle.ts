// A training state as named arrays (safetensors tensors) and small JSON values, written and read
// by each part of the trainer under its own prefix. Reading checks every entry as it is taken:
// present, of the right dtype and length, finite where it must be, so a corrupt or foreign file
// fails with the entry's name instead of deep inside a step.
import type { RngState } from '../rng';
import type { NamedTensor, SafeTensor } from './safetensors';

export type StateArray = Float32Array | Uint8Array | Int32Array;

export class StateWriter {
  constructor(
    readonly tensors: NamedTensor[] = [],
    readonly values: Record<string, unknown> = {},
    private readonly prefix = '',
  ) {}

  /** A writer whose names all start with `name.`. */
  scope(name: string): StateWriter {
    return new StateWriter(this.tensors, this.values, `${this.prefix}${name}.`);
  }

  array(name: string, data: StateArray, shape: number[] = [data.length]): void {
    const dtype = data instanceof Float32Array ? 'F32' : data instanceof Int32Array ? 'I32' : 'U8';
    this.tensors.push({ name: this.prefix + name, dtype, shape, data });
  }

  /** A JSON value (numbers survive exactly: JSON writes the shortest text that reads back the same double). */
  value(name: string, v: unknown): void {
    this.values[this.prefix + name] = v;
  }
}

export class StateReader {
  constructor(
    private readonly tensors: Map<string, SafeTensor>,
    private readonly values: Record<string, unknown>,
    private readonly fail: (what: string) => never,
    private readonly prefix = '',
  ) {}

  scope(name: string): StateReader {
    return new StateReader(this.tensors, this.values, this.fail, `${this.prefix}${name}.`);
  }

  has(name: string): boolean {
    return this.tensors.has(this.prefix + name);
  }

  private take(name: string, dtype: SafeTensor['dtype'], length?: number): SafeTensor['data'] {
    const full = this.prefix + name;
    const t = this.tensors.get(full) ?? this.fail(`has no '${full}' entry: it is not a complete training checkpoint`);
    if (t.dtype !== dtype) this.fail(`'${full}' is ${t.dtype}, expected ${dtype}`);
    if (length !== undefined && t.data.length !== length) this.fail(`'${full}' has ${t.data.length} entries, expected ${length} for this model`);
    return t.data;
  }

  /** Float32 entries, finite unless `allowNaN` (e.g. scores not computed yet). */
  f32(name: string, length?: number, allowNaN = false): Float32Array {
    const d = this.take(name, 'F32', length) as Float32Array;
    if (!d.every((v) => Number.isFinite(v) || (allowNaN && Number.isNaN(v))))
      this.fail(`'${this.prefix + name}' holds non-finite values (the run had diverged, or the file is corrupt)`);
    return d;
  }

  /** 0/1 bytes. */
  bits(name: string, length?: number): Uint8Array {
    const d = this.take(name, 'U8', length) as Uint8Array;
    if (d.some((v) => v > 1)) this.fail(`'${this.prefix + name}' holds values other than 0 and 1`);
    return d;
  }

  i32(name: string, length?: number): Int32Array {
    return this.take(name, 'I32', length) as Int32Array;
  }

  private raw(name: string): unknown {
    const full = this.prefix + name;
    return Object.hasOwn(this.values, full) ? this.values[full] : this.fail(`has no '${full}' value: it is not a complete training checkpoint`);
  }

  text(name: string): string {
    const v = this.raw(name);
    return typeof v === 'string' ? v : this.fail(`'${this.prefix + name}' is ${JSON.stringify(v)}, expected a string`);
  }

  /** A whole number in [min, max]. */
  int(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(name);
    if (!(Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max))
      this.fail(`'${this.prefix + name}' is ${JSON.stringify(v)}, expected a whole number in [${min}, ${max}]`);
    return v as number;
  }

  rng(name: string): RngState {
    const v = this.raw(name) as Partial<RngState> | null;
    const words = v?.words;
    const okWords = Array.isArray(words) && words.length === 4 && words.every((w) => Number.isInteger(w) && w >= 0 && w < 2 ** 32);
    const spare = v?.spareNormal;
    if (!okWords || !(spare === null || Number.isFinite(spare)))
      this.fail(`'${this.prefix + name}' is not a random-stream state (four uint32 words and a spare normal)`);
    return { words: [...words!] as RngState['words'], spareNormal: spare as number | null };
  }
}
