// The token sequence: per image the cls token, then its patches, each plus its position embedding.
#include "simd.h"

/** patches [B·(T−1), D], cls [D], pos [T, D] → out [B·T, D]. */
EXPORT(sv_tokens) void tokens(const float* patches, const float* cls, const float* pos, float* out, int B, int T, int D) {
  for (int b = 0; b < B; b++) {
    float* o = out + b * T * D;
    add_run(cls, pos, o, D);
    add_run(patches + b * (T - 1) * D, pos + D, o + D, (T - 1) * D);
  }
}
