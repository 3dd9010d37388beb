/**
 * Quantile binning: each feature's values are mapped to at most 255 ordered bins of
 * about equal training frequency, stored as one byte per value, so that tree growth
 * works on small integer histograms instead of sorting floats at every node.
 *
 * Thresholds are fitted on training rows (a seeded subsample of at most `subsample`
 * rows, as scikit-learn's HistGradientBoosting does). A feature with at most `maxBins`
 * distinct values gets one bin per value; otherwise distinct values are grouped greedily
 * into bins of about equal count, a value more frequent than a bin's share getting a bin
 * of its own (this keeps the rare values of near-constant features apart). Bin `b` holds
 * the values `x` with `thresholds[b-1] < x <= thresholds[b]`, each threshold lying halfway
 * between the largest value of one bin and the smallest of the next. Missing values (NaN)
 * go to an extra bin, number `nBins[f]` (one past the last value bin).
 *
 * Because a split "bin <= t" is the same as "x <= thresholds[t]", trained trees keep
 * float thresholds and predict on raw values without binning new data first.
 */
import type { ColumnMatrix } from "../features/table";
import { WorkerPool } from "../parallel/pool";
import { InputError } from "../util/errors";
import { packArray, unpackArray } from "./codec";
import { Rng } from "./random";
import { sortFloat32 } from "./sort-floats";
import { checkMatrix, intParam } from "./validate";

/** A binned matrix, column-major: the bin of row `r`, feature `f` is `data[f * nRows + r]`. */
export interface BinnedMatrix {
  nRows: number;
  nFeatures: number;
  /** Backed by a SharedArrayBuffer, so worker threads read it without a copy. */
  data: Uint8Array;
  /** Value bins of each feature; bin `nBins[f]` is the missing-value bin. */
  nBins: Int32Array;
  /** Missing values (NaN) of each feature. */
  nMissing: Int32Array;
}

export interface BinnerParams {
  /** Value bins per feature, 2..255 (default 255). */
  maxBins?: number;
  /** Rows used to fit thresholds, drawn at random when there are more (default 200000). */
  subsample?: number;
  seed?: number;
}

export interface BinnerJSON {
  maxBins: number;
  subsample: number;
  seed: number;
  /** Per feature, its packed float64 thresholds. */
  thresholds: string[];
}

const BLOCK_BYTES = 64 * 2 ** 20;

export class QuantileBinner {
  readonly maxBins: number;
  readonly subsample: number;
  readonly seed: number;
  /** `thresholds[f]`: the `nBins - 1` upper edges of feature `f`'s value bins (empty before `fit`). */
  thresholds: Float64Array[] = [];

  constructor(params: BinnerParams = {}) {
    this.maxBins = intParam("binner", "maxBins", params.maxBins, 255, 2, 255);
    this.subsample = intParam("binner", "subsample", params.subsample, 200000, 1);
    this.seed = intParam("binner", "seed", params.seed, 0, -2147483648, 4294967295);
  }

  get nFeatures(): number {
    return this.thresholds.length;
  }

  /** Fits thresholds on `rows` of X (all rows when omitted). */
  fit(X: ColumnMatrix, rows?: Int32Array): this {
    checkMatrix(X, "binner.fit");
    const sample = sampleRows(X.nRows, rows, this.subsample, this.seed);
    this.thresholds = X.columns.map((c) => fitThresholds(c, sample, this.maxBins));
    return this;
  }

  /** Bins X with the fitted thresholds (into shared memory). */
  transform(X: ColumnMatrix): BinnedMatrix {
    this.checkFitted();
    checkMatrix(X, "binner.transform", this.nFeatures);
    const data = new Uint8Array(new SharedArrayBuffer(X.nRows * this.nFeatures));
    const nMissing = Int32Array.from(this.thresholds, (t, f) => applyThresholds(X.columns[f], t, data, f * X.nRows));
    return { nRows: X.nRows, nFeatures: this.nFeatures, data, nBins: Int32Array.from(this.thresholds, (t) => t.length + 1), nMissing };
  }

