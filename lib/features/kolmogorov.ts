/**
 * The distribution of the two-sided one-sample Kolmogorov-Smirnov statistic D_n, as
 * scipy 1.10's `kstwo.sf(x, n)` computes it, and the one-sided Smirnov tail
 * (`scipy.special.smirnov`). `ks_2samp`'s asymptotic mode calls `kstwo.sf(d, round(en))`.
 *
 * Which method serves which (n, x) follows scipy (after Simard & L'Ecuyer 2011):
 *   x >= 1 -> 0; x <= 0 -> 1
 *   n x <= 1/2 -> 1; n x <= 1 -> Ruben-Gambino closed form of the CDF
 *   n x >= n - 1 -> 2 (1 - x)^n
 *   x >= 1/2 -> 2 smirnov(n, x)
 *   n <= 140: n x^2 <= 0.754693 Durbin matrix; <= 4 Pomeranz; else 2 smirnov(n, x)
 *   n > 140: n x^2 >= 370 -> 0; >= 2.2 -> 2 smirnov(n, x); otherwise 1 - CDF with
 *            the Durbin matrix (n <= 1e5 and n x^1.5 <= 1.4) or Pelz-Good's asymptotic
 *            expansion (a series in 1/sqrt(n), truncated after the n^-1.5 term).
 * Where scipy uses Pomeranz's recursion we use the Durbin matrix: both are exact, so
 * the values agree to rounding (the tests compare with scipy to 1e-9 there too).
 *
 * References: Durbin (1968) and Marsaglia, Tsang & Wang (2003) for the matrix method;
 * Pelz & Good (1976); Birnbaum & Tingey (1951) for the Smirnov sum; Ruben & Gambino
 * (1982) for the extreme tails; Simard & L'Ecuyer, J. Stat. Softw. 39(11), 2011.
 */

/** Rescale by 2^SCALE_BITS: powers of two keep the matrix method exact while avoiding overflow. */
const SCALE_BITS = 128;
const BIG = 2 ** SCALE_BITS;
const SMALL = 2 ** -SCALE_BITS;
/** exp() of anything below this underflows (cephes' MINLOG). */
const MIN_LOG = -708.3964185322641;

/** log(n! / n^n) by Stirling's series (accurate to double precision for n >= 1). */
function logFactorialOverPower(n: number): number {
  // log n! = n log n - n + log(2 pi n)/2 + 1/(12n) - 1/(360n^3) + 1/(1260n^5) - 1/(1680n^7) + ...
  const r = 1 / n;
  const r2 = r * r;
  const series = r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188 + r2 * (-691 / 360360 + r2 * (1 / 156 + r2 * (-3617 / 122400))))))));
  return 0.5 * Math.log(2 * Math.PI * n) - n + series;
}

const clip01 = (p: number): number => (p < 0 ? 0 : p > 1 ? 1 : p);

/** x * 2^e for an integer e, in steps that neither overflow nor underflow early. */
function ldexp(x: number, e: number): number {
  while (e > 1000) {
    x *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    x *= 2 ** -1000;
    e += 1000;
  }
  return x * 2 ** e;
}

/**
 * P(D_n < d) by the Durbin matrix (Marsaglia, Tsang & Wang): with k = ceil(n d) and
 * h = k - n d, the k-th diagonal entry of H^n times n!/n^n, H the (2k-1)x(2k-1) matrix
 * of reciprocal factorials with a corrected first column and last row.
 */
