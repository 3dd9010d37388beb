/**
 * `e2ewatch inspect <source>`: loads any telemetry source and says what was read
 * (node-runs, samples, time span, metrics and which are counters) and every problem
 * found with what was done about it.
 */
import { openSource, SOURCE_FORMATS } from "../../telemetry/source";
import { inspectSource, type InspectReport } from "../../telemetry/inspect";
import { formatProblem } from "../../telemetry/problems";
import { DEFAULT_MAX_GAP_SECONDS } from "../../telemetry/grid";
import { numberOption, type Verb } from "../verb";

function isoTime(t: number | null): string {
  if (t === null) return "-";
  // Epoch seconds read better as dates; small numbers are relative times.
  return t > 1e8 ? `${t} (${new Date(t * 1000).toISOString().replace(".000Z", "Z")})` : String(t);
}

function labelText(r: InspectReport["runs"][number]): string {
  const l = r.label;
  if (l.anomaly === "" && l.app === "") return "unlabelled";
  const interval = l.anomalyStart !== null ? ` ${l.anomalyStart}..${l.anomalyEnd} s` : "";
  return `${l.app || "?"}/${l.input || "?"} ${l.anomaly}${l.intensity ? ` ${l.intensity}` : ""}${interval}`;
}

/** The report as text for a terminal. */
export function inspectText(report: InspectReport, listMetrics: boolean): string {
  const lines: string[] = [];
  lines.push(`source   ${report.source}`);
  lines.push(`format   ${report.format} (counters ${report.counters === "differenced-by-reader" ? "differenced by the reader" : "read as stored"})`);
  lines.push(`read     ${report.jobs} job(s), ${report.nodeRuns} node-run(s), ${report.samples} samples`);
  lines.push(`time     ${isoTime(report.timeSpan.start)} .. ${isoTime(report.timeSpan.end)}, ${report.timeSpan.seconds} s`);
  const bySampler = new Map<string, { all: number; counters: number }>();
  for (const m of report.metricDetails) {
    const s = bySampler.get(m.sampler) ?? { all: 0, counters: 0 };
    s.all++;
    if (m.kind === "counter") s.counters++;
    bySampler.set(m.sampler, s);
  }
  const samplers = [...bySampler].map(([s, c]) => `${s || "(none)"} ${c.all} (${c.counters} counters)`).join(", ");
  lines.push(`metrics  ${report.metrics.length}: ${samplers}`);
  if (listMetrics) {
    for (const m of report.metricDetails) {
      const nan = m.nan > 0 ? `, ${m.nan} NaN` : "";
      lines.push(`  ${m.name.padEnd(48)} ${m.kind.padEnd(7)} (${m.basis}) ${m.samples} values${nan}, ${m.min ?? "-"}..${m.max ?? "-"}`);
    }
  }
  lines.push("node-runs:");
  for (const r of report.runs) {
    lines.push(`  job ${r.jobId}  node ${r.nodeId}  ${r.samples} samples  ${r.start ?? "-"}..${r.end ?? "-"}  ${r.metrics} metrics${r.nanCells > 0 ? `, ${r.nanCells} NaN` : ""}  ${labelText(r)}`);
  }
  if (report.runsOmitted > 0) lines.push(`  ... and ${report.runsOmitted} more (see --json, --runs)`);
  lines.push(`problems ${report.problems.length === 0 ? "none" : report.problems.length}`);
  for (const p of report.problems) lines.push(`  ${formatProblem(p)}`);
  return lines.join("\n") + "\n";
}

export const inspectVerb: Verb = {
  name: "inspect",
  summary: "load any telemetry source and show what was read and every problem found",
  usage: "<source> [--json] [--metrics] [--max-gap S] [--runs N]",
  description: [
    "<source> is one of:",
    ...SOURCE_FORMATS.map((f) => `  ${f.format.padEnd(13)} ${f.accepts}`),
    "",
    "LDMS runs are put on a 1 Hz grid per node with counters turned into per-second",
    "rates (see the policy in --json output); problems such as truncated lines, rows",
    "out of order, duplicates, gaps and missing samplers are listed with what was done.",
    "--json prints the whole report: metrics (array of <metric>::<sampler> names),",
    "metricDetails (counter or level, samples, NaN counts, range), counterMetrics, runs,",
    "timeSpan, policy and problems.",
  ].join("\n"),
  options: {
    json: { type: "boolean", description: "print the report as JSON on stdout" },
    metrics: { type: "boolean", description: "list every metric in the text report" },
    "max-gap": { type: "string", value: "S", default: String(DEFAULT_MAX_GAP_SECONDS), description: "longest run of missing seconds filled when aligning samples (longer gaps stay NaN)" },
    runs: { type: "string", value: "N", default: "200", description: "most node-runs listed one by one" },
  },
  positionals: { min: 1, max: 1, name: "a telemetry source (file or folder)" },
  async run(ctx) {
    const maxGapSeconds = numberOption(ctx.values, "max-gap", DEFAULT_MAX_GAP_SECONDS, { integer: true, min: 0 });
    const maxRuns = numberOption(ctx.values, "runs", 200, { integer: true, min: 0 });
    const source = openSource(ctx.positionals[0], { maxGapSeconds });
    ctx.log(`reading ${source.path} as ${source.format}`);
    const report = await inspectSource(source, { maxRuns, maxGapSeconds, onProgress: ctx.progress });
    if (ctx.values.json === true) ctx.stdout.write(JSON.stringify(report, null, 2) + "\n");
    else ctx.stdout.write(inspectText(report, ctx.values.metrics === true));
  },
};