  /**
   * `fit` then `transform`, spread over the pool's threads by blocks of features. Columns
   * are cloned to the workers (shared-memory columns are not); the bins are written
   * straight into the shared result. Thresholds are fitted on `fitRows` (default all);
   * with `order`, row `i` of the result holds row `order[i]` of X.
   */
  async fitTransform(X: ColumnMatrix, pool: WorkerPool, { fitRows, order }: { fitRows?: Int32Array; order?: Int32Array } = {}): Promise<BinnedMatrix> {
    checkMatrix(X, "binner.fit");
    const sample = sampleRows(X.nRows, fitRows, this.subsample, this.seed);
    const nFeatures = X.columns.length;
    const nRows = order?.length ?? X.nRows;
    // Thresholds are not known yet, but every feature fits in one byte per row.
    const data = new Uint8Array(new SharedArrayBuffer(nRows * nFeatures));
    // About 8 blocks a thread, but no more than ~64 MB of float32 columns per block, as
    // blocks waiting for a thread are cloned when they are sent.
    const block = Math.max(1, Math.min(Math.ceil(nFeatures / Math.max(1, pool.size * 8)), Math.floor(BLOCK_BYTES / (4 * Math.max(1, X.nRows)))));
    const starts: number[] = [];
    for (let f = 0; f < nFeatures; f += block) starts.push(f);
    const parts = await pool.map<number, BinnedBlock>(__filename, "binFeatureBlock", starts, (start) => [
      {
        columns: X.columns.slice(start, start + block).map(columnForWorker),
        firstFeature: start,
        sample,
        maxBins: this.maxBins,
        out: data,
        order: order ?? null,
      } satisfies BinBlockTask,
    ]);
    this.thresholds = parts.flatMap((p) => p.thresholds);
    const nMissing = Int32Array.from(parts.flatMap((p) => p.nMissing));
    return { nRows, nFeatures, data, nBins: Int32Array.from(this.thresholds, (t) => t.length + 1), nMissing };
  }

  /** The bin of value `x` of feature `f`. */
  binOf(f: number, x: number): number {
    const t = this.thresholds[f];
    return x !== x ? t.length + 1 : searchBin(t, x);
  }

  toJSON(): BinnerJSON {
    return { maxBins: this.maxBins, subsample: this.subsample, seed: this.seed, thresholds: this.thresholds.map(packArray) };
  }

  static fromJSON(json: BinnerJSON): QuantileBinner {
    const b = new QuantileBinner({ maxBins: json.maxBins, subsample: json.subsample, seed: json.seed });
    if (!Array.isArray(json.thresholds)) throw new InputError("binner JSON: thresholds must be a list");
    b.thresholds = json.thresholds.map((t, f) => unpackArray(t, "f64", `thresholds of feature ${f}`));
    return b;
  }

  private checkFitted(): void {
    if (this.thresholds.length === 0) throw new InputError("binner: call fit before transform");
  }
}

interface BinBlockTask {
  columns: ArrayLike<number>[];
  firstFeature: number;
  sample: Int32Array | null;
  maxBins: number;
  out: Uint8Array;
  order: Int32Array | null;
}

interface BinnedBlock {
  thresholds: Float64Array[];
  nMissing: number[];
}

/** Worker task: fits and applies the thresholds of a block of features. */
export function binFeatureBlock(task: BinBlockTask): BinnedBlock {
  const thresholds = task.columns.map((c) => fitThresholds(c, task.sample, task.maxBins));
  const nRows = task.order?.length ?? task.columns[0]?.length ?? 0;
  const nMissing = task.columns.map((c, i) => applyThresholds(c, thresholds[i], task.out, (task.firstFeature + i) * nRows, task.order));
  return { thresholds, nMissing };
}

/**
 * A column as it should travel to a worker: shared memory as is, a whole-buffer typed
 * array as is (cloned by postMessage), and a view into a larger buffer copied first,
 * because postMessage would otherwise clone the entire underlying buffer.
 */
function columnForWorker(c: ArrayLike<number>): ArrayLike<number> {
  if (c instanceof Float32Array || c instanceof Float64Array) {
    if (c.buffer instanceof SharedArrayBuffer || (c.byteOffset === 0 && c.byteLength === c.buffer.byteLength)) return c;
    return c.slice();
  }
  return Float64Array.from(c);
}

