/**
 * `ml-rf`: the `ml-random-forest` package (the JavaScript baseline users know) behind
 * this folder's model protocol, for comparisons on small data. It needs row-major
 * `number[][]` input, so it copies X; it grows trees by sorting at every node and keeps
 * the whole forest as nested objects, so it is only practical for a few thousand rows.
 *
 * Its out-of-bag step is skipped by default: it is quadratic in the row count and
 * crashes on small inputs (ml-random-forest 2.1.0 throws "column indices are out of
 * range" when a bootstrap sample leaves no row out, and "input must not be empty" when
 * some row is in every tree's sample). With `oob: true` that crash becomes an InputError
 * that says so.
 */
import { RandomForestClassifier as MlRandomForest } from "ml-random-forest";
import type { ColumnMatrix } from "../features/table";
import { InputError } from "../util/errors";
import { type ClassProbabilities, type Classifier, type FitOptions, type ModelJSON, argmaxRows, checkFitted, fittedFor, modelHead, readModelHead } from "./classifier";
import { type MaxFeatures, checkMaxFeatures, resolveMaxFeatures } from "./random-forest";
import { checkFitInput, checkParamNames, intParam, limitParam, realParam } from "./validate";

export interface MlRandomForestParams {
  /** Trees (default 50, ml-random-forest's default). */
  nEstimators?: number;
  /** Deepest level of a tree (ml-cart's maxDepth); null for no limit (default). */
  maxDepth?: number | null;
  /** Features drawn per tree (not per node, as ml-random-forest does): as for `rf` (default 'all'). */
  maxFeatures?: MaxFeatures;
  /** Fewest rows a node needs to be split (ml-cart's minNumSamples, default 3). */
  minSamplesSplit?: number;
  /** Smallest Gini gain of a split (ml-cart's gainThreshold, default 0.01). */
  gainThreshold?: number;
  /** A 32-bit integer (default 42, ml-random-forest's default). */
  seed?: number;
  /** Run ml-random-forest's out-of-bag step (default false, see the module comment). */
  oob?: boolean;
}

const PARAM_NAMES = ["nEstimators", "maxDepth", "maxFeatures", "minSamplesSplit", "gainThreshold", "seed", "oob"] as const;
const KIND = "ml-rf";

interface ResolvedParams {
  nEstimators: number;
  maxDepth: number | null;
  maxFeatures: MaxFeatures;
  minSamplesSplit: number;
  gainThreshold: number;
  seed: number;
  oob: boolean;
}

export class MlRandomForestModel implements Classifier {
  readonly kind = KIND;
  readonly params: ResolvedParams;
  nFeatures = 0;
  nClasses = 0;
  featureImportances: Float64Array = new Float64Array(0);
  private forest: MlRandomForest | undefined;
  /** The forest's JSON form, kept as read so that saving a loaded model gives the same file. */
  private forestJSON: unknown;

  constructor(params: MlRandomForestParams = {}) {
    checkParamNames(KIND, params, PARAM_NAMES);
    if (params.oob !== undefined && typeof params.oob !== "boolean") throw new InputError(`${KIND}: oob must be true or false, got ${JSON.stringify(params.oob)}`);
    this.params = {
      nEstimators: intParam(KIND, "nEstimators", params.nEstimators, 50, 1),
      maxDepth: limitParam(KIND, "maxDepth", params.maxDepth, null, 1),
      maxFeatures: checkMaxFeatures(KIND, params.maxFeatures, "all"),
      minSamplesSplit: intParam(KIND, "minSamplesSplit", params.minSamplesSplit, 3, 1),
      gainThreshold: realParam(KIND, "gainThreshold", params.gainThreshold, 0.01, 0, Infinity, { hiOpen: true }),
      seed: intParam(KIND, "seed", params.seed, 42, -2147483648, 2147483647),
      oob: params.oob ?? false,
    };
  }

