/**
 * Seeded pseudo-random numbers for the tree models: the project's xoshiro128** core
 * (lib/util/random.ts) seeded through splitmix32 from (seed, stream). Every random choice
 * of a model (bootstrap rows, features drawn at a node, the validation share) comes from
 * an `Rng` made from the model's seed and a stream number, so a tree's randomness depends
 * only on (seed, tree index) and not on which thread grew it or in which order.
 */
import { splitmix32, Xoshiro128 } from "../util/random";

export class Rng extends Xoshiro128 {
  /** A generator for (`seed`, `stream`); different streams of one seed are independent. */
  constructor(seed: number, stream = 0) {
    // Mix both numbers fully before seeding, so nearby seeds and streams share nothing.
    const x0 = splitmix32(splitmix32(seed | 0) ^ Math.imul(stream | 0, 0x632be5ab) ^ Math.floor(seed / 4294967296));
    const s0 = splitmix32(x0);
    const s1 = splitmix32(s0);
    const s2 = splitmix32(s1);
    super(s0, s1, s2, splitmix32(s2));
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    return this.nextUint32();
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  nextDouble(): number {
    return this.nextFloat();
  }

  /**
   * A uniform integer in [0, n) for 0 < n <= 2^53, by scaling a 53-bit double: the bias
   * (at most n / 2^53) is far below anything a tree could notice, and one multiply keeps
   * the bootstrap loop fast.
   */
  nextInt(n: number): number {
    return Math.floor(this.nextFloat() * n);
  }
}
