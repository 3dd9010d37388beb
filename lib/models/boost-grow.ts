/**
 * Growing one gradient-boosting tree on a binned matrix (runs on a worker thread),
 * LightGBM style: leaf-wise (the leaf whose best split gains most is split next) up to
 * `numLeaves` leaves and `maxDepth`, histograms of gradient, hessian and row count per
 * bin, and the histogram-subtraction trick (only the smaller child's histogram is built;
 * the larger one's is the parent's minus it). Split gain and leaf values are those of a
 * second-order step with L2 regularisation lambda:
 *
 *     gain = GL^2 / (HL + lambda) + GR^2 / (HR + lambda) - G^2 / (H + lambda)
 *     leaf value = -learningRate * G / (H + lambda)
 *
 * Missing values try both sides of every split; when a leaf had none they follow the side
 * with more rows. The task also adds the tree's output to the shared raw scores of its
 * class, for training rows (known from the final partition) and validation rows.
 *
 * The root histograms of all classes of a round are built together beforehand
 * (`buildRootHistograms`, split over the threads by features): the root covers every
 * training row, so one pass that reads each bin once and adds every class's gradients
 * costs about a third less than one pass per class, and the root's row counts are the
 * same in every round.
 */
import type { GrownTree } from "./ensemble";
import { TreeRecorder } from "./ensemble";

/** Root histograms of every class of a round, over all candidate features (shared memory). */
export interface RootHistograms {
  /** Candidate feature `j` has bins (values, then missing) at slots `slotOffset[j] .. slotOffset[j + 1]`. */
  slotOffset: Int32Array;
  /** Slot `s`, class `k`: gradient sum at `gh[s * 2K + 2k]`, hessian sum at the next index. */
  gh: Float64Array;
  /** Training rows in each slot. */
  counts: Float64Array;
}

export interface BoostTreeTask {
  /** The binned matrix (shared), column-major, `nRows` per feature. */
  data: Uint8Array;
  nRows: number;
  nBins: Int32Array;
  /** Rows `0 .. nTrain` are grown on; rows `nTrain .. nRows` (validation) are only scored. */
  nTrain: number;
  /** Row `r`, class `k`: gradient at `gh[r * 2K + 2k]`, hessian at the next index (shared). */
  gh: Float32Array;
  nClasses: number;
  /** Class `k`, row `r` at `raw[k * nRows + r]` (shared). */
  raw: Float64Array;
  classIndex: number;
  /** Features this tree may split on, and the index of each among the root histograms' candidates. */
  features: Int32Array;
  positions: Int32Array;
  root: RootHistograms;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  l2Regularization: number;
  learningRate: number;
}

export interface RootHistogramTask {
  data: Uint8Array;
  nRows: number;
  nTrain: number;
  gh: Float32Array;
  nClasses: number;
  /** All candidate features, and the range `from .. to` of them this task builds. */
  candidates: Int32Array;
  from: number;
  to: number;
  root: RootHistograms;
  /** Also count rows per slot (needed once per fit: the root's rows never change). */
  withCounts: boolean;
}

export interface GrownBoostTree extends GrownTree {
  /** Total split gain per feature in this tree. */
  gain: Float64Array;
}

interface Split {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  gl: number;
  hl: number;
  cl: number;
}

interface Leaf {
  start: number;
  end: number;
  g: number;
  h: number;
  depth: number;
  parent: number;
  isLeft: boolean;
  hist: Float64Array | null;
  split: Split | null;
}

interface Scratch {
  idx: Int32Array;
  tmp: Int32Array;
  og: Float32Array;
  oh: Float32Array;
  free: Float64Array[];
}

let scratch: Scratch | undefined;

function scratchFor(nTrain: number): Scratch {
  if (scratch !== undefined && scratch.idx.length === nTrain) return scratch;
  scratch = { idx: new Int32Array(nTrain), tmp: new Int32Array(nTrain), og: new Float32Array(nTrain), oh: new Float32Array(nTrain), free: [] };
  return scratch;
}