/** The rows to fit thresholds on, ascending: all of `rows` (or of X), or a seeded subsample of `limit` of them. */
function sampleRows(nRows: number, rows: Int32Array | undefined, limit: number, seed: number): Int32Array | null {
  const n = rows === undefined ? nRows : rows.length;
  if (n === 0) throw new InputError("binner: no rows to fit bins on");
  if (n <= limit) return rows ?? null;
  const pool = rows === undefined ? Int32Array.from({ length: n }, (_, i) => i) : rows.slice();
  const rng = new Rng(seed, 0x62696e); // "bin"
  for (let i = 0; i < limit; i++) {
    const j = i + rng.nextInt(n - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, limit).sort();
}

/** The thresholds of one feature from its values at `sample` rows (all rows when null). */
export function fitThresholds(column: ArrayLike<number>, sample: Int32Array | null, maxBins: number): Float64Array {
  const n = sample === null ? column.length : sample.length;
  // Float32 columns sort by radix; anything else keeps full precision.
  const values = column instanceof Float32Array ? new Float32Array(n) : new Float64Array(n);
  let m = 0; // NaN is left out: it has its own bin
  if (sample === null) {
    for (let i = 0; i < n; i++) {
      const x = column[i];
      if (x === x) values[m++] = x;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const x = column[sample[i]];
      if (x === x) values[m++] = x;
    }
  }
  if (values instanceof Float32Array) sortFloat32(values, m);
  else values.subarray(0, m).sort();
  return thresholdsFromSorted(values, m, maxBins);
}

/**
 * Greedy equal-frequency thresholds from sorted values (see the module comment), in one
 * pass over runs of equal values: a cut decided after a run is written when the next
 * run's value is known.
 */
export function thresholdsFromSorted(sorted: ArrayLike<number>, m: number, maxBins: number): Float64Array {
  let d = 0;
  for (let i = 0; i < m; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) d++;
  const out: number[] = [];
  if (d <= maxBins) {
    for (let i = 1; i < m; i++) if (sorted[i] !== sorted[i - 1]) out.push(between(sorted[i - 1], sorted[i]));
    return Float64Array.from(out);
  }
  let rowsLeft = m;
  let binsLeft = maxBins;
  let inBin = 0;
  let target = rowsLeft / binsLeft;
  let pending = false;
  let previous = 0;
  for (let i = 0; i < m; ) {
    const v = sorted[i];
    let j = i + 1;
    while (j < m && sorted[j] === v) j++;
    const count = j - i;
    if (pending) {
      out.push(between(previous, v));
      pending = false;
    } else if (inBin > 0 && count >= target && binsLeft > 1) {
      // A value worth a bin of its own closes the bin before it.
      out.push(between(previous, v));
      binsLeft--;
      inBin = 0;
      target = rowsLeft / binsLeft;
    }
    inBin += count;
    rowsLeft -= count;
    if (inBin >= target && binsLeft > 1 && j < m) {
      pending = true;
      binsLeft--;
      inBin = 0;
      target = rowsLeft / binsLeft;
    }
    previous = v;
    i = j;
  }
  return Float64Array.from(out);
}

/** A threshold t with a <= t < b for a < b: the midpoint when representable, else a. */
function between(a: number, b: number): number {
  const t = a + (b - a) / 2;
  return t >= a && t < b ? t : a;
}

/** The first bin whose upper threshold is >= x (the last bin when none is). */
function searchBin(t: Float64Array, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (x <= t[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Writes the bins of one column (of its rows `order`, when given) into `out` from
 * `offset` on, and returns how many values were missing. The bin of x is the number of
 * thresholds below it, found by a fixed-step search over thresholds padded with +Infinity
 * to a power of two less one.
 */
export function applyThresholds(column: ArrayLike<number>, t: Float64Array, out: Uint8Array, offset: number, order: Int32Array | null = null): number {
  let size = 1;
  while (size <= t.length) size *= 2;
  const padded = new Float64Array(size).fill(Infinity);
  padded.set(t);
  const missing = t.length + 1;
  const n = order === null ? column.length : order.length;
  let nMissing = 0;
  for (let r = 0; r < n; r++) {
    const x = column[order === null ? r : order[r]];
    let pos = 0;
    // Multiplying by the comparison, rather than branching on it, keeps mispredictions out.
    for (let step = size >> 1; step > 0; step >>= 1) pos += step * +(padded[pos + step - 1] < x);
    if (x !== x) {
      pos = missing;
      nMissing++;
    }
    out[offset + r] = pos;
  }
  return nMissing;
}
