/**
 * Trees as flat arrays. A grower records splits on bins (`TreeRecorder` -> `GrownTree`);
 * the model turns them into a `TreeEnsemble` with float thresholds, which predicts on raw
 * feature values and is what model JSON stores.
 *
 * Node encoding, per tree: internal nodes are numbered 0, 1, ... in the order they were
 * split (a child always after its parent); a child pointer `c >= 0` is an internal node,
 * `c < 0` is leaf `~c`. A tree without splits is the single leaf 0.
 */
import type { ColumnMatrix } from "../features/table";
import { InputError } from "../util/errors";
import { packArray, unpackArray } from "./codec";

/** A tree as a grower returns it: splits "bin <= bin[i]" (missing values: `missingLeft[i]`). */
export interface GrownTree {
  feature: Int32Array;
  bin: Int32Array;
  missingLeft: Uint8Array;
  left: Int32Array;
  right: Int32Array;
  /** `width` values per leaf. */
  leafValue: Float64Array;
}

/** Collects the nodes of one tree while it grows. */
export class TreeRecorder {
  private readonly feature: number[] = [];
  private readonly bin: number[] = [];
  private readonly missingLeft: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly leafValue: number[] = [];
  private nLeaves = 0;

  constructor(private readonly width: number) {}

  /** Records a split and links it under `parent` (-1 for the root); returns its node number. */
  addSplit(parent: number, isLeft: boolean, feature: number, bin: number, missingLeft: boolean): number {
    const node = this.feature.length;
    this.feature.push(feature);
    this.bin.push(bin);
    this.missingLeft.push(missingLeft ? 1 : 0);
    this.left.push(0);
    this.right.push(0);
    this.link(parent, isLeft, node);
    return node;
  }

  /** Records a leaf with `width` values from `values[offset..]` and links it under `parent`. */
  addLeaf(parent: number, isLeft: boolean, values: ArrayLike<number>, offset = 0): number {
    const leaf = this.nLeaves++;
    for (let k = 0; k < this.width; k++) this.leafValue.push(values[offset + k]);
    this.link(parent, isLeft, ~leaf);
    return leaf;
  }

  finish(): GrownTree {
    return {
      feature: Int32Array.from(this.feature),
      bin: Int32Array.from(this.bin),
      missingLeft: Uint8Array.from(this.missingLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      leafValue: Float64Array.from(this.leafValue),
    };
  }

  private link(parent: number, isLeft: boolean, child: number): void {
    if (parent < 0) return;
    if (isLeft) this.left[parent] = child;
    else this.right[parent] = child;
  }
}

export interface EnsembleJSON {
  nTrees: number;
  width: number;
  nodeStart: string;
  leafStart: string;
  feature: string;
  threshold: string;
  missingLeft: string;
  left: string;
  right: string;
  leafValue: string;
}

/** Rows per block when walking all trees over a matrix (see `addLeafValues`). */
const ROW_BLOCK = 64;

export class TreeEnsemble {
  private constructor(
    /** Values per leaf (class probabilities for a forest, 1 for boosting). */
    readonly width: number,
    /** Tree `t` owns internal nodes `nodeStart[t] .. nodeStart[t+1]` and leaves `leafStart[t] .. leafStart[t+1]`. */
    readonly nodeStart: Int32Array,
    readonly leafStart: Int32Array,
    readonly feature: Int32Array,
    /** Go left when `x <= threshold`; NaN goes left when `missingLeft` is 1. */
    readonly threshold: Float64Array,
    readonly missingLeft: Uint8Array,
    readonly left: Int32Array,
    readonly right: Int32Array,
    /** Leaf `l` (numbered across trees) holds `leafValue[l * width .. (l + 1) * width)`. */
    readonly leafValue: Float64Array,
  ) {}

  get nTrees(): number {
    return this.nodeStart.length - 1;
  }

