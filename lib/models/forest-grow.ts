/**
 * Growing one random-forest tree on a binned matrix (runs on a worker thread).
 *
 * The tree follows scikit-learn's RandomForestClassifier semantics, reimplemented on
 * histograms: rows drawn with replacement and weighted by how often they were drawn,
 * Gini impurity, a best split among `maxFeatures` features drawn without replacement at
 * each node (features constant in the node count as drawn, but the search goes on until
 * at least one non-constant feature was tried; a feature constant in a node stays known
 * constant in its subtree), `minSamplesLeaf`/`minSamplesSplit` on distinct rows, and
 * splits of zero gain allowed (so that XOR-like classes can still be separated deeper).
 * Split candidates are the bin boundaries; missing values try both sides, and when a node
 * had none they follow the side with more rows.
 *
 * Randomness comes only from (seed, tree index), so a tree is the same on any thread.
 */
import type { GrownTree } from "./ensemble";
import { TreeRecorder } from "./ensemble";
import { Rng } from "./random";

export interface ForestTreeTask {
  /** The binned matrix (shared memory), column-major, `nRows` per feature. */
  data: Uint8Array;
  nRows: number;
  nBins: Int32Array;
  y: Uint8Array;
  nClasses: number;
  /** Weight of each class, or null for 1. */
  classWeight: Float64Array | null;
  maxDepth: number;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  /** Features to draw at each node (already resolved to a count). */
  maxFeatures: number;
  bootstrap: boolean;
  seed: number;
  treeIndex: number;
}

export interface GrownForestTree extends GrownTree {
  /** Gini importance of each feature in this tree, summing to 1 (all zero for a single leaf). */
  importance: Float64Array;
}

/** Per-thread buffers, reused across trees of the same shape. */
interface Scratch {
  nRows: number;
  nClasses: number;
  nFeatures: number;
  counts: Int32Array;
  idx: Int32Array;
  yo: Uint8Array;
  wo: Float64Array;
  tmpIdx: Int32Array;
  tmpY: Uint8Array;
  tmpW: Float64Array;
  hist: Float64Array;
  cnt: Int32Array;
  touched: Int32Array;
  features: Int32Array;
  bestLeft: Float64Array;
  candLeft: Float64Array;
}

let scratch: Scratch | undefined;

function scratchFor(nRows: number, nClasses: number, nFeatures: number): Scratch {
  const s = scratch;
  if (s !== undefined && s.nRows === nRows && s.nClasses === nClasses && s.nFeatures === nFeatures) return s;
  scratch = {
    nRows,
    nClasses,
    nFeatures,
    counts: new Int32Array(nRows),
    idx: new Int32Array(nRows),
    yo: new Uint8Array(nRows),
    wo: new Float64Array(nRows),
    tmpIdx: new Int32Array(nRows),
    tmpY: new Uint8Array(nRows),
    tmpW: new Float64Array(nRows),
    hist: new Float64Array(257 * (nClasses + 1)),
    cnt: new Int32Array(257),
    touched: new Int32Array(257),
    features: new Int32Array(nFeatures),
    bestLeft: new Float64Array(nClasses),
    candLeft: new Float64Array(nClasses),
  };
  return scratch;
}

interface Pending {
  start: number;
  end: number;
  depth: number;
  /** Features `features[0 .. nConstant)` are known to be constant in this node. */
  nConstant: number;
  parent: number;
  isLeft: boolean;
  /** Weighted rows of each class. */
  totals: Float64Array;
}

function gini(totals: Float64Array, w: number): number {
  let s = 0;
  for (let k = 0; k < totals.length; k++) s += totals[k] * totals[k];
  return 1 - s / (w * w);
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k];
  return s;
}