/** Worker task: grows one tree for class `task.classIndex` and updates that class's raw scores. */
export function growBoostTree(task: BoostTreeTask): GrownBoostTree {
  const { data, nRows, nBins, nTrain, features, numLeaves, maxDepth, minDataInLeaf, minSumHessianInLeaf, l2Regularization: lambda } = task;
  const m = features.length;
  // Histogram layout: feature j's bins (values then the missing bin) from slot offset[j], 3 numbers a slot.
  const offset = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) offset[j + 1] = offset[j] + nBins[features[j]] + 1;
  const histSize = offset[m] * 3;
  const s = scratchFor(nTrain);
  // Histograms of another layout (other features drawn for the last tree) are not reused.
  s.free = s.free.filter((h) => h.length === histSize);
  const { idx, tmp, og, oh } = s;
  for (let i = 0; i < nTrain; i++) idx[i] = i;
  const width = 2 * task.nClasses;
  const at = 2 * task.classIndex;
  const layout: Layout = { features, offset, nBins };
  const rows: Rows = { data, nRows, idx, gh: task.gh, width, at, og, oh };
  const limits: Limits = { minDataInLeaf, minSumHessianInLeaf, lambda };

  const takeHist = (): Float64Array => s.free.pop()?.fill(0) ?? new Float64Array(histSize);
  const release = (leaf: Leaf): void => {
    if (leaf.hist !== null) s.free.push(leaf.hist);
    leaf.hist = null;
  };

  const canSplit = (leaf: Leaf): boolean => leaf.depth < maxDepth && leaf.end - leaf.start >= 2 * minDataInLeaf;

  let g0 = 0;
  let h0 = 0;
  for (let r = 0; r < nTrain; r++) {
    g0 += task.gh[r * width + at];
    h0 += task.gh[r * width + at + 1];
  }
  const root: Leaf = { start: 0, end: nTrain, g: g0, h: h0, depth: 0, parent: -1, isLeft: true, hist: null, split: null };
  const leaves: Leaf[] = [root];
  if (canSplit(root) && numLeaves > 1) {
    root.hist = takeHist();
    copyRootHistogram(root.hist, layout, task.positions, task.root, width, at);
    root.split = findSplit(root.hist, null, root, layout, limits);
    if (root.split === null) release(root);
  }

  const rec = new TreeRecorder(1);
  const gain = new Float64Array(nBins.length);
  while (leaves.length < numLeaves) {
    let bi = -1;
    for (let i = 0; i < leaves.length; i++) {
      const sp = leaves[i].split;
      if (sp !== null && (bi < 0 || sp.gain > leaves[bi].split!.gain)) bi = i;
    }
    if (bi < 0) break;
    const parent = leaves[bi];
    const sp = parent.split!;
    gain[sp.feature] += sp.gain;
    const id = rec.addSplit(parent.parent, parent.isLeft, sp.feature, sp.bin, sp.missingLeft);
    const mid = partition(data, sp.feature * nRows, sp.bin, sp.missingLeft ? nBins[sp.feature] : -1, idx, tmp, parent.start, parent.end);
    const depth = parent.depth + 1;
    const left: Leaf = { start: parent.start, end: mid, g: sp.gl, h: sp.hl, depth, parent: id, isLeft: true, hist: null, split: null };
    const right: Leaf = { start: mid, end: parent.end, g: parent.g - sp.gl, h: parent.h - sp.hl, depth, parent: id, isLeft: false, hist: null, split: null };
    const [small, large] = mid - parent.start <= parent.end - mid ? [left, right] : [right, left];
    // After the last split the children are not split again: no histograms needed.
    const more = leaves.length + 1 < numLeaves;
    if (more && (canSplit(small) || canSplit(large))) {
      small.hist = takeHist();
      buildHistogram(small.hist, layout, rows, small.start, small.end);
      small.split = canSplit(small) ? findSplit(small.hist, null, small, layout, limits) : null;
      if (canSplit(large)) {
        // Subtraction trick: the large child's histogram is the parent's minus the small one's.
        large.hist = parent.hist;
        parent.hist = null;
        large.split = findSplit(large.hist!, small.hist, large, layout, limits);
      }
      for (const child of [small, large]) if (child.split === null) release(child);
    }
    release(parent);
    leaves[bi] = left;
    leaves.push(right);
  }

  // Leaf values, and the tree's output added to the raw scores of training rows.
  const raw = task.raw.subarray(task.classIndex * nRows, (task.classIndex + 1) * nRows);
  const values = new Float64Array(1);
  const leafValue = new Float64Array(leaves.length);
  leaves.forEach((leaf) => {
    release(leaf);
    // A leaf without curvature (no rows of weight; only possible with lambda 0) stays at 0.
    const v = leaf.h + lambda > 0 ? (-task.learningRate * leaf.g) / (leaf.h + lambda) : 0;
    values[0] = v;
    const l = rec.addLeaf(leaf.parent, leaf.isLeft, values);
    leafValue[l] = v;
    for (let i = leaf.start; i < leaf.end; i++) raw[idx[i]] += v;
  });
  // Keep a few histograms for the next tree of this fit, not one per leaf for ever.
  s.free.length = Math.min(s.free.length, 4);
  const tree = rec.finish();
  scoreRows(tree, nTrain, nRows, data, nBins, raw);
  return { ...tree, gain };
}

