/**
 * `e2ewatch predict --model bundle.json <source>`: a label and a confidence for every
 * window of every node, from recorded telemetry (any reader's input) or, with
 * `--follow`, from a growing LDMS store_csv folder as samples arrive.
 */
import * as fs from "node:fs";
import { WorkerPool, defaultThreadCount } from "../../parallel/pool";
import { formatProblem, type ProblemLog } from "../../telemetry/problems";
import { openSource } from "../../telemetry/source";
import { predictSource, type NodeRunDiagnosis } from "../../runtime/batch";
import { type FilterSpec, filterName, parseFilter } from "../../runtime/filters";
import { LdmsFollower } from "../../runtime/follow";
import { type Diagnosis, diagnosisHeader, diagnosisLine } from "../../runtime/output";
import { RuntimePredictor, listNames } from "../../runtime/predictor";
import { accuracyReport, detectionReport, type DetectionReport } from "../../runtime/report";
import { InputError, UsageError } from "../../util/errors";
import { numberOption, stringOption, type Verb, type VerbContext } from "../verb";

interface RowSink {
  write: (text: string) => void;
  /** Closes the file; after a failure (`ok` false) a file is removed rather than left half written. */
  close: (ok: boolean) => void;
}

/** Where rows go: a file (written as they come) or stdout. */
function rowSink(ctx: VerbContext, out: string | undefined): RowSink {
  if (out === undefined) return { write: (text) => ctx.stdout.write(text), close: () => {} };
  let fd: number;
  try {
    fd = fs.openSync(out, "w");
  } catch (e) {
    throw new InputError(`cannot write: ${(e as Error).message}`, { file: out });
  }
  return {
    write: (text) => fs.writeSync(fd, text),
    close: (ok) => {
      fs.closeSync(fd);
      // Only a regular file is removed (never a device such as /dev/null, or a pipe).
      if (!ok && fs.statSync(out).isFile()) fs.rmSync(out, { force: true });
    },
  };
}

function logProblems(ctx: VerbContext, problems: ProblemLog): void {
  const shown = problems.problems.slice(0, 20);
  for (const p of shown) ctx.log(`note: ${formatProblem(p)}`);
  if (problems.problems.length > shown.length) ctx.log(`note: ... and ${problems.problems.length - shown.length} more problem(s) (see --json)`);
}

function seconds(x: number | null): string {
  return x === null ? "-" : `${Math.round(x)} s`;
}

/** Detection lines for stderr: a summary, then one line per interval node-run (the first 50). */
function logDetection(ctx: VerbContext, d: DetectionReport): void {
  ctx.log(
    `detection (${d.labels} labels): ${d.detected} of ${d.intervalRuns} interval anomalies detected (${d.detectedCorrectType} with the right type), latency median ${seconds(d.medianLatencySeconds)}, mean ${seconds(d.meanLatencySeconds)}, max ${seconds(d.maxLatencySeconds)}; ` +
      `false alarms ${d.falseAlarms} in ${d.healthyNodeHours.toFixed(2)} healthy node-hours (${d.falseAlarmsPerNodeHour === null ? "-" : d.falseAlarmsPerNodeHour.toFixed(3)} per node-hour)`,
  );
  for (const n of d.nodes.slice(0, 50)) {
    ctx.log(`  job ${n.jobId} node ${n.nodeId} ${n.anomaly} ${n.intensity}: ${n.latencySeconds === null ? "missed" : `detected as ${n.detectedAs} after ${n.latencySeconds} s`}`);
  }
  if (d.nodes.length > 50) ctx.log(`  ... and ${d.nodes.length - 50} more (see --json)`);
}

