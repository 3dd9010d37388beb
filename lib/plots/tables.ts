/**
 * Rows for `showTable` (plain values, one object a row): an experiment's runs, and the
 * mean of each metric in a few node-runs side by side.
 */
import type { ExperimentResult } from "../evaluation/results";
import type { NodeRun } from "../telemetry/noderun";
import type { Cell } from "./notebook";

/**
 * One row per run (fold, held-out application or input): test windows, macro-F1,
 * alarm rates in percent and each class's F1 (empty where the run does not test the class).
 */
export function runRows(result: ExperimentResult): Record<string, Cell>[] {
  const labels = result.runs[0]?.confusion.labels ?? [];
  return result.runs.map((run) => {
    const row: Record<string, Cell> = {
      model: result.model,
      "held out": run.heldOut,
      "test windows": run.sizes?.testWindows ?? run.confusion.matrix.reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0),
      "macro-F1": run.macroF1,
      "false alarms %": 100 * run.falseAlarmRate,
      "misses %": 100 * run.anomalyMissRate,
    };
    for (const l of labels) row[`F1 ${l}`] = run.perClass[l].support > 0 ? run.perClass[l].f1 : null;
    return row;
  });
}

/** Mean of a metric over a run's samples, NaN left out (NaN when it has none or lacks the metric). */
export function metricMean(run: NodeRun, metric: string): number {
  const i = run.metrics.indexOf(metric);
  if (i < 0) return NaN;
  let sum = 0;
  let n = 0;
  for (const v of run.values[i]) {
    if (v === v) {
      sum += v;
      n++;
    }
  }
  return n > 0 ? sum / n : NaN;
}

/**
 * One row per metric: its mean in each run (columns named by `names`, default the node
 * ids), and each later run's mean relative to the first run's (`x first`).
 */
export function metricMeanRows(runs: readonly NodeRun[], metrics: readonly string[], names?: readonly string[]): Record<string, Cell>[] {
  if (runs.length === 0) throw new Error("metricMeanRows: no node-runs");
  const cols = names ?? runs.map((r) => r.nodeId);
  if (cols.length !== runs.length) throw new Error(`metricMeanRows: ${runs.length} runs but ${cols.length} names`);
  return metrics.map((metric) => {
    const means = runs.map((r) => metricMean(r, metric));
    const row: Record<string, Cell> = { metric };
    means.forEach((m, k) => {
      row[cols[k]] = Number.isNaN(m) ? null : m;
      if (k > 0) row[`${cols[k]} x first`] = means[0] !== 0 && !Number.isNaN(m) && !Number.isNaN(means[0]) ? m / means[0] : null;
    });
    return row;
  });
}
