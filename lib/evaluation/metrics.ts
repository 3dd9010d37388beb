/**
 * Classification metrics with scikit-learn 1.2 semantics: `confusion_matrix`,
 * `precision_recall_fscore_support` and `classification_report` called with an explicit
 * `labels` list and `zero_division=0`.
 *
 * Labels are codes (indices into a list of class names). Every listed class is reported,
 * in the list's order, even when it occurs in neither y_true nor y_pred: its precision,
 * recall and F1 are then 0 (zero_division=0) and it still counts in the macro average,
 * exactly as scikit-learn does when `labels` is passed. Precision of a class never
 * predicted and recall of a class never true are 0 as well; F1 is 2PR/(P+R), or 0 when
 * P+R = 0. Weighted averages weight by support.
 *
 * Beyond scikit-learn: the false-alarm rate (healthy windows called anomalous, over
 * healthy windows) and the anomaly-miss rate (anomalous windows called healthy, over
 * anomalous windows). A window whose anomaly is called the wrong anomaly is neither.
 * Both rates are 0 when their denominator is 0, in the spirit of zero_division=0; the
 * confusion matrix keeps the counts.
 */
import { InputError } from "../util/errors";

/** The healthy class's name in every E2EWatch data set. */
export const HEALTHY = "none";

/** Counts of (true, predicted) pairs: rows are true classes, columns predicted ones. */
export interface ConfusionMatrix {
  labels: string[];
  /** `matrix[t][p]`: windows of true class `labels[t]` predicted as `labels[p]`. */
  matrix: number[][];
}

export interface Averages {
  precision: number;
  recall: number;
  f1: number;
}

export interface ClassificationReport {
  labels: string[];
  /** Per class, in `labels` order. */
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  /** Number of windows whose true class is the label. */
  support: Float64Array;
  /** Unweighted mean over all listed labels (absent ones included, with 0). */
  macro: Averages;
  /** Mean weighted by support. */
  weighted: Averages;
  /** Fraction of windows predicted correctly. */
  accuracy: number;
  confusion: ConfusionMatrix;
  falseAlarmRate: number;
  anomalyMissRate: number;
  /** Number of windows scored. */
  windows: number;
}

/** Checks that both code arrays match and every code names a label. */
function checkCodes(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nLabels: number): void {
  if (yTrue.length !== yPred.length) throw new InputError(`y_true has ${yTrue.length} windows but y_pred has ${yPred.length}`);
  for (const [name, y] of [["y_true", yTrue], ["y_pred", yPred]] as const) {
    for (let i = 0; i < y.length; i++) {
      const c = y[i];
      if (!(c >= 0 && c < nLabels && Number.isInteger(c))) throw new InputError(`${name}[${i}] = ${c} is not a code of the ${nLabels} labels`);
    }
  }
}

/**
 * Confusion counts as a flat row-major array (`counts[t * nLabels + p]`), the shape
 * the bootstrap sums quickly.
 */
export function confusionCounts(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, nLabels: number): Float64Array {
  checkCodes(yTrue, yPred, nLabels);
  const counts = new Float64Array(nLabels * nLabels);
  for (let i = 0; i < yTrue.length; i++) counts[yTrue[i] * nLabels + yPred[i]]++;
  return counts;
}

/** scikit-learn's `confusion_matrix(y_true, y_pred, labels=labels)`. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: string[]): ConfusionMatrix {
  return toMatrix(confusionCounts(yTrue, yPred, labels.length), labels);
}

function toMatrix(counts: Float64Array, labels: string[]): ConfusionMatrix {
  const n = labels.length;
  const matrix: number[][] = [];
  for (let t = 0; t < n; t++) matrix.push(Array.from(counts.subarray(t * n, (t + 1) * n)));
  return { labels: [...labels], matrix };
}

/** 0 when the denominator is 0 (zero_division=0). */
function ratio(num: number, den: number): number {
  return den === 0 ? 0 : num / den;
}

export interface PerClassScores {
  precision: Float64Array;
  recall: Float64Array;
  f1: Float64Array;
  support: Float64Array;
}

