/**
 * Rolling order statistics (max, min and linearly interpolated quantiles) with pandas
 * 1.5 semantics (`roll_max`, `roll_min`, `roll_quantile` with interpolation "linear"):
 * for a window of n samples sorted as v[0] <= ... <= v[n-1], the q-quantile is
 * v[i] + (v[i+1] - v[i]) * (q(n-1) - i) with i = floor(q(n-1)), or v[i] when q(n-1) is
 * whole. Order statistics carry no rounding history, so only the kept windows are
 * computed. A window holding a NaN gives NaN (min_periods = window).
 *
 * Speed (this is the hottest loop of feature extraction): every window is a run of
 * B = window / g consecutive blocks of g = gcd(window, stride) samples. Each block is
 * sorted once. When the stride is one block and B is even (the default 60/15: four
 * blocks of 15), a window is the merge of two half-windows, and each half-window is
 * merged once and serves two windows; the ranks the statistics read are then picked from
 * the two sorted halves by binary search, without merging them. Merges are branch-free
 * (a 0/1 flag selects the smaller head), which avoids mispredicted branches on noisy
 * data. Other grids merge their blocks one after another, or sort the window when it
 * has many blocks.
 */
import { type WindowGrid } from "./grid";

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Buffers reused across metrics and runs, so the hot loop allocates nothing. */
export class OrderScratch {
  blocks = new Float64Array(0);
  window = new Float64Array(0);
  merged = new Float64Array(0);
  halves = new Float64Array(0);
  halfOf = new Int32Array(0);

  fit(length: number, window: number, halfLength: number, ring: number): void {
    if (this.blocks.length < length) this.blocks = new Float64Array(length);
    if (this.window.length < window) {
      this.window = new Float64Array(window);
      this.merged = new Float64Array(2 * window);
    }
    if (this.halves.length < halfLength * ring) this.halves = new Float64Array(halfLength * ring);
    if (this.halfOf.length < ring) this.halfOf = new Int32Array(ring);
  }
}

/** Sorts x[from, from + len) into dst[from, ...) (insertion sort: blocks are short). */
function sortBlock(x: Float64Array, from: number, len: number, dst: Float64Array): void {
  for (let i = 0; i < len; i++) {
    const v = x[from + i];
    let j = from + i - 1;
    while (j >= from && dst[j] > v) {
      dst[j + 1] = dst[j];
      j--;
    }
    dst[j + 1] = v;
  }
}

/** Merges sorted src[a, mid) and src[mid, end) into dst from `to`, without data-dependent branches. */
function merge(src: Float64Array, a: number, mid: number, end: number, dst: Float64Array, to: number): void {
  let i = a;
  let j = mid;
  let k = to;
  while (i < mid && j < end) {
    const va = src[i];
    const vb = src[j];
    const takeA = +(va <= vb);
    dst[k++] = takeA * va + (1 - takeA) * vb; // finite values only: x*0 is 0
    i += takeA;
    j += 1 - takeA;
  }
  while (i < mid) dst[k++] = src[i++];
  while (j < end) dst[k++] = src[j++];
}

/**
 * Writes into out[r], for each rank r of `ranks` (ascending), the r-th smallest of the
 * merge of sorted a[ia, ia + na) and b[ib, ib + nb), without merging: a binary search
 * finds how many of the r + 1 smallest come from a. When r + 1 is also wanted, it is
 * the next element after that split.
 */
function selectRanks(a: Float64Array, ia: number, na: number, b: Float64Array, ib: number, nb: number, out: Float64Array, ranks: Int32Array): void {
  for (let t = 0; t < ranks.length; t++) {
    const r = ranks[t];
    let lo = r + 1 - nb > 0 ? r + 1 - nb : 0;
    let hi = r + 1 < na ? r + 1 : na;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (a[ia + mid] < b[ib + r - mid]) lo = mid + 1;
      else hi = mid;
    }
    const i = lo;
    const j = r + 1 - i;
    const x = i > 0 ? a[ia + i - 1] : -Infinity;
    const y = j > 0 ? b[ib + j - 1] : -Infinity;
    out[r] = x > y ? x : y;
    if (t + 1 < ranks.length && ranks[t + 1] === r + 1) {
      const u = i < na ? a[ia + i] : Infinity;
      const v = j < nb ? b[ib + j] : Infinity;
      out[r + 1] = u < v ? u : v;
      t++;
    }
  }
}

/** pandas' linear quantile of the first `n` sorted values. */
export function quantileOfSorted(sorted: Float64Array, n: number, q: number): number {
  if (n === 1) return sorted[0];
  const position = q * (n - 1);
  const i = Math.trunc(position);
  if (position === i) return sorted[i];
  const lo = sorted[i];
  return lo + (sorted[i + 1] - lo) * (position - i);
}

/** The ranks the statistics read: min, max and both neighbours of each quantile. */
function neededRanks(n: number, quantiles: readonly number[]): Int32Array {
  const ranks = new Set([0, n - 1]);
  for (const q of quantiles) {
    if (n === 1) break;
    const position = q * (n - 1);
    const i = Math.trunc(position);
    ranks.add(i);
    if (position !== i) ranks.add(i + 1);
  }
  return Int32Array.from([...ranks].sort((a, b) => a - b));
}

