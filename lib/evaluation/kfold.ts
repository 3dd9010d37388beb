/**
 * Stratified k-fold over node-runs with scikit-learn 1.2 `StratifiedKFold` allocation
 * semantics.
 *
 * 1. Classes are numbered in order of first appearance in the labels.
 * 2. How many node-runs of each class each test fold gets: sort the node-runs by that
 *    class number and deal them round robin, position p to fold p mod k. So per class
 *    the fold counts differ by at most one, and so do the fold sizes.
 * 3. For each class in turn, the list of fold numbers it was dealt (fold 0 repeated its
 *    count, then fold 1, ...) is shuffled and handed to that class's node-runs in their
 *    original order. Without shuffling (`seed` null) this is scikit-learn's
 *    `shuffle=False` assignment exactly; with a seed the counts are scikit-learn's and
 *    the shuffle is ours (xoshiro128**, Fisher-Yates; see lib/util/random.ts), one
 *    generator for all classes, so fold membership differs from scikit-learn's
 *    Mersenne-Twister draws but is fixed by the seed.
 *
 * As in scikit-learn, k larger than every class's count is an error; a class with fewer
 * than k node-runs is allowed and is simply missing from some test folds.
 */
import { InputError } from "../util/errors";
import { Random } from "../util/random";
import { splitsFromFolds, type Split } from "./split";

export const DEFAULT_FOLDS = 5;

/** Class number of each item by order of first appearance, and the number of classes. */
export function encodeByAppearance(labels: ArrayLike<number | string>): { code: Int32Array; nClasses: number } {
  const seen = new Map<number | string, number>();
  const code = new Int32Array(labels.length);
  for (let i = 0; i < labels.length; i++) {
    let c = seen.get(labels[i]);
    if (c === undefined) seen.set(labels[i], (c = seen.size));
    code[i] = c;
  }
  return { code, nClasses: seen.size };
}

export function checkFolds(k: number, nUnits: number, unit: string): void {
  if (!Number.isInteger(k) || k < 2) throw new InputError(`the number of folds must be an integer of at least 2, got ${k}`);
  if (k > nUnits) throw new InputError(`cannot make ${k} folds of ${nUnits} ${unit}`);
}

/**
 * Test fold (0..k-1) of every node-run.
 * @param runLabels stratification label of each node-run (its anomaly), as codes or names
 * @param seed seed of the shuffle; null = no shuffle (scikit-learn `shuffle=False`)
 */
export function stratifiedFoldAssignment(runLabels: ArrayLike<number | string>, k = DEFAULT_FOLDS, seed: number | null = 0): Int32Array {
  checkFolds(k, runLabels.length, "node-runs");
  const { code, nClasses } = encodeByAppearance(runLabels);
  const count = new Int32Array(nClasses);
  for (const c of code) count[c]++;
  if (count.every((n) => n < k)) throw new InputError(`cannot stratify ${k} folds: every class has fewer than ${k} node-runs (largest ${Math.max(...count)})`);

  // allocation[c * k + f]: node-runs of class c in test fold f (round robin over the class-sorted order).
  const allocation = new Int32Array(nClasses * k);
  let position = 0;
  for (let c = 0; c < nClasses; c++) {
    for (let j = 0; j < count[c]; j++) allocation[c * k + (position++ % k)]++;
  }

  const rng = seed === null ? null : new Random(seed);
  const foldOf = new Int32Array(code.length);
  for (let c = 0; c < nClasses; c++) {
    const folds = new Int32Array(count[c]);
    let j = 0;
    for (let f = 0; f < k; f++) for (let m = 0; m < allocation[c * k + f]; m++) folds[j++] = f;
    rng?.shuffle(folds);
    j = 0;
    for (let r = 0; r < code.length; r++) if (code[r] === c) foldOf[r] = folds[j++];
  }
  return foldOf;
}

/** Stratified k-fold splits of node-runs, "fold 0" .. "fold k-1" (see the module comment). */
export function stratifiedKFold(runLabels: ArrayLike<number | string>, k = DEFAULT_FOLDS, seed: number | null = 0): Split[] {
  return splitsFromFolds(stratifiedFoldAssignment(runLabels, k, seed), k);
}
