// The attention core, softmax(q·kᵀ/√hd)·v per image and head, forward and backward.
//
// Layouts (as in attention.ts): qkv [B·T, 3·H·hd] with column (part·H + head)·hd + d (part 0 q,
// 1 k, 2 v); out [B·T, H·hd] with column head·hd + d; the probabilities P [B, H, T, T].
//
// Each (image, head) is first copied into contiguous blocks whose rows are padded with zeros to
// whole vectors: hp = hd rounded up to 4 along d, Tp = T rounded up to 4 along tokens: q and v as
// [T, hp], k transposed as [hd, Tp]. The forward's two products, q·kᵀ and P·v, run through the
// GEMM's register tiles (gemm.h); the backward's go row by row.
#include "gemm.h"

/** Floats of scratch the forward needs: q, kᵀ, v, the scores and the output of one (image, head). */
static int forward_scratch(int T, int hd) {
  const int Tp = round4(T), hp = round4(hd);
  return 3 * T * hp + hd * Tp + T * Tp;
}

/** Floats of scratch the backward needs. */
static int backward_scratch(int T, int hd) {
  const int Tp = round4(T), hp = round4(hd);
  return 5 * T * hp + hd * Tp + hp + 2 * Tp;
}

/** Floats of scratch one call needs (forward or backward: the larger). */
EXPORT(sv_attention_scratch) int attention_scratch(int T, int hd) {
  const int f = forward_scratch(T, hd), b = backward_scratch(T, hd);
  return f > b ? f : b;
}

/** Rows t of one part (q, k or v) of one head: src[t·row + d], d < hd, into dst[t·hp + d]. */
static void gather_rows(const float* src, int row, int T, int hd, int hp, float* dst) {
  if ((hd & 3) == 0) { // whole vectors (the padding is empty)
    for (int t = 0; t < T; t++)
      for (int d = 0; d < hd; d += 4) store(dst + t * hp + d, load(src + t * row + d));
    return;
  }
  for (int t = 0; t < T; t++)
    for (int d = 0; d < hd; d++) dst[t * hp + d] = src[t * row + d];
}

/** The same part transposed: dst[d·Tp + t]. */
static void gather_columns(const float* src, int row, int T, int hd, int Tp, float* dst) {
  for (int t = 0; t < T; t++)
    for (int d = 0; d < hd; d++) dst[d * Tp + t] = src[t * row + d];
}

/** Vectors of output a loop keeps in registers at once, so that each splat serves all of them. */
#define BLOCK 4

/**
 * s[0…Tp) = Σ_d a[d] · bT[d·Tp + …]: one row of a·b with b transposed, four tokens per vector and
 * BLOCK vectors per pass over d. Each sum still runs over d in order from 0.
 */
static inline void row_times_transposed(const float* a, const float* bT, int hd, int Tp, float* s) {
  int j = 0;
  for (; j + 4 * BLOCK <= Tp; j += 4 * BLOCK) {
    f32x4 acc[BLOCK];
    for (int u = 0; u < BLOCK; u++) acc[u] = splat(0.0f);
    for (int d = 0; d < hd; d++) {
      const f32x4 ad = splat(a[d]);
      for (int u = 0; u < BLOCK; u++) acc[u] = madd(acc[u], ad, load(bT + d * Tp + j + 4 * u));
    }
    for (int u = 0; u < BLOCK; u++) store(s + j + 4 * u, acc[u]);
  }
  for (; j < Tp; j += 4) {
    f32x4 acc = splat(0.0f);
    for (int d = 0; d < hd; d++) acc = madd(acc, splat(a[d]), load(bT + d * Tp + j));
    store(s + j, acc);
  }
}

/**
 * qkv → out [B·Q, H·hd] and P [B, H, Q, T]: the first Q tokens of each image as queries (Q = T in
 * training; Q = 1, the cls token, where only it is read next).
 */
