/**
 * A gradient-boosting classifier in the manner of LightGBM and scikit-learn's
 * HistGradientBoostingClassifier: multiclass softmax (cross-entropy) boosting, one tree
 * per class and round, grown leaf-wise on quantile-binned features (see boost-grow.ts).
 *
 * Defaults follow HistGradientBoostingClassifier: 100 rounds, learning rate 0.1, 31
 * leaves, 20 rows per leaf, no L2, early stopping when there are more than
 * 10 000 rows (10 % stratified validation share, stop after 10 rounds without a
 * validation-loss gain above 1e-7); but 63 bins per feature rather than 255 (see
 * `maxBins`), and the model keeps the rounds up to the best validation loss rather than
 * all rounds run.
 *
 * The trees of one round are independent given the gradients, so they grow in parallel
 * on worker threads (class by class), after their root histograms were built for all
 * classes at once (split over the threads by features). Binned data, gradients and raw
 * scores live in shared memory. Gradients are computed between rounds in the calling
 * thread, and every random choice comes from (seed, round, class), so the model does not
 * depend on the thread count.
 */
import type { ColumnMatrix } from "../features/table";
import { InputError } from "../util/errors";
import { QuantileBinner } from "./binning";
import type { BoostTreeTask, GrownBoostTree, RootHistogramTask } from "./boost-grow";
import { type ClassProbabilities, type Classifier, type FitOptions, type ModelJSON, argmaxRows, checkFitted, fittedFor, modelHead, readModelHead, withPool } from "./classifier";
import { packArray, unpackArray } from "./codec";
import { type EnsembleJSON, TreeEnsemble } from "./ensemble";
import { Rng } from "./random";
import { checkFitInput, checkParamNames, intParam, limitParam, realParam } from "./validate";

export interface GradientBoostingParams {
  /** Boosting rounds, each adding one tree per class (default 100). */
  maxIter?: number;
  /** Shrinkage of each tree's output (default 0.1). */
  learningRate?: number;
  /** Most leaves per tree (default 31). */
  numLeaves?: number;
  /** Deepest level of a leaf, the root being 0; null for no limit (default null). */
  maxDepth?: number | null;
  /** Fewest training rows in a leaf (default 20). */
  minDataInLeaf?: number;
  /** Smallest hessian sum in a leaf (default 1e-3). */
  minSumHessianInLeaf?: number;
  /** L2 penalty lambda on leaf values (default 0). */
  l2Regularization?: number;
  /** Share of the features each tree may use, drawn per tree (default 1). */
  featureFraction?: number;
  /**
   * Value bins per feature, 2..255 (default 63, LightGBM's GPU default). Histograms of 63
   * bins per feature stay in cache, which makes growth about twice as fast as with 255 on
   * window features, for the same accuracy (see bench/trees.ts).
   */
  maxBins?: number;
  /** 'auto' (on above 10 000 rows), true or false. */
  earlyStopping?: "auto" | boolean;
  /** Share of rows held out (stratified) to decide early stopping (default 0.1). */
  validationFraction?: number;
  /** Rounds without improvement before stopping (default 10). */
  nIterNoChange?: number;
  /** Smallest validation-loss decrease that counts as an improvement (default 1e-7). */
  tol?: number;
  seed?: number;
  /** Worker threads for fit (default: E2EWATCH_THREADS or all cores; 0 = this thread). Not part of the model. */
  threads?: number;
}

const PARAM_NAMES = ["maxIter", "learningRate", "numLeaves", "maxDepth", "minDataInLeaf", "minSumHessianInLeaf", "l2Regularization", "featureFraction", "maxBins", "earlyStopping", "validationFraction", "nIterNoChange", "tol", "seed", "threads"] as const;

export interface ResolvedBoostingParams {
  maxIter: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number | null;
  minDataInLeaf: number;
  minSumHessianInLeaf: number;
  l2Regularization: number;
  featureFraction: number;
  maxBins: number;
  earlyStopping: "auto" | boolean;
  validationFraction: number;
  nIterNoChange: number;
  tol: number;
  seed: number;
}

