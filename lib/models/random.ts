/**
 * Seeded pseudo-random numbers for the tree models: xoshiro128** (Blackman and Vigna)
 * seeded through splitmix32. Every random choice of a model (bootstrap rows, features
 * drawn at a node, the validation share) comes from an `Rng` made from the model's seed
 * and a stream number, so a tree's randomness depends only on (seed, tree index) and
 * not on which thread grew it or in which order.
 */

/** One step of splitmix32: a well-mixed 32-bit value from a 32-bit state. */
function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** A generator for (`seed`, `stream`); different streams of one seed are independent. */
  constructor(seed: number, stream = 0) {
    // Mix both numbers fully before seeding, so nearby seeds and streams share nothing.
    let x = splitmix32(splitmix32(seed | 0) ^ Math.imul(stream | 0, 0x632be5ab) ^ Math.floor(seed / 4294967296));
    this.s0 = x = splitmix32(x);
    this.s1 = x = splitmix32(x);
    this.s2 = x = splitmix32(x);
    this.s3 = splitmix32(x);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / 9007199254740992;
  }

  /** A uniform integer in [0, n) for 0 < n <= 2^53. */
  nextInt(n: number): number {
    return Math.floor(this.nextDouble() * n);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
