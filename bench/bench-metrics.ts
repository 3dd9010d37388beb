/** Small metrics for benchmarks, with scikit-learn's semantics (macro-F1 over the labels in truth or prediction). */

export function accuracy(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) right++;
  return right / truth.length;
}

export function macroF1(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  const labels = new Set<number>();
  for (let i = 0; i < truth.length; i++) labels.add(truth[i]).add(predicted[i]);
  let sum = 0;
  for (const k of labels) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      if (predicted[i] === k) {
        if (truth[i] === k) tp++;
        else fp++;
      } else if (truth[i] === k) fn++;
    }
    sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  return sum / labels.size;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}
