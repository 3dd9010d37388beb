/**
 * Diagnosis over time: one job's window predictions per node, before and after
 * E2EWatch's two filters (lib/evaluation/filters.ts), and what the filters' window C
 * does to false alarms, misses and how late an anomaly is first reported.
 *
 * Everything here works from a split's test predictions (`experiments.runSplit`), so it
 * shows what a runtime predictor fed the same windows in time order would say.
 *
 * Run-level measures (beside the window rates of `classificationReport`): a node-run is
 * anomalous when any of its windows is; it is detected when some window, at or after
 * its first anomalous one, is called the anomaly it truly has; the delay is the time
 * between those two windows' ends. A healthy node-run (every window healthy) is alarmed
 * when any of its windows is called anomalous.
 *
 * ```ts
 * const o = await experiments.runSplit(table, split, config);
 * const job = plots.jobsInRows(table, o.testRows).find((j) => j.anomaly === "membw")!;
 * plots.show(plots.timelineFigure(plots.jobTimeline(table, o.testRows, o.predicted, job.jobId, { c: 5 })));
 * const sweep = plots.filterSweep(plots.testLabels(table, o), o.predicted, ..., [1, 2, 3, 5, 8]);
 * ```
 */
import { consecutiveFilter, majorityFilter } from "../evaluation/filters";
import { filterPerRun, rowsByRun } from "../evaluation/filtered";
import { classificationReport, healthyCode, HEALTHY } from "../evaluation/metrics";
import type { FeatureTable } from "../features/table";
import type { Figure, Trace } from "./figure";
import { classColour } from "./colours";
import { panelAxes } from "./grid";

export interface JobSummary {
  jobId: string;
  app: string;
  input: string;
  /** Node-runs of the job among the rows. */
  nodes: number;
  /** The anomaly of the job's anomalous node ("none" when all are healthy). */
  anomaly: string;
  windows: number;
  /** With predictions: windows called other than their true class. */
  wrongCalls?: number;
  /** With predictions: healthy windows called anomalous. */
  falseAlarms?: number;
  /** With predictions: times a node's call changes from one window to the next (what the filters smooth). */
  switches?: number;
}

/**
 * The jobs whose windows are among `rows`, in order of first appearance; with the
 * predictions of those rows (aligned with `rows`), also how the calls went.
 */
export function jobsInRows(table: FeatureTable, rows: ArrayLike<number>, predicted?: ArrayLike<number>, healthy = HEALTHY): JobSummary[] {
  if (predicted !== undefined && predicted.length !== rows.length) throw new Error(`jobsInRows: ${rows.length} rows but ${predicted.length} predictions`);
  const jobs = new Map<string, JobSummary & { runs: Set<number> }>();
  for (let i = 0; i < rows.length; i++) {
    const runNo = table.runIndex[rows[i]];
    const run = table.runs[runNo];
    let job = jobs.get(run.jobId);
    if (job === undefined) {
      job = { jobId: run.jobId, app: run.app, input: run.input, nodes: 0, anomaly: "none", windows: 0, runs: new Set() };
      if (predicted !== undefined) Object.assign(job, { wrongCalls: 0, falseAlarms: 0, switches: 0 });
      jobs.set(run.jobId, job);
    }
    job.windows++;
    if (!job.runs.has(runNo)) {
      job.runs.add(runNo);
      job.nodes++;
      if (run.anomaly !== "none") job.anomaly = run.anomaly;
    }
  }
  if (predicted !== undefined) {
    const h = healthyCode(table.labels, healthy);
    const runIndex = Int32Array.from(rows, (r) => table.runIndex[r]);
    const windowEnd = Float64Array.from(rows, (r) => table.windowEnd[r]);
    for (const group of rowsByRun(runIndex, windowEnd)) {
      const job = jobs.get(table.runs[runIndex[group[0]]].jobId)!;
      group.forEach((i, k) => {
        const truth = table.labelCode[rows[i]];
        const call = predicted[i];
        if (call !== truth) job.wrongCalls!++;
        if (truth === h && call !== h) job.falseAlarms!++;
        if (k > 0 && call !== predicted[group[k - 1]]) job.switches!++;
      });
    }
  }
  return [...jobs.values()].map(({ runs: _runs, ...job }) => job);
}