/** Worker task: grows tree `task.treeIndex` of a forest. */
export function growForestTree(task: ForestTreeTask): GrownForestTree {
  const { data, nRows, nBins, y, nClasses: K, classWeight, maxDepth, minSamplesSplit, minSamplesLeaf, maxFeatures } = task;
  const nFeatures = nBins.length;
  const s = scratchFor(nRows, K, nFeatures);
  const { counts, idx, yo, wo, tmpIdx, tmpY, tmpW, hist, cnt, touched, features, bestLeft, candLeft } = s;
  const rng = new Rng(task.seed, task.treeIndex);
  const S = K + 1; // histogram stride: K weighted class sums and a spare slot

  // Bootstrap: multiplicity of each row; the tree sees the drawn rows once each, weighted.
  if (task.bootstrap) {
    counts.fill(0);
    for (let i = 0; i < nRows; i++) counts[rng.nextInt(nRows)]++;
  } else counts.fill(1);
  let n = 0;
  const rootTotals = new Float64Array(K);
  for (let r = 0; r < nRows; r++) {
    if (counts[r] === 0) continue;
    const c = y[r];
    const w = counts[r] * (classWeight === null ? 1 : classWeight[c]);
    idx[n] = r;
    yo[n] = c;
    wo[n] = w;
    rootTotals[c] += w;
    n++;
  }
  for (let f = 0; f < nFeatures; f++) features[f] = f;

  const rec = new TreeRecorder(K);
  const importance = new Float64Array(nFeatures);
  const stack: Pending[] = [{ start: 0, end: n, depth: 0, nConstant: 0, parent: -1, isLeft: true, totals: rootTotals }];

  while (stack.length > 0) {
    const node = stack.pop()!;
    const { start, end, totals } = node;
    const nNode = end - start;
    const W = sum(totals);
    const impurity = gini(totals, W);
    let bestProxy = -Infinity;
    let bestFeature = -1;
    let bestBin = 0;
    let bestMissingLeft = false;
    let bestLeftRows = 0;
    let nTotalConstant = node.nConstant;

    const mayBeSplit = node.depth < maxDepth && nNode >= minSamplesSplit && nNode >= 2 * minSamplesLeaf && impurity > 2.220446049250313e-16;
    if (mayBeSplit) {
      const nKnown = node.nConstant;
      let fEnd = nFeatures; // features[fEnd ..) were evaluated at this node
      let nDrawnConstant = 0;
      let nFoundConstant = 0;
      let nVisited = 0;
      while (fEnd > nTotalConstant && (nVisited < maxFeatures || nVisited <= nFoundConstant + nDrawnConstant)) {
        nVisited++;
        let j = nDrawnConstant + rng.nextInt(fEnd - nFoundConstant - nDrawnConstant);
        if (j < nKnown) {
          swap(features, nDrawnConstant, j);
          nDrawnConstant++;
          continue;
        }
        j += nFoundConstant;
        const f = features[j];
        const nb = nBins[f];
        const base = f * nRows;

        // Histogram of the node's rows over the feature's bins (hot loop).
        let nt = 0;
        for (let i = start; i < end; i++) {
          const b = data[base + idx[i]];
          if (cnt[b]++ === 0) touched[nt++] = b;
          hist[b * S + yo[i]] += wo[i];
        }
        if (nt <= 1) {
          clearHistogram(hist, cnt, touched, nt, S);
          swap(features, j, nTotalConstant);
          nFoundConstant++;
          nTotalConstant++;
          continue;
        }
        fEnd--;
        swap(features, fEnd, j);

        // Scan value bins in ascending order (few occupied bins: sort them; many: walk all).
        if (nt < 24) insertionSort(touched, nt);
        const mSlot = nb * S;
        const cMissing = cnt[nb];
        candLeft.fill(0);
        let cLeft = 0;
        const nValueBins = cMissing > 0 ? nt - 1 : nt;
        let seen = 0;
        for (let pos = 0; seen < nValueBins; pos++) {
          const b = nt < 24 ? touched[pos] : pos;
          if (cnt[b] === 0 || b === nb) continue;
          seen++;
          const o = b * S;
          for (let k = 0; k < K; k++) candLeft[k] += hist[o + k];
          cLeft += cnt[b];
          const last = seen === nValueBins;
          if (last && cMissing === 0) break;
          // Missing values to the right; then to the left, when there are some and values remain on the right.
          const sides = cMissing > 0 && !last ? 2 : 1;
          for (let side = 0; side < sides; side++) {
            const cL = side === 0 ? cLeft : cLeft + cMissing;
            if (cL < minSamplesLeaf || nNode - cL < minSamplesLeaf) continue;
            const proxy = giniProxy(candLeft, totals, hist, side === 0 ? -1 : mSlot, K);
            if (proxy > bestProxy) {
              bestProxy = proxy;
              bestFeature = f;
              bestBin = b;
              bestMissingLeft = side === 1;
              bestLeftRows = cL;
              for (let k = 0; k < K; k++) bestLeft[k] = side === 0 ? candLeft[k] : candLeft[k] + hist[mSlot + k];
            }
          }
        }
        // With no missing values here, unseen ones follow the bigger side.
        if (bestFeature === f && cMissing === 0) bestMissingLeft = bestLeftRows >= nNode - bestLeftRows;
        clearHistogram(hist, cnt, touched, nt, S);
      }
    }

    if (bestFeature < 0) {
      const p = new Float64Array(K);
      for (let k = 0; k < K; k++) p[k] = totals[k] / W;
      rec.addLeaf(node.parent, node.isLeft, p);
      continue;
    }

    const id = rec.addSplit(node.parent, node.isLeft, bestFeature, bestBin, bestMissingLeft);
    const leftTotals = bestLeft.slice();
    const rightTotals = new Float64Array(K);
    for (let k = 0; k < K; k++) rightTotals[k] = Math.max(0, totals[k] - leftTotals[k]);
    const wl = sum(leftTotals);
    const wr = sum(rightTotals);
    importance[bestFeature] += W * impurity - wl * gini(leftTotals, wl) - wr * gini(rightTotals, wr);

    const mid = partition(data, bestFeature * nRows, bestBin, bestMissingLeft ? nBins[bestFeature] : -1, idx, yo, wo, tmpIdx, tmpY, tmpW, start, end);
    const depth = node.depth + 1;
    stack.push({ start: mid, end, depth, nConstant: nTotalConstant, parent: id, isLeft: false, totals: rightTotals });
    stack.push({ start, end: mid, depth, nConstant: nTotalConstant, parent: id, isLeft: true, totals: leftTotals });
  }

  const total = sum(importance);
  if (total > 0) for (let f = 0; f < nFeatures; f++) importance[f] /= total;
  return { ...rec.finish(), importance };
}