const GROW_MODULE = require.resolve("./boost-grow");
const KIND = "gbdt";
/** Early stopping 'auto' turns on above this many rows (scikit-learn's rule). */
const AUTO_EARLY_STOPPING_ROWS = 10000;

export class GradientBoostingClassifier implements Classifier {
  readonly kind = KIND;
  readonly params: ResolvedBoostingParams;
  readonly threads: number | undefined;
  nFeatures = 0;
  nClasses = 0;
  featureImportances: Float64Array = new Float64Array(0);
  /** Rounds kept in the model. */
  nIterations = 0;
  /** Validation loss before the first round and after each round (when early stopping was on). */
  validationLoss: number[] = [];
  /** Raw score every row starts from: log of the class prior (-Infinity for absent classes). */
  private init: Float64Array = new Float64Array(0);
  /** Class each tree adds to. */
  private treeClass: Int32Array = new Int32Array(0);
  private trees: TreeEnsemble | undefined;

  constructor(params: GradientBoostingParams = {}) {
    checkParamNames(KIND, params, PARAM_NAMES);
    const es = params.earlyStopping;
    if (es !== undefined && es !== "auto" && typeof es !== "boolean") throw new InputError(`${KIND}: earlyStopping must be 'auto', true or false, got ${JSON.stringify(es)}`);
    this.params = {
      maxIter: intParam(KIND, "maxIter", params.maxIter, 100, 1),
      learningRate: realParam(KIND, "learningRate", params.learningRate, 0.1, 0, 10, { loOpen: true }),
      numLeaves: intParam(KIND, "numLeaves", params.numLeaves, 31, 2, 65536),
      maxDepth: limitParam(KIND, "maxDepth", params.maxDepth, null, 1),
      minDataInLeaf: intParam(KIND, "minDataInLeaf", params.minDataInLeaf, 20, 1),
      minSumHessianInLeaf: realParam(KIND, "minSumHessianInLeaf", params.minSumHessianInLeaf, 1e-3, 0, Infinity, { hiOpen: true }),
      l2Regularization: realParam(KIND, "l2Regularization", params.l2Regularization, 0, 0, Infinity, { hiOpen: true }),
      featureFraction: realParam(KIND, "featureFraction", params.featureFraction, 1, 0, 1, { loOpen: true }),
      maxBins: intParam(KIND, "maxBins", params.maxBins, 63, 2, 255),
      earlyStopping: es ?? "auto",
      validationFraction: realParam(KIND, "validationFraction", params.validationFraction, 0.1, 0, 1, { loOpen: true, hiOpen: true }),
      nIterNoChange: intParam(KIND, "nIterNoChange", params.nIterNoChange, 10, 1),
      tol: realParam(KIND, "tol", params.tol, 1e-7, 0, Infinity, { hiOpen: true }),
      seed: intParam(KIND, "seed", params.seed, 0, -2147483648, 4294967295),
    };
    this.threads = params.threads === undefined ? undefined : intParam(KIND, "threads", params.threads, 0, 0);
  }

