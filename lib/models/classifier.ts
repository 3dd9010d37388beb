/**
 * What every model of this folder offers, scikit-learn style: hyper-parameters in the
 * constructor, `fit` (asynchronous, as it may use worker threads), `predict`,
 * `predictProba`, `featureImportances` and a JSON form that reads back exactly.
 */
import type { ColumnMatrix } from "../features/table";
import { WorkerPool, defaultThreadCount } from "../parallel/pool";
import { InputError } from "../util/errors";
import type { ProgressFn } from "../util/progress";
import { packArray, unpackArray } from "./codec";
import { checkMatrix } from "./validate";

export type ModelKind = "rf" | "gbdt" | "ml-rf";

/** Class probabilities, row-major: `values[r * nClasses + k]`; each row sums to 1. */
export interface ClassProbabilities {
  nRows: number;
  nClasses: number;
  values: Float64Array;
}

export interface FitOptions {
  /** Number of classes when the training labels may lack the last ones (default: largest code + 1). */
  nClasses?: number;
  onProgress?: ProgressFn;
  /** A pool to run on instead of one made (and closed) for this fit. */
  pool?: WorkerPool;
}

export interface Classifier {
  readonly kind: ModelKind;
  /** Hyper-parameters as given with defaults filled in (what `toJSON` stores). */
  readonly params: Readonly<object>;
  /** Features and classes seen by `fit` (0 before). */
  readonly nFeatures: number;
  readonly nClasses: number;
  /** One non-negative value per feature, summing to 1 (all 0 when no split was made). */
  readonly featureImportances: Float64Array;
  /** Learns from `X` (column-major) and class codes `y` (0 .. nClasses-1). */
  fit(X: ColumnMatrix, y: ArrayLike<number>, options?: FitOptions): Promise<this>;
  /** The most probable class of each row (the lowest code on ties). */
  predict(X: ColumnMatrix): Int32Array;
  predictProba(X: ColumnMatrix): ClassProbabilities;
  toJSON(): ModelJSON;
}

export const MODEL_FORMAT = "e2ewatch-model";
export const MODEL_VERSION = 1;

/** The common head of every model's JSON; each kind adds its learned state. */
export interface ModelJSON {
  format: typeof MODEL_FORMAT;
  version: number;
  kind: ModelKind;
  params: object;
  nFeatures: number;
  nClasses: number;
  [state: string]: unknown;
}

/** The head of a fitted model's JSON (each kind adds its learned state after it). */
export function modelHead(m: Classifier): ModelJSON {
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    kind: m.kind,
    params: { ...m.params },
    nFeatures: m.nFeatures,
    nClasses: m.nClasses,
    featureImportances: packArray(m.featureImportances),
  };
}

/** Checks the head of a model's JSON before a model of `kind` reads the rest; decodes the importances. */
export function readModelHead(json: unknown, kind: ModelKind): ModelJSON & { importances: Float64Array } {
  const j = json as Partial<ModelJSON> | null;
  if (j === null || typeof j !== "object" || j.format !== MODEL_FORMAT) throw new InputError(`not an e2ewatch model (format is ${JSON.stringify(j?.format)}, expected "${MODEL_FORMAT}")`);
  if (j.version !== MODEL_VERSION) throw new InputError(`model format version ${j.version} is not supported (this e2ewatch reads version ${MODEL_VERSION})`);
  if (j.kind !== kind) throw new InputError(`model JSON is of kind '${j.kind}', expected '${kind}'`);
  if (!Number.isInteger(j.nFeatures) || j.nFeatures! < 1 || !Number.isInteger(j.nClasses) || j.nClasses! < 1) throw new InputError(`model JSON: bad nFeatures ${j.nFeatures} or nClasses ${j.nClasses}`);
  if (j.params === null || typeof j.params !== "object") throw new InputError("model JSON: params must be an object");
  return { ...(j as ModelJSON), importances: unpackArray(j.featureImportances, "f64", "featureImportances", j.nFeatures) };
}

/** Arg-max of each row (first maximum wins, as numpy's argmax). */
export function argmaxRows(p: ClassProbabilities): Int32Array {
  const { nRows, nClasses: K, values } = p;
  const out = new Int32Array(nRows);
  for (let r = 0; r < nRows; r++) {
    const o = r * K;
    let best = 0;
    for (let k = 1; k < K; k++) if (values[o + k] > values[o + best]) best = k;
    out[r] = best;
  }
  return out;
}

/**
 * Pools kept for model fits, one per thread count. Starting threads and warming their
 * compiled code takes a few hundred milliseconds, which would otherwise be paid by every
 * fit of every fold. Idle workers do not keep the process alive.
 */
const fitPools = new Map<number, WorkerPool>();

/** Runs `fn` on the given pool, or on this module's pool of `threads` (default: E2EWATCH_THREADS or all cores). */
export async function withPool<T>(threads: number | undefined, given: WorkerPool | undefined, fn: (pool: WorkerPool) => Promise<T>): Promise<T> {
  if (given !== undefined) return fn(given);
  const size = threads ?? defaultThreadCount();
  let pool = fitPools.get(size);
  if (pool === undefined) {
    pool = new WorkerPool(size);
    fitPools.set(size, pool);
  }
  return fn(pool);
}

/** Throws unless the model was fitted. */
export function checkFitted(fitted: boolean, kind: ModelKind): void {
  if (!fitted) throw new InputError(`${kind}: the model is not fitted yet (call fit first)`);
}

/** A model's learned state, after checking that it exists and that X has the features it was fitted on. */
export function fittedFor<T>(state: T | undefined, kind: ModelKind, X: ColumnMatrix, nFeatures: number): T {
  checkFitted(state !== undefined, kind);
  checkMatrix(X, `${kind}.predict`, nFeatures);
  return state!;
}
