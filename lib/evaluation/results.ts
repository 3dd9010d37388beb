/**
 * The results contract of DESIGN.md ("Metrics and results"): one `ExperimentResult` per
 * experiment and model, written to `<results>/<experiment>/<model>.json`, with one
 * `RunResult` per split (fold, held-out application or input).
 *
 * `evaluateRun` turns one split's window predictions into a `RunResult`;
 * `summarizeRuns` gives the experiment's summary. Summary conventions: means over runs;
 * standard deviations are sample ones (n-1; 0 for a single run); a class's mean F1 is
 * over the runs whose test data contain that class (support > 0), because in a run
 * without it scikit-learn's zero_division rule gives F1 = 0 whatever the model did.
 * `summary.macroF1` is the mean, as in DESIGN.md's minimal schema, with `macroF1Std`,
 * `macroF1Min` and `macroF1Max` beside it.
 */
import { InputError } from "../util/errors";
import { bootstrapMacroF1, type BootstrapOptions, type MacroF1Interval } from "./bootstrap";
import { filteredReports } from "./filtered";
import { classificationReport, HEALTHY, type ClassificationReport, type ConfusionMatrix } from "./metrics";

export const EXPERIMENTS = ["default", "unknown-apps", "unknown-inputs"] as const;
export type ExperimentName = (typeof EXPERIMENTS)[number];

/** A JSON value, as `config` holds. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export interface ClassResult {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/** Window-level metrics of one split (before or after a filter). */
export interface WindowMetrics {
  macroF1: number;
  weightedF1: number;
  accuracy: number;
  /** Per class, keys in label order. */
  perClass: Record<string, ClassResult>;
  falseAlarmRate: number;
  anomalyMissRate: number;
  confusion: ConfusionMatrix;
}

/** Metrics after a window filter with window `c`. */
export interface FilteredResult extends WindowMetrics {
  c: number;
}

export interface RunSizes {
  trainRuns: number;
  testRuns: number;
  trainWindows: number;
  testWindows: number;
}

export interface RunResult extends WindowMetrics {
  /** "fold 0", an application or an input. */
  heldOut: string;
  macroF1CI?: MacroF1Interval;
  filtered?: { majority: FilteredResult; consecutive: FilteredResult };
  sizes?: RunSizes;
}

export interface ClassSummary {
  mean: number;
  std: number;
  /** Runs whose test data contain the class. */
  runs: number;
}

export interface RatesSummary {
  macroF1: number;
  falseAlarmRate: number;
  anomalyMissRate: number;
}

export interface ExperimentSummary {
  runs: number;
  /** Mean macro-F1 over runs. */
  macroF1: number;
  macroF1Std: number;
  macroF1Min: number;
  macroF1Max: number;
  weightedF1: number;
  falseAlarmRate: number;
  anomalyMissRate: number;
  /** Mean and std of each class's F1 over the runs that test it; classes never tested are absent. */
  perClassF1: Record<string, ClassSummary>;
  /** Means after the window filters, when every run has them. */
  filtered?: { majority: RatesSummary; consecutive: RatesSummary };
}

export interface Timing {
  featuresSeconds: number;
  /** Feature selection over all runs (optional; absent in results of other tools). */
  selectionSeconds?: number;
  /** Scaling and model fits over all runs (selection excluded). */
  trainSeconds: number;
  predictSeconds: number;
}

export interface ExperimentResult {
  experiment: ExperimentName;
  model: string;
  /** Which data set produced the numbers (path or description); shown in the tables. */
  dataset: string;
  config: { [key: string]: Json };
  runs: RunResult[];
  summary: ExperimentSummary;
  timing: Timing;
}

/** The JSON shape of a report's window metrics. */
export function windowMetrics(report: ClassificationReport): WindowMetrics {
  const perClass: Record<string, ClassResult> = {};
  report.labels.forEach((label, k) => {
    perClass[label] = { precision: report.precision[k], recall: report.recall[k], f1: report.f1[k], support: report.support[k] };
  });
  return {
    macroF1: report.macro.f1,
    weightedF1: report.weighted.f1,
    accuracy: report.accuracy,
    perClass,
    falseAlarmRate: report.falseAlarmRate,
    anomalyMissRate: report.anomalyMissRate,
    confusion: report.confusion,
  };
}

