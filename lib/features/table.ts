/**
 * The feature table: windows as rows, features as columns, shared by feature
 * selection, scaling, models and metrics without copies. Columns are separate typed
 * arrays (column-major), so selecting features keeps references instead of copying,
 * and a model bins column by column.
 *
 * Precision: statistics are computed in float64; a table stores them as float32 by
 * default (enough for trees, KS ranks and min-max scaling; halves memory) or float64
 * when asked. The `features` command writes float64 straight from the computation.
 */

/** One feature column; float32 is enough for storage and trees, statistics are computed in float64. */
export type FeatureColumn = Float32Array | Float64Array;
export type FeatureStorage = "float32" | "float64";

/** What the rows of a table know about the node-run they came from. */
export interface RunInfo {
  nodeId: string;
  jobId: string;
  app: string;
  input: string;
  /** The node-run's anomaly ("none" for healthy). */
  anomaly: string;
  intensity: string;
}

export interface FeatureTable {
  /** Feature names, `<stat>_<metric>` as in E2EWatch (e.g. `perc95_MemFree::meminfo`). */
  names: string[];
  /** `columns[f][r]`: feature `names[f]` of window `r`. */
  columns: FeatureColumn[];
  nRows: number;
  /** Row metadata: which node-run (index into `runs`) each window came from. */
  runIndex: Int32Array;
  /** Timestamp of each window's last sample. */
  windowEnd: Float64Array;
  /** Class of each window as an index into `labels`. */
  labelCode: Uint8Array;
  /** Class names; "none" is the healthy class and always index 0. */
  labels: string[];
  runs: RunInfo[];
}

/** A plain numeric matrix, column-major, as models take it. */
export interface ColumnMatrix {
  nRows: number;
  columns: ArrayLike<number>[];
}

/** Bytes held by a table's columns and row metadata (not its strings). */
export function featureTableBytes(table: FeatureTable): number {
  let bytes = table.runIndex.byteLength + table.windowEnd.byteLength + table.labelCode.byteLength;
  for (const c of table.columns) bytes += c.byteLength;
  return bytes;
}

/** The same rows with only the named columns, sharing the column arrays (no copy). */
export function selectColumns(table: FeatureTable, names: readonly string[]): FeatureTable {
  const index = new Map(table.names.map((n, i) => [n, i]));
  const columns = names.map((n) => {
    const i = index.get(n);
    if (i === undefined) throw new Error(`selectColumns: no feature '${n}' in the table`);
    return table.columns[i];
  });
  return { ...table, names: [...names], columns };
}

/** The given rows (in the given order), copying columns and row metadata. */
export function takeRows(table: FeatureTable, rows: ArrayLike<number>): FeatureTable {
  const n = rows.length;
  const pick = <T extends Float32Array | Float64Array | Int32Array | Uint8Array>(src: T, make: (len: number) => T): T => {
    const out = make(n);
    for (let i = 0; i < n; i++) out[i] = src[rows[i]];
    return out;
  };
  return {
    ...table,
    nRows: n,
    columns: table.columns.map((c) => pick(c, (len) => (c instanceof Float32Array ? new Float32Array(len) : new Float64Array(len)) as typeof c)),
    runIndex: pick(table.runIndex, (len) => new Int32Array(len)),
    windowEnd: pick(table.windowEnd, (len) => new Float64Array(len)),
    labelCode: pick(table.labelCode, (len) => new Uint8Array(len)),
  };
}

/**
 * Builds a table run by run without knowing the row count in advance. Columns grow by
 * a quarter at a time, one column after another (a new array, copy, drop the old), so
 * growing holds at most the table, its unused quarter and one column; `finish()` trims
 * them the same way. `expectedRows`, when known, sizes the columns up front.
 */
export class FeatureTableBuilder {
  readonly names: string[];
  private readonly storage: FeatureStorage;
  private columns: FeatureColumn[];
  private runIndex = new Int32Array(0);
  private windowEnd = new Float64Array(0);
  private labelCode = new Uint8Array(0);
  private capacity = 0;
  private nRows = 0;
  private readonly labels: string[] = ["none"];
  private readonly labelIndex = new Map<string, number>([["none", 0]]);
  private readonly runs: RunInfo[] = [];

  constructor(names: readonly string[], storage: FeatureStorage = "float32", expectedRows = 0) {
    this.names = [...names];
    this.storage = storage;
    this.columns = this.names.map(() => this.column(0));
    if (expectedRows > 0) this.resize(expectedRows);
  }

  private column(length: number): FeatureColumn {
    return this.storage === "float32" ? new Float32Array(length) : new Float64Array(length);
  }

  private resize(capacity: number): void {
    for (let f = 0; f < this.columns.length; f++) {
      const next = this.column(capacity);
      next.set(this.columns[f].subarray(0, this.nRows));
      this.columns[f] = next;
    }
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(old: T, make: (len: number) => T): T => {
      const next = make(capacity);
      next.set(old.subarray(0, this.nRows));
      return next;
    };
    this.runIndex = grow(this.runIndex, (len) => new Int32Array(len));
    this.windowEnd = grow(this.windowEnd, (len) => new Float64Array(len));
    this.labelCode = grow(this.labelCode, (len) => new Uint8Array(len));
    this.capacity = capacity;
  }

  private code(label: string): number {
    let c = this.labelIndex.get(label);
    if (c === undefined) {
      c = this.labels.length;
      if (c > 255) throw new Error("FeatureTableBuilder: more than 256 classes");
      this.labels.push(label);
      this.labelIndex.set(label, c);
    }
    return c;
  }

  /**
   * Appends the windows of one node-run. `values` is feature-major (`values[f * count + k]`)
   * over `sourceIndex.length` features: column f of the table takes feature
   * `sourceIndex[f]` of the block (-1 = NaN, for a metric the run lacks).
   */
  append(run: RunInfo, count: number, values: Float64Array, windowEnd: Float64Array, anomalous: Uint8Array, sourceIndex: Int32Array): void {
    if (count === 0) {
      this.runs.push(run);
      return;
    }
    if (this.nRows + count > this.capacity) this.resize(Math.max(1024, Math.ceil((this.nRows + count) * 1.25)));
    const r0 = this.nRows;
    const runNo = this.runs.length;
    this.runs.push(run);
    const anomalyCode = this.code(run.anomaly);
    for (let k = 0; k < count; k++) {
      this.runIndex[r0 + k] = runNo;
      this.windowEnd[r0 + k] = windowEnd[k];
      this.labelCode[r0 + k] = anomalous[k] === 1 ? anomalyCode : 0;
    }
    for (let f = 0; f < this.columns.length; f++) {
      const col = this.columns[f];
      const src = sourceIndex[f];
      if (src < 0) col.fill(NaN, r0, r0 + count);
      else col.set(values.subarray(src * count, (src + 1) * count), r0);
    }
    this.nRows += count;
  }

  /** The finished table; the builder must not be used afterwards. */
  finish(): FeatureTable {
    if (this.capacity !== this.nRows) this.resize(this.nRows);
    return {
      names: this.names,
      columns: this.columns,
      nRows: this.nRows,
      runIndex: this.runIndex,
      windowEnd: this.windowEnd,
      labelCode: this.labelCode,
      labels: this.labels,
      runs: this.runs,
    };
  }
}
