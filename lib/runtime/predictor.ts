/**
 * `RuntimePredictor`: a loaded model bundle that turns windows of telemetry into a label
 * and a confidence, exactly as the experiments' pipeline would: the bundle's window
 * features, rounded to the training table's precision, min-max scaled, then the model.
 *
 * - Recorded node-runs (`predictRun`) are windowed as in training: `trim` samples
 *   dropped at both ends, windows of `window` samples every `stride`. So a data set's
 *   predictions equal what an experiment's model sees for the same windows.
 * - A live window (`predictWindow`) is the last `window` samples of a run whose end is
 *   not known yet; follow mode only trims the start (follow.ts).
 * - Features are computed only for the metrics the selected features use
 *   (`requiredMetrics`); each metric's statistics depend on its own column alone, so
 *   the values are those of a full extraction.
 * - Missing metrics: a run that lacks a required metric is refused (`MissingMetricsError`,
 *   one line listing them) unless `allowMissing`; then every feature of a lacking metric
 *   takes the training median stored in the bundle. Missing samples inside a run (NaN
 *   from long gaps) are not imputed: they reach the model as NaN, as in training, and
 *   the trees send them the way they learned.
 * - Confidence is the model's probability of the predicted class (the forest's vote
 *   share, the boosted model's softmax).
 */
import type { FeatureConfig } from "../features/config";
import { configFeatureNames, nodeRunFeatures } from "../features/noderun-features";
import { latestWindowFeatures } from "../features/latest";
import { MinMaxScaler } from "../features/scaler";
import type { FeatureTable } from "../features/table";
import { modelFromJSON } from "../models/registry";
import type { Classifier } from "../models/classifier";
import { isCounterName } from "../telemetry/counters";
import type { NodeRun } from "../telemetry/noderun";
import { InputError } from "../util/errors";
import { type ModelBundle, featureMetrics, readBundle } from "./bundle";

/** Predictions for some windows: class codes into `labels`, and the probability of each. */
export interface WindowPredictions {
  label: Uint8Array;
  confidence: Float64Array;
}

/** Windows of one node-run: when each ends, and what the model says. */
export interface RunPredictions extends WindowPredictions {
  windowEnd: Float64Array;
  /** Required metrics the run lacked (imputed with training medians). */
  imputed: string[];
}

/** A node-run lacks metrics the model needs. */
export class MissingMetricsError extends InputError {
  constructor(
    readonly missing: string[],
    where: string,
    file?: string,
  ) {
    super(`${where} lacks ${missing.length} metric(s) the model needs: ${listNames(missing)} (--allow-missing imputes them with training medians)`, { file });
  }
}

/** "a, b, c, ... and N more" for messages. */
export function listNames(names: readonly string[], shown = 5): string {
  return names.length <= shown ? names.join(", ") : `${names.slice(0, shown).join(", ")}, ... and ${names.length - shown} more`;
}

export interface PredictorOptions {
  /** Impute metrics a run lacks with the training medians instead of refusing the run. */
  allowMissing?: boolean;
}

export class RuntimePredictor {
  readonly bundle: ModelBundle;
  readonly labels: readonly string[];
  readonly features: FeatureConfig;
  /** Metrics the selected features are computed from, in the bundle's metric order. */
  readonly requiredMetrics: readonly string[];
  readonly allowMissing: boolean;
  private readonly model: Classifier;
  private readonly scaler: MinMaxScaler;
  private readonly medians: Float64Array;
  private readonly round: (x: number) => number;
  /** Selected feature f is feature `blockIndex[f]` of a block over `requiredMetrics`. */
  private readonly blockIndex: Int32Array;
  /** Selected feature f is computed from `requiredMetrics[metricOf[f]]`. */
  private readonly metricOf: Int32Array;
  private readonly blockFeatures: number;

  constructor(bundle: ModelBundle, options: PredictorOptions = {}) {
    this.bundle = bundle;
    this.labels = bundle.labels;
    this.features = { window: bundle.features.window, stride: bundle.features.stride, trim: bundle.features.trim, spectral: bundle.features.spectral, numerics: bundle.features.numerics };
    this.allowMissing = options.allowMissing === true;
    this.model = modelFromJSON(bundle.model);
    if (this.model.nFeatures !== bundle.selected.length) throw new InputError(`model bundle: the model takes ${this.model.nFeatures} features, the bundle selects ${bundle.selected.length}`);
    if (this.model.nClasses !== bundle.labels.length) throw new InputError(`model bundle: the model has ${this.model.nClasses} classes, the bundle names ${bundle.labels.length}`);
    this.scaler = MinMaxScaler.fromJSON(bundle.scaler);
    this.medians = Float64Array.from(bundle.imputation.values, (v) => v ?? NaN);
    this.round = bundle.features.storage === "float32" ? Math.fround : (x: number) => x;

    const byBundle = featureMetrics(bundle.selected, bundle.metrics, bundle.features);
    const used = [...new Set(byBundle)].sort((a, b) => a - b);
    this.requiredMetrics = used.map((m) => bundle.metrics[m]);
    const local = new Map(used.map((m, i) => [m, i]));
    this.metricOf = byBundle.map((m) => local.get(m)!);
    const names = configFeatureNames(this.requiredMetrics, this.features);
    this.blockFeatures = names.length;
    const at = new Map(names.map((n, i) => [n, i]));
    this.blockIndex = Int32Array.from(bundle.selected, (n) => at.get(n)!);
  }

