/**
 * The one pipeline behind every experiment (DESIGN.md, data flow):
 *
 *   feature table -> split over node-runs -> KS/FDR selection (training rows only)
 *   -> min-max scaling (fitted on training rows) -> model -> window predictions -> metrics
 *
 * The feature table is computed once and shared by all splits; selection and scaling
 * are refitted per split so no test window informs them.
 */
import { createHash } from "node:crypto";
import type { FeatureTable } from "../features/table";
import { selectColumns, takeRows } from "../features/table";
import { FeatureSelector } from "../features/selector";
import { MinMaxScaler } from "../features/scaler";
import { createModel } from "../models/registry";
import type { Classifier } from "../models/classifier";
import { WorkerPool, defaultThreadCount } from "../parallel/pool";
import { stratifiedKFold } from "../evaluation/kfold";
import { groupedStratifiedKFold } from "../evaluation/group-kfold";
import { leaveOneApplicationOut, leaveOneInputOut } from "../evaluation/leave-group-out";
import { rowsOf, type Split } from "../evaluation/split";
import { evaluateRun, summarizeRuns, type ExperimentName, type ExperimentResult, type Json, type RunResult } from "../evaluation/results";
import { InputError } from "../util/errors";
import type { ProgressEvent, ProgressFn } from "../util/progress";
import { modelParams, type ExperimentConfig } from "./config";

/** Node-runs that have at least one window (the others cannot be trained or tested on). */
export function runsWithWindows(table: FeatureTable): Int32Array {
  const has = new Uint8Array(table.runs.length);
  for (let r = 0; r < table.nRows; r++) has[table.runIndex[r]] = 1;
  const out: number[] = [];
  has.forEach((h, i) => h && out.push(i));
  return Int32Array.from(out);
}

/** The splits of an experiment, over node-run indices of `table.runs`. */
export function experimentSplits(experiment: ExperimentName, table: FeatureTable, config: ExperimentConfig): Split[] {
  const usable = runsWithWindows(table);
  if (usable.length === 0) throw new InputError("the data set has no windows: every node-run is shorter than trim + window + trim");
  const runs = Array.from(usable, (i) => table.runs[i]);
  let local: Split[];
  switch (experiment) {
    case "default": {
      const labels = runs.map((r) => r.anomaly);
      local = config.group === "job" ? groupedStratifiedKFold(labels, runs.map((r) => r.jobId), config.folds, config.seed) : stratifiedKFold(labels, config.folds, config.seed);
      break;
    }
    case "unknown-apps":
      local = leaveOneApplicationOut(runs);
      break;
    case "unknown-inputs":
      local = leaveOneInputOut(runs, config.inputUnit);
      break;
  }
  // Map positions in `usable` back to node-run indices of the table.
  const back = (a: Int32Array): Int32Array => a.map((i) => usable[i]);
  return local.map((s) => ({ heldOut: s.heldOut, train: back(s.train), test: back(s.test) }));
}

export interface SplitOutcome {
  run: RunResult;
  /** Predicted class code of every test window, in test-row order. */
  predicted: Int32Array;
  testRows: Int32Array;
  selected: string[];
  /** Feature selection (0 when it was shared from an earlier model's run of this split). */
  selectionSeconds: number;
  /** Scaling and model fit. */
  trainSeconds: number;
  predictSeconds: number;
  /** The fitted pieces, for saving a model bundle. */
  selector: FeatureSelector | undefined;
  scaler: MinMaxScaler;
  model: Classifier;
}

export interface SplitOptions {
  pool?: WorkerPool;
  onProgress?: ProgressFn;
  /**
   * Selections already fitted, by `selectionKey`: the selection depends on the training
   * rows and the FDR settings only, so models compared on one split share it.
   */
  selections?: Map<string, FeatureSelector>;
}

/** What a feature selection depends on: the feature and FDR settings and the training rows (hashed). */
export function selectionKey(trainRows: Int32Array, config: ExperimentConfig): string {
  const hash = createHash("sha256").update(new Uint8Array(trainRows.buffer, trainRows.byteOffset, trainRows.byteLength)).digest("hex");
  return JSON.stringify([config.features, config.selection, hash]);
}

/** What fitting the pipeline on some rows of a table learns. */
export interface FittedPipeline {
  /** Undefined when selection is off. */
  selector: FeatureSelector | undefined;
  scaler: MinMaxScaler;
  model: Classifier;
  /** Features the model takes, in column order (all of them when the FDR filter kept none). */
  selected: string[];
  /** Feature selection (0 when it was shared from an earlier model's fit on the same rows). */
  selectionSeconds: number;
  /** Scaling and model fit. */
  trainSeconds: number;
}

/** What the feature selection of some training rows chose. */
export interface FittedSelection {
  /** Undefined when selection is off. */
  selector: FeatureSelector | undefined;
  /** Features kept, in column order (all of them when selection is off or kept none). */
  names: string[];
}

/**
 * The KS/FDR selection on `trainRows` (reused from `options.selections` when these rows
 * were selected on before). When the FDR filter keeps no feature at all (tiny data),
 * every feature is used.
 */
export async function fitSelection(table: FeatureTable, trainRows: Int32Array, config: ExperimentConfig, options: SplitOptions = {}): Promise<FittedSelection> {
  if (!config.selection.enabled) return { selector: undefined, names: table.names };
  const key = selectionKey(trainRows, config);
  let selector = options.selections?.get(key);
  if (selector === undefined) {
    selector = new FeatureSelector({ alpha: config.selection.alpha, rule: config.selection.rule });
    if (options.pool !== undefined) await selector.fitParallel(table, trainRows, options.pool, options.onProgress);
    else selector.fit(table, trainRows);
    options.selections?.set(key, selector);
  }
  return { selector, names: selector.selected.length > 0 ? selector.selected : table.names };
}

