// The fused Linear (dense.ts, wasm/gemm.c) on the real WASM backend against the tfjs ops it
// replaces, bit for bit: its value against matMul + add, its gradients against the explicit
// matmuls and sum the composed backward ran. Then split over the kernel helper threads against
// this thread alone. Shapes with odd sizes reach every tile edge; inputs hold ±0, subnormals,
// infinities and NaN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../tf';
import { useBackend, wasmThreadsInUse } from '../../backend/node';
import { denseFused, denseFusedOn } from './dense';
import { kernelHelperCount, readyHelpers, stopKernelHelpers } from './kernel-pool';

const SHAPES: [number, number, number][] = [[1088, 64, 192], [1088, 128, 64], [64, 64, 10], [37, 13, 11], [5, 3, 2], [1, 1, 1]];
const SPECIAL = [0, -0, 1e-40, -3e-42, 3e38, -3e38, Infinity, -Infinity, NaN];

function values(n: number, seed: number, special: boolean): Float32Array {
  const v = Float32Array.from(tf.tidy(() => tf.randomNormal([n], 0, 1, 'float32', seed).dataSync()));
  if (special) for (let i = 0; i < n; i += 7) v[i] = SPECIAL[(i / 7) % SPECIAL.length];
  return v;
}

/** Indices where a and b differ as floats (NaN equals NaN; +0 and −0 differ). */
function differences(a: Float32Array | Int32Array | Uint8Array, b: Float32Array | Int32Array | Uint8Array): number {
  expect(a.length).toBe(b.length);
  let n = 0;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) n++;
  return n;
}

/** Value and gradients of the fused layer, and of the composed ops, for dy. */
function both(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, dy: tf.Tensor2D) {
  const fused = tf.tidy(() => {
    const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => denseFused(xx as tf.Tensor2D, ww, bb))([x, w, b], dy);
    return [value, ...grads].map((t) => t.dataSync().slice());
  });
  const composed = tf.tidy(() => [
    tf.add(tf.matMul(x, w), b),
    tf.matMul(dy, tf.transpose(w)), // dx
    tf.matMul(tf.transpose(x), dy), // dW
    tf.sum(dy, 0), // db
  ].map((t) => t.dataSync().slice()));
  return { fused, composed };
}

describe('fused Linear on wasm', () => {
  beforeAll(async () => {
    expect(await useBackend('wasm', undefined, 2)).toBe('wasm');
    for (let i = 0; i < 200 && readyHelpers().length < 1; i++) await new Promise((r) => setTimeout(r, 10));
  });
  afterAll(async () => {
    stopKernelHelpers();
    await tf.setBackend('cpu');
  });

  it('runs here, on two threads', () => {
    expect(denseFusedOn()).toBe(true);
    expect(wasmThreadsInUse()).toBe(2);
    expect(readyHelpers()).toHaveLength(1);
  });

  it('equals matMul + add and the composed gradients bit for bit, split or not', () => {
    const before = tf.memory().numTensors;
    for (const [M, K, N] of SHAPES) {
      for (const special of [false, true]) {
        const x = tf.tensor2d(values(M * K, 1, special), [M, K]), w = tf.tensor2d(values(K * N, 2, special), [K, N]);
        const b = tf.tensor1d(values(N, 3, special)), dy = tf.tensor2d(values(M * N, 4, special), [M, N]);
        const split = both(x, w, b, dy);
        ['y', 'dx', 'dW', 'db'].forEach((name, i) => expect(differences(split.fused[i], split.composed[i]), `${name} [${M}, ${K}, ${N}] special=${special}`).toBe(0));
        tf.dispose([x, w, b, dy]);
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same bits on one thread as split over the helper', () => {
    const [M, K, N] = SHAPES[0];
    const x = tf.tensor2d(values(M * K, 5, false), [M, K]), w = tf.tensor2d(values(K * N, 6, false), [K, N]);
    const b = tf.tensor1d(values(N, 7, false)), dy = tf.tensor2d(values(M * N, 8, false), [M, N]);
    const split = both(x, w, b, dy).fused;
    stopKernelHelpers();
    expect(kernelHelperCount()).toBe(0);
    const alone = both(x, w, b, dy).fused;
    split.forEach((s, i) => expect(differences(s, alone[i])).toBe(0));
    tf.dispose([x, w, b, dy]);
  });
});