export interface NodeTimeline {
  nodeId: string;
  /** Index into `table.runs`. */
  runIndex: number;
  /** The node-run's anomaly ("none" when healthy). */
  anomaly: string;
  /** Window ends in seconds from the job's first window end. */
  times: Float64Array;
  truth: Uint8Array;
  predicted: Uint8Array;
  majority: Uint8Array;
  consecutive: Uint8Array;
}

export interface JobTimeline {
  jobId: string;
  app: string;
  input: string;
  labels: string[];
  /** Window C of both filters. */
  c: number;
  nodes: NodeTimeline[];
}

/**
 * The windows of one job among `rows` (with their predictions, aligned with `rows`),
 * node by node in time order, with both filters applied per node.
 * @throws Error when the job has no windows among `rows`.
 */
export function jobTimeline(table: FeatureTable, rows: ArrayLike<number>, predicted: ArrayLike<number>, jobId: string, { c = 5, healthy = HEALTHY }: { c?: number; healthy?: string } = {}): JobTimeline {
  if (rows.length !== predicted.length) throw new Error(`jobTimeline: ${rows.length} rows but ${predicted.length} predictions`);
  const mine: number[] = [];
  for (let i = 0; i < rows.length; i++) if (table.runs[table.runIndex[rows[i]]].jobId === jobId) mine.push(i);
  if (mine.length === 0) throw new Error(`jobTimeline: job '${jobId}' has no windows among the rows`);
  const runIndex = mine.map((i) => table.runIndex[rows[i]]);
  const windowEnd = mine.map((i) => table.windowEnd[rows[i]]);
  const t0 = Math.min(...windowEnd);
  const healthyIndex = healthyCode(table.labels, healthy);
  const nodes = rowsByRun(runIndex, windowEnd)
    .map((group): NodeTimeline => {
      const at = Array.from(group, (k) => mine[k]);
      const pred = Uint8Array.from(at, (i) => predicted[i]);
      const runNo = table.runIndex[rows[at[0]]];
      return {
        nodeId: table.runs[runNo].nodeId,
        runIndex: runNo,
        anomaly: table.runs[runNo].anomaly,
        times: Float64Array.from(at, (i) => table.windowEnd[rows[i]] - t0),
        truth: Uint8Array.from(at, (i) => table.labelCode[rows[i]]),
        predicted: pred,
        majority: majorityFilter(pred, c),
        consecutive: consecutiveFilter(pred, c, healthyIndex),
      };
    })
    .sort((a, b) => a.runIndex - b.runIndex);
  const first = table.runs[nodes[0].runIndex];
  return { jobId, app: first.app, input: first.input, labels: table.labels, c, nodes };
}

/** A Plotly colour scale that shows integer codes 0..K-1 (with zmin -0.5, zmax K-0.5) in their class colours. */
function discreteColourscale(labels: readonly string[]): [number, string][] {
  const k = labels.length;
  return labels.flatMap((l, i): [number, string][] => [
    [i / k, classColour(l, i)],
    [(i + 1) / k, classColour(l, i)],
  ]);
}

/**
 * The job as a heat map: four rows per node (true class, the model's call, after the
 * majority filter, after the consecutive filter), one column per window end.
 */