/** Sum of squared class weights over weight, left plus right: larger is a purer split (Gini). */
function giniProxy(left: Float64Array, totals: Float64Array, hist: Float64Array, extraSlot: number, K: number): number {
  let sl = 0;
  let sr = 0;
  let wl = 0;
  let wr = 0;
  for (let k = 0; k < K; k++) {
    const l = extraSlot < 0 ? left[k] : left[k] + hist[extraSlot + k];
    const r = totals[k] - l;
    sl += l * l;
    sr += r * r;
    wl += l;
    wr += r;
  }
  return sl / wl + sr / wr;
}

function clearHistogram(hist: Float64Array, cnt: Int32Array, touched: Int32Array, nt: number, S: number): void {
  for (let j = 0; j < nt; j++) {
    const b = touched[j];
    cnt[b] = 0;
    for (let o = b * S, e = o + S; o < e; o++) hist[o] = 0;
  }
}

function insertionSort(a: Int32Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

function swap(a: Int32Array, i: number, j: number): void {
  const t = a[i];
  a[i] = a[j];
  a[j] = t;
}

/**
 * Stable partition of rows `[start, end)`: rows whose bin is <= `bin` (or equals
 * `missingBin`) first. Returns the first row of the right side.
 */
function partition(data: Uint8Array, base: number, bin: number, missingBin: number, idx: Int32Array, yo: Uint8Array, wo: Float64Array, tmpIdx: Int32Array, tmpY: Uint8Array, tmpW: Float64Array, start: number, end: number): number {
  let p = start;
  let q = 0;
  for (let i = start; i < end; i++) {
    const r = idx[i];
    const b = data[base + r];
    if (b <= bin || b === missingBin) {
      idx[p] = r;
      yo[p] = yo[i];
      wo[p] = wo[i];
      p++;
    } else {
      tmpIdx[q] = r;
      tmpY[q] = yo[i];
      tmpW[q] = wo[i];
      q++;
    }
  }
  idx.set(tmpIdx.subarray(0, q), p);
  yo.set(tmpY.subarray(0, q), p);
  wo.set(tmpW.subarray(0, q), p);
  return p;
}
