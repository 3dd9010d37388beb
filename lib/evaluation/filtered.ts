/**
 * The window filters applied to a whole test set: each node-run's windows are taken in
 * time order (by window end; rows with equal ends keep their row order), filtered as one
 * sequence, and written back to their rows. Then the usual metrics on the filtered labels.
 */
import { InputError } from "../util/errors";
import { consecutiveFilter, majorityFilter } from "./filters";
import { classificationReport, healthyCode, HEALTHY, type ClassificationReport } from "./metrics";

/** Groups row indices by node-run, each group in time order. */
export function rowsByRun(runIndex: ArrayLike<number>, windowEnd: ArrayLike<number>): Int32Array[] {
  if (runIndex.length !== windowEnd.length) throw new InputError(`runIndex has ${runIndex.length} rows but windowEnd has ${windowEnd.length}`);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < runIndex.length; i++) {
    const g = groups.get(runIndex[i]);
    if (g === undefined) groups.set(runIndex[i], [i]);
    else g.push(i);
  }
  return [...groups.values()].map((rows) => Int32Array.from(rows.sort((a, b) => windowEnd[a] - windowEnd[b] || a - b)));
}

/** Applies a sequence filter to every node-run's windows; returns filtered labels in row order. */
export function filterPerRun(yPred: ArrayLike<number>, runIndex: ArrayLike<number>, windowEnd: ArrayLike<number>, filter: (seq: Uint8Array) => Uint8Array): Uint8Array {
  if (yPred.length !== runIndex.length) throw new InputError(`y_pred has ${yPred.length} rows but runIndex has ${runIndex.length}`);
  const out = new Uint8Array(yPred.length);
  for (const rows of rowsByRun(runIndex, windowEnd)) {
    const seq = new Uint8Array(rows.length);
    for (let k = 0; k < rows.length; k++) seq[k] = yPred[rows[k]];
    const filtered = filter(seq);
    for (let k = 0; k < rows.length; k++) out[rows[k]] = filtered[k];
  }
  return out;
}

export interface FilteredReports {
  /** The filter window C both filters used. */
  c: number;
  majority: ClassificationReport;
  consecutive: ClassificationReport;
}

/** Metrics after each of the two filters with window `c` (see filters.ts for their definitions). */
export function filteredReports(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, runIndex: ArrayLike<number>, windowEnd: ArrayLike<number>, labels: string[], c: number, healthy = HEALTHY): FilteredReports {
  const healthyIndex = healthyCode(labels, healthy);
  const majority = filterPerRun(yPred, runIndex, windowEnd, (seq) => majorityFilter(seq, c));
  const consecutive = filterPerRun(yPred, runIndex, windowEnd, (seq) => consecutiveFilter(seq, c, healthyIndex));
  return {
    c,
    majority: classificationReport(yTrue, majority, labels, healthy),
    consecutive: classificationReport(yTrue, consecutive, labels, healthy),
  };
}