export function kolmogorovCdfDurbin(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const invFact = new Float64Array(m + 1); // 1/j!
  invFact[0] = 1;
  for (let j = 1; j <= m; j++) invFact[j] = invFact[j - 1] / j;
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i - j + 1 >= 0) H[i * m + j] = invFact[i - j + 1];
  for (let i = 0; i < m; i++) {
    H[i * m] = (1 - h ** (i + 1)) * invFact[i + 1]; // first column
    H[(m - 1) * m + (m - 1 - i)] = (1 - h ** (i + 1)) * invFact[i + 1]; // last row, mirrored
  }
  H[(m - 1) * m] = (1 - 2 * h ** m + Math.max(0, 2 * h - 1) ** m) * invFact[m];

  // H^n by squaring, scaling by powers of two and tracking the exponent.
  let power: Float64Array | null = null;
  let powerExp = 0;
  let base = H;
  let baseExp = 0;
  const tmp = new Float64Array(m * m);
  const multiply = (a: Float64Array, b: Float64Array, out: Float64Array): void => {
    out.fill(0);
    for (let i = 0; i < m; i++) {
      for (let l = 0; l < m; l++) {
        const ail = a[i * m + l];
        if (ail === 0) continue;
        const bo = l * m;
        const oo = i * m;
        for (let j = 0; j < m; j++) out[oo + j] += ail * b[bo + j];
      }
    }
  };
  let e = n;
  while (e > 0) {
    if (e & 1) {
      if (power === null) {
        power = base.slice();
        powerExp = baseExp;
      } else {
        multiply(power, base, tmp);
        power.set(tmp);
        powerExp += baseExp;
      }
    }
    e = Math.floor(e / 2);
    if (e > 0) {
      multiply(base, base, tmp);
      base = tmp.slice();
      baseExp *= 2;
      if (Math.abs(base[(k - 1) * m + (k - 1)]) > BIG) {
        for (let i = 0; i < base.length; i++) base[i] *= SMALL;
        baseExp += SCALE_BITS;
      }
    }
  }
  let p = power![(k - 1) * m + (k - 1)];
  let exp = powerExp;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SMALL) {
      p *= BIG;
      exp -= SCALE_BITS;
    }
  }
  return ldexp(p, exp);
}

/** Pelz-Good's asymptotic expansion of P(D_n <= x) (K0 + K1/sqrt(n) + K2/n + K3/n^1.5). */
export function kolmogorovCdfPelzGood(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const pi2 = Math.PI * Math.PI;
  const logq = -pi2 / 8 / z2;
  if (logq < -708) return 0;
  const q = Math.exp(logq);
  // Sums over odd m = 2k - 1 of c(m) q^(m^2), for the four orders.
  const a1 = -z2;
  const b1 = pi2 / 4;
  const a2 = 6 * z6 + 2 * z4;
  const b2 = ((2 * z4 - 5 * z2) * pi2) / 4;
  const c2 = (pi2 * pi2 * (1 - 2 * z2)) / 16;
  const a3 = -30 * z6 - 90 * z6 * z2;
  const b3 = (pi2 * (135 * z4 - 96 * z6)) / 4;
  const c3 = (pi2 * pi2 * (-60 * z2 + 212 * z4)) / 16;
  const d3 = (pi2 * pi2 * pi2 * (5 - 30 * z2)) / 64;
  let k0 = 0;
  let k1 = 0;
  let k2 = 0;
  let k3 = 0;
  const terms = Math.ceil((16 * z) / Math.PI);
  for (let k = 1; k <= terms; k++) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const w = q ** m2; // q^(m^2)
    k0 += w;
    k1 += w * (a1 + b1 * m2);
    k2 += w * (a2 + b2 * m2 + c2 * m2 * m2);
    k3 += w * (a3 + b3 * m2 + c3 * m2 * m2 + d3 * m2 * m2 * m2);
  }
  const root2pi = Math.sqrt(2 * Math.PI);
  k0 *= root2pi / z;
  k1 *= root2pi / (6 * z4);
  k2 *= root2pi / (72 * z6 * z);
  k3 *= root2pi / (6480 * z6 * z4);
  // The terms over all integers k of the second theta series.
  const qq = Math.exp(-pi2 / 2 / z2);
  let s2 = 0;
  let s3 = 0;
  const r3z = Math.sqrt(3) * z;
  for (let k = 1; k <= terms; k++) {
    const w = qq ** (k * k) * k * k;
    s2 += w;
    s3 += (r3z + Math.PI * k) * (r3z - Math.PI * k) * w;
  }
  k2 += (s2 * pi2 * root2pi) / (-36 * z2 * z);
  k3 += (s3 * pi2 * root2pi) / (216 * z6);
  const rn = Math.sqrt(n);
  return k0 + k1 / rn + k2 / n + k3 / (n * rn);
}

