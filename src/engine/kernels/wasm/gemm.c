// The dense layer's matrix products, forward and backward, in XNNPACK's summation order so that
// they equal tfjs-backend-wasm's matMul bit for bit: every output is Σ_k a·b accumulated in k
// order from +0, a rounded product then a rounded sum (SIMD128 has no fused multiply-add). A
// bias, where given, is added once to the finished sum, as tf.add after tf.matMul.
//
// C [rows, N] = op(A)·B with B [K, N] row-major (in gemm_rows, B's rows lie ldb apart and C's ldc
// apart). op(A) row i, entry k is a[i·si + k·sk]: A [rows, K] row-major has (si, sk) = (lda, 1), a
// transposed A [K, rows] has (1, lda). Rows are independent, so a caller may split them between
// threads and get the same bits.
#include "gemm.h"

#define MR 4

/** mr (1…4) rows × 8 columns of C: two vectors of B per k, mr splatted entries of A. */
static inline __attribute__((always_inline)) void tile8(int mr, const float* a, int si, int sk, const float* b, int ldb, int K, float* c, int ldc, const float* bias) {
  f32x4 acc[MR][2];
  for (int r = 0; r < mr; r++) acc[r][0] = acc[r][1] = splat(0.0f);
  for (int k = 0; k < K; k++) {
    const f32x4 b0 = load(b + k * ldb), b1 = load(b + k * ldb + 4);
    for (int r = 0; r < mr; r++) {
      const f32x4 ar = splat(a[r * si + k * sk]);
      acc[r][0] = madd(acc[r][0], ar, b0);
      acc[r][1] = madd(acc[r][1], ar, b1);
    }
  }
  const f32x4 bias0 = bias ? load(bias) : splat(0.0f), bias1 = bias ? load(bias + 4) : splat(0.0f);
  for (int r = 0; r < mr; r++) {
    store(c + r * ldc, bias ? add(acc[r][0], bias0) : acc[r][0]);
    store(c + r * ldc + 4, bias ? add(acc[r][1], bias1) : acc[r][1]);
  }
}

/** mr rows × 4 columns. */
static inline __attribute__((always_inline)) void tile4(int mr, const float* a, int si, int sk, const float* b, int ldb, int K, float* c, int ldc, const float* bias) {
  f32x4 acc[MR];
  for (int r = 0; r < mr; r++) acc[r] = splat(0.0f);
  for (int k = 0; k < K; k++) {
    const f32x4 b0 = load(b + k * ldb);
    for (int r = 0; r < mr; r++) acc[r] = madd(acc[r], splat(a[r * si + k * sk]), b0);
  }
  for (int r = 0; r < mr; r++) store(c + r * ldc, bias ? add(acc[r], load(bias)) : acc[r]);
}

/** mr rows × 1 column, for the last N mod 4 columns. */
static inline __attribute__((always_inline)) void tile1(int mr, const float* a, int si, int sk, const float* b, int ldb, int K, float* c, int ldc, const float* bias) {
  float acc[MR];
  for (int r = 0; r < mr; r++) acc[r] = 0.0f;
  for (int k = 0; k < K; k++)
    for (int r = 0; r < mr; r++) acc[r] += a[r * si + k * sk] * b[k * ldb];
  for (int r = 0; r < mr; r++) c[r * ldc] = bias ? acc[r] + *bias : acc[r];
}

/** Columns of mr rows of C, for one row block. */
static inline __attribute__((always_inline)) void row_block(int mr, const float* a, int si, int sk, const float* b, int ldb, int N, int K, float* c, int ldc, const float* bias) {
  int j = 0;
  for (; j + 8 <= N; j += 8) tile8(mr, a, si, sk, b + j, ldb, K, c + j, ldc, bias ? bias + j : 0);
  for (; j + 4 <= N; j += 4) tile4(mr, a, si, sk, b + j, ldb, K, c + j, ldc, bias ? bias + j : 0);
  for (; j < N; j++) tile1(mr, a, si, sk, b + j, ldb, K, c + j, ldc, bias ? bias + j : 0);
}

void gemm_rows(const float* a, int si, int sk, const float* b, int ldb, const float* bias, float* c, int ldc, int rows, int K, int N) {
  int i = 0;
  for (; i + MR <= rows; i += MR) row_block(MR, a + i * si, si, sk, b, ldb, N, K, c + i * ldc, ldc, bias);
  switch (rows - i) {
    case 3: row_block(3, a + i * si, si, sk, b, ldb, N, K, c + i * ldc, ldc, bias); break;
    case 2: row_block(2, a + i * si, si, sk, b, ldb, N, K, c + i * ldc, ldc, bias); break;
    case 1: row_block(1, a + i * si, si, sk, b, ldb, N, K, c + i * ldc, ldc, bias); break;
    default: break;
  }
}

/**
 * c [rows, N] = op(a)·b (+ bias [N] when hasBias). transA 0: a [rows, K], row i at a + i·lda;
 * transA 1: a [K, ·], row k at a + k·lda, and op(a) row i is its column i.
 */
EXPORT(sv_gemm) void gemm(const float* a, int lda, int transA, const float* b, const float* bias, int hasBias, float* c, int rows, int K, int N) {
  if (transA) gemm_rows(a, 1, lda, b, N, hasBias ? bias : 0, c, N, rows, K, N);
  else gemm_rows(a, lda, 1, b, N, hasBias ? bias : 0, c, N, rows, K, N);
}

/** dst [cols, rows] = src [rows, cols]ᵀ. */
EXPORT(sv_transpose) void transpose(const float* src, float* dst, int rows, int cols) {
  for (int i = 0; i < rows; i++)
    for (int j = 0; j < cols; j++) dst[j * rows + i] = src[i * cols + j];
}

/** out [N] = Σ over the M rows of x (rows ldx apart), in row order from +0: tfjs's Sum along axis 0. */
EXPORT(sv_column_sums) void column_sums(const float* x, int ldx, float* out, int M, int N) {
  const int N4 = N & ~3;
  for (int j = 0; j < N4; j += 4) {
    f32x4 acc = splat(0.0f);
    for (int m = 0; m < M; m++) acc = add(acc, load(x + m * ldx + j));
    store(out + j, acc);
  }
  for (int j = N4; j < N; j++) {
    float acc = 0.0f;
    for (int m = 0; m < M; m++) acc += x[m * ldx + j];
    out[j] = acc;
  }
}