export function timelineFigure(timeline: JobTimeline, title?: string): Figure {
  const { labels, c, nodes } = timeline;
  const times = [...new Set(nodes.flatMap((n) => Array.from(n.times)))].sort((a, b) => a - b);
  const column = new Map(times.map((t, j) => [t, j]));
  const y: string[] = [];
  const z: (number | null)[][] = [];
  const text: string[][] = [];
  for (const node of nodes) {
    const tracks = [
      ["truth", node.truth],
      ["model", node.predicted],
      [`majority C=${c}`, node.majority],
      [`consecutive C=${c}`, node.consecutive],
    ] as const;
    for (const [what, codes] of tracks) {
      const row: (number | null)[] = times.map(() => null);
      const words: string[] = times.map(() => "");
      node.times.forEach((t, k) => {
        const j = column.get(t)!;
        row[j] = codes[k];
        words[j] = labels[codes[k]];
      });
      y.push(`${node.nodeId} · ${what}`);
      z.push(row);
      text.push(words);
    }
  }
  const separators = nodes.slice(1).map((_, i) => ({ type: "line", xref: "paper", x0: 0, x1: 1, yref: "y", y0: 4 * (i + 1) - 0.5, y1: 4 * (i + 1) - 0.5, line: { color: "white", width: 3 } }));
  const trace: Trace = {
    type: "heatmap",
    x: times,
    y,
    z,
    text,
    hovertemplate: "%{y}<br>window ending at %{x} s: %{text}<extra></extra>",
    colorscale: discreteColourscale(labels),
    zmin: -0.5,
    zmax: labels.length - 0.5,
    xgap: 1,
    colorbar: { tickvals: labels.map((_, i) => i), ticktext: [...labels], title: { text: "class" } },
  };
  return {
    data: [trace],
    layout: {
      title: { text: title ?? `Job ${timeline.jobId} (${timeline.app} · ${timeline.input}): window calls per node, raw and filtered` },
      xaxis: { title: { text: "window end, seconds from the job's first window" } },
      yaxis: { autorange: "reversed", automargin: true, tickfont: { size: 10 } },
      shapes: separators,
      height: Math.max(300, 28 * y.length + 160),
    },
  };
}

export interface RunAlarms {
  healthyRuns: number;
  /** Healthy node-runs with at least one window called anomalous. */
  healthyRunsAlarmed: number;
  anomalousRuns: number;
  /** Anomalous node-runs whose anomaly was called correctly at least once (at or after its first anomalous window). */
  detected: number;
  /** Seconds from the first anomalous window to the first correct call, one per detected node-run. */
  delays: Float64Array;
}

/** Run-level alarms of window calls (see the module comment). */
export function runAlarms(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, runIndex: ArrayLike<number>, windowEnd: ArrayLike<number>, healthy: number): RunAlarms {
  if (yTrue.length !== yPred.length || yTrue.length !== runIndex.length) throw new Error(`runAlarms: ${yTrue.length} true labels, ${yPred.length} predictions, ${runIndex.length} run indices`);
  const out = { healthyRuns: 0, healthyRunsAlarmed: 0, anomalousRuns: 0, detected: 0 };
  const delays: number[] = [];
  for (const rows of rowsByRun(runIndex, windowEnd)) {
    let first = -1;
    for (let k = 0; k < rows.length && first < 0; k++) if (yTrue[rows[k]] !== healthy) first = k;
    if (first < 0) {
      out.healthyRuns++;
      if (rows.some((r) => yPred[r] !== healthy)) out.healthyRunsAlarmed++;
      continue;
    }
    out.anomalousRuns++;
    for (let k = first; k < rows.length; k++) {
      const r = rows[k];
      if (yTrue[r] !== healthy && yPred[r] === yTrue[r]) {
        out.detected++;
        delays.push(windowEnd[r] - windowEnd[rows[first]]);
        break;
      }
    }
  }
  return { ...out, delays: Float64Array.from(delays) };
}

export type FilterName = "majority" | "consecutive";