async function predictBatch(ctx: VerbContext, predictor: RuntimePredictor, sourcePath: string, filter: FilterSpec | undefined, out: string | undefined, threads: number | undefined): Promise<void> {
  const json = ctx.values.json === true;
  const source = openSource(sourcePath);
  // With --json and no --out the rows go into the JSON; otherwise they are written as they come.
  const sink = json && out === undefined ? undefined : rowSink(ctx, out);
  const rows: Diagnosis[] = [];
  const labels = predictor.labels;
  const counts: Record<string, number> = {};
  const kept: NodeRunDiagnosis[] = [];
  const imputedSets = new Map<string, number>();
  let windows = 0;
  let nodeRuns = 0;
  let jobs = 0;
  const pool = new WorkerPool(threads ?? defaultThreadCount());
  let ok = false;
  try {
    for await (const job of predictSource(source, predictor, { pool, filter, onProgress: ctx.progress })) {
      // The header comes with the first job's rows: a source refused at once leaves no output.
      let text = jobs === 0 ? diagnosisHeader(filter !== undefined) : "";
      jobs++;
      for (const run of job) {
        nodeRuns++;
        if (run.imputed.length > 0) imputedSets.set(run.imputed.join(", "), (imputedSets.get(run.imputed.join(", ")) ?? 0) + 1);
        if (run.label.anomaly !== "") kept.push(run);
        for (let k = 0; k < run.predicted.length; k++) {
          const d: Diagnosis = { jobId: run.jobId, nodeId: run.nodeId, timestamp: run.windowEnd[k], label: labels[run.predicted[k]], confidence: run.confidence[k], filtered: run.filtered === undefined ? undefined : labels[run.filtered[k]] };
          counts[d.label] = (counts[d.label] ?? 0) + 1;
          windows++;
          if (sink === undefined) rows.push(d);
          else text += diagnosisLine(d, filter !== undefined);
        }
      }
      sink?.write(text);
    }
    if (jobs === 0) sink?.write(diagnosisHeader(filter !== undefined));
    ok = true;
  } finally {
    sink?.close(ok);
    await pool.close();
  }
  for (const [names, n] of imputedSets) ctx.log(`warning: ${n} node-run(s) lack metric(s) the model needs (${listNames(names.split(", "))}); their features took the training medians`);
  logProblems(ctx, source.problems);
  const evaluation = accuracyReport(kept, labels);
  const detection = detectionReport(kept, labels, predictor.features, filter === undefined ? undefined : filterName(filter));
  if (evaluation !== null) ctx.log(`accuracy against the source's labels: ${evaluation.windowAccuracy.toFixed(4)} per-window labels, ${evaluation.runLabelAccuracy.toFixed(4)} whole-run labels${evaluation.filteredWindowAccuracy === null ? "" : `, ${evaluation.filteredWindowAccuracy.toFixed(4)} filtered`} (${evaluation.windows} windows)`);
  if (detection !== null && detection.intervalRuns > 0) logDetection(ctx, detection);
  const summary = `${windows} windows of ${nodeRuns} node-runs in ${jobs} job(s): ${Object.entries(counts).map(([l, n]) => `${l} ${n}`).join(", ") || "no windows"}`;
  if (json) {
    const report = {
      bundle: stringOption(ctx.values, "model"),
      source: sourcePath,
      format: source.format,
      filter: filter === undefined ? null : filterName(filter),
      jobs,
      nodeRuns,
      windows,
      labels: counts,
      imputed: [...imputedSets].map(([metrics, runs]) => ({ metrics: metrics.split(", "), nodeRuns: runs })),
      evaluation,
      detection,
      problems: source.problems.problems,
      ...(out === undefined ? { predictions: rows } : { out }),
    };
    ctx.stdout.write(JSON.stringify(report, null, 2) + "\n");
  } else if (out !== undefined) ctx.stdout.write(`wrote ${out}: ${summary}\n`);
  else ctx.log(summary);
}

async function predictFollow(ctx: VerbContext, predictor: RuntimePredictor, root: string, filter: FilterSpec | undefined, out: string | undefined): Promise<void> {
  const json = ctx.values.json === true;
  const idle = numberOption(ctx.values, "idle", undefined, { min: 0 });
  const pollMs = numberOption(ctx.values, "poll", 1000, { integer: true, min: 10 });
  const sink = rowSink(ctx, out);
  if (!json) sink.write(diagnosisHeader(filter !== undefined));
  const follower = new LdmsFollower(root, predictor, {
    filter,
    pollMs,
    idleSeconds: idle,
    watch: ctx.values["poll-only"] !== true,
    onWarning: (line) => ctx.log(line),
    onDiagnosis: (d) => {
      if (json) sink.write(JSON.stringify({ node_id: d.nodeId, timestamp: d.timestamp, label: d.label, confidence: d.confidence, ...(d.filtered === undefined ? {} : { filtered: d.filtered }), job_id: d.jobId }) + "\n");
      else sink.write(diagnosisLine(d, filter !== undefined));
    },
  });
  const onSigint = (): void => follower.stop();
  process.once("SIGINT", onSigint);
  ctx.log(`following ${root} (window ${predictor.features.window} s, stride ${predictor.features.stride} s, start trim ${predictor.features.trim} s)${idle === undefined ? "; Ctrl-C stops" : `; stops after ${idle} s without new samples`}`);
  try {
    const summary = await follower.run();
    ctx.log(`stopped (${summary.stoppedBy === "idle" ? `no new samples for ${idle} s` : "interrupted"}): ${summary.windows} windows of ${summary.nodes} node(s) from ${summary.lines} lines`);
  } finally {
    process.removeListener("SIGINT", onSigint);
    // Rows already written in follow mode were diagnoses made: keep them even after an error.
    sink.close(true);
  }
  logProblems(ctx, follower.problems);
}

