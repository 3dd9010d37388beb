/**
 * How sure the model is: the probability it gives its chosen class (the "confidence"),
 * for correct and wrong calls, per predicted class. A well-behaved model is confident
 * when right and hesitant when wrong; wrong calls at high confidence are the ones no
 * threshold can catch.
 *
 * ```ts
 * const outcome = await experiments.runSplit(table, splits[0], config);
 * const proba = plots.splitProbabilities(table, outcome);
 * const yTrue = plots.testLabels(table, outcome);
 * plots.show(plots.confidenceFigure(proba, yTrue, outcome.predicted, table.labels));
 * ```
 */
import type { ClassProbabilities, Classifier } from "../models/classifier";
import type { MinMaxScaler } from "../features/scaler";
import { selectColumns, takeRows, type FeatureTable } from "../features/table";
import type { Cell } from "./notebook";
import type { Figure, Trace } from "./figure";
import { panelAxes } from "./grid";

/** The parts of a split's outcome (`experiments.runSplit`) needed to score its test windows again. */
export interface FittedSplit {
  selected: readonly string[];
  testRows: Int32Array;
  scaler: MinMaxScaler;
  model: Classifier;
}

/** Class probabilities of a split's test windows (in test-row order) from its fitted scaler and model. */
export function splitProbabilities(table: FeatureTable, split: FittedSplit): ClassProbabilities {
  const test = split.scaler.transform(takeRows(selectColumns(table, split.selected), split.testRows));
  return split.model.predictProba(test);
}

/** The true class codes of a split's test windows, in test-row order. */
export function testLabels(table: FeatureTable, split: Pick<FittedSplit, "testRows">): Uint8Array {
  return Uint8Array.from(split.testRows, (r) => table.labelCode[r]);
}

/** The probability of the predicted class of each row. */
export function confidenceOf(proba: ClassProbabilities, yPred: ArrayLike<number>): Float64Array {
  if (yPred.length !== proba.nRows) throw new Error(`confidenceOf: ${proba.nRows} probability rows but ${yPred.length} predictions`);
  return Float64Array.from({ length: proba.nRows }, (_, r) => proba.values[r * proba.nClasses + yPred[r]]);
}

function checkLengths(proba: ClassProbabilities, yTrue: ArrayLike<number>, yPred: ArrayLike<number>): void {
  if (yTrue.length !== proba.nRows || yPred.length !== proba.nRows) throw new Error(`confidence: ${proba.nRows} probability rows, ${yTrue.length} true labels, ${yPred.length} predictions`);
}

/**
 * Per predicted class: windows, share correct, mean confidence of correct and of wrong
 * calls, and wrong calls made with confidence of at least `sure` (default 0.9).
 */
export function confidenceRows(proba: ClassProbabilities, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: readonly string[], sure = 0.9): Record<string, Cell>[] {
  checkLengths(proba, yTrue, yPred);
  const conf = confidenceOf(proba, yPred);
  return labels.map((label, k) => {
    let n = 0, right = 0, sumRight = 0, sumWrong = 0, sureWrong = 0;
    for (let r = 0; r < conf.length; r++) {
      if (yPred[r] !== k) continue;
      n++;
      if (yTrue[r] === k) {
        right++;
        sumRight += conf[r];
      } else {
        sumWrong += conf[r];
        if (conf[r] >= sure) sureWrong++;
      }
    }
    const wrong = n - right;
    return {
      "predicted class": label,
      windows: n,
      "share correct": n > 0 ? right / n : null,
      "mean confidence, correct": right > 0 ? sumRight / right : null,
      "mean confidence, wrong": wrong > 0 ? sumWrong / wrong : null,
      [`wrong with confidence >= ${sure}`]: sureWrong,
    };
  });
}

/**
 * One panel per predicted class: how many windows were called that class at each
 * confidence (bins of width 1/bins over [0, 1]), correct calls and wrong calls stacked.
 */
export function confidenceFigure(proba: ClassProbabilities, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, labels: readonly string[], { bins = 20, title }: { bins?: number; title?: string } = {}): Figure {
  checkLengths(proba, yTrue, yPred);
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`confidenceFigure: bins must be a whole number >= 1, got ${bins}`);
  const conf = confidenceOf(proba, yPred);
  const classes = labels.map((_, k) => k).filter((k) => Array.prototype.some.call(yPred, (p: number) => p === k));
  const centres = Array.from({ length: bins }, (_, b) => (b + 0.5) / bins);
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title ?? "Confidence of each call (probability of the predicted class), by predicted class" },
    grid: { rows: 1, columns: Math.max(1, classes.length), pattern: "independent", xgap: 0.1 },
    barmode: "stack",
    legend: { orientation: "h", y: -0.25 },
    height: 380,
  };
  classes.forEach((k, i) => {
    const right = new Float64Array(bins);
    const wrong = new Float64Array(bins);
    for (let r = 0; r < conf.length; r++) {
      if (yPred[r] !== k) continue;
      const b = Math.min(bins - 1, Math.floor(conf[r] * bins));
      (yTrue[r] === k ? right : wrong)[b]++;
    }
    const axes = panelAxes(i);
    for (const [name, counts, color] of [["correct", right, "#1f77b4"], ["wrong", wrong, "#d62728"]] as const) {
      data.push({ type: "bar", name, legendgroup: name, showlegend: i === 0, x: centres, y: counts, width: 1 / bins, marker: { color }, xaxis: axes.x, yaxis: axes.y });
    }
    layout[axes.xaxis] = { title: { text: `called ${labels[k]}`, font: { size: 11 } }, range: [0, 1], tickfont: { size: 9 } };
    layout[axes.yaxis] = { title: { text: i === 0 ? "windows" : "" }, tickfont: { size: 9 } };
  });
  return { data, layout };
}