export interface FilterSweepRow {
  filter: FilterName;
  c: number;
  macroF1: number;
  falseAlarmRate: number;
  anomalyMissRate: number;
  /** Share of healthy node-runs with any alarm. */
  healthyRunsAlarmed: number;
  /** Share of anomalous node-runs detected. */
  anomalousRunsDetected: number;
  /** Mean delay of the detected node-runs (null when none was). */
  meanDelaySeconds: number | null;
}

/**
 * Window and run-level measures after each filter for each window C (C = 1 is the
 * model's raw output for both filters).
 */
export function filterSweep(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, runIndex: ArrayLike<number>, windowEnd: ArrayLike<number>, labels: string[], cs: readonly number[], healthy = HEALTHY): FilterSweepRow[] {
  const h = healthyCode(labels, healthy);
  const rows: FilterSweepRow[] = [];
  for (const c of cs) {
    for (const filter of ["majority", "consecutive"] as const) {
      const filtered = filterPerRun(yPred, runIndex, windowEnd, (seq) => (filter === "majority" ? majorityFilter(seq, c) : consecutiveFilter(seq, c, h)));
      const report = classificationReport(yTrue, filtered, labels, healthy);
      const alarms = runAlarms(yTrue, filtered, runIndex, windowEnd, h);
      rows.push({
        filter,
        c,
        macroF1: report.macro.f1,
        falseAlarmRate: report.falseAlarmRate,
        anomalyMissRate: report.anomalyMissRate,
        healthyRunsAlarmed: alarms.healthyRuns > 0 ? alarms.healthyRunsAlarmed / alarms.healthyRuns : 0,
        anomalousRunsDetected: alarms.anomalousRuns > 0 ? alarms.detected / alarms.anomalousRuns : 0,
        meanDelaySeconds: alarms.delays.length > 0 ? alarms.delays.reduce((s, d) => s + d, 0) / alarms.delays.length : null,
      });
    }
  }
  return rows;
}

/**
 * Six panels against C: window false alarms, misses and macro-F1 (top), healthy
 * node-runs alarmed, anomalous node-runs detected and the mean detection delay (bottom).
 */
export function filterEffectFigure(rows: readonly FilterSweepRow[], title?: string): Figure {
  if (rows.length === 0) throw new Error("filterEffectFigure: no rows");
  const panels = [
    ["falseAlarmRate", "% healthy windows called anomalous", 100],
    ["anomalyMissRate", "% anomalous windows called healthy", 100],
    ["macroF1", "macro-F1 of the windows", 1],
    ["healthyRunsAlarmed", "% healthy node-runs with an alarm", 100],
    ["anomalousRunsDetected", "% anomalous node-runs detected", 100],
    ["meanDelaySeconds", "mean delay of detected node-runs (s)", 1],
  ] as const;
  const colours: Record<FilterName, string> = { majority: "#1f77b4", consecutive: "#d62728" };
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: title ?? "Effect of the filters' window C (C = 1: the model's raw calls)" },
    grid: { rows: 2, columns: 3, pattern: "independent", xgap: 0.15, ygap: 0.22 },
    legend: { orientation: "h", y: -0.15 },
    height: 600,
  };
  panels.forEach(([key, label, scale], p) => {
    const axes = panelAxes(p);
    for (const filter of ["majority", "consecutive"] as const) {
      const mine = rows.filter((r) => r.filter === filter).sort((a, b) => a.c - b.c);
      data.push({
        type: "scatter",
        mode: "lines+markers",
        name: `${filter} filter`,
        legendgroup: filter,
        showlegend: p === 0,
        x: mine.map((r) => r.c),
        y: mine.map((r) => (r[key] === null ? null : r[key]! * scale)),
        line: { color: colours[filter] },
        xaxis: axes.x,
        yaxis: axes.y,
      });
    }
    layout[axes.xaxis] = { title: { text: "window C", font: { size: 10 } }, dtick: 1 };
    layout[axes.yaxis] = { title: { text: label, font: { size: 10 } }, rangemode: "tozero" };
  });
  return { data, layout };
}
