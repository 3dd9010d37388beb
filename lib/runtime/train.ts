/**
 * Training a model bundle: the experiments' pipeline (`fitPipeline`: KS/FDR selection,
 * min-max scaling, model) fitted on every window of a data set, packed with what
 * diagnosis needs later (bundle.ts).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ExperimentConfig } from "../experiments/config";
import { datasetFeatures, type DatasetFeaturesOptions } from "../experiments/feature-cache";
import { configJson, fitPipeline, runsWithWindows, type FittedPipeline } from "../experiments/pipeline";
import { configFeatureNames, configStatistics } from "../features/noderun-features";
import { parseFeatureName } from "../features/statistics";
import type { FeatureStorage, FeatureTable } from "../features/table";
import type { Json } from "../evaluation/results";
import { isCounterName } from "../telemetry/counters";
import { readMetadata } from "../telemetry/contract";
import type { WorkerPool } from "../parallel/pool";
import { InputError } from "../util/errors";
import type { ProgressFn } from "../util/progress";
import { BUNDLE_FORMAT, BUNDLE_VERSION, type ModelBundle } from "./bundle";

export function e2ewatchVersion(): string {
  return (require("../../../package.json") as { version: string }).version;
}

/** The metrics of a feature table, in order (its features are `configFeatureNames(metrics)`). */
export function tableMetrics(table: FeatureTable, config: ExperimentConfig["features"]): string[] {
  const first = configStatistics(config)[0];
  const metrics = table.names.map((n) => parseFeatureName(n, [first])?.metric).filter((m): m is string => m !== undefined);
  const expected = configFeatureNames(metrics, config);
  if (expected.length !== table.names.length || expected.some((n, i) => n !== table.names[i])) {
    throw new InputError("the feature table's columns are not the full feature set of its metrics (was it extracted with other settings?)");
  }
  return metrics;
}

/** Median of a column's non-NaN values (mean of the two middle ones for an even count); NaN when it has none. */
export function columnMedian(column: ArrayLike<number>): number {
  const values = Float64Array.from(column).filter((v) => !Number.isNaN(v)).sort();
  const n = values.length;
  if (n === 0) return NaN;
  return n % 2 === 1 ? values[(n - 1) / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

function countBy(items: Iterable<string>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of items) out[x] = (out[x] ?? 0) + 1;
  return out;
}

function generatorManifest(dataset: string): { [key: string]: Json } | null {
  const file = path.join(dataset, "synth-manifest.json");
  if (!fs.existsSync(file)) return null;
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as { [key: string]: Json };
  } catch {
    return null;
  }
}

/**
 * The settings that shape the model (features, selection, model and its parameters, seed);
 * evaluation-only settings and the thread count, which changes nothing, are left out so
 * the bundle's bytes depend on the data and the model alone.
 */
function trainingConfig(config: ExperimentConfig): { [key: string]: Json } {
  const all = configJson(config);
  for (const key of ["folds", "group", "inputUnit", "filterWindow", "bootstrap", "threads"]) delete all[key];
  return all;
}

/** Packs a pipeline fitted on every window of `table` into a bundle. */
export function makeBundle(table: FeatureTable, fitted: FittedPipeline, config: ExperimentConfig, info: { dataset: string }): ModelBundle {
  const metrics = tableMetrics(table, config.features);
  const storage: FeatureStorage = table.columns.length > 0 && table.columns[0] instanceof Float64Array ? "float64" : "float32";
  const index = new Map(table.names.map((n, i) => [n, i]));
  const medians = fitted.selected.map((n) => {
    const m = columnMedian(table.columns[index.get(n)!].subarray(0, table.nRows));
    return Number.isNaN(m) ? null : m;
  });
  const used = runsWithWindows(table);
  const runs = Array.from(used, (i) => table.runs[i]);
  return {
    format: BUNDLE_FORMAT,
    version: BUNDLE_VERSION,
    features: { ...config.features, storage },
    metrics,
    counters: metrics.filter((m) => isCounterName(m)),
    labels: [...table.labels],
    selected: [...fitted.selected],
    imputation: { rule: "training-median", values: medians },
    scaler: fitted.scaler.toJSON(),
    model: fitted.model.toJSON(),
    training: {
      dataset: info.dataset,
      generator: generatorManifest(info.dataset),
      nodeRuns: countBy(runs.map((r) => r.anomaly)),
      windows: countBy(Array.from(table.labelCode.subarray(0, table.nRows), (c) => table.labels[c])),
      intervalRuns: 0,
      apps: [...new Set(runs.map((r) => r.app))].sort(),
      inputs: [...new Set(runs.map((r) => r.input))].sort(),
      config: trainingConfig(config),
      e2ewatchVersion: e2ewatchVersion(),
    },
  };
}

export interface TrainOptions extends Pick<DatasetFeaturesOptions, "cacheDir" | "onSource"> {
  pool?: WorkerPool;
  onProgress?: ProgressFn;
}

export interface TrainResult {
  bundle: ModelBundle;
  table: FeatureTable;
  fitted: FittedPipeline;
  featuresSeconds: number;
  trainSeconds: number;
}

/** Features of `dataset` (cached as for experiments), the pipeline fitted on all windows, and its bundle. */
export async function trainBundle(dataset: string, config: ExperimentConfig, options: TrainOptions = {}): Promise<TrainResult> {
  const t0 = performance.now();
  const table = await datasetFeatures(dataset, config.features, { pool: options.pool, onProgress: options.onProgress, cacheDir: options.cacheDir, onSource: options.onSource });
  const featuresSeconds = (performance.now() - t0) / 1000;
  if (table.nRows === 0) throw new InputError(`no windows to train on: every node-run is shorter than trim + window + trim (${2 * config.features.trim + config.features.window} s)`, { file: dataset });
  const allRows = Int32Array.from({ length: table.nRows }, (_, i) => i);
  const t1 = performance.now();
  const fitted = await fitPipeline(table, allRows, config, { pool: options.pool, onProgress: options.onProgress });
  const trainSeconds = (performance.now() - t1) / 1000;
  const bundle = makeBundle(table, fitted, config, { dataset: path.resolve(dataset) });
  bundle.training.intervalRuns = countIntervalRuns(dataset);
  return { bundle, table, fitted, featuresSeconds, trainSeconds };
}

/** Node-runs of a data set whose anomaly has an interval (from metadata.csv). */
function countIntervalRuns(dataset: string): number {
  return readMetadata(dataset).rows.filter((r) => r.label.anomaly !== "none" && (r.label.anomalyStart !== null || r.label.anomalyEnd !== null)).length;
}
