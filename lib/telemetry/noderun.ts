/**
 * The in-memory unit of telemetry: one node of one job, sampled at 1 Hz, with the
 * labels the data set gives it. Every reader (contract CSV, LDMS store_csv, E2EWatch
 * runtime CSV, pandas HDF5, the synthetic generator) produces these, and windowing and
 * features consume them.
 */

/** What a data set says about a node-run (DESIGN.md, `metadata.csv`). */
export interface RunLabel {
  /** Application name, e.g. "sw4lite"; "" when the source does not say. */
  app: string;
  /** Input deck / problem setting; "" when unknown. */
  input: string;
  /** Anomaly type: "none" for a healthy run, "" when unlabelled. */
  anomaly: string;
  /** Anomaly intensity as written by the source, e.g. "u95", "10M"; "" when none. */
  intensity: string;
  /** Seconds from the run's first sample when the anomaly starts; null = whole run. */
  anomalyStart: number | null;
  /** Seconds from the run's first sample when the anomaly ends; null = whole run. */
  anomalyEnd: number | null;
  /** Further metadata columns, kept as text. */
  extra?: Record<string, string>;
}

export interface NodeRun {
  nodeId: string;
  jobId: string;
  label: RunLabel;
  /**
   * Sample times in seconds (as in the source: epoch seconds for real data), strictly
   * increasing, one per second after the reader's alignment.
   */
  timestamps: Float64Array;
  /** Metric names in E2EWatch form, `<metric>::<sampler>` (e.g. `MemFree::meminfo`). */
  metrics: string[];
  /**
   * Column-major values, `values[m][t]` for metric `metrics[m]` at `timestamps[t]`.
   * Float64 because levels such as MemFree (~1e8 kB) change by a few kB and counters
   * reach ~1e11 before differencing. Counters are already per-second differences.
   * NaN marks a missing sample.
   */
  values: Float64Array[];
  /**
   * The second (same clock as `timestamps`) of the node's first raw sample in the
   * source, when a reader started the run later (alignment of samplers, first counter
   * difference). Anomaly intervals measured from the start of a collection (HPAS's
   * `ST<start>_ET<end>`) are converted with it. Absent: the run starts at its first sample.
   */
  sourceStart?: number;
}

/** A healthy-run label with everything else unknown. */
export function unlabelled(): RunLabel {
  return { app: "", input: "", anomaly: "", intensity: "", anomalyStart: null, anomalyEnd: null };
}

/** Number of samples in a run. */
export function runLength(run: NodeRun): number {
  return run.timestamps.length;
}
