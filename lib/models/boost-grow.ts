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
 */
import type { GrownTree } from "./ensemble";
import { TreeRecorder } from "./ensemble";

export interface BoostTreeTask {
  /** The binned matrix (shared), column-major, `nRows` per feature. */
  data: Uint8Array;
  nRows: number;
  nBins: Int32Array;
  /** Rows to grow on and rows only scored, ascending (shared). */
  trainRows: Int32Array;
  validRows: Int32Array;
  /** Per class `k`, row `r` at `k * nRows + r` (shared): gradients, hessians, raw scores. */
  grad: Float32Array;
  hess: Float32Array;
  raw: Float64Array;
  classIndex: number;
  /** Features this tree may split on. */
  features: Int32Array;
  numLeaves: number;
  maxDepth: number;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  l2Regularization: number;
  learningRate: number;
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
  key: string;
  idx: Int32Array;
  tmp: Int32Array;
  og: Float32Array;
  oh: Float32Array;
  free: Float64Array[];
}

let scratch: Scratch | undefined;

function scratchFor(nTrain: number, histSize: number): Scratch {
  const key = `${nTrain}:${histSize}`;
  if (scratch !== undefined && scratch.key === key) return scratch;
  scratch = { key, idx: new Int32Array(nTrain), tmp: new Int32Array(nTrain), og: new Float32Array(nTrain), oh: new Float32Array(nTrain), free: [] };
  return scratch;
}