/** Worker task: the root histograms of every class over candidates `from .. to` (see the module comment). */
export function buildRootHistograms(task: RootHistogramTask): void {
  const { data, nRows, nTrain, gh, candidates, from, to } = task;
  const { slotOffset, counts } = task.root;
  const out = task.root.gh;
  const w = 2 * task.nClasses;
  out.fill(0, slotOffset[from] * w, slotOffset[to] * w);
  // Two features per pass share the loads of a row's gradients; classes go by pairs (g, h).
  let j = from;
  for (; j + 2 <= to; j += 2) {
    const b0 = candidates[j] * nRows;
    const b1 = candidates[j + 1] * nRows;
    const o0 = slotOffset[j] * w;
    const o1 = slotOffset[j + 1] * w;
    for (let r = 0; r < nTrain; r++) {
      const s0 = o0 + data[b0 + r] * w;
      const s1 = o1 + data[b1 + r] * w;
      const q = r * w;
      for (let k = 0; k < w; k += 2) {
        const g = gh[q + k];
        const h = gh[q + k + 1];
        out[s0 + k] += g;
        out[s0 + k + 1] += h;
        out[s1 + k] += g;
        out[s1 + k + 1] += h;
      }
    }
  }
  for (; j < to; j++) {
    const b = candidates[j] * nRows;
    const o = slotOffset[j] * w;
    for (let r = 0; r < nTrain; r++) {
      const s = o + data[b + r] * w;
      const q = r * w;
      for (let k = 0; k < w; k++) out[s + k] += gh[q + k];
    }
  }
  if (!task.withCounts) return;
  counts.fill(0, slotOffset[from], slotOffset[to]);
  for (let jj = from; jj < to; jj++) {
    const b = candidates[jj] * nRows;
    const o = slotOffset[jj];
    for (let r = 0; r < nTrain; r++) counts[o + data[b + r]]++;
  }
}

/** Fills a tree's root histogram (its own feature layout) from the shared root histograms of class pair `at`. */
function copyRootHistogram(hist: Float64Array, layout: Layout, positions: Int32Array, root: RootHistograms, width: number, at: number): void {
  const { offset } = layout;
  for (let j = 0; j < positions.length; j++) {
    const src = root.slotOffset[positions[j]];
    const nSlots = offset[j + 1] - offset[j];
    for (let b = 0; b < nSlots; b++) {
      const p = (offset[j] + b) * 3;
      const q = (src + b) * width + at;
      hist[p] = root.gh[q];
      hist[p + 1] = root.gh[q + 1];
      hist[p + 2] = root.counts[src + b];
    }
  }
}

/** Where each candidate feature's bins sit in a leaf histogram: feature `features[j]` from slot `offset[j]`, 3 numbers a slot (gradient, hessian, rows). */
interface Layout {
  features: Int32Array;
  offset: Int32Array;
  nBins: Int32Array;
}

/**
 * The binned matrix, the leaf-ordered row indices, the gradients (row `r`: gradient at
 * `gh[r * width + at]`, hessian next), and buffers for gradients gathered in leaf order.
 */
interface Rows {
  data: Uint8Array;
  nRows: number;
  idx: Int32Array;
  gh: Float32Array;
  width: number;
  at: number;
  og: Float32Array;
  oh: Float32Array;
}

interface Limits {
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  lambda: number;
}

