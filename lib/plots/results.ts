/**
 * Figures of experiment results (data in, Plotly spec out): the default experiment's
 * per-class F1 beside the paper's, confusion matrices, and F1 per held-out application
 * or input. The notebooks and `e2ewatch reproduce` draw the same figures from the same
 * result files.
 */
import type { ConfusionMatrix } from "../evaluation/metrics";
import type { ExperimentResult } from "../evaluation/results";
import { PAPER_F1, PAPER_MODELS } from "../evaluation/paper";
import type { Figure, Trace } from "./figure";
import { classColour, MODEL_COLOURS } from "./colours";

const PAPER_COLOURS: Record<string, string> = { LightGBM: "#bbbbbb", RF: "#888888", XGBoost: "#555555" };

/** The classes of a result in label order. */
function labelsOf(result: ExperimentResult): string[] {
  return result.runs[0].confusion.labels;
}

/**
 * Per-class F1 of one or more models (mean over runs, bars with the spread as error
 * bars) beside the paper's published F1 for each class.
 */
export function perClassF1Figure(results: ExperimentResult[], { paper = true, title }: { paper?: boolean; title?: string } = {}): Figure {
  if (results.length === 0) throw new Error("perClassF1Figure: no results");
  const labels = labelsOf(results[0]);
  const data: Trace[] = results.map((r, i) => ({
    type: "bar",
    name: `ours: ${r.model}`,
    x: labels,
    y: labels.map((l) => r.summary.perClassF1[l]?.mean ?? null),
    error_y: { type: "data", array: labels.map((l) => r.summary.perClassF1[l]?.std ?? 0), visible: true },
    marker: { color: MODEL_COLOURS[i % MODEL_COLOURS.length] },
  }));
  if (paper) {
    for (const m of PAPER_MODELS) {
      data.push({ type: "bar", name: `paper: ${m}`, x: labels, y: labels.map((l) => PAPER_F1[l]?.[m] ?? null), marker: { color: PAPER_COLOURS[m] } });
    }
  }
  return {
    data,
    layout: {
      title: { text: title ?? `Per-class F1, ${results[0].experiment} experiment (${results[0].runs.length} runs; paper: Eclipse, fold 0)` },
      barmode: "group",
      yaxis: { title: { text: "F1" }, range: [0, 1.05] },
      xaxis: { title: { text: "class" } },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

/** Sums the confusion matrices of several runs (same labels). */
export function pooledConfusion(result: ExperimentResult): ConfusionMatrix {
  const labels = labelsOf(result);
  const matrix = labels.map(() => labels.map(() => 0));
  for (const run of result.runs) run.confusion.matrix.forEach((row, i) => row.forEach((v, j) => (matrix[i][j] += v)));
  return { labels, matrix };
}

/** A confusion matrix as a heat map, rows (true class) normalised to 1, counts in the cells. */
export function confusionFigure(confusion: ConfusionMatrix, title = "Confusion matrix (rows: true class, share of its windows)"): Figure {
  const { labels, matrix } = confusion;
  const shares = matrix.map((row) => {
    const total = row.reduce((s, v) => s + v, 0);
    return row.map((v) => (total > 0 ? v / total : 0));
  });
  return {
    data: [
      {
        type: "heatmap",
        x: labels,
        y: labels,
        z: shares,
        text: matrix.map((row) => row.map((v) => String(v))),
        texttemplate: "%{text}",
        hovertemplate: "true %{y}<br>predicted %{x}<br>%{z:.3f} of the row (%{text} windows)<extra></extra>",
        colorscale: "Blues",
        zmin: 0,
        zmax: 1,
      },
    ],
    layout: {
      title: { text: title },
      xaxis: { title: { text: "predicted" }, side: "bottom" },
      yaxis: { title: { text: "true" }, autorange: "reversed" },
    },
  };
}

/**
 * F1 per held-out group (application, input or fold): one bar group per group, one bar
 * per class, and the macro-F1 as a marker line. For the unknown-apps and unknown-inputs
 * experiments.
 */
export function heldOutF1Figure(result: ExperimentResult, title?: string): Figure {
  const labels = labelsOf(result);
  const groups = result.runs.map((r) => r.heldOut);
  const data: Trace[] = labels.map((l, i) => ({
    type: "bar",
    name: l,
    x: groups,
    y: result.runs.map((r) => (r.perClass[l].support > 0 ? r.perClass[l].f1 : null)),
    marker: { color: classColour(l, i) },
  }));
  data.push({ type: "scatter", mode: "markers+lines", name: "macro-F1", x: groups, y: result.runs.map((r) => r.macroF1), marker: { color: "black", size: 9 }, line: { dash: "dot", color: "black" } });
  return {
    data,
    layout: {
      title: { text: title ?? `F1 per held-out ${result.experiment === "unknown-apps" ? "application" : result.experiment === "unknown-inputs" ? "input" : "fold"} (${result.model})` },
      barmode: "group",
      yaxis: { title: { text: "F1" }, range: [0, 1.05] },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

/** Macro-F1 of every run of several models side by side: the spread over folds or groups. */
export function runSpreadFigure(results: ExperimentResult[], title?: string): Figure {
  return {
    data: results.map((r, i) => ({
      type: "box",
      name: r.model,
      y: r.runs.map((run) => run.macroF1),
      text: r.runs.map((run) => run.heldOut),
      boxpoints: "all",
      jitter: 0.3,
      marker: { color: MODEL_COLOURS[i % MODEL_COLOURS.length] },
    })),
    layout: { title: { text: title ?? `Macro-F1 per run, ${results[0]?.experiment ?? ""} experiment` }, yaxis: { title: { text: "macro-F1" } } },
  };
}