/** Per-class precision, recall, F1 and support from flat confusion counts. */
export function scoresFromCounts(counts: Float64Array, nLabels: number): PerClassScores {
  const precision = new Float64Array(nLabels);
  const recall = new Float64Array(nLabels);
  const f1 = new Float64Array(nLabels);
  const support = new Float64Array(nLabels);
  const predicted = new Float64Array(nLabels);
  for (let t = 0; t < nLabels; t++) {
    for (let p = 0; p < nLabels; p++) {
      const c = counts[t * nLabels + p];
      support[t] += c;
      predicted[p] += c;
    }
  }
  for (let k = 0; k < nLabels; k++) {
    const tp = counts[k * nLabels + k];
    const p = ratio(tp, predicted[k]);
    const r = ratio(tp, support[k]);
    precision[k] = p;
    recall[k] = r;
    // scikit-learn's F-beta with beta = 1, in its operation order.
    const denom = p + r;
    f1[k] = denom === 0 ? 0 : (2 * p * r) / denom;
  }
  return { precision, recall, f1, support };
}

/** Macro-F1 straight from flat confusion counts (the bootstrap's inner loop). */
export function macroF1FromCounts(counts: Float64Array, nLabels: number): number {
  return mean(scoresFromCounts(counts, nLabels).f1);
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function weightedMean(values: Float64Array, weights: Float64Array): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] * weights[i];
    total += weights[i];
  }
  return total === 0 ? 0 : sum / total;
}

export interface AlarmRates {
  /** Healthy windows predicted as any anomaly, over healthy windows. */
  falseAlarmRate: number;
  /** Anomalous windows predicted healthy, over anomalous windows. */
  anomalyMissRate: number;
}

/** False-alarm and anomaly-miss rates from flat confusion counts; `healthy` is the healthy class's code. */
export function alarmRatesFromCounts(counts: Float64Array, nLabels: number, healthy: number): AlarmRates {
  let healthyWindows = 0;
  let falseAlarms = 0;
  let anomalousWindows = 0;
  let misses = 0;
  for (let t = 0; t < nLabels; t++) {
    for (let p = 0; p < nLabels; p++) {
      const c = counts[t * nLabels + p];
      if (t === healthy) {
        healthyWindows += c;
        if (p !== healthy) falseAlarms += c;
      } else {
        anomalousWindows += c;
        if (p === healthy) misses += c;
      }
    }
  }
  return { falseAlarmRate: ratio(falseAlarms, healthyWindows), anomalyMissRate: ratio(misses, anomalousWindows) };
}

/** Code of the healthy class, or an InputError when the labels lack it. */
export function healthyCode(labels: string[], healthy = HEALTHY): number {
  const code = labels.indexOf(healthy);
  if (code < 0) throw new InputError(`labels [${labels.join(", ")}] lack the healthy class "${healthy}"`);
  return code;
}

/**
 * Everything scikit-learn's `classification_report(y_true, y_pred, labels=labels,
 * zero_division=0, output_dict=True)` gives, plus the confusion matrix and the alarm
 * rates. `yTrue`/`yPred` are codes into `labels`; `healthy` names the healthy class.
 *
 * @throws InputError when the arrays differ in length, are empty, hold a code outside
 *   `labels`, or `labels` lacks the healthy class.
 */
export function classificationReport(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: string[], healthy = HEALTHY): ClassificationReport {
  if (yTrue.length === 0) throw new InputError("no windows to score");
  const n = labels.length;
  const healthyIndex = healthyCode(labels, healthy);
  const counts = confusionCounts(yTrue, yPred, n);
  const scores = scoresFromCounts(counts, n);
  let correct = 0;
  for (let k = 0; k < n; k++) correct += counts[k * n + k];
  return {
    labels: [...labels],
    ...scores,
    macro: { precision: mean(scores.precision), recall: mean(scores.recall), f1: mean(scores.f1) },
    weighted: {
      precision: weightedMean(scores.precision, scores.support),
      recall: weightedMean(scores.recall, scores.support),
      f1: weightedMean(scores.f1, scores.support),
    },
    accuracy: correct / yTrue.length,
    confusion: toMatrix(counts, labels),
    ...alarmRatesFromCounts(counts, n, healthyIndex),
    windows: yTrue.length,
  };
}
