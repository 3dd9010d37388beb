/**
 * The feature table: windows as rows, features as columns, shared by feature
 * selection, scaling, models and metrics without copies. Columns are separate typed
 * arrays (column-major), so selecting features keeps references instead of copying,
 * and a model bins column by column.
 */

/** One feature column; float32 is enough for storage and trees, statistics are computed in float64. */
export type FeatureColumn = Float32Array | Float64Array;

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
  /** Class names; "none" is the healthy class. */
  labels: string[];
  runs: RunInfo[];
}

/** A plain numeric matrix, column-major, as models take it. */
export interface ColumnMatrix {
  nRows: number;
  columns: ArrayLike<number>[];
}
