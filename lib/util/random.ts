/**
 * A small seeded pseudo-random generator, so that every random choice (splits,
 * bootstrap resamples, ...) is reproducible from one integer: same seed, same numbers,
 * on every platform and thread.
 *
 * Generator: xoshiro128** (Blackman and Vigna, 2018), 128 bits of state in four uint32
 * words, period 2^128 - 1. It is fast in JavaScript because it needs only 32-bit
 * operations. The state is expanded from the seed with SplitMix64 (seed as the initial
 * 64-bit counter): the first output gives words 0 (low half) and 1 (high half), the second
 * output words 2 and 3. SplitMix64 is computed with BigInt, once per generator.
 *
 * @example
 * const rng = new Random(42);
 * rng.nextInt(6);          // an integer in [0, 6)
 * rng.shuffle([1, 2, 3]);  // Fisher-Yates, in place
 */

const MASK64 = (1n << 64n) - 1n;

/** One SplitMix64 step: returns [next counter, output]. */
function splitMix64(counter: bigint): [bigint, bigint] {
  const next = (counter + 0x9e3779b97f4a7c15n) & MASK64;
  let z = next;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return [next, z ^ (z >> 31n)];
}

const TWO_POW_32 = 4294967296;

/** One splitmix32 step: a well-mixed 32-bit value from a 32-bit state (used to seed 32-bit generators). */
export function splitmix32(state: number): number {
  let z = (state + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * The xoshiro128** generator itself, from four 32-bit state words. The project's
 * generators differ only in how they seed it (`Random` below, the synthetic data's and
 * the tree models' own seeding) and in the helpers they add; they share this core.
 */
export class Xoshiro128 {
  protected s0: number;
  protected s1: number;
  protected s2: number;
  protected s3: number;

  constructor(s0: number, s1: number, s2: number, s3: number) {
    this.s0 = s0 >>> 0;
    this.s1 = s1 >>> 0;
    this.s2 = s2 >>> 0;
    this.s3 = s3 >>> 0;
    // An all-zero state would stay zero forever.
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  nextUint32(): number {
    const s0 = this.s0, s1 = this.s1;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = (this.s3 << 11) | (this.s3 >>> 21);
    return result;
  }

  /** A float in [0, 1) with 53 random bits (two draws: 27 high bits, then 26 low bits). */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }
}

/** xoshiro128** seeded with SplitMix64 (the reference seeding, with published test vectors). */
export class Random extends Xoshiro128 {
  /**
   * @param seed any safe integer; negative seeds are taken modulo 2^64.
   * @throws RangeError when the seed is not a safe integer.
   */
  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    let counter = BigInt.asUintN(64, BigInt(seed));
    let a: bigint;
    let b: bigint;
    [counter, a] = splitMix64(counter);
    [, b] = splitMix64(counter);
    super(Number(a & 0xffffffffn), Number(a >> 32n), Number(b & 0xffffffffn), Number(b >> 32n));
  }

  /**
   * An unbiased integer in [0, n) for 1 <= n <= 2^32: draws 32-bit values, rejects those
   * at or above the largest multiple of n, and returns the remainder.
   */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) throw new RangeError(`nextInt: n must be an integer in [1, 2^32], got ${n}`);
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /**
   * Shuffles in place with Fisher-Yates from the end: for i = n-1 down to 1, swap
   * element i with element nextInt(i + 1). Returns the same array.
   */
  shuffle<T extends { length: number; [i: number]: unknown }>(array: T): T {
    return fisherYates(array, (n) => this.nextInt(n));
  }
}

/**
 * Fisher-Yates in place from the end: for i = n-1 down to 1, swaps element i with element
 * `draw(i + 1)` (a uniform integer in [0, i]). Every generator's shuffle is this loop with
 * its own integer draw, so the order of draws, and the result, is fixed by the seed.
 */
export function fisherYates<T extends { length: number; [i: number]: unknown }>(array: T, draw: (n: number) => number): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = draw(i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}