  /**
   * Joins grown trees, turning bin splits into value thresholds: "bin <= b" is
   * "x <= thresholds[f][b]", and a split after the last value bin (values vs missing) is
   * "x <= Infinity".
   */
  static fromGrown(trees: readonly GrownTree[], thresholds: readonly Float64Array[], width: number): TreeEnsemble {
    const nodeStart = new Int32Array(trees.length + 1);
    const leafStart = new Int32Array(trees.length + 1);
    trees.forEach((t, i) => {
      nodeStart[i + 1] = nodeStart[i] + t.feature.length;
      leafStart[i + 1] = leafStart[i] + t.leafValue.length / width;
    });
    const nNodes = nodeStart[trees.length];
    const e = new TreeEnsemble(width, nodeStart, leafStart, new Int32Array(nNodes), new Float64Array(nNodes), new Uint8Array(nNodes), new Int32Array(nNodes), new Int32Array(nNodes), new Float64Array(leafStart[trees.length] * width));
    trees.forEach((t, i) => {
      const o = nodeStart[i];
      e.feature.set(t.feature, o);
      e.missingLeft.set(t.missingLeft, o);
      e.left.set(t.left, o);
      e.right.set(t.right, o);
      e.leafValue.set(t.leafValue, leafStart[i] * width);
      for (let n = 0; n < t.feature.length; n++) {
        const edges = thresholds[t.feature[n]];
        e.threshold[o + n] = t.bin[n] < edges.length ? edges[t.bin[n]] : Infinity;
      }
    });
    return e;
  }

  /** Writes into `out[r - start]` the (ensemble-wide) leaf that row `r` of X reaches in tree `t`, for rows `start .. end`. */
  leavesOf(t: number, X: ColumnMatrix, out: Int32Array, start = 0, end = X.nRows): void {
    const cols = X.columns;
    const base = this.nodeStart[t];
    const leafBase = this.leafStart[t];
    if (this.nodeStart[t + 1] === base) {
      out.fill(leafBase, 0, end - start);
      return;
    }
    const { feature, threshold, missingLeft, left, right } = this;
    for (let r = start; r < end; r++) {
      let node = 0;
      while (node >= 0) {
        const i = base + node;
        const x = cols[feature[i]][r];
        node = x <= threshold[i] ? left[i] : x !== x && missingLeft[i] === 1 ? left[i] : right[i];
      }
      out[r - start] = leafBase + ~node;
    }
  }

  /**
   * Adds every tree's leaf values for each row of X to `out` (row-major, `stride` numbers
   * a row): a leaf's `width` values go to columns 0 .. width-1 of the row, or, when
   * `column` is given (one value per leaf), to column `column[t]` for tree `t`.
   *
   * Rows are taken in blocks of `ROW_BLOCK`, copied row-major into one float64 buffer
   * first: a node then reads its value with one load instead of three dependent ones
   * (column, its storage, the value), and the block stays in cache across all trees.
   */
  addLeafValues(X: ColumnMatrix, out: Float64Array, stride: number, column?: Int32Array): void {
    const n = X.nRows;
    const nf = X.columns.length;
    const w = this.width;
    const { nodeStart, leafStart, feature, threshold, missingLeft, left, right, leafValue } = this;
    const block = new Float64Array(ROW_BLOCK * nf);
    for (let start = 0; start < n; start += ROW_BLOCK) {
      const end = Math.min(n, start + ROW_BLOCK);
      for (let f = 0; f < nf; f++) {
        const c = X.columns[f];
        for (let r = start; r < end; r++) block[(r - start) * nf + f] = c[r];
      }
      for (let t = 0; t < this.nTrees; t++) {
        const base = nodeStart[t];
        const leafBase = leafStart[t];
        const single = nodeStart[t + 1] === base;
        const col = column === undefined ? 0 : column[t];
        for (let r = start; r < end; r++) {
          const rowBase = (r - start) * nf;
          let node = single ? -1 : 0;
          while (node >= 0) {
            const i = base + node;
            const x = block[rowBase + feature[i]];
            node = x <= threshold[i] ? left[i] : x !== x && missingLeft[i] === 1 ? left[i] : right[i];
          }
          const l = (leafBase + ~node) * w;
          const o = r * stride + col;
          for (let k = 0; k < w; k++) out[o + k] += leafValue[l + k];
        }
      }
    }
  }