/**
 * P(D+_n >= x), the one-sided Smirnov tail (scipy.special.smirnov), from Birnbaum and
 * Tingey's sum x * sum_j C(n,j) (x + j/n)^(j-1) (1 - x - j/n)^(n-j), j = 0 .. floor(n(1-x)),
 * of positive terms, summed in log space. Beyond n = 1e6 scipy switches to the
 * approximation exp(-(6nx+1)^2 / (18n)), as here.
 */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0) || !(x >= 0 && x <= 1)) return NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const { floor: nxFloor, whole } = floorOfProduct(n, x);
  if (nxFloor === 0 || (nxFloor === 1 && whole)) return clip01(1 - x * (1 + x) ** (n - 1));
  if (-2 * n * x * x < MIN_LOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > 1_000_000) return Math.exp(-((6 * n * x + 1) ** 2) / 18 / n);
  // Terms rise, then fall; sum them in log space against the largest so far.
  // j runs to floor(n(1-x)); when n x is whole that last term is 0^(n-j) = 0.
  const last = n - nxFloor - 1;
  let scale = -Infinity;
  let sum = 0;
  for (let j = 0; j <= last; j++) {
    const logC = logBinomial(n, j);
    const hi = (n - j) / n - x;
    if (!(hi > 0)) break;
    const t = logC + (j - 1) * Math.log(x + j / n) + (n - j) * Math.log(hi);
    if (t > scale) {
      sum = sum * Math.exp(scale - t) + 1;
      scale = t;
    } else {
      if (t < scale - 40) break; // past the peak by e^-40: what is left is below 1e-17 of the sum
      sum += Math.exp(t - scale);
    }
  }
  return clip01(Math.exp(scale + Math.log(x * sum)));
}

/** log k! - (k log k - k + log(2 pi k) / 2), Stirling's remainder (exact table below 16). */
function stirlingRemainder(k: number): number {
  if (k < 16) return LOG_FACTORIAL[k] - (k * Math.log(k) - k + 0.5 * Math.log(2 * Math.PI * k));
  const r = 1 / k;
  const r2 = r * r;
  return r * (1 / 12 + r2 * (-1 / 360 + r2 * (1 / 1260 + r2 * (-1 / 1680 + r2 * (1 / 1188)))));
}
const LOG_FACTORIAL = Float64Array.from({ length: 16 }, (_, k) => {
  let s = 0;
  for (let i = 2; i <= k; i++) s += Math.log(i);
  return s;
});

/**
 * log C(n, j), accurate to a few units in the last place of its size even for n ~ 1e6:
 * the large Stirling parts are combined as an entropy, -j log(j/n) - (n-j) log(1 - j/n),
 * before anything is subtracted.
 */
function logBinomial(n: number, j: number): number {
  if (j === 0 || j === n) return 0;
  const k = n - j;
  return -j * Math.log(j / n) - k * Math.log1p(-j / n) + 0.5 * Math.log(n / (2 * Math.PI * j * k)) + stirlingRemainder(n) - stirlingRemainder(j) - stirlingRemainder(k);
}

/**
 * floor(n x) for an integer n < 2^26, exactly (the float product may round across an
 * integer): x is split into 26-bit halves (Veltkamp), so n times each half is exact and
 * the sign of the product's rounding error is known.
 */
function floorOfProduct(n: number, x: number): { floor: number; whole: boolean } {
  const p = n * x;
  const c = 134217729 * x; // 2^27 + 1
  const xh = c - (c - x);
  const xl = x - xh;
  const err = n * xh - p + n * xl; // p + err == n * x to within double rounding of err
  const f = Math.floor(p);
  if (p !== f) return { floor: f, whole: false };
  if (err < 0) return { floor: f - 1, whole: false };
  return { floor: f, whole: err === 0 };
}

/** P(D_n >= x) for the two-sided one-sample statistic: scipy's `kstwo.sf(x, n)`. */
export function kolmogorovSf(n: number, x: number): number {
  if (!(n >= 1) || !Number.isInteger(n) || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nx2 = t * x;
  if (n <= 140) {
    if (nx2 <= 4) return clip01(1 - kolmogorovCdfDurbin(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nx2 >= 370) return 0;
  if (nx2 >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? kolmogorovCdfDurbin(n, x) : kolmogorovCdfPelzGood(n, x);
  return clip01(1 - cdf);
}
