/**
 * The metrics of one or more node-runs over time, one panel per metric sharing the time
 * axis: the figure to look at a run (synthetic or real) for any application, input and
 * anomaly. Several runs are overlaid (e.g. an anomalous node and its healthy twin); an
 * anomaly interval is shaded, and the seconds windowing trims at both ends are greyed.
 *
 * ```ts
 * const { anomalous, healthy } = synth.exampleRuns({ app: "sw4", input: "small", anomaly: "membw" });
 * plots.show(plots.telemetryFigure([anomalous, healthy]), "900px");
 * ```
 */
import type { NodeRun } from "../telemetry/noderun";
import type { Figure, Trace } from "./figure";

/** The default panels: CPU, scheduling, memory and paging, one of each kind of mechanism. */
export const DEFAULT_TELEMETRY_METRICS: readonly string[] = [
  "user::procstat",
  "sys::procstat",
  "idle::procstat",
  "procs_running::procstat",
  "context_switches::procstat",
  "MemFree::meminfo",
  "AnonPages::meminfo",
  "pgfault::vmstat",
  "Dirty::meminfo",
];

export interface TelemetryFigureOptions {
  /** Metrics to draw, `<metric>::<sampler>` (default DEFAULT_TELEMETRY_METRICS). */
  metrics?: readonly string[];
  /** Figure title (default: the first run's labels). */
  title?: string;
  /** Seconds trimmed at each end by windowing, greyed out (default 60; 0 for none). */
  trim?: number;
  /** Legend name of each run (default: node, anomaly and intensity). */
  names?: readonly string[];
}

const KB_PER_GB = 1024 * 1024;

/** Whether a metric is a kB level better read in GB. */
function inGigabytes(metric: string): boolean {
  return metric.endsWith("::meminfo") && !metric.startsWith("HugePages");
}

function runName(run: NodeRun): string {
  const l = run.label;
  const what = l.anomaly === "" ? "unlabelled" : l.anomaly === "none" ? "healthy" : `${l.anomaly} ${l.intensity}`.trim();
  return `${run.nodeId} (${what})`;
}

function title(run: NodeRun): string {
  const l = run.label;
  return [l.app, l.input, `job ${run.jobId}`].filter((s) => s !== "").join(" · ");
}

/**
 * One panel per metric, time in seconds from each run's first sample. Metrics a run does
 * not have are skipped for that run; an error names a metric no run has.
 */
export function telemetryFigure(runs: NodeRun | readonly NodeRun[], options: TelemetryFigureOptions = {}): Figure {
  const list = Array.isArray(runs) ? (runs as readonly NodeRun[]) : [runs as NodeRun];
  if (list.length === 0) throw new Error("telemetryFigure: no node-run to draw");
  const metrics = options.metrics ?? DEFAULT_TELEMETRY_METRICS;
  for (const m of metrics) if (!list.some((r) => r.metrics.includes(m))) throw new Error(`telemetryFigure: no run has metric '${m}'`);
  const trim = options.trim ?? 60;
  const panels = metrics.length;
  const gap = 0.012;
  const height = (1 - gap * (panels - 1)) / panels;
  const palette = ["#1f77b4", "#7f7f7f", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

  const data: Trace[] = [];
  list.forEach((run, r) => {
    const t0 = run.timestamps[0];
    const x = Float64Array.from(run.timestamps, (t) => t - t0);
    metrics.forEach((m, p) => {
      const i = run.metrics.indexOf(m);
      if (i < 0) return;
      const scale = inGigabytes(m) ? 1 / KB_PER_GB : 1;
      const y = scale === 1 ? run.values[i] : Float64Array.from(run.values[i], (v) => v * scale);
      data.push({
        type: "scatter",
        mode: "lines",
        x,
        y,
        name: options.names?.[r] ?? runName(run),
        legendgroup: `run${r}`,
        showlegend: p === 0,
        line: { width: 1.2, color: palette[r % palette.length] },
        xaxis: "x",
        yaxis: p === 0 ? "y" : `y${p + 1}`,
      });
    });
  });

  const layout: Record<string, unknown> = {
    title: { text: options.title ?? title(list[0]), font: { size: 14 } },
    height: Math.max(320, 130 * panels),
    margin: { l: 70, r: 20, t: 50, b: 40 },
    legend: { orientation: "h", y: 1.0, yanchor: "bottom", x: 0 },
    xaxis: { title: { text: "seconds from the first sample" }, anchor: panels === 1 ? "y" : `y${panels}` },
    shapes: shapes(list, trim),
  };
  metrics.forEach((m, p) => {
    const top = 1 - p * (height + gap);
    const unit = inGigabytes(m) ? " (GB)" : "";
    layout[p === 0 ? "yaxis" : `yaxis${p + 1}`] = {
      domain: [Math.max(0, top - height), top],
      title: { text: `${m.split("::")[0]}${unit}`, font: { size: 10 } },
      tickfont: { size: 9 },
      zeroline: false,
    };
  });
  return { data, layout };
}

/** Grey bands for the trimmed edges and a red band for the first run's anomaly interval. */
function shapes(runs: readonly NodeRun[], trim: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const length = Math.max(...runs.map((r) => (r.timestamps.length > 0 ? r.timestamps[r.timestamps.length - 1] - r.timestamps[0] : 0)));
  const band = (x0: number, x1: number, color: string): Record<string, unknown> => ({ type: "rect", xref: "x", yref: "paper", x0, x1, y0: 0, y1: 1, fillcolor: color, opacity: 0.12, line: { width: 0 }, layer: "below" });
  if (trim > 0 && length > 0) {
    out.push(band(0, Math.min(trim, length), "#7f7f7f"));
    out.push(band(Math.max(0, length - trim), length, "#7f7f7f"));
  }
  const l = runs[0].label;
  if (l.anomaly !== "none" && l.anomaly !== "" && (l.anomalyStart !== null || l.anomalyEnd !== null)) {
    out.push(band(l.anomalyStart ?? 0, l.anomalyEnd ?? length, "#d62728"));
  }
  return out;
}
