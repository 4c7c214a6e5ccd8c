// Exact GELU, x·Φ(x) with Φ(x) = ½(1 + erf(x/√2)) as torch.nn.GELU(), forward and backward.
// erf by Abramowitz & Stegun 7.1.26 (|error| < 1.5e-7), the approximation tfjs's CPU Erf kernel
// uses too, so the fused and composed paths agree to float rounding.
#include "simd.h"

/** Φ(x), given e = exp(−x²/2): erf's own exponential, which the derivative needs as well. */
static inline f32x4 cdf(f32x4 x, f32x4 e) {
  const f32x4 t = wasm_f32x4_div(splat(1.0f), madd(splat(1.0f), splat(0.3275911f * 0.70710678f), wasm_f32x4_abs(x)));
  f32x4 poly = splat(1.061405429f);
  poly = madd(splat(-1.453152027f), poly, t);
  poly = madd(splat(1.421413741f), poly, t);
  poly = madd(splat(-0.284496736f), poly, t);
  poly = madd(splat(0.254829592f), poly, t);
  const f32x4 erfAbs = sub(splat(1.0f), mul(mul(t, poly), e));
  const f32x4 erf = wasm_v128_bitselect(wasm_f32x4_neg(erfAbs), erfAbs, wasm_f32x4_lt(x, splat(0.0f)));
  return mul(splat(0.5f), add(splat(1.0f), erf));
}

static inline f32x4 half_neg_square_exp(f32x4 x) { return exp_f32x4(mul(splat(-0.5f), mul(x, x))); }

/** y = GELU(x), n entries. */
EXPORT(sv_gelu) void gelu(const float* x, float* y, int n) {
  for (int i = 0; i < n; i += 4) {
    const f32x4 v = load(x + i);
    store(y + i, mul(v, cdf(v, half_neg_square_exp(v))));
  }
}

/** dx = dy · (Φ(x) + x·φ(x)), φ the standard normal density: autodiff's exact erf'. */
EXPORT(sv_gelu_grad) void gelu_grad(const float* dy, const float* x, float* dx, int n) {
  const f32x4 invSqrt2Pi = splat(0.398942280f);
  for (int i = 0; i < n; i += 4) {
    const f32x4 v = load(x + i), e = half_neg_square_exp(v);
    store(dx + i, mul(load(dy + i), madd(cdf(v, e), mul(v, invSqrt2Pi), e)));
  }
}
