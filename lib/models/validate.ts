/**
 * Checks of what a model is given: the matrix shape, the class codes and the
 * hyper-parameters. Every failure is an `InputError` that names the numbers involved.
 */
import type { ColumnMatrix } from "../features/table";
import { InputError } from "../util/errors";

/** Checks that `X` is a column-major matrix whose columns all hold `X.nRows` values (and `nFeatures` columns when given). */
export function checkMatrix(X: ColumnMatrix, what: string, nFeatures?: number): void {
  if (X === null || typeof X !== "object" || !Array.isArray(X.columns)) throw new InputError(`${what}: X must be a column matrix { nRows, columns: [...] }`);
  if (!Number.isInteger(X.nRows) || X.nRows < 0) throw new InputError(`${what}: X.nRows must be a whole number >= 0, got ${X.nRows}`);
  if (nFeatures !== undefined && X.columns.length !== nFeatures) {
    throw new InputError(`${what}: X has ${X.columns.length} features, the model was fitted on ${nFeatures}`);
  }
  for (let f = 0; f < X.columns.length; f++) {
    const c = X.columns[f];
    if (c === null || c === undefined || typeof c.length !== "number") throw new InputError(`${what}: column ${f} of X is not an array`);
    if (c.length !== X.nRows) throw new InputError(`${what}: column ${f} of X has ${c.length} values, expected X.nRows = ${X.nRows}`);
  }
}

export interface CheckedLabels {
  /** Class codes, one byte each (shareable with worker threads). */
  codes: Uint8Array;
  nClasses: number;
  /** Rows of each class. */
  counts: Float64Array;
}

/** Largest number of classes a model supports (class codes are stored in one byte). */
export const MAX_CLASSES = 256;

/**
 * Checks class codes against the matrix: one per row, whole numbers in [0, 256).
 * `nClasses` defaults to the largest code + 1; give it when a training split may lack
 * the last classes, so that predicted probabilities keep one column per class.
 */
export function checkLabels(y: ArrayLike<number>, nRows: number, nClasses?: number): CheckedLabels {
  if (y === null || y === undefined || typeof y.length !== "number") throw new InputError("y must be an array of class codes");
  if (y.length !== nRows) throw new InputError(`y has ${y.length} labels for ${nRows} rows of X`);
  if (nRows === 0) throw new InputError("cannot fit a model on 0 rows");
  const codes = new Uint8Array(new SharedArrayBuffer(nRows));
  let max = 0;
  for (let i = 0; i < nRows; i++) {
    const v = y[i];
    if (!Number.isInteger(v) || v < 0 || v >= MAX_CLASSES) throw new InputError(`y[${i}] = ${v} is not a class code (a whole number from 0 to ${MAX_CLASSES - 1})`);
    codes[i] = v;
    if (v > max) max = v;
  }
  if (nClasses !== undefined) {
    if (!Number.isInteger(nClasses) || nClasses < 1 || nClasses > MAX_CLASSES) throw new InputError(`nClasses must be a whole number from 1 to ${MAX_CLASSES}, got ${nClasses}`);
    if (max >= nClasses) throw new InputError(`y holds class code ${max} but nClasses is ${nClasses}`);
  }
  const k = nClasses ?? max + 1;
  const counts = new Float64Array(k);
  for (let i = 0; i < nRows; i++) counts[codes[i]]++;
  return { codes, nClasses: k, counts };
}

/** Checks what `fit` is given: a matrix with at least one feature and one class code per row. */
export function checkFitInput(model: string, X: ColumnMatrix, y: ArrayLike<number>, nClasses?: number): CheckedLabels {
  checkMatrix(X, `${model}.fit`);
  if (X.columns.length === 0) throw new InputError(`${model}.fit: X has no features`);
  return checkLabels(y, X.nRows, nClasses);
}

/** Reads hyper-parameters: rejects unknown names, so a typo does not silently use a default. */
export function checkParamNames(model: string, params: object, known: readonly string[]): void {
  for (const name of Object.keys(params)) {
    if (!known.includes(name)) throw new InputError(`${model}: unknown parameter '${name}' (known: ${known.join(", ")})`);
  }
}

/** A whole number in [min, max], or the default when undefined. */
export function intParam(model: string, name: string, value: unknown, def: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return def;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new InputError(`${model}: ${name} must be a whole number from ${min}${max === Number.MAX_SAFE_INTEGER ? " up" : ` to ${max}`}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A number in the open-or-closed range described by `lo`/`hi`, or the default. */
export function realParam(model: string, name: string, value: unknown, def: number, lo: number, hi: number, { loOpen = false, hiOpen = false } = {}): number {
  if (value === undefined) return def;
  const ok = typeof value === "number" && Number.isFinite(value) && (loOpen ? value > lo : value >= lo) && (hiOpen ? value < hi : value <= hi);
  if (!ok) throw new InputError(`${model}: ${name} must be a number in ${loOpen ? "(" : "["}${lo}, ${hi}${hiOpen ? ")" : "]"}, got ${JSON.stringify(value)}`);
  return value as number;
}

/** A whole number >= min, or null for "no limit" (undefined gives the default). */
export function limitParam(model: string, name: string, value: unknown, def: number | null, min: number): number | null {
  if (value === undefined) return def;
  if (value === null) return null;
  return intParam(model, name, value, 0, min);
}