/**
 * Selection, scaling and training on `trainRows` of `table`: what a split trains on
 * and what a model bundle is trained on (all rows).
 */
export async function fitPipeline(table: FeatureTable, trainRows: Int32Array, config: ExperimentConfig, options: SplitOptions = {}): Promise<FittedPipeline> {
  const selectionStart = performance.now();
  const { selector, names } = await fitSelection(table, trainRows, config, options);
  const selectionSeconds = (performance.now() - selectionStart) / 1000;
  const started = performance.now();
  const selectedTable = selectColumns(table, names);
  const scaler = new MinMaxScaler().fit(selectedTable, trainRows);
  // The copy of the training rows is ours: scale it in place (no second copy at scale).
  const train = scaler.transformInPlace(takeRows(selectedTable, trainRows));
  const model = createModel(config.model, modelParams(config) as object);
  await model.fit(train, train.labelCode, { nClasses: table.labels.length, pool: options.pool, onProgress: options.onProgress });
  return { selector, scaler, model, selected: names, selectionSeconds, trainSeconds: (performance.now() - started) / 1000 };
}

/**
 * Selection, scaling, training and prediction for one split. When the FDR filter keeps
 * no feature at all (tiny data), every feature is used and the run says so.
 */
export async function runSplit(table: FeatureTable, split: Pick<Split, "heldOut" | "train" | "test">, config: ExperimentConfig, options: SplitOptions = {}): Promise<SplitOutcome> {
  const trainRows = rowsOf(split.train, table.runIndex);
  const testRows = rowsOf(split.test, table.runIndex);
  if (trainRows.length === 0) throw new InputError(`split '${split.heldOut}': no training windows`);
  const { selector, scaler, model, selected: names, selectionSeconds, trainSeconds } = await fitPipeline(table, trainRows, config, options);
  const selected = selectColumns(table, names);

  const predictStart = performance.now();
  const test = scaler.transformInPlace(takeRows(selected, testRows));
  const predicted = testRows.length > 0 ? model.predict(test) : new Int32Array(0);
  const predictSeconds = (performance.now() - predictStart) / 1000;

  const run = evaluateRun(split.heldOut, test.labelCode, predicted, table.labels, {
    runIndex: test.runIndex,
    windowEnd: test.windowEnd,
    bootstrap: config.bootstrap > 0 ? { resamples: config.bootstrap, seed: config.seed } : undefined,
    filterWindows: config.filterWindow,
    sizes: { trainRuns: split.train.length, testRuns: split.test.length, trainWindows: trainRows.length, testWindows: testRows.length },
  });
  (run as RunResult & { selectedFeatures: number }).selectedFeatures = names === table.names && config.selection.enabled ? 0 : names.length;
  return { run, predicted, testRows, selected: names, selectionSeconds, trainSeconds, predictSeconds, selector, scaler, model };
}

export interface ExperimentOptions {
  /** Shared worker pool (default: one of `config.threads` threads, closed at the end). */
  pool?: WorkerPool;
  onProgress?: ProgressFn;
  /** Which data set produced the features (named in the results). */
  dataset: string;
  /** Seconds spent computing (or loading) the features, recorded in the timing. */
  featuresSeconds?: number;
  /** Called after each split with its result (for live logging). */
  onSplit?: (outcome: SplitOutcome, index: number, total: number) => void;
  /** Shared selections (see SplitOptions.selections). */
  selections?: Map<string, FeatureSelector>;
}

/** The configuration as recorded in results files. */
export function configJson(config: ExperimentConfig): { [key: string]: Json } {
  return JSON.parse(JSON.stringify({ ...config, modelParams: { ...modelParams(config), threads: undefined } })) as { [key: string]: Json };
}

/** Runs one experiment over all its splits and returns its results (DESIGN.md schema). */
export async function runExperiment(experiment: ExperimentName, table: FeatureTable, config: ExperimentConfig, options: ExperimentOptions): Promise<ExperimentResult & { outcomes: SplitOutcome[] }> {
  const splits = experimentSplits(experiment, table, config);
  const own = options.pool === undefined;
  const pool = options.pool ?? new WorkerPool(config.threads ?? defaultThreadCount());
  const outcomes: SplitOutcome[] = [];
  try {
    for (let i = 0; i < splits.length; i++) {
      options.onProgress?.({ stage: `${experiment} ${config.model}`, done: i, total: splits.length });
      // Within a split: selection, binning and trees, which take minutes at the paper's scale.
      const stage = `${experiment} ${config.model} ${i + 1}/${splits.length}`;
      const onProgress = options.onProgress && ((e: ProgressEvent) => options.onProgress!({ ...e, stage: `${stage}: ${e.stage}` }));
      const outcome = await runSplit(table, splits[i], config, { pool, selections: options.selections, onProgress });
      outcomes.push(outcome);
      options.onSplit?.(outcome, i, splits.length);
    }
    options.onProgress?.({ stage: `${experiment} ${config.model}`, done: splits.length, total: splits.length });
  } finally {
    if (own) await pool.close();
  }
  const runs = outcomes.map((o) => o.run);
  return {
    experiment,
    model: config.model,
    dataset: options.dataset,
    config: configJson(config),
    runs,
    summary: summarizeRuns(runs),
    timing: {
      featuresSeconds: options.featuresSeconds ?? 0,
      selectionSeconds: outcomes.reduce((s, o) => s + o.selectionSeconds, 0),
      trainSeconds: outcomes.reduce((s, o) => s + o.trainSeconds, 0),
      predictSeconds: outcomes.reduce((s, o) => s + o.predictSeconds, 0),
    },
    outcomes,
  };
}
