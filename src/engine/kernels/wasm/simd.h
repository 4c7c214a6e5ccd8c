// Shared by the SIMD kernels (wasm32 + SIMD128, no libc). The caller (wasm-kernel.ts) passes
// byte offsets into this module's memory; every buffer starts 16-byte aligned and is padded to a
// whole number of 4-float vectors, so elementwise loops may read and write whole vectors.
#pragma once
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

typedef v128_t f32x4;

static inline int round4(int n) { return (n + 3) & ~3; }

static inline f32x4 splat(float x) { return wasm_f32x4_splat(x); }
static inline f32x4 load(const float* p) { return wasm_v128_load(p); }
static inline void store(float* p, f32x4 v) { wasm_v128_store(p, v); }
static inline f32x4 add(f32x4 a, f32x4 b) { return wasm_f32x4_add(a, b); }
static inline f32x4 sub(f32x4 a, f32x4 b) { return wasm_f32x4_sub(a, b); }
static inline f32x4 mul(f32x4 a, f32x4 b) { return wasm_f32x4_mul(a, b); }
/** a + b·c (SIMD128 has no fused multiply-add: two roundings, as the composed ops). */
static inline f32x4 madd(f32x4 a, f32x4 b, f32x4 c) { return wasm_f32x4_add(a, wasm_f32x4_mul(b, c)); }

static inline float hsum(f32x4 v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) + (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

static inline float hmax(f32x4 v) {
  const f32x4 m = wasm_f32x4_max(v, wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  return wasm_f32x4_extract_lane(wasm_f32x4_max(m, wasm_i32x4_shuffle(m, m, 1, 0, 3, 2)), 0);
}

/** The first n (< 4 allowed) lanes of v to p: rows whose length is not a multiple of 4. */
static inline void store_first(float* p, f32x4 v, int n) {
  if (n >= 4) {
    store(p, v);
    return;
  }
  float lanes[4];
  store(lanes, v);
  for (int k = 0; k < n; k++) p[k] = lanes[k];
}

/** out[i] = a[i] + b[i], i < n: whole vectors, then the 0–3 left (a run may start mid-vector). */
static inline void add_run(const float* a, const float* b, float* out, int n) {
  int i = 0;
  for (; i + 4 <= n; i += 4) store(out + i, add(load(a + i), load(b + i)));
  for (; i < n; i++) out[i] = a[i] + b[i];
}

static inline void zero(float* p, int n) {
  for (int i = 0; i < n; i++) p[i] = 0.0f;
}

/**
 * e^x per lane, within ~2 float ulps: x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in two so k·ln2
 * is exact), e^r by its Taylor series to degree 7 (truncation < 6e-9), 2^k built in the exponent
 * bits. Below −87.3 (where e^x leaves the normal floats) the result is 0; NaN stays NaN.
 *
 * Written for what V8 emits on x86: WebAssembly's f32x4.min/max (NaN-propagating) and
 * i32x4.trunc_sat take ~8 instructions each. The clamp uses pmin/pmax, one instruction each and
 * the same result here (a NaN x passes through both). k is a whole number with |k| ≤ 128, so its
 * integer is read from the bits of k + 1.5·2^23, exactly.
 */
static inline f32x4 exp_f32x4(f32x4 x) {
  const f32x4 lo = splat(-87.3365448f), hi = splat(88.7228394f), magic = splat(12582912.0f);
  const f32x4 under = wasm_f32x4_lt(x, lo);
  // Lanes below lo (their result is 0) compute e^0 instead: clamped to lo, their last product came
  // out subnormal, and a subnormal costs x86 a slow microcode path (the attention's padding is −∞).
  const f32x4 xc = wasm_v128_andnot(wasm_f32x4_pmin(wasm_f32x4_pmax(x, lo), hi), under);
  const f32x4 k = wasm_f32x4_nearest(mul(xc, splat(1.44269504f)));
  const f32x4 r = sub(sub(xc, mul(k, splat(0.693359375f))), mul(k, splat(-2.12194440e-4f)));
  f32x4 p = splat(1.0f / 5040);
  p = madd(splat(1.0f / 720), p, r);
  p = madd(splat(1.0f / 120), p, r);
  p = madd(splat(1.0f / 24), p, r);
  p = madd(splat(1.0f / 6), p, r);
  p = madd(splat(0.5f), p, r);
  p = madd(splat(1.0f), p, r);
  p = madd(splat(1.0f), p, r);
  // 2^k as 2^a · 2^(k−a), a = ⌊k/2⌋: k reaches 128 at the top, past the largest float exponent.
  const v128_t ki = wasm_i32x4_sub(add(k, magic), magic), a = wasm_i32x4_shr(ki, 1);
  const f32x4 pow2a = wasm_i32x4_shl(wasm_i32x4_add(a, wasm_i32x4_splat(127)), 23);
  const f32x4 pow2b = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_sub(ki, a), wasm_i32x4_splat(127)), 23);
  return wasm_v128_andnot(mul(mul(p, pow2a), pow2b), under);
}

/** The first n (< 4 allowed) floats at p in the low lanes, zeros above. */
static inline f32x4 load_first(const float* p, int n) {
  if (n >= 4) return load(p);
  float lanes[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int k = 0; k < n; k++) lanes[k] = p[k];
  return load(lanes);
}
