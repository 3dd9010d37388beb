/**
 * Feature extraction over a whole source: node-runs job by job, features computed on
 * worker threads (one task per job), results in source order whatever the thread
 * count, so the table's rows are deterministic.
 *
 * A data set folder is read by the workers themselves (each reads and parses its job's
 * file), so parsing runs in parallel too; other sources are read on the calling thread
 * and their node-runs moved to the workers.
 */
import * as path from "node:path";
import type { NodeRun } from "../telemetry/noderun";
import { ProblemLog } from "../telemetry/problems";
import { datasetJobs } from "../telemetry/contract";
import { openSource, type TelemetrySource } from "../telemetry/source";
import { WorkerPool } from "../parallel/pool";
import { InputError } from "../util/errors";
import type { ProgressFn } from "../util/progress";
import { type FeatureConfig, featureConfig } from "./config";
import { configFeatureNames } from "./noderun-features";
import { type FeatureStorage, type FeatureTable, FeatureTableBuilder } from "./table";
import type { JobFeatures, TaskOptions } from "./tasks";

const TASKS = path.join(__dirname, "tasks.js");

/** Anything features can be extracted from. Paths go through `openSource`. */
export type FeatureSource = string | TelemetrySource | NodeRun[] | Iterable<NodeRun[]> | AsyncIterable<NodeRun[]>;

export interface ExtractOptions {
  /** Worker threads to use; default a pool of `defaultThreadCount()` threads, closed at the end. */
  pool?: WorkerPool;
  onProgress?: ProgressFn;
  /** Column storage (default float32; statistics are always computed in float64). */
  storage?: FeatureStorage;
  /** Windows expected in all, when known: columns are sized once instead of grown (saves memory at scale). */
  expectedRows?: number;
  /** Keep only these features, in this order (the rest is computed and dropped). */
  features?: readonly string[];
  /** Metric order of the table (default: the first node-run's). */
  metrics?: readonly string[];
  /** Where reading problems and metric mismatches are recorded (default: the source's log, or a new one). */
  problems?: ProblemLog;
}

interface Producer {
  problems: ProblemLog;
  /** Jobs in all, 0 when unknown. */
  total: number;
  /**
   * Submits tasks in source order. Each task is wrapped in an object: an async generator
   * would wait for a yielded promise, and tasks must run while the next job is read.
   */
  submit(pool: WorkerPool, config: FeatureConfig, task: TaskOptions): AsyncGenerator<{ pending: Promise<JobFeatures> }>;
}

/** Buffers that a view covers completely (safe to move to a worker); others are copied. */
function movableBuffers(runs: NodeRun[]): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const consider = (a: Float64Array): void => {
    if (a.buffer instanceof ArrayBuffer && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) out.add(a.buffer);
  };
  for (const r of runs) {
    consider(r.timestamps);
    for (const v of r.values) consider(v);
  }
  return [...out];
}

function isAsyncIterable(x: unknown): x is AsyncIterable<NodeRun[]> {
  return x !== null && typeof x === "object" && Symbol.asyncIterator in x;
}

function producer(source: FeatureSource, problems: ProblemLog | undefined): Producer {
  const opened = typeof source === "string" ? openSource(source) : source;
  if (!Array.isArray(opened) && "jobs" in opened && "format" in opened) {
    const src = opened;
    const log = problems ?? src.problems;
    if (src.format === "dataset") {
      const jobs = datasetJobs(src.path);
      return {
        problems: log,
        total: jobs.length,
        async *submit(pool, config, task) {
          for (const { jobId, labels } of jobs) yield { pending: pool.run<JobFeatures>(TASKS, "datasetJobFeatures", [src.path, jobId, [...labels], config, task]) };
        },
      };
    }
    return {
      problems: log,
      total: 0,
      async *submit(pool, config, task) {
        // Node-runs read here belong to nobody else: move them to the worker.
        for await (const runs of src.jobs()) yield { pending: pool.run<JobFeatures>(TASKS, "runsFeatures", [runs, config, task], movableBuffers(runs)) };
      },
    };
  }
  // The caller's own arrays: copy them to the workers, never detach them.
  const jobs: Iterable<NodeRun[]> | AsyncIterable<NodeRun[]> = Array.isArray(opened) && (opened.length === 0 || !Array.isArray(opened[0])) ? [opened as NodeRun[]] : (opened as Iterable<NodeRun[]>);
  return {
    problems: problems ?? new ProblemLog(),
    total: Array.isArray(jobs) ? jobs.length : 0,
    async *submit(pool, config, task) {
      if (isAsyncIterable(jobs)) for await (const runs of jobs) yield { pending: pool.run<JobFeatures>(TASKS, "runsFeatures", [runs, config, task]) };
      else for (const runs of jobs) yield { pending: pool.run<JobFeatures>(TASKS, "runsFeatures", [runs, config, task]) };
    },
  };
}

/**
 * The features of every job of `source`, job by job in source order, computed on the
 * pool's threads with a bounded number of jobs in flight. Problems found by the workers
 * are added to the producer's log in order.
 */