  async fit(X: ColumnMatrix, y: ArrayLike<number>, options: FitOptions = {}): Promise<this> {
    const labels = checkFitInput(KIND, X, y, options.nClasses);
    const p = this.params;
    const K = labels.nClasses;
    const n = X.nRows;
    const early = p.earlyStopping === true || (p.earlyStopping === "auto" && n > AUTO_EARLY_STOPPING_ROWS);
    // Rows are binned training rows first, then validation rows, so that both are ranges.
    const { train, valid } = early ? stratifiedHoldout(labels.codes, K, p.validationFraction, p.seed) : { train: Int32Array.from({ length: n }, (_, i) => i), valid: new Int32Array(0) };
    if (early && (valid.length === 0 || train.length === 0)) throw new InputError(`${KIND}.fit: ${n} rows are too few to hold out a validation share of ${p.validationFraction}`);
    const nTrain = train.length;
    const order = early ? Int32Array.from([...train, ...valid]) : undefined;
    const y2 = order === undefined ? labels.codes : Uint8Array.from(order, (r) => labels.codes[r]);

    const trainCounts = new Float64Array(K);
    for (let i = 0; i < nTrain; i++) trainCounts[y2[i]]++;
    // Classes with training rows; the others keep a raw score of -Infinity (probability 0).
    const present = Array.from(trainCounts.keys()).filter((k) => trainCounts[k] > 0);
    const init = Float64Array.from(trainCounts, (c) => (c > 0 ? Math.log(c / nTrain) : -Infinity));
    const grown: GrownBoostTree[] = [];
    const treeClass: number[] = [];
    const losses: number[] = [];
    let bestRound = 0;

    await withPool(this.threads, options.pool, async (pool) => {
      options.onProgress?.({ stage: "binning", done: 0, total: 1 });
      const binner = new QuantileBinner({ maxBins: p.maxBins, seed: p.seed });
      const binned = await binner.fitTransform(X, pool, early ? { fitRows: train, order } : {});
      // Features that can split: more than one value bin, or missing values beside values.
      const candidates = Int32Array.from(binned.nMissing.keys()).filter((f) => binned.nBins[f] > 1 || (binned.nMissing[f] > 0 && binned.nMissing[f] < n));
      const slotOffset = new Int32Array(candidates.length + 1);
      candidates.forEach((f, j) => (slotOffset[j + 1] = slotOffset[j] + binned.nBins[f] + 1));
      const nSlots = slotOffset[candidates.length];
      const candidateIndex = new Int32Array(binned.nFeatures).fill(-1);
      candidates.forEach((f, j) => (candidateIndex[f] = j));
      const shared = {
        data: binned.data,
        nRows: n,
        nTrain,
        nClasses: K,
        gh: new Float32Array(new SharedArrayBuffer(4 * 2 * K * n)),
        root: { slotOffset, gh: new Float64Array(new SharedArrayBuffer(8 * 2 * K * nSlots)), counts: new Float64Array(new SharedArrayBuffer(8 * nSlots)) },
      };
      const raw = new Float64Array(new SharedArrayBuffer(8 * K * n));
      for (let k = 0; k < K; k++) raw.fill(init[k], k * n, (k + 1) * n);
      if (early) losses.push(logLoss(raw, y2, nTrain, K, n));
      const nUse = Math.max(1, Math.round(p.featureFraction * candidates.length));
      const allPositions = Int32Array.from(candidates.keys());
      const rootBlocks = splitRange(candidates.length, Math.max(1, pool.size));
      // Present classes that a tree can improve (with one class there is nothing to learn).
      const learned = present.length > 1 ? present : [];
      for (let round = 0; round < p.maxIter && learned.length > 0 && candidates.length > 0; round++) {
        softmaxGradients(raw, y2, nTrain, K, n, shared.gh, present);
        await Promise.all(rootBlocks.map(([from, to]) => pool.run(GROW_MODULE, "buildRootHistograms", [{ ...shared, candidates, from, to, withCounts: round === 0 } satisfies RootHistogramTask])));
        const trees = await Promise.all(
          learned.map((k) => {
            const features = nUse < candidates.length ? drawFeatures(candidates, nUse, new Rng(p.seed, round * K + k + 1)) : candidates;
            const task: BoostTreeTask = {
              ...shared,
              nBins: binned.nBins,
              raw,
              classIndex: k,
              features,
              positions: features === candidates ? allPositions : features.map((f) => candidateIndex[f]),
              numLeaves: p.numLeaves,
              maxDepth: p.maxDepth ?? Number.MAX_SAFE_INTEGER,
              minDataInLeaf: p.minDataInLeaf,
              minSumHessianInLeaf: p.minSumHessianInLeaf,
              l2Regularization: p.l2Regularization,
              learningRate: p.learningRate,
            };
            return pool.run<GrownBoostTree>(GROW_MODULE, "growBoostTree", [task]);
          }),
        );
        trees.forEach((t, i) => {
          grown.push(t);
          treeClass.push(learned[i]);
        });
        options.onProgress?.({ stage: "rounds", done: round + 1, total: p.maxIter });
        if (early) {
          losses.push(logLoss(raw, y2, nTrain, K, n));
          if (losses[losses.length - 1] < losses[bestRound]) bestRound = round + 1;
          if (shouldStop(losses, p.nIterNoChange, p.tol)) break;
        } else bestRound = round + 1;
      }
      const kept = bestRound * learned.length;
      this.trees = TreeEnsemble.fromGrown(grown.slice(0, kept), binner.thresholds, 1);
      this.treeClass = Int32Array.from(treeClass.slice(0, kept));
      this.featureImportances = gainImportances(grown.slice(0, kept), X.columns.length);
    });
    this.init = init;
    this.nIterations = bestRound;
    this.validationLoss = losses;
    this.nFeatures = X.columns.length;
    this.nClasses = K;
    return this;
  }