  static fromFile(file: string, options: PredictorOptions = {}): RuntimePredictor {
    const bundle = readBundle(file);
    try {
      return new RuntimePredictor(bundle, options);
    } catch (e) {
      if (e instanceof InputError && e.file === undefined) throw new InputError(e.message.replace(/^model bundle: /, ""), { file });
      throw e;
    }
  }

  /** Required metrics absent from `metrics`. */
  missingMetrics(metrics: readonly string[]): string[] {
    const have = new Set(metrics);
    return this.requiredMetrics.filter((m) => !have.has(m));
  }

  /**
   * Required metrics the training data had as counters but this e2ewatch's catalogue
   * calls levels, or the reverse: readers would then process them differently.
   */
  counterDisagreements(): string[] {
    const counters = new Set(this.bundle.counters);
    return this.requiredMetrics.filter((m) => counters.has(m) !== isCounterName(m));
  }

  /** Refuses (or, with allowMissing, accepts) a run lacking metrics; returns what will be imputed. */
  checkMetrics(metrics: readonly string[], where: string, file?: string): string[] {
    const missing = this.missingMetrics(metrics);
    if (missing.length > 0 && !this.allowMissing) throw new MissingMetricsError(missing, where, file);
    return missing;
  }

  /**
   * Predicts windows from a feature-major block over `requiredMetrics` (as
   * `nodeRunFeatures(run, features, requiredMetrics)` gives: `values[f * count + k]`).
   * Features of the metrics in `imputed` take the training medians.
   */
  predictBlock(values: Float64Array, count: number, imputed: readonly string[] = []): WindowPredictions {
    if (values.length !== this.blockFeatures * count) throw new Error(`predictBlock: ${values.length} values are not ${this.blockFeatures} features x ${count} windows`);
    const lacking = new Set(imputed.map((m) => this.requiredMetrics.indexOf(m)));
    const columns = Array.from(this.blockIndex, (src, f) => {
      const col = this.bundle.features.storage === "float32" ? new Float32Array(count) : new Float64Array(count);
      if (lacking.has(this.metricOf[f])) col.fill(this.round(this.medians[f]));
      else for (let k = 0; k < count; k++) col[k] = values[src * count + k];
      return col;
    });
    return this.predictColumns(columns, count);
  }

  /** Predicts from unscaled selected-feature columns (already at the bundle's precision). */
  predictColumns(columns: (Float32Array | Float64Array)[], count: number): WindowPredictions {
    if (count === 0) return { label: new Uint8Array(0), confidence: new Float64Array(0) };
    const table: FeatureTable = { names: this.bundle.selected, columns, nRows: count, runIndex: new Int32Array(count), windowEnd: new Float64Array(count), labelCode: new Uint8Array(count), labels: [...this.labels], runs: [] };
    const scaled = this.scaler.transform(table);
    const predicted = this.model.predict(scaled);
    const proba = this.model.predictProba(scaled);
    const label = new Uint8Array(count);
    const confidence = new Float64Array(count);
    for (let k = 0; k < count; k++) {
      label[k] = predicted[k];
      confidence[k] = proba.values[k * proba.nClasses + predicted[k]];
    }
    return { label, confidence };
  }

  /** Every window of a recorded node-run, trimmed at both ends as in training. */
  predictRun(run: NodeRun, where = `node ${run.nodeId} of job ${run.jobId}`): RunPredictions {
    const imputed = this.checkMetrics(run.metrics, where);
    const block = nodeRunFeatures(run, this.features, this.requiredMetrics);
    return { windowEnd: block.windowEnd, ...this.predictBlock(block.values, block.count, imputed), imputed };
  }

  /**
   * The window made of the last `window` samples of `run` (a live run: no trim at the
   * end), or null while it has fewer samples. Runs are checked as in `predictRun`.
   */
  predictWindow(run: NodeRun, where = `node ${run.nodeId} of job ${run.jobId}`): (WindowPredictions & { windowEnd: number; imputed: string[] }) | null {
    const imputed = this.checkMetrics(run.metrics, where);
    const latest = latestWindowFeatures(run, { ...this.features, trim: 0 }, this.requiredMetrics);
    if (latest === null) return null;
    return { windowEnd: latest.windowEnd, ...this.predictBlock(latest.values, 1, imputed), imputed };
  }
}
