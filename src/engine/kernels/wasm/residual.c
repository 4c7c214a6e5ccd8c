// The residual stream's sum, x + f, for a transformer block run as one kernel at inference.
#include "simd.h"

/** out [rows, D] = a + b: a's rows lda floats apart (every token's, or each image's cls token's), b's and out's D. */
EXPORT(sv_add_rows) void add_rows(const float* a, int lda, const float* b, float* out, int rows, int D) {
  for (int r = 0; r < rows; r++) add_run(a + r * lda, b + r * D, out + r * D, D);
}