EXPORT(sv_attention) void attention(const float* qkv, float* out, float* probs, float* scratch, int B, int T, int Q, int H, int hd) {
  const int Tp = round4(T), hp = round4(hd), row = 3 * H * hd, outRow = H * hd;
  const f32x4 scale = splat(1.0f / __builtin_sqrtf((float)hd));
  float *q = scratch, *kT = q + T * hp, *v = kT + hd * Tp, *s = v + T * hp, *o = s + T * Tp;
  zero(scratch, forward_scratch(T, hd)); // the padding stays zero
  for (int b = 0; b < B; b++) {
    const float* image = qkv + b * T * row;
    for (int h = 0; h < H; h++) {
      gather_rows(image + h * hd, row, Q, hd, hp, q);
      gather_columns(image + (H + h) * hd, row, T, hd, Tp, kT);
      gather_rows(image + (2 * H + h) * hd, row, T, hd, hp, v);
      // The scores q·kᵀ through the GEMM's register tiles: each a sum over d in order from +0.
      gemm_rows(q, hp, 1, kT, Tp, 0, s, Tp, Q, hd, Tp);
      // Softmax per row, its e^x in one pass over the block: a short loop per row would build
      // exp's constants again for every few vectors.
      for (int i = 0; i < Q; i++) {
        float* si = s + i * Tp;
        for (int j = 0; j < Tp; j += 4) store(si + j, mul(load(si + j), scale));
        for (int j = T; j < Tp; j++) si[j] = -__builtin_inff(); // padding: e^−∞ = 0
        f32x4 mx = load(si);
        for (int j = 4; j < Tp; j += 4) mx = wasm_f32x4_max(mx, load(si + j));
        const f32x4 max = splat(hmax(mx));
        for (int j = 0; j < Tp; j += 4) store(si + j, sub(load(si + j), max));
      }
      for (int j = 0; j < Q * Tp; j += 4) store(s + j, exp_f32x4(load(s + j)));
      for (int i = 0; i < Q; i++) {
        float* si = s + i * Tp;
        f32x4 acc = splat(0.0f);
        for (int j = 0; j < Tp; j += 4) acc = add(acc, load(si + j));
        const f32x4 sum = splat(hsum(acc));
        float* p = probs + ((b * H + h) * Q + i) * T;
        for (int j = 0; j < Tp; j += 4) store(si + j, wasm_f32x4_div(load(si + j), sum));
        for (int j = 0; j < T; j++) p[j] = si[j];
      }
      // P·v, each a sum over the T tokens in order from +0.
      gemm_rows(s, Tp, 1, v, hp, 0, o, hp, Q, T, hp);
      for (int i = 0; i < Q; i++) {
        float* dst = out + (b * Q + i) * outRow + h * hd;
        for (int d = 0; d < hd; d++) dst[d] = o[i * hp + d];
      }
    }
  }
}

/** dy [B·T, H·hd], qkv, P → dqkv, in qkv's layout. */
EXPORT(sv_attention_grad) void attention_grad(const float* dy, const float* qkv, const float* probs, float* dqkv, float* scratch, int B, int T, int H, int hd) {
  const int Tp = round4(T), hp = round4(hd), row = 3 * H * hd, outRow = H * hd;
  const float scale = 1.0f / __builtin_sqrtf((float)hd);
  float *q = scratch, *k = q + T * hp, *dq = k + T * hp, *dk = dq + T * hp, *dv = dk + T * hp;
  float *vT = dv + T * hp, *g = vT + hd * Tp, *p = g + hp, *ds = p + Tp;
  zero(scratch, attention_scratch(T, hd));
  for (int b = 0; b < B; b++) {
    const float* image = qkv + b * T * row;
    float* dImage = dqkv + b * T * row;
    for (int h = 0; h < H; h++) {
      gather_rows(image + h * hd, row, T, hd, hp, q);
      gather_rows(image + (H + h) * hd, row, T, hd, hp, k);
      gather_columns(image + (2 * H + h) * hd, row, T, hd, Tp, vT);
      zero(dq, 3 * T * hp); // dq, dk, dv
      for (int i = 0; i < T; i++) {
        const float *gy = dy + (b * T + i) * outRow + h * hd, *pr = probs + ((b * H + h) * T + i) * T;
        for (int d = 0; d < hd; d++) g[d] = gy[d];
        for (int j = 0; j < T; j++) p[j] = pr[j];
        // dP[i, j] = dy_i · v_j; softmax backward, then the scaled scores: dS = P ∘ (dP − Σ_j P·dP) / √hd
        row_times_transposed(g, vT, hd, Tp, ds);
        f32x4 acc = splat(0.0f);
        for (int j = 0; j < Tp; j += 4) acc = madd(acc, load(p + j), load(ds + j));
        const f32x4 rowDot = splat(hsum(acc));
        for (int j = 0; j < Tp; j += 4) store(ds + j, mul(mul(load(p + j), sub(load(ds + j), rowDot)), splat(scale)));
        // dv_j += P[i, j]·dy_i, dq_i = Σ_j dS[i, j]·k_j, dk_j += dS[i, j]·q_i
        for (int d = 0; d < hp; d += 4) {
          const f32x4 gd = load(g + d), qd = load(q + i * hp + d);
          f32x4 dqd = splat(0.0f);
          for (int j = 0; j < T; j++) {
            const f32x4 pj = splat(p[j]), dsj = splat(ds[j]);
            store(dv + j * hp + d, madd(load(dv + j * hp + d), pj, gd));
            dqd = madd(dqd, dsj, load(k + j * hp + d));
            store(dk + j * hp + d, madd(load(dk + j * hp + d), dsj, qd));
          }
          store(dq + i * hp + d, dqd);
        }
      }
      const float* grads[3] = {dq, dk, dv};
      for (int part = 0; part < 3; part++) {
        float* dst = dImage + (part * H + h) * hd;
        for (int t = 0; t < T; t++)
          for (int d = 0; d < hd; d++) dst[t * row + d] = grads[part][t * hp + d];
      }
    }
  }
}
