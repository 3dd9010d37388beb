/**
 * Stratified k-fold that keeps every group (a job: all nodes of one job) on one side of
 * each split: the `group: "job"` option of the default experiment, stricter than the
 * paper, because nodes of one job share the application's phases and the injected
 * anomaly's timing.
 *
 * Whole groups cannot be dealt like single node-runs, so the folds are filled greedily:
 * 1. Groups are shuffled with the seed (xoshiro128**, Fisher-Yates), then stably sorted
 *    by size, largest first (as in longest-processing-time scheduling, so the last,
 *    smallest groups even out the folds).
 * 2. Each group goes to the test fold with the lowest score
 *      sum over classes c of  g_c * n_fc / N_c,
 *    where g_c is the group's node-runs of class c, n_fc the fold's so far and N_c the
 *    class's total: the fold that holds the fewest node-runs of the group's classes,
 *    rare classes weighing more. Ties go to the fold with fewer node-runs, then to the
 *    lower fold number.
 * When every group holds one class, each class's fold counts therefore differ by at
 * most the size of its largest group (by one when groups are single node-runs); groups
 * that mix classes are placed by their mix and can exceed that bound.
 */
import { InputError } from "../util/errors";
import { Random } from "../util/random";
import { checkFolds, DEFAULT_FOLDS, encodeByAppearance } from "./kfold";
import { splitsFromFolds, type Split } from "./split";

/**
 * Test fold (0..k-1) of every node-run, whole groups at a time.
 * @param runLabels stratification label of each node-run (its anomaly)
 * @param runGroups group of each node-run (its job id)
 */
export function groupedStratifiedFoldAssignment(runLabels: ArrayLike<number | string>, runGroups: ArrayLike<number | string>, k = DEFAULT_FOLDS, seed = 0): Int32Array {
  if (runLabels.length !== runGroups.length) throw new InputError(`${runLabels.length} node-run labels but ${runGroups.length} groups`);
  const { code: classOf, nClasses } = encodeByAppearance(runLabels);
  const { code: groupOf, nClasses: nGroups } = encodeByAppearance(runGroups);
  checkFolds(k, nGroups, "groups (jobs)");

  const classTotal = new Float64Array(nClasses);
  const groupCounts = new Float64Array(nGroups * nClasses);
  const groupSize = new Int32Array(nGroups);
  for (let r = 0; r < classOf.length; r++) {
    classTotal[classOf[r]]++;
    groupCounts[groupOf[r] * nClasses + classOf[r]]++;
    groupSize[groupOf[r]]++;
  }

  const order = new Random(seed).shuffle(Int32Array.from({ length: nGroups }, (_, g) => g));
  const sorted = Array.from(order).sort((a, b) => groupSize[b] - groupSize[a]); // Array.sort is stable

  const foldCounts = new Float64Array(k * nClasses);
  const foldSize = new Int32Array(k);
  const foldOfGroup = new Int32Array(nGroups);
  for (const g of sorted) {
    let best = 0;
    let bestScore = Infinity;
    for (let f = 0; f < k; f++) {
      let score = 0;
      for (let c = 0; c < nClasses; c++) score += (groupCounts[g * nClasses + c] * foldCounts[f * nClasses + c]) / classTotal[c];
      if (score < bestScore || (score === bestScore && foldSize[f] < foldSize[best])) {
        best = f;
        bestScore = score;
      }
    }
    foldOfGroup[g] = best;
    foldSize[best] += groupSize[g];
    for (let c = 0; c < nClasses; c++) foldCounts[best * nClasses + c] += groupCounts[g * nClasses + c];
  }
  return groupOf.map((g) => foldOfGroup[g]);
}

/** Stratified k-fold splits of node-runs that never split a group (see the module comment). */
export function groupedStratifiedKFold(runLabels: ArrayLike<number | string>, runGroups: ArrayLike<number | string>, k = DEFAULT_FOLDS, seed = 0): Split[] {
  return splitsFromFolds(groupedStratifiedFoldAssignment(runLabels, runGroups, k, seed), k);
}
