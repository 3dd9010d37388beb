/**
 * False alarms and missed anomalies per run (fold, held-out application or input) of
 * one or more models, beside the rates the paper published. The paper's rates are tiny
 * (0.0009 % to 0.12 %) next to what a small synthetic data set gives, so each rate has
 * its own panel and the paper's values are drawn as lines rather than bars.
 */
import type { ExperimentResult } from "../evaluation/results";
import { PAPER_RATES } from "../evaluation/paper";
import type { Figure, Trace } from "./figure";
import { panelAxes } from "./grid";
import { MODEL_COLOURS } from "./colours";

const PAPER_DASH: Record<string, string> = { LightGBM: "dot", RF: "dash" };

/** Two panels, false-alarm rate and anomaly-miss rate in percent, bars per run and model. */
export function alarmRatesFigure(results: readonly ExperimentResult[], { paper = true, title }: { paper?: boolean; title?: string } = {}): Figure {
  if (results.length === 0) throw new Error("alarmRatesFigure: no results");
  const runs = [...new Set(results.flatMap((r) => r.runs.map((run) => run.heldOut)))];
  const data: Trace[] = [];
  const rates = [
    ["falseAlarmRate", "false alarms (healthy windows called anomalous)"],
    ["anomalyMissRate", "anomaly misses (anomalous windows called healthy)"],
  ] as const;
  rates.forEach(([key], panel) => {
    const { x: xaxis, y: yaxis } = panelAxes(panel);
    const axes = { xaxis, yaxis };
    results.forEach((r, i) => {
      data.push({
        type: "bar",
        name: r.model,
        legendgroup: r.model,
        showlegend: panel === 0,
        x: runs,
        y: runs.map((h) => {
          const run = r.runs.find((x) => x.heldOut === h);
          return run === undefined ? null : 100 * run[key];
        }),
        marker: { color: MODEL_COLOURS[i % MODEL_COLOURS.length] },
        ...axes,
      });
    });
    if (paper) {
      for (const [model, value] of Object.entries(PAPER_RATES[key])) {
        data.push({ type: "scatter", mode: "lines", name: `paper: ${model}`, legendgroup: `paper ${model}`, showlegend: panel === 0, x: runs, y: runs.map(() => 100 * value!), line: { color: "black", dash: PAPER_DASH[model] ?? "solid", width: 1.5 }, ...axes });
      }
    }
  });
  return {
    data,
    layout: {
      title: { text: title ?? `False alarms and missed anomalies per run, ${results[0].experiment} experiment` },
      grid: { rows: 1, columns: 2, pattern: "independent", xgap: 0.12 },
      barmode: "group",
      yaxis: { title: { text: `% ${rates[0][1]}`, font: { size: 10 } }, rangemode: "tozero" },
      yaxis2: { title: { text: `% ${rates[1][1]}`, font: { size: 10 } }, rangemode: "tozero" },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}
