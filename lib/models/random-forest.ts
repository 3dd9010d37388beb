/**
 * A random forest classifier with scikit-learn's RandomForestClassifier semantics
 * (bootstrap, Gini, `maxFeatures` drawn per node, probability averaging), grown on
 * quantile-binned features with one tree per worker-thread task. The binned matrix and
 * the labels live in shared memory, so every thread reads the same bytes without a
 * copy; each tree's randomness comes from (seed, tree index), so the forest is the same
 * whatever the thread count.
 */
import type { ColumnMatrix } from "../features/table";
import { InputError } from "../util/errors";
import { QuantileBinner } from "./binning";
import { type ClassProbabilities, type Classifier, type FitOptions, type ModelJSON, argmaxRows, checkFitted, fittedFor, modelHead, readModelHead, withPool } from "./classifier";
import { type EnsembleJSON, TreeEnsemble } from "./ensemble";
import type { ForestTreeTask, GrownForestTree } from "./forest-grow";
import { checkFitInput, checkParamNames, intParam, limitParam } from "./validate";

export type MaxFeatures = "sqrt" | "log2" | "all" | number;

export interface RandomForestParams {
  /** Trees (default 100). */
  nEstimators?: number;
  /** Deepest level of a leaf, the root being 0; null for no limit (default null). */
  maxDepth?: number | null;
  /** Fewest distinct training rows a node needs to be split (default 2). */
  minSamplesSplit?: number;
  /** Fewest distinct training rows in a leaf (default 1). */
  minSamplesLeaf?: number;
  /**
   * Features drawn at each node: 'sqrt' (default) or 'log2' of the feature count, 'all',
   * a whole number (capped at the feature count), or a fraction in (0, 1).
   */
  maxFeatures?: MaxFeatures;
  /** Draw each tree's rows with replacement (default true). */
  bootstrap?: boolean;
  /** 'balanced': weight classes by n / (nClasses * rows of the class); null: equal weights (default). */
  classWeight?: "balanced" | null;
  /** Value bins per feature, 2..255 (default 255). */
  maxBins?: number;
  seed?: number;
  /** Worker threads for fit (default: E2EWATCH_THREADS or all cores; 0 = this thread). Not part of the model. */
  threads?: number;
}

const PARAM_NAMES = ["nEstimators", "maxDepth", "minSamplesSplit", "minSamplesLeaf", "maxFeatures", "bootstrap", "classWeight", "maxBins", "seed", "threads"] as const;

export interface ResolvedForestParams {
  nEstimators: number;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: MaxFeatures;
  bootstrap: boolean;
  classWeight: "balanced" | null;
  maxBins: number;
  seed: number;
}

const GROW_MODULE = require.resolve("./forest-grow");
const KIND = "rf";

export class RandomForestClassifier implements Classifier {
  readonly kind = KIND;
  readonly params: ResolvedForestParams;
  readonly threads: number | undefined;
  nFeatures = 0;
  nClasses = 0;
  featureImportances: Float64Array = new Float64Array(0);
  private trees: TreeEnsemble | undefined;

  constructor(params: RandomForestParams = {}) {
    checkParamNames(KIND, params, PARAM_NAMES);
    this.params = {
      nEstimators: intParam(KIND, "nEstimators", params.nEstimators, 100, 1),
      maxDepth: limitParam(KIND, "maxDepth", params.maxDepth, null, 0),
      minSamplesSplit: intParam(KIND, "minSamplesSplit", params.minSamplesSplit, 2, 2),
      minSamplesLeaf: intParam(KIND, "minSamplesLeaf", params.minSamplesLeaf, 1, 1),
      maxFeatures: checkMaxFeatures(KIND, params.maxFeatures, "sqrt"),
      bootstrap: booleanParam("bootstrap", params.bootstrap, true),
      classWeight: checkClassWeight(params.classWeight),
      maxBins: intParam(KIND, "maxBins", params.maxBins, 255, 2, 255),
      seed: intParam(KIND, "seed", params.seed, 0, -2147483648, 4294967295),
    };
    this.threads = params.threads === undefined ? undefined : intParam(KIND, "threads", params.threads, 0, 0);
  }

  /** Number of trees in the fitted forest. */
  get nTrees(): number {
    return this.trees?.nTrees ?? 0;
  }

