/**
 * False-discovery filters over the p-values of m features (one test each).
 *
 * E2EWatch's rule (the default, as in its published code): sort the p-values
 * ascending; the feature at rank k (1-based) is kept when p_(k) <= alpha k / (m H_k),
 * H_k = 1 + 1/2 + ... + 1/k. Each feature is judged on its own threshold; there is no
 * step-up.
 *
 * Benjamini-Yekutieli (2001), the textbook procedure: with the constant c(m) = H_m,
 * find the largest k with p_(k) <= alpha k / (m H_m) and keep ranks 1..k.
 *
 * The difference: E2EWatch divides by H_k instead of H_m, which raises the threshold
 * of every rank but the last (H_k <= H_m), so it keeps at least as many small p-values;
 * but without the step-up, a p-value just above its own threshold is dropped even when
 * a larger rank passes, so its kept set need not be a prefix of the sorted order. On
 * typical KS p-values (many near 0, then a gap) both keep nearly the same features.
 *
 * Ties are ranked by feature index (a stable sort), so the result is deterministic; NaN
 * p-values count as 1.
 */

export type FdrRule = "e2ewatch" | "by";

/** Feature indices sorted by p-value (NaN last), ties by index. */
function ranks(p: ArrayLike<number>): Int32Array {
  const order = Int32Array.from({ length: p.length }, (_, i) => i);
  const key = (i: number): number => (Number.isNaN(p[i]) ? 1 : p[i]);
  return order.sort((a, b) => key(a) - key(b) || a - b);
}

/** Smallest threshold either rule uses: alpha / m (rank 1). */
export function smallestThreshold(m: number, alpha: number): number {
  return alpha / m;
}

/** 1 for each kept feature under E2EWatch's rule. */
export function e2ewatchFdr(p: ArrayLike<number>, alpha = 0.01): Uint8Array {
  const m = p.length;
  const keep = new Uint8Array(m);
  const order = ranks(p);
  let harmonic = 0;
  for (let k = 1; k <= m; k++) {
    harmonic += 1 / k;
    const i = order[k - 1];
    if (p[i] <= (alpha * k) / (m * harmonic)) keep[i] = 1;
  }
  return keep;
}

/** 1 for each kept feature under the Benjamini-Yekutieli step-up procedure. */
export function benjaminiYekutieli(p: ArrayLike<number>, alpha = 0.01): Uint8Array {
  const m = p.length;
  const keep = new Uint8Array(m);
  const order = ranks(p);
  let hm = 0;
  for (let k = 1; k <= m; k++) hm += 1 / k;
  let last = 0;
  for (let k = 1; k <= m; k++) if (p[order[k - 1]] <= (alpha * k) / (m * hm)) last = k;
  for (let k = 1; k <= last; k++) keep[order[k - 1]] = 1;
  return keep;
}

/** The kept mask under `rule`. */
export function fdrFilter(p: ArrayLike<number>, alpha: number, rule: FdrRule): Uint8Array {
  return rule === "by" ? benjaminiYekutieli(p, alpha) : e2ewatchFdr(p, alpha);
}