/**
 * Writes max, min and the `quantiles` of every window of `grid` over `x` to
 * `out[offsets[0] + k]` (max), `out[offsets[1] + k]` (min) and
 * `out[offsets[2 + j] + k]` (quantile j). `nanBefore[i]` is the number of NaN in
 * x[0, i) (null when x has none).
 */
export function rollingOrderStatistics(x: Float64Array, grid: WindowGrid, nanBefore: Int32Array | null, quantiles: readonly number[], out: Float64Array, offsets: ArrayLike<number>, scratch: OrderScratch): void {
  const { window: w, stride, count } = grid;
  if (count === 0) return;
  const g = gcd(w, stride);
  const nBlocks = w / g;
  const covered = w + (count - 1) * stride;
  const halved = stride === g && nBlocks % 2 === 0;
  const halfBlocks = nBlocks / 2;
  const halfLength = halved ? w / 2 : 0;
  const ring = halved ? halfBlocks + 1 : 0;
  scratch.fit(covered, w, halfLength, ring);
  const { blocks, window: sorted, merged, halves, halfOf } = scratch;
  const nq = quantiles.length;
  const ranks = neededRanks(w, quantiles);
  // Blocks that hold a NaN are sorted too; no window that uses them is read.
  if (nBlocks > 1 && nBlocks <= 16) for (let b = 0; b + g <= covered; b += g) sortBlock(x, b, g, blocks);
  if (halved) halfOf.fill(-1, 0, ring);

  for (let k = 0; k < count; k++) {
    const start = k * stride;
    const end = start + w - 1;
    if (nanBefore !== null && nanBefore[end + 1] - nanBefore[start] > 0) {
      for (let j = 0; j < 2 + nq; j++) out[offsets[j] + k] = NaN;
      continue;
    }
    let view: Float64Array;
    if (nBlocks === 1) {
      sortBlock(x, start, w, blocks);
      view = blocks.subarray(start, start + w);
    } else if (halved) {
      const b = start / g;
      const left = sortedHalf(b, g, halfBlocks, ring, blocks, halves, halfOf, merged);
      const right = sortedHalf(b + halfBlocks, g, halfBlocks, ring, blocks, halves, halfOf, merged);
      selectRanks(halves, left, halfLength, halves, right, halfLength, sorted, ranks);
      view = sorted;
    } else if (nBlocks <= 16) {
      mergeBlocks(blocks, start, g, nBlocks, sorted, 0, merged);
      view = sorted;
    } else {
      sorted.set(x.subarray(start, start + w));
      sorted.subarray(0, w).sort();
      view = sorted;
    }
    out[offsets[0] + k] = view[w - 1];
    out[offsets[1] + k] = view[0];
    for (let j = 0; j < nq; j++) out[offsets[2 + j] + k] = quantileOfSorted(view, w, quantiles[j]);
  }
}

/**
 * Merges `count` consecutive sorted blocks of `g` samples, blocks[from ...], into
 * dst[to, to + count * g), block after block; `tmp` (2 * count * g long) holds the
 * partial merges.
 */
function mergeBlocks(blocks: Float64Array, from: number, g: number, count: number, dst: Float64Array, to: number, tmp: Float64Array): void {
  if (count === 1) {
    for (let i = 0; i < g; i++) dst[to + i] = blocks[from + i];
    return;
  }
  if (count === 2) {
    merge(blocks, from, from + g, from + 2 * g, dst, to);
    return;
  }
  const other = count * g;
  let acc = 0;
  for (let i = 0; i < g; i++) tmp[i] = blocks[from + i];
  for (let h = 1; h < count; h++) {
    const len = h * g;
    if (h === count - 1) mergeFrom(tmp, acc, len, blocks, from + len, g, dst, to);
    else {
      const next = acc === 0 ? other : 0;
      mergeFrom(tmp, acc, len, blocks, from + len, g, tmp, next);
      acc = next;
    }
  }
}

/** The sorted half-window starting at block `b`, cached in a ring of slots; returns its offset in `halves`. */
function sortedHalf(b: number, g: number, halfBlocks: number, ring: number, blocks: Float64Array, halves: Float64Array, halfOf: Int32Array, tmp: Float64Array): number {
  const slot = b % ring;
  const at = slot * halfBlocks * g;
  if (halfOf[slot] !== b) {
    mergeBlocks(blocks, b * g, g, halfBlocks, halves, at, tmp);
    halfOf[slot] = b;
  }
  return at;
}

/** Merges sorted a[ia, ia + la) and b[ib, ib + lb) into dst[to, to + la + lb). */
function mergeFrom(a: Float64Array, ia: number, la: number, b: Float64Array, ib: number, lb: number, dst: Float64Array, to: number): void {
  let i = ia;
  let j = ib;
  let k = to;
  const aEnd = ia + la;
  const bEnd = ib + lb;
  while (i < aEnd && j < bEnd) {
    const va = a[i];
    const vb = b[j];
    const takeA = +(va <= vb);
    dst[k++] = takeA * va + (1 - takeA) * vb;
    i += takeA;
    j += 1 - takeA;
  }
  while (i < aEnd) dst[k++] = a[i++];
  while (j < bEnd) dst[k++] = b[j++];
}
