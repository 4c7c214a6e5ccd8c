// AdamW's update of one parameter of a bucket, the same float32 arithmetic as the composed path
// (optim/adamw.ts). m, v and age are the parameter's slices of the bucket's flat moments; a null
// age (0) means the global bias corrections bc1, bc2, a null scale (0) no gradient clipping.
// Slices start anywhere in the bucket and have any length: the last 0–3 entries go as a partial
// vector, so a call never writes past its slice.
#include "simd.h"

typedef struct {
  f32x4 beta1, beta2, rest1, rest2, keep, lr, eps, bc1, bc2, lb1, lb2;
} Hyper;

/** Four entries: m', v', age' (when ages are kept) and p'. */
static inline void step4(const Hyper* h, f32x4 g, f32x4 m, f32x4 v, f32x4 age, int hasAge, f32x4 p,
                         f32x4* mOut, f32x4* vOut, f32x4* ageOut, f32x4* pOut) {
  const f32x4 one = splat(1.0f);
  *mOut = add(mul(m, h->beta1), mul(g, h->rest1));
  *vOut = add(mul(v, h->beta2), mul(mul(g, g), h->rest2));
  f32x4 c1 = h->bc1, c2 = h->bc2;
  if (hasAge) {
    // Per-entry correction 1 − β^age, age counted from the entry's last restart.
    *ageOut = add(age, one);
    c1 = sub(one, exp_f32x4(mul(*ageOut, h->lb1)));
    c2 = sub(one, exp_f32x4(mul(*ageOut, h->lb2)));
  }
  const f32x4 dir = wasm_f32x4_div(wasm_f32x4_div(*mOut, c1), add(wasm_f32x4_sqrt(wasm_f32x4_div(*vOut, c2)), h->eps));
  *pOut = sub(mul(p, h->keep), mul(h->lr, dir));
}

/**
 * rest1, rest2: 1 − β1, 1 − β2; keep: 1 − lr·wd (1 without decay); lb1, lb2: ln β1, ln β2. The
 * caller computes them in double precision: 1 − β2 from β2 in float32 would be 1.3e-5 off.
 */
EXPORT(sv_adamw) void adamw(const float* m, const float* v, const float* age, const float* scale, const float* p, const float* g,
                            float* mOut, float* vOut, float* ageOut, float* pOut, int n,
                            float lr, float keep, float beta1, float beta2, float rest1, float rest2, float eps, float bc1, float bc2, float lb1, float lb2) {
  const Hyper h = {splat(beta1), splat(beta2), splat(rest1), splat(rest2), splat(keep), splat(lr), splat(eps), splat(bc1), splat(bc2), splat(lb1), splat(lb2)};
  const f32x4 s = splat(scale ? *scale : 1.0f), zero4 = splat(0.0f);
  const int hasAge = age != 0;
  for (int i = 0; i < n; i += 4) {
    const int k = n - i; // entries left: a partial vector at the end
    f32x4 mo, vo, ao, po;
    step4(&h, mul(load_first(g + i, k), s), load_first(m + i, k), load_first(v + i, k), hasAge ? load_first(age + i, k) : zero4, hasAge,
          load_first(p + i, k), &mo, &vo, &ao, &po);
    store_first(mOut + i, mo, k);
    store_first(vOut + i, vo, k);
    if (hasAge) store_first(ageOut + i, ao, k);
    store_first(pOut + i, po, k);
  }
}