/**
 * Histogram of rows `idx[start .. end)` over every candidate feature (the hot loop).
 * Gradients are first gathered in row order; then four features are filled per pass over
 * the rows, which shares the row-index and gradient loads between them. Everything is
 * read into locals first, as V8 keeps locals in registers in a way it cannot for closures.
 */
function buildHistogram(hist: Float64Array, layout: Layout, rows: Rows, start: number, end: number): void {
  const { features, offset } = layout;
  const { data, nRows, idx, gh, width, at, og, oh } = rows;
  const m = features.length;
  const len = end - start;
  for (let i = 0; i < len; i++) {
    const q = idx[start + i] * width + at;
    og[i] = gh[q];
    oh[i] = gh[q + 1];
  }
  let j = 0;
  for (; j + 4 <= m; j += 4) {
    const b0 = features[j] * nRows;
    const b1 = features[j + 1] * nRows;
    const b2 = features[j + 2] * nRows;
    const b3 = features[j + 3] * nRows;
    const o0 = offset[j] * 3;
    const o1 = offset[j + 1] * 3;
    const o2 = offset[j + 2] * 3;
    const o3 = offset[j + 3] * 3;
    for (let i = 0; i < len; i++) {
      const r = idx[start + i];
      const g = og[i];
      const h = oh[i];
      let p = o0 + data[b0 + r] * 3;
      hist[p] += g;
      hist[p + 1] += h;
      hist[p + 2] += 1;
      p = o1 + data[b1 + r] * 3;
      hist[p] += g;
      hist[p + 1] += h;
      hist[p + 2] += 1;
      p = o2 + data[b2 + r] * 3;
      hist[p] += g;
      hist[p + 1] += h;
      hist[p + 2] += 1;
      p = o3 + data[b3 + r] * 3;
      hist[p] += g;
      hist[p + 1] += h;
      hist[p + 2] += 1;
    }
  }
  for (; j < m; j++) {
    const base = features[j] * nRows;
    const o = offset[j] * 3;
    for (let i = 0; i < len; i++) {
      const p = o + data[base + idx[start + i]] * 3;
      hist[p] += og[i];
      hist[p + 1] += oh[i];
      hist[p + 2] += 1;
    }
  }
}

/**
 * Best split of a leaf from its histogram, or null when no split gains. With `minus`,
 * the histogram is first turned into itself minus `minus`, feature by feature just
 * before that feature is scanned (the subtraction trick, while its bins are in cache).
 */
function findSplit(hist: Float64Array, minus: Float64Array | null, leaf: Leaf, layout: Layout, limits: Limits): Split | null {
  const { features, offset, nBins } = layout;
  const { minDataInLeaf, minSumHessianInLeaf, lambda } = limits;
  const m = features.length;
  const G = leaf.g;
  const H = leaf.h;
  const C = leaf.end - leaf.start;
  const parentScore = (G * G) / (H + lambda);
  const best: Split = { gain: 0, feature: -1, bin: 0, missingLeft: false, gl: 0, hl: 0, cl: 0 };
  for (let j = 0; j < m; j++) {
    const nb = nBins[features[j]];
    const o = offset[j] * 3;
    if (minus !== null) for (let i = o, e = offset[j + 1] * 3; i < e; i++) hist[i] -= minus[i];
    const mo = o + nb * 3;
    const found = hist[mo + 2] > 0 ? scanWithMissing(hist, o, nb, G, H, C, parentScore, limits, best) : scanValues(hist, o, nb, G, H, C, parentScore, minDataInLeaf, minSumHessianInLeaf, lambda, best);
    if (found) {
      best.feature = features[j];
      // With no missing values in this leaf, unseen ones follow the side with more rows.
      if (hist[mo + 2] === 0) best.missingLeft = best.cl >= C - best.cl;
    }
  }
  return best.feature < 0 ? null : best;
}

/**
 * The best "bin <= b" split of one feature without missing values in the leaf, if it
 * beats `best` (which it then updates, all but the feature). The hot loop of split
 * finding: empty bins are skipped, and `gain > best` is tested multiplied out, sparing
 * most candidates two divisions.
 */