export interface EvaluateOptions {
  /** Node-run of each window: needed for the bootstrap and the filters. */
  runIndex?: ArrayLike<number>;
  /** End time of each window: orders a node-run's windows for the filters. */
  windowEnd?: ArrayLike<number>;
  /** Compute the node-run bootstrap interval of macro-F1 (needs `runIndex`). */
  bootstrap?: BootstrapOptions;
  /** Window C of both filters; filters are skipped when absent (need `runIndex`, `windowEnd`). */
  filterWindows?: number;
  sizes?: RunSizes;
  /** Name of the healthy class; default "none". */
  healthy?: string;
}

/** Metrics of one split: scikit-learn report, alarm rates, and optionally the bootstrap interval and filtered metrics. */
export function evaluateRun(heldOut: string, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: string[], options: EvaluateOptions = {}): RunResult {
  const healthy = options.healthy ?? HEALTHY;
  const run: RunResult = { heldOut, ...windowMetrics(classificationReport(yTrue, yPred, labels, healthy)) };
  if (options.bootstrap !== undefined) {
    if (options.runIndex === undefined) throw new InputError("the macro-F1 bootstrap needs each window's node-run (runIndex)");
    run.macroF1CI = bootstrapMacroF1(yTrue, yPred, options.runIndex, labels.length, options.bootstrap);
  }
  if (options.filterWindows !== undefined) {
    if (options.runIndex === undefined || options.windowEnd === undefined) throw new InputError("the window filters need each window's node-run and end time");
    const f = filteredReports(yTrue, yPred, options.runIndex, options.windowEnd, labels, options.filterWindows, healthy);
    run.filtered = { majority: { c: f.c, ...windowMetrics(f.majority) }, consecutive: { c: f.c, ...windowMetrics(f.consecutive) } };
  }
  if (options.sizes !== undefined) run.sizes = { ...options.sizes };
  return run;
}

function meanOf(values: number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

/** Sample standard deviation (n-1), 0 for fewer than two values. */
function sampleStd(values: number[]): number {
  if (values.length < 2) return 0;
  const m = meanOf(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) * (v - m), 0) / (values.length - 1));
}

function ratesMean(results: WindowMetrics[]): RatesSummary {
  return {
    macroF1: meanOf(results.map((r) => r.macroF1)),
    falseAlarmRate: meanOf(results.map((r) => r.falseAlarmRate)),
    anomalyMissRate: meanOf(results.map((r) => r.anomalyMissRate)),
  };
}

/**
 * The experiment summary over its runs (conventions in the module comment).
 * @throws InputError when there are no runs or runs disagree on the labels.
 */
export function summarizeRuns(runs: RunResult[]): ExperimentSummary {
  if (runs.length === 0) throw new InputError("an experiment needs at least one run to summarize");
  const labels = runs[0].confusion.labels;
  for (const run of runs) {
    if (run.confusion.labels.join("\u0000") !== labels.join("\u0000")) throw new InputError(`run "${run.heldOut}" has labels [${run.confusion.labels.join(", ")}], run "${runs[0].heldOut}" has [${labels.join(", ")}]`);
  }
  const macro = runs.map((r) => r.macroF1);
  const perClassF1: Record<string, ClassSummary> = {};
  for (const label of labels) {
    const f1 = runs.filter((r) => r.perClass[label].support > 0).map((r) => r.perClass[label].f1);
    if (f1.length > 0) perClassF1[label] = { mean: meanOf(f1), std: sampleStd(f1), runs: f1.length };
  }
  const summary: ExperimentSummary = {
    runs: runs.length,
    macroF1: meanOf(macro),
    macroF1Std: sampleStd(macro),
    macroF1Min: Math.min(...macro),
    macroF1Max: Math.max(...macro),
    weightedF1: meanOf(runs.map((r) => r.weightedF1)),
    falseAlarmRate: meanOf(runs.map((r) => r.falseAlarmRate)),
    anomalyMissRate: meanOf(runs.map((r) => r.anomalyMissRate)),
    perClassF1,
  };
  if (runs.every((r) => r.filtered !== undefined)) {
    summary.filtered = { majority: ratesMean(runs.map((r) => r.filtered!.majority)), consecutive: ratesMean(runs.map((r) => r.filtered!.consecutive)) };
  }
  return summary;
}