  /** Raw scores (log-odds up to a constant), row-major like probabilities. */
  decisionFunction(X: ColumnMatrix): ClassProbabilities {
    const trees = fittedFor(this.trees, KIND, X, this.nFeatures);
    const K = this.nClasses;
    const values = new Float64Array(X.nRows * K);
    for (let r = 0; r < X.nRows; r++) values.set(this.init, r * K);
    trees.addLeafValues(X, values, K, this.treeClass);
    return { nRows: X.nRows, nClasses: K, values };
  }

  predictProba(X: ColumnMatrix): ClassProbabilities {
    const p = this.decisionFunction(X);
    const K = p.nClasses;
    const v = p.values;
    for (let o = 0; o < v.length; o += K) softmaxInPlace(v, o, K);
    return p;
  }

  predict(X: ColumnMatrix): Int32Array {
    return argmaxRows(this.decisionFunction(X));
  }

  toJSON(): ModelJSON {
    checkFitted(this.trees !== undefined, KIND);
    return { ...modelHead(this), nIterations: this.nIterations, init: packArray(this.init), treeClass: packArray(this.treeClass), trees: this.trees!.toJSON() };
  }

  static fromJSON(json: unknown): GradientBoostingClassifier {
    const j = readModelHead(json, KIND);
    const model = new GradientBoostingClassifier(j.params as GradientBoostingParams);
    model.nFeatures = j.nFeatures;
    model.nClasses = j.nClasses;
    model.featureImportances = j.importances;
    model.init = unpackArray(j.init, "f64", "init", j.nClasses);
    model.trees = TreeEnsemble.fromJSON(j.trees as EnsembleJSON, j.nFeatures);
    model.treeClass = unpackArray(j.treeClass, "i32", "treeClass", model.trees.nTrees);
    if (model.trees.width !== 1) throw new InputError(`model JSON: boosting leaves hold ${model.trees.width} values, expected 1`);
    if (model.treeClass.some((k) => k < 0 || k >= j.nClasses)) throw new InputError(`model JSON: a tree adds to a class outside 0..${j.nClasses - 1}`);
    model.nIterations = typeof j.nIterations === "number" ? j.nIterations : 0;
    return model;
  }
}

/** `0 .. n` cut into `parts` consecutive ranges of about equal length. */
function splitRange(n: number, parts: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    const from = Math.floor((i * n) / parts);
    const to = Math.floor(((i + 1) * n) / parts);
    if (to > from) out.push([from, to]);
  }
  return out;
}

