/**
 * What every split function returns: train and test sets of node-runs (indices into the
 * data set's run list), never of windows, so the windows of one node-run always stay on
 * one side. `rowsOf` turns a set of node-runs into the feature-table rows (windows) it
 * owns.
 */

export interface Split {
  /** What was held out, as written in results: "fold 0", an application, an input. */
  heldOut: string;
  /** Node-run indices used for training, ascending. */
  train: Int32Array;
  /** Node-run indices held out for testing, ascending. */
  test: Int32Array;
}

/** Builds splits from a test-fold number per node-run (folds 0..k-1). */
export function splitsFromFolds(foldOf: Int32Array, k: number, name = (f: number) => `fold ${f}`): Split[] {
  const splits: Split[] = [];
  for (let f = 0; f < k; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let r = 0; r < foldOf.length; r++) (foldOf[r] === f ? test : train).push(r);
    splits.push({ heldOut: name(f), train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return splits;
}

/**
 * Rows (windows) whose node-run is in `runs`, ascending.
 * @param runIndex node-run of each row, as `FeatureTable.runIndex`
 */
export function rowsOf(runs: ArrayLike<number>, runIndex: ArrayLike<number>): Int32Array {
  const wanted = new Set<number>();
  for (let i = 0; i < runs.length; i++) wanted.add(runs[i]);
  let n = 0;
  for (let i = 0; i < runIndex.length; i++) if (wanted.has(runIndex[i])) n++;
  const rows = new Int32Array(n);
  n = 0;
  for (let i = 0; i < runIndex.length; i++) if (wanted.has(runIndex[i])) rows[n++] = i;
  return rows;
}
