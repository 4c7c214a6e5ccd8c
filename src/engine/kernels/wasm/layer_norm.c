// LayerNorm over the last axis of x [M, D] with scale γ and shift β [D], forward and backward.
// Rows are D floats apart (any D): whole vectors first, then the 0–3 left.
#include "simd.h"

/** A row's mean and 1/σ. */
static inline void row_stats(const float* x, int D, float eps, float* mean, float* rstd) {
  const int D4 = D & ~3;
  f32x4 acc = splat(0.0f);
  for (int d = 0; d < D4; d += 4) acc = add(acc, load(x + d));
  float sum = hsum(acc);
  for (int d = D4; d < D; d++) sum += x[d];
  const float m = sum / D;
  const f32x4 mv = splat(m);
  acc = splat(0.0f);
  for (int d = 0; d < D4; d += 4) {
    const f32x4 c = sub(load(x + d), mv);
    acc = madd(acc, c, c);
  }
  float sq = hsum(acc);
  for (int d = D4; d < D; d++) sq += (x[d] - m) * (x[d] - m);
  *mean = m;
  *rstd = 1.0f / __builtin_sqrtf(sq / D + eps);
}

/** x [M, D], γ, β [D] → y [M, D]. */
EXPORT(sv_layer_norm) void layer_norm(const float* x, const float* gamma, const float* beta, float* y, int M, int D, float eps) {
  const int D4 = D & ~3;
  for (int r = 0; r < M; r++) {
    const float *xr = x + r * D;
    float *yr = y + r * D, mean, rstd;
    row_stats(xr, D, eps, &mean, &rstd);
    const f32x4 mv = splat(mean), rv = splat(rstd);
    for (int d = 0; d < D4; d += 4) store(yr + d, madd(load(beta + d), mul(sub(load(xr + d), mv), rv), load(gamma + d)));
    for (int d = D4; d < D; d++) yr[d] = (xr[d] - mean) * rstd * gamma[d] + beta[d];
  }
}

/**
 * dy, x, γ → dx [M, D], dγ [D], dβ [D]. The row statistics are computed again from x: a pass
 * over x costs less than keeping them (a saved tensor is a kernel of its own). With g = dy·γ and x̂
 * the normalised row: dx = rstd · (g − mean(g) − x̂ · mean(g · x̂)).
 */
EXPORT(sv_layer_norm_grad) void layer_norm_grad(const float* dy, const float* x, const float* gamma, float* dx, float* dgamma, float* dbeta, int M, int D, float eps) {
  const int D4 = D & ~3;
  zero(dgamma, D);
  zero(dbeta, D);
  for (int r = 0; r < M; r++) {
    const float *xr = x + r * D, *dyr = dy + r * D;
    float *dxr = dx + r * D, mean, rstd;
    row_stats(xr, D, eps, &mean, &rstd);
    const f32x4 mv = splat(mean), rv = splat(rstd);
    f32x4 gAcc = splat(0.0f), gxAcc = splat(0.0f);
    for (int d = 0; d < D4; d += 4) {
      const f32x4 xh = mul(sub(load(xr + d), mv), rv), dyv = load(dyr + d), g = mul(dyv, load(gamma + d));
      gAcc = add(gAcc, g);
      gxAcc = madd(gxAcc, g, xh);
      store(dgamma + d, madd(load(dgamma + d), dyv, xh));
      store(dbeta + d, add(load(dbeta + d), dyv));
    }
    float gSum = hsum(gAcc), gxSum = hsum(gxAcc);
    for (int d = D4; d < D; d++) {
      const float xh = (xr[d] - mean) * rstd, g = dyr[d] * gamma[d];
      gSum += g;
      gxSum += g * xh;
      dgamma[d] += dyr[d] * xh;
      dbeta[d] += dyr[d];
    }
    const float gMean = gSum / D, gxMean = gxSum / D;
    const f32x4 gmv = splat(gMean), gxv = splat(gxMean);
    for (int d = 0; d < D4; d += 4) {
      const f32x4 xh = mul(sub(load(xr + d), mv), rv), g = mul(load(dyr + d), load(gamma + d));
      store(dxr + d, mul(rv, sub(sub(g, gmv), mul(xh, gxv))));
    }
    for (int d = D4; d < D; d++) {
      const float xh = (xr[d] - mean) * rstd;
      dxr[d] = rstd * (dyr[d] * gamma[d] - gMean - xh * gxMean);
    }
  }
}
