/**
 * A model bundle: one versioned JSON file holding everything diagnosis needs, so that a
 * model trained on one machine labels telemetry on another without the training data.
 *
 * - `features`: window, stride, trim, spectral, numerics and the storage precision the
 *   training table used (values are rounded to it before scaling, as in training);
 * - `metrics`: the training data's metrics in order, and `counters`: those that are
 *   cumulative counters (lib/telemetry's catalogue, `isCounterName`), which training saw
 *   as per-second rates;
 * - `selected`: the features the model takes, in column order; `scaler`: the min-max
 *   scaler fitted on them; `imputation`: the training median of each selected feature,
 *   used only for metrics a source lacks (`--allow-missing`);
 * - `labels`: class names by code ("none" is 0); `model`: the model's own JSON;
 * - `training`: what it was trained on (data set, node-runs and windows per class,
 *   applications, inputs, configuration, e2ewatch version).
 *
 * The file has no time stamp: the same data and configuration give the same bytes.
 * A bundle of another format version is refused with a one-line error.
 */
import * as fs from "node:fs";
import { type FeatureConfig, featureConfig } from "../features/config";
import { configFeatureNames, configStatistics } from "../features/noderun-features";
import { parseFeatureName } from "../features/statistics";
import type { MinMaxScalerState } from "../features/scaler";
import type { FeatureStorage } from "../features/table";
import type { ModelJSON } from "../models/classifier";
import type { Json } from "../evaluation/results";
import { InputError } from "../util/errors";

export const BUNDLE_FORMAT = "e2ewatch-bundle";
export const BUNDLE_VERSION = 1;

export interface BundleFeatures extends FeatureConfig {
  /** Precision of the training table's columns; runtime features are rounded to it. */
  storage: FeatureStorage;
}

export interface TrainingSummary {
  /** The data set folder, as resolved when training. */
  dataset: string;
  /** The generator's manifest (preset, seed, ...) when the data set is synthetic. */
  generator: { [key: string]: Json } | null;
  /** Node-runs with at least one window, by their anomaly label. */
  nodeRuns: Record<string, number>;
  /** Training windows by window label. */
  windows: Record<string, number>;
  /** Node-runs whose anomaly covers only an interval. */
  intervalRuns: number;
  apps: string[];
  inputs: string[];
  /** The experiment configuration (features, selection, model and its parameters). */
  config: { [key: string]: Json };
  e2ewatchVersion: string;
}

export interface ModelBundle {
  format: typeof BUNDLE_FORMAT;
  version: number;
  features: BundleFeatures;
  metrics: string[];
  counters: string[];
  labels: string[];
  selected: string[];
  imputation: { rule: "training-median"; values: (number | null)[] };
  scaler: MinMaxScalerState;
  model: ModelJSON;
  training: TrainingSummary;
}

/** The metric behind each selected feature (by index into `metrics`). */
export function featureMetrics(selected: readonly string[], metrics: readonly string[], config: Pick<FeatureConfig, "spectral">): Int32Array {
  const stats = configStatistics(config);
  const index = new Map(metrics.map((m, i) => [m, i]));
  return Int32Array.from(selected, (name) => {
    const parsed = parseFeatureName(name, stats);
    const m = parsed === undefined ? undefined : index.get(parsed.metric);
    if (m === undefined) throw new InputError(`model bundle: feature '${name}' is not a statistic of one of its metrics`);
    return m;
  });
}

/** The bundle as text: one top-level field a line, each value compact. */
export function bundleText(bundle: ModelBundle): string {
  const lines = Object.entries(bundle).map(([key, value]) => `  ${JSON.stringify(key)}: ${JSON.stringify(value)}`);
  return `{\n${lines.join(",\n")}\n}\n`;
}

export function writeBundle(file: string, bundle: ModelBundle): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, bundleText(bundle));
    fs.renameSync(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new InputError(`cannot write the model bundle: ${(e as Error).message}`, { file });
  }
}

/** Reads and checks a bundle file (InputErrors name the file). */
export function readBundle(file: string): ModelBundle {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === "ENOENT" ? "no such model bundle" : `cannot read the model bundle (${code ?? (e as Error).message})`, { file });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not a model bundle: not JSON (${(e as Error).message})`, { file });
  }
  try {
    return checkBundle(json);
  } catch (e) {
    if (e instanceof InputError) throw new InputError(e.message.replace(/^model bundle: /, ""), { file });
    throw e;
  }
}

/** Checks the parsed JSON of a bundle; the model itself is checked when it is loaded. */
export function checkBundle(json: unknown): ModelBundle {
  const b = json as Partial<ModelBundle> | null;
  if (b === null || typeof b !== "object" || Array.isArray(b)) throw new InputError("model bundle: not a model bundle (not a JSON object)");
  if (b.format !== BUNDLE_FORMAT) {
    const hint = (b as { format?: unknown }).format === "e2ewatch-model" ? "; this is a bare model, make a bundle with 'e2ewatch train'" : "";
    throw new InputError(`model bundle: not an e2ewatch model bundle (format ${JSON.stringify(b.format)}, expected "${BUNDLE_FORMAT}")${hint}`);
  }
  if (b.version !== BUNDLE_VERSION) {
    throw new InputError(`model bundle: format version ${JSON.stringify(b.version)} is not supported (this e2ewatch reads version ${BUNDLE_VERSION}); train it again with 'e2ewatch train'`);
  }
  const strings = (v: unknown, what: string): string[] => {
    if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw new InputError(`model bundle: ${what} must be a list of names`);
    return v as string[];
  };
  const metrics = strings(b.metrics, "metrics");
  const selected = strings(b.selected, "selected");
  const labels = strings(b.labels, "labels");
  strings(b.counters, "counters");
  if (labels[0] !== "none") throw new InputError(`model bundle: the first label must be "none", got ${JSON.stringify(labels[0])}`);
  if (b.features === null || typeof b.features !== "object") throw new InputError("model bundle: features settings missing");
  const features = featureConfig(b.features);
  if (b.features.storage !== "float32" && b.features.storage !== "float64") throw new InputError(`model bundle: features storage must be float32 or float64, got ${JSON.stringify(b.features.storage)}`);
  if (selected.length === 0) throw new InputError("model bundle: no selected features");
  const known = new Set(configFeatureNames(metrics, features));
  const unknown = selected.find((n) => !known.has(n));
  if (unknown !== undefined) throw new InputError(`model bundle: selected feature '${unknown}' is not a feature of its metrics`);
  const scaler = b.scaler;
  if (scaler === undefined || scaler === null || !Array.isArray(scaler.names) || scaler.names.length !== selected.length || scaler.names.some((n, i) => n !== selected[i])) {
    throw new InputError("model bundle: the scaler is not fitted on the selected features");
  }
  const imputation = b.imputation;
  if (imputation === undefined || imputation === null || !Array.isArray(imputation.values) || imputation.values.length !== selected.length) {
    throw new InputError("model bundle: imputation must give one value per selected feature");
  }
  if (b.model === null || typeof b.model !== "object") throw new InputError("model bundle: model missing");
  if (b.training === null || typeof b.training !== "object") throw new InputError("model bundle: training summary missing");
  return b as ModelBundle;
}
