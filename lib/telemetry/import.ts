/**
 * Turning a researcher's own collections (LDMS run folders, or any other source
 * `openSource` reads) into a labelled data set in the contract format, so they can be
 * used in experiments beside the generated and published data.
 *
 * Everything is read and checked before anything is written: a bad run folder leaves
 * the data set as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../util/errors";
import type { ProgressFn } from "../util/progress";
import { DatasetWriter, jobFile, readMetadata } from "./contract";
import type { NodeRun, RunLabel } from "./noderun";
import type { ReadProblem } from "./problems";
import { openSource, type OpenOptions } from "./source";

export interface ImportLabel {
  app: string;
  input: string;
  /** Anomaly type, "none" for healthy runs. */
  anomaly: string;
  intensity?: string;
  /**
   * Anomaly interval in seconds from the first sample of the collection (as HPAS
   * folder names `ST<start>_ET<end>` give it); both or neither. Converted to seconds
   * from each node-run's first kept second (readers may start a run a few seconds
   * later, at the first second every sampler covers and the first counter difference).
   */
  anomalyStart?: number;
  anomalyEnd?: number;
}

export interface ImportOptions extends OpenOptions {
  label: ImportLabel;
  /** Job id for every node-run imported (default: the job id each source gives). */
  jobId?: string;
  onProgress?: ProgressFn;
}

export interface ImportedJob {
  jobId: string;
  nodes: string[];
  samples: number;
  sources: string[];
}

export interface ImportResult {
  dataset: string;
  created: boolean;
  jobs: ImportedJob[];
  problems: ReadProblem[];
  /** Things worth knowing that did not stop the import. */
  warnings: string[];
}

/** Checks a label given on the command line or by a caller. */
export function checkImportLabel(label: ImportLabel): void {
  for (const key of ["app", "input", "anomaly"] as const) {
    if (label[key].trim() === "") throw new InputError(`${key} must not be empty`);
    if (/[\r\n]/.test(label[key])) throw new InputError(`${key} must be one line`);
  }
  const { anomalyStart: s, anomalyEnd: e } = label;
  if ((s === undefined) !== (e === undefined)) throw new InputError("give both the anomaly start and end, or neither (whole run)");
  if (label.anomaly === "none" && (s !== undefined || (label.intensity ?? "") !== "")) throw new InputError("a healthy run (anomaly none) has no anomaly interval or intensity");
  if (s !== undefined && e !== undefined && !(s >= 0 && e > s)) throw new InputError(`the anomaly interval must satisfy 0 <= start < end, got ${s}..${e}`);
}

/** The node-run's label, with the interval moved to seconds from its first kept second. */
function labelFor(run: NodeRun, label: ImportLabel, source: string): RunLabel {
  const out: RunLabel = { app: label.app, input: label.input, anomaly: label.anomaly, intensity: label.intensity ?? "", anomalyStart: null, anomalyEnd: null };
  if (label.anomalyStart === undefined || label.anomalyEnd === undefined) return out;
  const n = run.timestamps.length;
  const offset = run.sourceStart !== undefined && n > 0 ? run.timestamps[0] - run.sourceStart : 0;
  const start = Math.max(0, label.anomalyStart - offset);
  const end = label.anomalyEnd - offset;
  if (end <= 0 || start >= n) {
    throw new InputError(`anomaly ${label.anomalyStart}..${label.anomalyEnd} s lies outside node ${run.nodeId}'s telemetry (${offset}..${offset + n} s from the collection's first sample)`, { file: source });
  }
  out.anomalyStart = start;
  out.anomalyEnd = end;
  return out;
}

/** Reorders a run's metrics to `order` (same set), or throws naming what differs. */
function alignMetrics(run: NodeRun, source: string, order: string[], first: { node: string; source: string }): NodeRun {
  const same = run.metrics.length === order.length && run.metrics.every((m, i) => m === order[i]);
  if (same) return run;
  const have = new Map(run.metrics.map((m, i) => [m, i]));
  const missing = order.filter((m) => !have.has(m));
  const extra = run.metrics.filter((m) => !order.includes(m));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [missing.length > 0 ? `lacks ${missing.length} (e.g. ${missing[0]})` : "", extra.length > 0 ? `has ${extra.length} more (e.g. ${extra[0]})` : ""].filter(Boolean);
    throw new InputError(`node ${run.nodeId} of job ${run.jobId} ${parts.join(" and ")} metric(s) compared with node ${first.node} from ${first.source}; a job's nodes must have the same metrics`, { file: source });
  }
  return { ...run, metrics: [...order], values: order.map((m) => run.values[have.get(m)!]) };
}

/** Reads every source, labels and checks the node-runs, then appends them to the data set at `out`. */
export async function importRuns(sources: string[], out: string, options: ImportOptions): Promise<ImportResult> {
  checkImportLabel(options.label);
  if (sources.length === 0) throw new InputError("nothing to import: give at least one run folder");
  const jobs = new Map<string, { runs: NodeRun[]; sources: string[]; first: { node: string; source: string } }>();
  const problems: ReadProblem[] = [];
  let done = 0;
  for (const p of sources) {
    const source = openSource(p, options);
    for await (const job of source.jobs()) {
      for (const raw of job) {
        const jobId = options.jobId ?? raw.jobId;
        const run = { ...raw, jobId, label: labelFor(raw, options.label, p) };
        let entry = jobs.get(jobId);
        if (entry === undefined) jobs.set(jobId, (entry = { runs: [], sources: [], first: { node: run.nodeId, source: p } }));
        const clash = entry.runs.find((r) => r.nodeId === run.nodeId);
        if (clash !== undefined) {
          throw new InputError(`node ${run.nodeId} appears twice in job ${jobId} (also in ${entry.sources[entry.runs.indexOf(clash)]}); import such runs as separate jobs (without --job, or one --job each)`, { file: p });
        }
        entry.runs.push(entry.runs.length === 0 ? run : alignMetrics(run, p, entry.runs[0].metrics, entry.first));
        entry.sources.push(p);
      }
    }
    problems.push(...source.problems.problems);
    options.onProgress?.({ stage: "import: read", done: ++done, total: sources.length });
  }
  if (jobs.size === 0) throw new InputError("no node-runs found in the given sources");

  const created = !fs.existsSync(path.join(out, "metadata.csv"));
  if (!created) {
    const existing = new Set(readMetadata(out).rows.map((r) => r.jobId));
    for (const jobId of jobs.keys()) {
      if (existing.has(jobId) || fs.existsSync(jobFile(out, jobId))) throw new InputError(`job ${jobId} is already in the data set; give another --job`, { file: path.join(out, "metadata.csv") });
    }
  }
  const writer = new DatasetWriter(out, { append: true });
  const warnings: string[] = [];
  const before = writer.firstJobMetrics();
  const result: ImportedJob[] = [];
  for (const [jobId, { runs, sources: from }] of jobs) {
    if (before !== undefined && (before.length !== runs[0].metrics.length || before.some((m, i) => m !== runs[0].metrics[i]))) {
      const missing = before.filter((m) => !runs[0].metrics.includes(m)).length;
      const extra = runs[0].metrics.filter((m) => !before.includes(m)).length;
      warnings.push(`job ${jobId}: metrics differ from the data set's first job (${missing} missing, ${extra} extra${missing + extra === 0 ? ", other order" : ""})`);
    }
    writer.addJob(runs);
    result.push({ jobId, nodes: runs.map((r) => r.nodeId), samples: runs.reduce((n, r) => n + r.timestamps.length, 0), sources: [...new Set(from)] });
  }
  return { dataset: out, created, jobs: result, problems, warnings };
}
