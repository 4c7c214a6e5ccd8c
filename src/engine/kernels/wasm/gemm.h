// The GEMM's rows (gemm.c), for kernels whose small products run through the same register tiles.
#pragma once
#include "simd.h"

/**
 * c [rows, N] (rows ldc apart) = op(a)·b (+ bias [N]) with b [K, N] (rows ldb apart); op(a) row i,
 * entry k is a[i·si + k·sk]. Each output is Σ_k a·b in k order from +0, then + bias.
 */
void gemm_rows(const float* a, int si, int sk, const float* b, int ldb, const float* bias, float* c, int ldc, int rows, int K, int N);