  async fit(X: ColumnMatrix, y: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    const labels = checkFitInput(KIND, X, y, options.nClasses);
    const p = this.params;
    const K = labels.nClasses;
    await withPool(this.threads, options.pool, async (pool) => {
      const binner = new QuantileBinner({ maxBins: p.maxBins, seed: p.seed });
      options.onProgress?.({ stage: "binning", done: 0, total: 1 });
      const binned = await binner.fitTransform(X, pool);
      const task: Omit<ForestTreeTask, "treeIndex"> = {
        data: binned.data,
        nRows: binned.nRows,
        nBins: binned.nBins,
        y: labels.codes,
        nClasses: K,
        classWeight: p.classWeight === "balanced" ? balancedWeights(labels.counts, X.nRows) : null,
        maxDepth: p.maxDepth ?? Number.MAX_SAFE_INTEGER,
        minSamplesSplit: p.minSamplesSplit,
        minSamplesLeaf: p.minSamplesLeaf,
        maxFeatures: resolveMaxFeatures(p.maxFeatures, binned.nFeatures),
        bootstrap: p.bootstrap,
        seed: p.seed,
      };
      let done = 0;
      const grown = await Promise.all(
        Array.from({ length: p.nEstimators }, (_, t) =>
          pool.run<GrownForestTree>(GROW_MODULE, "growForestTree", [{ ...task, treeIndex: t }]).then((tree) => {
            options.onProgress?.({ stage: "trees", done: ++done, total: p.nEstimators });
            return tree;
          }),
        ),
      );
      this.trees = TreeEnsemble.fromGrown(grown, binner.thresholds, K);
      this.featureImportances = averageImportances(grown, binned.nFeatures);
    });
    this.nFeatures = X.columns.length;
    this.nClasses = K;
    return this;
  }

  /** Mean of the trees' leaf class probabilities. */
  predictProba(X: ColumnMatrix): ClassProbabilities {
    const trees = fittedFor(this.trees, KIND, X, this.nFeatures);
    const values = new Float64Array(X.nRows * this.nClasses);
    trees.addLeafValues(X, values, this.nClasses);
    const scale = 1 / trees.nTrees;
    for (let i = 0; i < values.length; i++) values[i] *= scale;
    return { nRows: X.nRows, nClasses: this.nClasses, values };
  }

  predict(X: ColumnMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  toJSON(): ModelJSON {
    checkFitted(this.trees !== undefined, KIND);
    return { ...modelHead(this), trees: this.trees!.toJSON() };
  }

  static fromJSON(json: unknown): RandomForestClassifier {
    const j = readModelHead(json, KIND);
    const model = new RandomForestClassifier(j.params as RandomForestParams);
    model.nFeatures = j.nFeatures;
    model.nClasses = j.nClasses;
    model.featureImportances = j.importances;
    model.trees = TreeEnsemble.fromJSON(j.trees as EnsembleJSON, j.nFeatures);
    if (model.trees.width !== j.nClasses) throw new InputError(`model JSON: leaves hold ${model.trees.width} values, expected one per class (${j.nClasses})`);
    return model;
  }
}

/** sklearn's 'balanced' class weights: n / (nClasses * count), over the classes present. */
function balancedWeights(counts: Float64Array, n: number): Float64Array {
  const present = counts.filter((c) => c > 0).length;
  return counts.map((c) => (c > 0 ? n / (present * c) : 0));
}

/** Features to draw per node for a matrix of `nFeatures` (always at least 1). */
export function resolveMaxFeatures(m: MaxFeatures, nFeatures: number): number {
  if (m === "sqrt") return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (m === "log2") return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (m === "all") return nFeatures;
  if (Number.isInteger(m)) return Math.min(m, nFeatures);
  return Math.max(1, Math.floor(m * nFeatures));
}

/** Mean over trees of each tree's normalised importances, normalised again (sklearn's rule). */
function averageImportances(trees: readonly GrownForestTree[], nFeatures: number): Float64Array {
  const out = new Float64Array(nFeatures);
  for (const t of trees) for (let f = 0; f < nFeatures; f++) out[f] += t.importance[f];
  const total = out.reduce((a, b) => a + b, 0);
  if (total > 0) for (let f = 0; f < nFeatures; f++) out[f] /= total;
  return out;
}

/** Checks a `maxFeatures` value (`model` names the model in errors). */
export function checkMaxFeatures(model: string, v: unknown, def: MaxFeatures): MaxFeatures {
  if (v === undefined) return def;
  if (v === "sqrt" || v === "log2" || v === "all") return v;
  if (typeof v === "number" && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1))) return v;
  throw new InputError(`${model}: maxFeatures must be 'sqrt', 'log2', 'all', a whole number >= 1 or a fraction in (0, 1), got ${JSON.stringify(v)}`);
}

function checkClassWeight(v: unknown): "balanced" | null {
  if (v === undefined || v === null) return null;
  if (v === "balanced") return v;
  throw new InputError(`${KIND}: classWeight must be 'balanced' or null, got ${JSON.stringify(v)}`);
}

function booleanParam(name: string, v: unknown, def: boolean): boolean {
  if (v === undefined) return def;
  if (typeof v !== "boolean") throw new InputError(`${KIND}: ${name} must be true or false, got ${JSON.stringify(v)}`);
  return v;
}