export async function* featureJobs(source: FeatureSource, config: FeatureConfig, options: ExtractOptions & { task?: TaskOptions } = {}): AsyncGenerator<JobFeatures & { problemLog: ProblemLog }> {
  const prod = producer(source, options.problems);
  const pool = options.pool ?? new WorkerPool();
  const inFlight = Math.max(2, 2 * pool.size);
  const queue: Promise<JobFeatures>[] = [];
  let done = 0;
  const progress = options.onProgress;
  try {
    for await (const { pending } of prod.submit(pool, config, options.task ?? {})) {
      pending.catch(() => undefined); // awaited below; keeps an early failure from being "unhandled"
      queue.push(pending);
      while (queue.length >= inFlight) {
        const job = await queue.shift()!;
        for (const problem of job.problems) prod.problems.add(problem);
        progress?.({ stage: "features", done: ++done, total: prod.total });
        yield { ...job, problemLog: prod.problems };
      }
    }
    while (queue.length > 0) {
      const job = await queue.shift()!;
      for (const problem of job.problems) prod.problems.add(problem);
      progress?.({ stage: "features", done: ++done, total: prod.total });
      yield { ...job, problemLog: prod.problems };
    }
  } finally {
    if (options.pool === undefined) await pool.close();
  }
}

/**
 * Maps a run's block onto the table's columns: for each wanted name, its index in the
 * block of a run with `runMetrics`, or -1 (the run lacks the metric).
 */
export class ColumnMapper {
  private readonly cache = new Map<string, Int32Array>();
  constructor(
    private readonly wanted: readonly string[],
    private readonly config: FeatureConfig,
  ) {}

  indexFor(runMetrics: readonly string[]): Int32Array {
    const key = runMetrics.join("\u0000");
    let index = this.cache.get(key);
    if (index === undefined) {
      const names = configFeatureNames(runMetrics, this.config);
      const at = new Map(names.map((n, i) => [n, i]));
      index = Int32Array.from(this.wanted, (n) => at.get(n) ?? -1);
      this.cache.set(key, index);
    }
    return index;
  }
}

/** Reports node-runs whose metric list differs from the table's, once per distinct list. */
export function checkMetrics(expected: readonly string[], actual: readonly string[], where: { file: string; nodeId: string; jobId: string }, problems: ProblemLog): void {
  if (expected.length === actual.length && expected.every((m, i) => m === actual[i])) return;
  const have = new Set(actual);
  const missing = expected.filter((m) => !have.has(m));
  const known = new Set(expected);
  const extra = actual.filter((m) => !known.has(m));
  if (missing.length === 0 && extra.length === 0) return; // same metrics, other order: mapped by name
  const parts = [missing.length > 0 ? `lacks ${missing.length} metric(s) (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", ..." : ""})` : "", extra.length > 0 ? `has ${extra.length} other metric(s) (${extra.slice(0, 3).join(", ")}${extra.length > 3 ? ", ..." : ""})` : ""].filter(Boolean);
  problems.add({ file: where.file, kind: "metric-mismatch", message: `node ${where.nodeId} of job ${where.jobId} ${parts.join(" and ")} compared with the first node-run`, action: "missing metrics give NaN features, other metrics are left out" }, actual.join(","));
}

/**
 * Extracts the features of every window of every node-run of `source` into a table.
 * `config` defaults to DESIGN.md's (trim 60, window 60, stride 15). Rows follow the
 * source's order (jobs, then nodes, then windows in time), whatever the thread count.
 */
export async function extractFeatures(source: FeatureSource, config: Partial<FeatureConfig> = {}, options: ExtractOptions = {}): Promise<FeatureTable> {
  const cfg = featureConfig(config);
  let builder: FeatureTableBuilder | undefined;
  let mapper: ColumnMapper | undefined;
  let metrics = options.metrics;
  const label = typeof source === "string" ? source : "features";
  let short = 0;
  let log: ProblemLog | undefined;
  for await (const job of featureJobs(source, cfg, options)) {
    log = job.problemLog;
    for (let r = 0; r < job.runs.length; r++) {
      const runMetrics = job.metrics[r];
      if (builder === undefined) {
        metrics ??= runMetrics;
        const all = configFeatureNames(metrics, cfg);
        let names = all;
        if (options.features !== undefined) {
          const known = new Set(all);
          const unknown = options.features.filter((n) => !known.has(n));
          if (unknown.length > 0) throw new InputError(`no feature '${unknown[0]}' among the ${all.length} features of this source${unknown.length > 1 ? ` (and ${unknown.length - 1} more)` : ""}`);
          names = [...options.features];
        }
        builder = new FeatureTableBuilder(names, options.storage ?? "float32", options.expectedRows ?? 0);
        mapper = new ColumnMapper(names, cfg);
      }
      const info = job.runs[r];
      checkMetrics(metrics!, runMetrics, { file: label, nodeId: info.nodeId, jobId: info.jobId }, job.problemLog);
      if (job.counts[r] === 0) short++;
      builder.append(info, job.counts[r], job.values[r], job.windowEnds[r], job.anomalous[r], mapper!.indexFor(runMetrics));
    }
  }
  if (short > 0 && log !== undefined) {
    log.add({ file: label, kind: "short-run", message: `${short} node-run(s) shorter than trim + window + trim (${2 * cfg.trim + cfg.window} samples)`, action: "they have no windows" });
  }
  if (builder === undefined) {
    const empty = new FeatureTableBuilder(options.metrics === undefined ? [] : configFeatureNames(options.metrics, cfg), options.storage ?? "float32");
    return empty.finish();
  }
  return builder.finish();
}