export const predictVerb: Verb = {
  name: "predict",
  summary: "diagnose telemetry with a model bundle: a label and confidence per node and window",
  usage: "--model bundle.json <source> [--out preds.csv] [--filter majority:C|consecutive:C] [--allow-missing] [--json] [--follow [--idle S]]",
  description: `
<source> is anything the readers accept: a data set folder, a contract or runtime
telemetry CSV, an LDMS store_csv run folder, E2EWatch/Prodigy HDF5. Every node-run is
windowed as in training (trim at both ends, then windows every stride), and each window
gives a row node_id,timestamp,label,confidence (timestamp: the window's last sample),
then filtered (with --filter) and job_id, in time order per node.
--filter majority:C labels a window with the most frequent of its node's last C labels;
consecutive:C raises an alarm only after C identical anomalous windows.
On labelled data (a data set) the accuracy is reported; on interval-labelled data
(anomaly_start/anomaly_end) also each anomaly's detection latency and the false alarms
per node-hour (stderr, and --json).
--follow watches a growing LDMS store_csv folder and prints each window's diagnosis as
soon as every sampler has reached its last second; only the start of a live run is
trimmed (its end is not known yet). Stops on Ctrl-C or after --idle seconds without new
samples. Counters in LDMS files are cumulative and are differenced as they are read.`,
  options: {
    model: { type: "string", short: "m", value: "FILE", description: "model bundle written by 'e2ewatch train'" },
    out: { type: "string", short: "o", value: "CSV", description: "write the rows to this file (default: stdout)" },
    filter: { type: "string", value: "KIND:C", description: "majority:C or consecutive:C window filter (adds a filtered column)" },
    "allow-missing": { type: "boolean", description: "metrics the source lacks take their training medians (with a warning) instead of an error" },
    json: { type: "boolean", description: "a JSON report on stdout (rows included unless --out); with --follow one JSON object per diagnosis" },
    follow: { type: "boolean", description: "follow a growing LDMS store_csv folder and diagnose windows as they complete" },
    idle: { type: "string", value: "S", description: "with --follow: stop after S seconds without new samples (default: run until Ctrl-C)" },
    poll: { type: "string", value: "MS", default: "1000", description: "with --follow: milliseconds between polls (file changes are also watched)" },
    "poll-only": { type: "boolean", description: "with --follow: do not watch for file changes, only poll (file systems without change events)" },
    threads: { type: "string", value: "N", description: "worker threads for the window features (default E2EWATCH_THREADS or all cores)" },
  },
  positionals: { min: 1, max: 1, name: "telemetry source" },
  async run(ctx) {
    const model = stringOption(ctx.values, "model");
    if (model === undefined) throw new UsageError("--model FILE is required (a bundle written by 'e2ewatch train')");
    const filterText = stringOption(ctx.values, "filter");
    const filter = filterText === undefined ? undefined : parseFilter(filterText);
    const out = stringOption(ctx.values, "out");
    const threads = numberOption(ctx.values, "threads", undefined, { integer: true, min: 0 });
    if (ctx.values.follow !== true && (ctx.values.idle !== undefined || ctx.values.poll !== undefined || ctx.values["poll-only"] === true)) throw new UsageError("--idle, --poll and --poll-only go with --follow");
    const predictor = RuntimePredictor.fromFile(model, { allowMissing: ctx.values["allow-missing"] === true });
    const disagree = predictor.counterDisagreements();
    if (disagree.length > 0) ctx.log(`warning: ${disagree.length} metric(s) were counters when the model was trained but are not now, or the reverse (${listNames(disagree)}); readers process them differently than training did`);
    const source = ctx.positionals[0];
    if (ctx.values.follow === true) await predictFollow(ctx, predictor, source, filter, out);
    else await predictBatch(ctx, predictor, source, filter, out, threads);
  },
};