  /** The first `nTrees` trees (for boosting rounds kept after early stopping). */
  slice(nTrees: number): TreeEnsemble {
    const nn = this.nodeStart[nTrees];
    const nl = this.leafStart[nTrees];
    return new TreeEnsemble(this.width, this.nodeStart.slice(0, nTrees + 1), this.leafStart.slice(0, nTrees + 1), this.feature.slice(0, nn), this.threshold.slice(0, nn), this.missingLeft.slice(0, nn), this.left.slice(0, nn), this.right.slice(0, nn), this.leafValue.slice(0, nl * this.width));
  }

  toJSON(): EnsembleJSON {
    return {
      nTrees: this.nTrees,
      width: this.width,
      nodeStart: packArray(this.nodeStart),
      leafStart: packArray(this.leafStart),
      feature: packArray(this.feature),
      threshold: packArray(this.threshold),
      missingLeft: packArray(this.missingLeft),
      left: packArray(this.left),
      right: packArray(this.right),
      leafValue: packArray(this.leafValue),
    };
  }

  /** Reads trees back, checking every index so that a damaged file cannot loop or read out of range. */
  static fromJSON(json: EnsembleJSON, nFeatures: number): TreeEnsemble {
    if (json === null || typeof json !== "object") throw new InputError("model JSON: trees must be an object");
    const { nTrees, width } = json;
    if (!Number.isInteger(nTrees) || nTrees < 0 || !Number.isInteger(width) || width < 1) throw new InputError(`model JSON: bad tree counts (nTrees ${nTrees}, width ${width})`);
    const nodeStart = unpackArray(json.nodeStart, "i32", "nodeStart", nTrees + 1);
    const leafStart = unpackArray(json.leafStart, "i32", "leafStart", nTrees + 1);
    const nNodes = nodeStart[nTrees];
    const e = new TreeEnsemble(
      width,
      nodeStart,
      leafStart,
      unpackArray(json.feature, "i32", "feature", nNodes),
      unpackArray(json.threshold, "f64", "threshold", nNodes),
      unpackArray(json.missingLeft, "u8", "missingLeft", nNodes),
      unpackArray(json.left, "i32", "left", nNodes),
      unpackArray(json.right, "i32", "right", nNodes),
      unpackArray(json.leafValue, "f64", "leafValue", leafStart[nTrees] * width),
    );
    e.check(nFeatures);
    return e;
  }

  private check(nFeatures: number): void {
    for (let t = 0; t < this.nTrees; t++) {
      const n0 = this.nodeStart[t];
      const n1 = this.nodeStart[t + 1];
      const nLeaves = this.leafStart[t + 1] - this.leafStart[t];
      if (n1 < n0 || nLeaves !== n1 - n0 + 1) throw new InputError(`model JSON: tree ${t} has ${n1 - n0} splits and ${nLeaves} leaves (a binary tree has one leaf more than splits)`);
      for (let i = n0; i < n1; i++) {
        if (this.feature[i] < 0 || this.feature[i] >= nFeatures) throw new InputError(`model JSON: tree ${t} splits on feature ${this.feature[i]}, the model has ${nFeatures}`);
        for (const c of [this.left[i], this.right[i]]) {
          const ok = c >= 0 ? c > i - n0 && c < n1 - n0 : ~c < nLeaves;
          if (!ok) throw new InputError(`model JSON: tree ${t} node ${i - n0} has a bad child ${c}`);
        }
      }
    }
  }
}
