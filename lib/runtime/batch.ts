/**
 * Diagnosis of recorded telemetry: every window of every node-run of a source (anything
 * `openSource` reads), job by job, in the source's order, each node-run's windows in
 * time order. Runs are windowed exactly as in training (trim at both ends), so on a data
 * set the predictions are those an experiment's model makes for the same windows.
 *
 * Jobs are read on the calling thread; their window features are computed on the pool's
 * threads (a few jobs in flight) and predicted here, in submission order.
 */
import * as path from "node:path";
import { datasetJobs } from "../telemetry/contract";
import type { NodeRun, RunLabel } from "../telemetry/noderun";
import { ProblemLog } from "../telemetry/problems";
import { openSource, type TelemetrySource } from "../telemetry/source";
import { WorkerPool } from "../parallel/pool";
import type { ProgressFn } from "../util/progress";
import { type FilterSpec, filterSequence } from "./filters";
import type { RuntimePredictor } from "./predictor";
import type { RunWindowFeatures } from "./tasks";

const TASKS = path.join(__dirname, "tasks.js");

/** The diagnosis of one node-run. */
export interface NodeRunDiagnosis {
  jobId: string;
  nodeId: string;
  /** What the source says about the run ("" anomaly when unlabelled). */
  label: RunLabel;
  firstTimestamp: number;
  /** Window end times (the time of each window's last sample). */
  windowEnd: Float64Array;
  /** Predicted class codes (into the predictor's labels) and their probabilities. */
  predicted: Uint8Array;
  confidence: Float64Array;
  /** The filtered labels, when a filter was asked for. */
  filtered: Uint8Array | undefined;
  /** 1 where the source's labels make the window anomalous (training's rule); all 0 for healthy or unlabelled runs. */
  anomalous: Uint8Array;
  /** Required metrics the run lacked, imputed with training medians. */
  imputed: string[];
}

export interface BatchOptions {
  /** Threads for the window features (default: one of `defaultThreadCount()` threads, closed at the end). */
  pool?: WorkerPool;
  filter?: FilterSpec;
  onProgress?: ProgressFn;
}

/** The predictions of one job's feature blocks. */
function diagnose(predictor: RuntimePredictor, runs: RunWindowFeatures[], imputed: string[][], filter: FilterSpec | undefined): NodeRunDiagnosis[] {
  return runs.map((r, i) => {
    const p = predictor.predictBlock(r.values, r.count, imputed[i]);
    return {
      jobId: r.jobId,
      nodeId: r.nodeId,
      label: r.label,
      firstTimestamp: r.firstTimestamp,
      windowEnd: r.windowEnd,
      predicted: p.label,
      confidence: p.confidence,
      filtered: filter === undefined ? undefined : filterSequence(filter, p.label),
      anomalous: r.anomalous,
      imputed: imputed[i],
    };
  });
}

/**
 * Diagnoses every window of `source`, yielding each job's node-runs as they are done.
 * A run lacking required metrics throws `MissingMetricsError` (naming the source) unless
 * the predictor allows missing metrics; reading problems go to `source.problems`.
 */
export async function* predictSource(source: string | TelemetrySource, predictor: RuntimePredictor, options: BatchOptions = {}): AsyncGenerator<NodeRunDiagnosis[]> {
  const src = typeof source === "string" ? openSource(source) : source;
  const pool = options.pool ?? new WorkerPool();
  const metrics = [...predictor.requiredMetrics];
  const inFlight = Math.max(2, 2 * pool.size);
  const queue: { pending: Promise<RunWindowFeatures[]>; imputed: string[][] }[] = [];
  let done = 0;
  // Jobs in all, for progress: known up front for a data set (metadata.csv or its folder).
  const total = src.format !== "dataset" ? 0 : datasetJobs(path.basename(src.path) === "metadata.csv" ? path.dirname(src.path) : src.path).length;
  const finish = async (): Promise<NodeRunDiagnosis[]> => {
    const next = queue.shift()!;
    const runs = await next.pending;
    options.onProgress?.({ stage: "predict", done: ++done, total });
    return diagnose(predictor, runs, next.imputed, options.filter);
  };
  try {
    for await (const job of src.jobs()) {
      const imputed = job.map((run: NodeRun) => predictor.checkMetrics(run.metrics, `node ${run.nodeId} of job ${run.jobId}`, src.path));
      const pending = pool.run<RunWindowFeatures[]>(TASKS, "runtimeRunsFeatures", [job, predictor.features, metrics]);
      pending.catch(() => undefined); // awaited in order below
      queue.push({ pending, imputed });
      while (queue.length >= inFlight) yield await finish();
    }
    while (queue.length > 0) yield await finish();
  } finally {
    if (options.pool === undefined) await pool.close();
  }
}

/** `predictSource` collected, with the source's reading problems. */
export async function predictAll(source: string | TelemetrySource, predictor: RuntimePredictor, options: BatchOptions = {}): Promise<{ runs: NodeRunDiagnosis[]; problems: ProblemLog; format: string }> {
  const src = typeof source === "string" ? openSource(source) : source;
  const runs: NodeRunDiagnosis[] = [];
  for await (const job of predictSource(src, predictor, options)) runs.push(...job);
  return { runs, problems: src.problems, format: src.format };
}