function scanValues(hist: Float64Array, o: number, nb: number, G: number, H: number, C: number, parentScore: number, minData: number, minHess: number, lambda: number, best: Split): boolean {
  let gl = 0;
  let hl = 0;
  let cl = 0;
  let bar = best.gain + parentScore;
  let found = false;
  for (let b = 0; b < nb - 1; b++) {
    const p = o + b * 3;
    const c = hist[p + 2];
    if (c === 0) continue; // same partition as the previous bin
    gl += hist[p];
    hl += hist[p + 1];
    cl += c;
    if (cl < minData) continue;
    if (C - cl < minData) break; // the right side only shrinks from here
    const hr = H - hl;
    if (hl < minHess || hr < minHess) continue;
    const a = hl + lambda;
    const bb = hr + lambda;
    const gr = G - gl;
    if (a > 0 && bb > 0 && gl * gl * bb + gr * gr * a > bar * a * bb) {
      const gain = (gl * gl) / a + (gr * gr) / bb - parentScore;
      if (gain > best.gain) {
        best.gain = gain;
        best.bin = b;
        best.missingLeft = false;
        best.gl = gl;
        best.hl = hl;
        best.cl = cl;
        bar = gain + parentScore;
        found = true;
      }
    }
  }
  return found;
}

/** As `scanValues` for a feature with missing values in the leaf: each boundary with missing values on either side, and values against missing. */
function scanWithMissing(hist: Float64Array, o: number, nb: number, G: number, H: number, C: number, parentScore: number, limits: Limits, best: Split): boolean {
  const { minDataInLeaf, minSumHessianInLeaf, lambda } = limits;
  const mo = o + nb * 3;
  const gm = hist[mo];
  const hm = hist[mo + 1];
  const cm = hist[mo + 2];
  let gl = 0;
  let hl = 0;
  let cl = 0;
  let found = false;
  for (let b = 0; b < nb; b++) {
    const p = o + b * 3;
    const c = hist[p + 2];
    if (c === 0 && b > 0) continue; // same partition as the previous bin
    gl += hist[p];
    hl += hist[p + 1];
    cl += c;
    // Missing values to the right; then to the left while values remain on the right.
    for (let side = 0; side < (b < nb - 1 ? 2 : 1); side++) {
      const gL = side === 0 ? gl : gl + gm;
      const hL = side === 0 ? hl : hl + hm;
      const cL = side === 0 ? cl : cl + cm;
      if (cL < minDataInLeaf || C - cL < minDataInLeaf || hL < minSumHessianInLeaf || H - hL < minSumHessianInLeaf) continue;
      const a = hL + lambda;
      const bb = H - hL + lambda;
      if (!(a > 0 && bb > 0)) continue;
      const gR = G - gL;
      const gain = (gL * gL) / a + (gR * gR) / bb - parentScore;
      if (gain > best.gain) {
        best.gain = gain;
        best.bin = b;
        best.missingLeft = side === 1;
        best.gl = gL;
        best.hl = hL;
        best.cl = cL;
        found = true;
      }
    }
  }
  return found;
}

/** Adds the tree's leaf values to `raw` for the validation rows `nTrain .. nRows`, walking the tree on bins. */
function scoreRows(tree: GrownTree, nTrain: number, nRows: number, data: Uint8Array, nBins: Int32Array, raw: Float64Array): void {
  const { feature, bin, missingLeft, left, right, leafValue } = tree;
  if (feature.length === 0) {
    for (let r = nTrain; r < nRows; r++) raw[r] += leafValue[0];
    return;
  }
  for (let r = nTrain; r < nRows; r++) {
    let node = 0;
    while (node >= 0) {
      const f = feature[node];
      const b = data[f * nRows + r];
      node = b <= bin[node] || (b === nBins[f] && missingLeft[node] === 1) ? left[node] : right[node];
    }
    raw[r] += leafValue[~node];
  }
}

/** Stable partition of `idx[start, end)`: rows whose bin is <= `bin` (or is `missingBin`) first; returns the split point. */
function partition(data: Uint8Array, base: number, bin: number, missingBin: number, idx: Int32Array, tmp: Int32Array, start: number, end: number): number {
  let p = start;
  let q = 0;
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const b = data[base + r];
    if (b <= bin || b === missingBin) idx[p++] = r;
    else tmp[q++] = r;
  }
  idx.set(tmp.subarray(0, q), p);
  return p;
}
