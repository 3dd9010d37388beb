/** Small hand-made feature tables for the figure builders' tests. */
import type { FeatureTable, RunInfo } from "../../lib/features/table";

export interface TableRow {
  run: number;
  end: number;
  label: number;
  values: number[];
}

/** A table from explicit rows (columns filled from each row's `values`). */
export function tableOf(names: string[], labels: string[], runs: RunInfo[], rows: TableRow[]): FeatureTable {
  return {
    names,
    columns: names.map((_, f) => Float64Array.from(rows, (r) => r.values[f])),
    nRows: rows.length,
    runIndex: Int32Array.from(rows, (r) => r.run),
    windowEnd: Float64Array.from(rows, (r) => r.end),
    labelCode: Uint8Array.from(rows, (r) => r.label),
    labels,
    runs,
  };
}

export function runInfo(jobId: string, nodeId: string, app: string, anomaly: string, input = "small"): RunInfo {
  return { jobId, nodeId, app, input, anomaly, intensity: anomaly === "none" ? "" : "x" };
}
