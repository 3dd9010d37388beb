/**
 * Work units of feature extraction, run on pool worker threads (or inline): one job's
 * node-runs in, their feature blocks out. Exported functions are called by name from
 * `extract.ts` through `WorkerPool`; results carry typed arrays at the top level so the
 * pool moves them back instead of copying.
 */
import * as fs from "node:fs";
import type { NodeRun, RunLabel } from "../telemetry/noderun";
import { ProblemLog, type ReadProblem } from "../telemetry/problems";
import { jobFile, readJobCsv } from "../telemetry/contract";
import type { FeatureConfig } from "./config";
import { nodeRunFeatures, configFeatureNames } from "./noderun-features";
import type { RunInfo } from "./table";
import { CsvBytes, writeFeatureRows } from "./csv-output";

/** The feature blocks of one job's node-runs, flattened for transfer. */
export interface JobFeatures {
  runs: RunInfo[];
  /** Metric list of each run (blocks follow it). */
  metrics: string[][];
  counts: number[];
  values: Float64Array[];
  windowEnds: Float64Array[];
  anomalous: Uint8Array[];
  problems: ReadProblem[];
  /** With `csv`: the CSV rows of all runs (`node_id,timestamp,...`), UTF-8. */
  csv?: Uint8Array;
}

export interface TaskOptions {
  /** Also format CSV rows (for the `features` command), with a leading job_id column when true. */
  csv?: { jobIdColumn: boolean };
}

export function runInfo(run: NodeRun): RunInfo {
  const l = run.label;
  return { nodeId: run.nodeId, jobId: run.jobId, app: l.app, input: l.input, anomaly: l.anomaly, intensity: l.intensity };
}

/** Features of the given node-runs (one job). */
export function runsFeatures(runs: NodeRun[], config: FeatureConfig, options: TaskOptions = {}, problems: ReadProblem[] = []): JobFeatures {
  const out: JobFeatures = { runs: [], metrics: [], counts: [], values: [], windowEnds: [], anomalous: [], problems };
  const csv = options.csv === undefined ? undefined : new CsvBytes();
  for (const run of runs) {
    const block = nodeRunFeatures(run, config);
    out.runs.push(runInfo(run));
    out.metrics.push(run.metrics);
    out.counts.push(block.count);
    out.values.push(block.values);
    out.windowEnds.push(block.windowEnd);
    out.anomalous.push(block.anomalous);
    if (csv !== undefined) writeFeatureRows(csv, run.jobId, run.nodeId, block, configFeatureNames(run.metrics, config).length, options.csv!.jobIdColumn);
  }
  if (csv !== undefined) out.csv = csv.finish();
  return out;
}

/**
 * Reads one job of a data set folder and computes its features, reporting what the
 * data set reader would: a missing file, nodes listed in metadata.csv but absent.
 */
export function datasetJobFeatures(dataset: string, jobId: string, labels: [string, RunLabel][], config: FeatureConfig, options: TaskOptions = {}): JobFeatures {
  const log = new ProblemLog();
  const file = jobFile(dataset, jobId);
  if (!fs.existsSync(file)) {
    log.add({ file, kind: "missing-file", message: `job ${jobId} is in metadata.csv but has no telemetry file`, action: "skipped the job" });
    return runsFeatures([], config, options, log.problems);
  }
  const { runs } = readJobCsv(file, new Map(labels), log);
  const present = new Set(runs.map((r) => r.nodeId));
  for (const [nodeId] of labels) {
    if (!present.has(nodeId)) log.add({ file, kind: "missing-node", message: `node ${nodeId} is in metadata.csv but not in the file`, action: "skipped the node" });
  }
  return runsFeatures(runs, config, options, log.problems);
}