/** Softmax of `v[o .. o + K)` in place (max subtracted first, so large scores do not overflow). */
function softmaxInPlace(v: Float64Array, o: number, K: number): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (v[o + k] > max) max = v[o + k];
  let sum = 0;
  for (let k = 0; k < K; k++) {
    const e = Math.exp(v[o + k] - max);
    v[o + k] = e;
    sum += e;
  }
  for (let k = 0; k < K; k++) v[o + k] /= sum;
}

/**
 * Cross-entropy gradients and hessians, p - y and p(1 - p), of the present classes at the
 * training rows `0 .. nTrain`, written row-major: row `r`, class `k` at `gh[r * 2K + 2k]`.
 */
function softmaxGradients(raw: Float64Array, y: Uint8Array, nTrain: number, K: number, n: number, gh: Float32Array, present: number[]): void {
  const p = new Float64Array(K);
  for (let r = 0; r < nTrain; r++) {
    for (let k = 0; k < K; k++) p[k] = raw[k * n + r];
    softmaxInPlace(p, 0, K);
    const c = y[r];
    const o = r * 2 * K;
    for (const k of present) {
      const q = p[k];
      gh[o + 2 * k] = k === c ? q - 1 : q;
      gh[o + 2 * k + 1] = q * (1 - q);
    }
  }
}

/** Mean cross-entropy of the validation rows `nTrain .. n`. */
function logLoss(raw: Float64Array, y: Uint8Array, nTrain: number, K: number, n: number): number {
  const p = new Float64Array(K);
  let total = 0;
  for (let r = nTrain; r < n; r++) {
    for (let k = 0; k < K; k++) p[k] = raw[k * n + r];
    softmaxInPlace(p, 0, K);
    total -= Math.log(Math.max(p[y[r]], 1e-300));
  }
  return total / (n - nTrain);
}

/**
 * scikit-learn's rule on validation losses (the first before any round): stop when none
 * of the last `nIterNoChange` losses is below the one before them by more than `tol`.
 */
function shouldStop(losses: number[], nIterNoChange: number, tol: number): boolean {
  if (losses.length < nIterNoChange + 1) return false;
  const reference = losses[losses.length - nIterNoChange - 1] - tol;
  return losses.slice(-nIterNoChange).every((l) => l >= reference);
}

/** Rows held out per class in the same share, chosen at random; both lists ascending. */
function stratifiedHoldout(y: Uint8Array, K: number, share: number, seed: number): { train: Int32Array; valid: Int32Array } {
  const byClass: number[][] = Array.from({ length: K }, () => []);
  for (let r = 0; r < y.length; r++) byClass[y[r]].push(r);
  const rng = new Rng(seed, 0x76616c); // "val"
  const valid: number[] = [];
  const train: number[] = [];
  for (const rows of byClass) {
    for (let i = rows.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      const t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
    const nValid = Math.round(share * rows.length);
    valid.push(...rows.slice(0, nValid));
    train.push(...rows.slice(nValid));
  }
  return { train: Int32Array.from(train).sort(), valid: Int32Array.from(valid).sort() };
}

/** `count` features drawn without replacement from `candidates`, ascending. */
function drawFeatures(candidates: Int32Array, count: number, rng: Rng): Int32Array {
  const pool = candidates.slice();
  for (let i = 0; i < count; i++) {
    const j = i + rng.nextInt(pool.length - i);
    const t = pool[i];
    pool[i] = pool[j];
    pool[j] = t;
  }
  return pool.subarray(0, count).sort();
}

/** Total split gain per feature, normalised to sum 1. */
function gainImportances(trees: readonly GrownBoostTree[], nFeatures: number): Float64Array {
  const out = new Float64Array(nFeatures);
  for (const t of trees) for (let f = 0; f < nFeatures; f++) out[f] += t.gain[f];
  const total = out.reduce((a, b) => a + b, 0);
  if (total > 0) for (let f = 0; f < nFeatures; f++) out[f] /= total;
  return out;
}