  async fit(X: ColumnMatrix, y: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    const labels = checkFitInput(KIND, X, y, options.nClasses);
    const p = this.params;
    const nFeatures = X.columns.length;
    const forest = new MlRandomForest({
      nEstimators: p.nEstimators,
      maxFeatures: mlMaxFeatures(resolveMaxFeatures(p.maxFeatures, nFeatures), nFeatures),
      seed: p.seed,
      useSampleBagging: true,
      noOOB: !p.oob,
      treeOptions: { maxDepth: p.maxDepth ?? Infinity, minNumSamples: p.minSamplesSplit, gainThreshold: p.gainThreshold },
    });
    options.onProgress?.({ stage: "trees", done: 0, total: p.nEstimators });
    try {
      forest.train(toRows(X), Array.from(labels.codes));
    } catch (e) {
      const stack = e instanceof Error ? (e.stack ?? "") : "";
      if (p.oob && /collectOOB|MatrixColumnSelectionView/.test(stack)) {
        throw new InputError(`${KIND}: ml-random-forest crashed in its out-of-bag step on ${X.nRows} rows (${(e as Error).message}); it fails when a bootstrap sample leaves no row out or a row is in every sample, which small inputs make likely. Use more rows or oob: false`);
      }
      throw e;
    }
    options.onProgress?.({ stage: "trees", done: p.nEstimators, total: p.nEstimators });
    this.forest = forest;
    this.forestJSON = JSON.parse(JSON.stringify(forest.toJSON()));
    this.nFeatures = nFeatures;
    this.nClasses = labels.nClasses;
    this.featureImportances = importancesOf(forest, nFeatures);
    return this;
  }

  /** Share of trees voting for each class. */
  predictProba(X: ColumnMatrix): ClassProbabilities {
    const forest = fittedFor(this.forest, KIND, X, this.nFeatures);
    const K = this.nClasses;
    const votes = forest.predictionValues(toRows(X));
    const nTrees = votes.columns;
    const values = new Float64Array(X.nRows * K);
    for (let r = 0; r < X.nRows; r++) {
      for (let t = 0; t < nTrees; t++) values[r * K + votes.get(r, t)]++;
    }
    for (let i = 0; i < values.length; i++) values[i] /= nTrees;
    return { nRows: X.nRows, nClasses: K, values };
  }

  predict(X: ColumnMatrix): Int32Array {
    return argmaxRows(this.predictProba(X));
  }

  toJSON(): ModelJSON {
    checkFitted(this.forest !== undefined, KIND);
    // The forest in ml-random-forest's own JSON form.
    return { ...modelHead(this), forest: this.forestJSON };
  }

  static fromJSON(json: unknown): MlRandomForestModel {
    const j = readModelHead(json, KIND);
    const model = new MlRandomForestModel(j.params as MlRandomForestParams);
    const forest = j.forest as { name?: string } | null;
    if (forest === null || typeof forest !== "object" || forest.name !== "RFClassifier") throw new InputError("model JSON: 'forest' is not an ml-random-forest classifier");
    model.forest = MlRandomForest.load(forest as Parameters<typeof MlRandomForest.load>[0]);
    model.forestJSON = forest;
    model.nFeatures = j.nFeatures;
    model.nClasses = j.nClasses;
    model.featureImportances = j.importances;
    return model;
  }
}

/**
 * ml-random-forest reads maxFeatures in (0, 1] as a fraction and a larger whole number as
 * a count, so a count of 1 must be passed as a fraction that floors to 1.
 */
function mlMaxFeatures(count: number, nFeatures: number): number {
  if (count >= 2) return count;
  return nFeatures === 1 ? 1 : 1.5 / nFeatures;
}

function toRows(X: ColumnMatrix): number[][] {
  const rows: number[][] = new Array(X.nRows);
  for (let r = 0; r < X.nRows; r++) rows[r] = X.columns.map((c) => c[r]);
  return rows;
}

/** ml-random-forest's importances (NaN when no tree split, which reads as all zero). */
function importancesOf(forest: MlRandomForest, nFeatures: number): Float64Array {
  const imp = (forest as unknown as { featureImportance(): number[] }).featureImportance();
  const out = new Float64Array(nFeatures);
  for (let f = 0; f < nFeatures; f++) out[f] = Number.isFinite(imp[f]) ? imp[f] : 0;
  return out;
}