/** Worker task: grows one tree for class `task.classIndex` and updates that class's raw scores. */
export function growBoostTree(task: BoostTreeTask): GrownBoostTree {
  const { data, nRows, nBins, trainRows, features, numLeaves, maxDepth, minDataInLeaf, minSumHessianInLeaf, l2Regularization: lambda } = task;
  const nTrain = trainRows.length;
  const m = features.length;
  // Histogram layout: feature j's bins (values then the missing bin) from slot offset[j], 3 numbers a slot.
  const offset = new Int32Array(m + 1);
  for (let j = 0; j < m; j++) offset[j + 1] = offset[j] + nBins[features[j]] + 1;
  const histSize = offset[m] * 3;
  const s = scratchFor(nTrain, histSize);
  const { idx, tmp, og, oh } = s;
  const gk = task.grad.subarray(task.classIndex * nRows, (task.classIndex + 1) * nRows);
  const hk = task.hess.subarray(task.classIndex * nRows, (task.classIndex + 1) * nRows);
  idx.set(trainRows);
  const layout: Layout = { features, offset, nBins };
  const rows: Rows = { data, nRows, idx, gk, hk, og, oh };
  const limits: Limits = { minDataInLeaf, minSumHessianInLeaf, lambda };

  const takeHist = (): Float64Array => s.free.pop()?.fill(0) ?? new Float64Array(histSize);
  const release = (leaf: Leaf): void => {
    if (leaf.hist !== null) s.free.push(leaf.hist);
    leaf.hist = null;
  };

  const canSplit = (leaf: Leaf): boolean => leaf.depth < maxDepth && leaf.end - leaf.start >= 2 * minDataInLeaf;

  let g0 = 0;
  let h0 = 0;
  for (let i = 0; i < nTrain; i++) {
    g0 += gk[idx[i]];
    h0 += hk[idx[i]];
  }
  const root: Leaf = { start: 0, end: nTrain, g: g0, h: h0, depth: 0, parent: -1, isLeft: true, hist: null, split: null };
  const leaves: Leaf[] = [root];
  if (canSplit(root) && numLeaves > 1) {
    root.hist = takeHist();
    buildHistogram(root.hist, layout, rows, 0, nTrain);
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
  scoreRows(tree, task.validRows, data, nRows, nBins, raw);
  return { ...tree, gain };
}

/** Where each candidate feature's bins sit in a leaf histogram: feature `features[j]` from slot `offset[j]`, 3 numbers a slot (gradient, hessian, rows). */
interface Layout {
  features: Int32Array;
  offset: Int32Array;
  nBins: Int32Array;
}

/** The binned matrix, the leaf-ordered row indices and gradients, and buffers for gradients gathered in row order. */
interface Rows {
  data: Uint8Array;
  nRows: number;
  idx: Int32Array;
  gk: Float32Array;
  hk: Float32Array;
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
  const { data, nRows, idx, gk, hk, og, oh } = rows;
  const m = features.length;
  const len = end - start;
  for (let i = 0; i < len; i++) {
    const r = idx[start + i];
    og[i] = gk[r];
    oh[i] = hk[r];
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
 * before that feature is scanned (the subtraction trick, done while the feature's bins
 * are in cache).
 */
function findSplit(hist: Float64Array, minus: Float64Array | null, leaf: Leaf, layout: Layout, limits: Limits): Split | null {
  const { features, offset, nBins } = layout;
  const { minDataInLeaf, minSumHessianInLeaf, lambda } = limits;
  const m = features.length;
  const G = leaf.g;
  const H = leaf.h;
  const C = leaf.end - leaf.start;
  const parentScore = (G * G) / (H + lambda);
  let best: Split | null = null;
  let bestGain = 0;
  for (let j = 0; j < m; j++) {
    const nb = nBins[features[j]];
    const o = offset[j] * 3;
    if (minus !== null) for (let i = o, e = offset[j + 1] * 3; i < e; i++) hist[i] -= minus[i];
    const mo = o + nb * 3;
    const gm = hist[mo];
    const hm = hist[mo + 1];
    const cm = hist[mo + 2];
    let gl = 0;
    let hl = 0;
    let cl = 0;
    const lastBin = cm > 0 ? nb - 1 : nb - 2;
    for (let b = 0; b <= lastBin; b++) {
      const p = o + b * 3;
      const c = hist[p + 2];
      gl += hist[p];
      hl += hist[p + 1];
      cl += c;
      if (C - cl < minDataInLeaf) break; // the right side only shrinks from here
      if (c === 0 && b > 0) continue; // same partition as the previous bin
      // Missing values to the right; then to the left, when there are some and values remain on the right.
      const sides = cm > 0 && b < nb - 1 ? 2 : 1;
      for (let side = 0; side < sides; side++) {
        const gL = side === 0 ? gl : gl + gm;
        const hL = side === 0 ? hl : hl + hm;
        const cL = side === 0 ? cl : cl + cm;
        if (cL < minDataInLeaf || C - cL < minDataInLeaf || hL < minSumHessianInLeaf || H - hL < minSumHessianInLeaf) continue;
        const gR = G - gL;
        const a = hL + lambda;
        const bb = H - hL + lambda;
        if (!(a > 0 && bb > 0)) continue;
        // gain > bestGain, multiplied out: most candidates lose, and this spares them two divisions.
        if (gL * gL * bb + gR * gR * a > (bestGain + parentScore) * a * bb) {
          const gain = (gL * gL) / a + (gR * gR) / bb - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            best = { gain, feature: features[j], bin: b, missingLeft: side === 1, gl: gL, hl: hL, cl: cL };
          }
        }
      }
    }
    // With no missing values in this leaf, unseen ones follow the side with more rows.
    if (best !== null && best.feature === features[j] && cm === 0) best.missingLeft = best.cl >= C - best.cl;
  }
  return best;
}

/** Adds the tree's leaf values to `raw` for `rows`, walking the tree on bins. */
function scoreRows(tree: GrownTree, rows: Int32Array, data: Uint8Array, nRows: number, nBins: Int32Array, raw: Float64Array): void {
  const { feature, bin, missingLeft, left, right, leafValue } = tree;
  if (feature.length === 0) {
    for (let i = 0; i < rows.length; i++) raw[rows[i]] += leafValue[0];
    return;
  }
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
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
