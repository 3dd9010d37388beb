/**
 * The generator's only source of randomness: xoshiro128** (Blackman & Vigna, 2018), a
 * 32-bit generator that JavaScript computes exactly with `Math.imul` and `>>> 0`, seeded
 * through splitmix32 so that nearby seeds give unrelated streams.
 *
 * Every random choice of the generator takes an `Rng` derived from the data set seed and
 * the identity of what is being drawn (`deriveSeed(seed, "job", 17)`), so a job's bytes
 * depend only on (seed, job index): never on thread count, order of generation or on
 * which other jobs were generated.
 */

import { fisherYates, splitmix32, Xoshiro128 } from "../util/random";

/**
 * A 32-bit seed from a base seed and any number of keys (numbers or strings), by
 * chaining splitmix32 over the keys' code units. Distinct key paths give unrelated
 * seeds; the same path always gives the same seed.
 */
export function deriveSeed(seed: number, ...keys: (number | string)[]): number {
  let h = splitmix32(seed >>> 0 ^ 0x5bd1e995);
  for (const key of keys) {
    if (typeof key === "number") {
      h = splitmix32(h ^ (key >>> 0));
      // Keys above 2^32 (unusual) still count.
      h = splitmix32(h ^ Math.floor(key / 4294967296));
    } else {
      for (let i = 0; i < key.length; i++) h = splitmix32(h ^ key.charCodeAt(i));
      h = splitmix32(h ^ key.length);
    }
  }
  return h;
}

export class Rng extends Xoshiro128 {
  /** A spare standard normal from the last polar draw. */
  private spare = NaN;

  constructor(seed: number) {
    // State words are four successive splitmix32 values of the seed.
    const a = splitmix32(seed >>> 0);
    const b = splitmix32(a);
    const c = splitmix32(b);
    const d = splitmix32(c);
    super(a, b, c, d);
  }

  /** A new generator whose stream depends on this one's seed path and `keys`, not on draws made so far. */
  static derive(seed: number, ...keys: (number | string)[]): Rng {
    return new Rng(deriveSeed(seed, ...keys));
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    return this.nextFloat();
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return this.uniform() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Standard normal (Marsaglia's polar method; the second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const v = this.spare;
      this.spare = NaN;
      return v;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return u * f;
  }

  /** Normal with mean and standard deviation. */
  gauss(mean: number, sd: number): number {
    return mean + sd * this.normal();
  }

  /** Log-normal multiplier with median 1 and the given coefficient of variation (approximately, for small cv). */
  factor(cv: number): number {
    return Math.exp(cv * this.normal());
  }

  /**
   * A Poisson count with mean `lambda` (>= 0): exact inversion by multiplication for
   * small means, a rounded normal with continuity correction above 30, where the two
   * differ by less than telemetry noise and the loop would be slow.
   */
  poisson(lambda: number): number {
    if (!(lambda > 0)) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * this.normal()));
  }

  /** Fisher-Yates shuffle of a copy. */
  shuffled<T>(items: readonly T[]): T[] {
    return fisherYates(items.slice(), (n) => this.int(n));
  }
}
