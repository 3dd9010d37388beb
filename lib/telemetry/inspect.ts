/**
 * What a telemetry source holds, for `e2ewatch inspect` and notebooks: node-runs,
 * samples, time span, every metric (sampler, counter or level and why, NaN counts),
 * the reading policy, and every problem found with what was done. Walks the source
 * job by job, so memory stays that of the largest job.
 */
import type { ProgressFn } from "../util/progress";
import { classifyMetric, COUNTER_RULE, looksCumulative, splitMetricName, type MetricKind } from "./counters";
import { DEFAULT_MAX_GAP_SECONDS, GRID_POLICY } from "./grid";
import type { RunLabel } from "./noderun";
import type { ReadProblem } from "./problems";
import { SOURCE_FORMATS, type SourceFormat, type TelemetrySource } from "./source";

export interface MetricReport {
  /** `<metric>::<sampler>`. */
  name: string;
  metric: string;
  sampler: string;
  kind: MetricKind;
  /** Which rule made it a counter or a level (counters.ts). */
  basis: "catalogue" | "name-pattern" | "default";
  /** Node-runs that have the metric. */
  runs: number;
  /** Values over all those node-runs, and how many of them are NaN (missing). */
  samples: number;
  nan: number;
  min: number | null;
  max: number | null;
}

export interface RunReport {
  jobId: string;
  nodeId: string;
  label: RunLabel;
  samples: number;
  start: number | null;
  end: number | null;
  metrics: number;
  nanCells: number;
}

export interface InspectReport {
  source: string;
  format: SourceFormat;
  /** What the reader did with counters: differenced them (LDMS) or read them as stored. */
  counters: "differenced-by-reader" | "as-stored";
  jobs: number;
  nodeRuns: number;
  samples: number;
  timeSpan: { start: number | null; end: number | null; seconds: number };
  /** Every metric seen, `<metric>::<sampler>`, in order of first appearance. */
  metrics: string[];
  /** The metrics that are counters (stored as per-second differences). */
  counterMetrics: string[];
  metricDetails: MetricReport[];
  runs: RunReport[];
  /** Node-runs not listed in `runs` (the list is capped). */
  runsOmitted: number;
  policy: { counters: string; grid: string; maxGapSeconds: number };
  problems: ReadProblem[];
}

export interface InspectOptions {
  /** Most node-runs listed one by one (default 200). */
  maxRuns?: number;
  maxGapSeconds?: number;
  onProgress?: ProgressFn;
}

interface MetricAccumulator extends MetricReport {
  cumulativeRuns: number;
  /** For counters read as stored: node-runs where the values look like a raw cumulative count. */
  rawCounterRuns: number;
}

/** Reads the whole source and describes it. */
export async function inspectSource(source: TelemetrySource, options: InspectOptions = {}): Promise<InspectReport> {
  const maxRuns = options.maxRuns ?? 200;
  const info = SOURCE_FORMATS.find((f) => f.format === source.format)!;
  const metrics = new Map<string, MetricAccumulator>();
  const runs: RunReport[] = [];
  let nodeRuns = 0;
  let jobs = 0;
  let samples = 0;
  let start = Infinity;
  let end = -Infinity;
  for await (const job of source.jobs()) {
    jobs++;
    for (const run of job) {
      nodeRuns++;
      const n = run.timestamps.length;
      samples += n;
      if (n > 0) {
        start = Math.min(start, run.timestamps[0]);
        end = Math.max(end, run.timestamps[n - 1]);
      }
      let nanCells = 0;
      run.metrics.forEach((name, m) => {
        let acc = metrics.get(name);
        if (acc === undefined) {
          const { metric, sampler } = splitMetricName(name);
          const cls = classifyMetric(metric, sampler);
          acc = { name, metric, sampler, kind: cls.kind, basis: cls.basis, runs: 0, samples: 0, nan: 0, min: null, max: null, cumulativeRuns: 0, rawCounterRuns: 0 };
          metrics.set(name, acc);
        }
        const values = run.values[m];
        acc.runs++;
        acc.samples += values.length;
        let min = acc.min ?? Infinity;
        let max = acc.max ?? -Infinity;
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (Number.isNaN(v)) {
            acc.nan++;
            nanCells++;
          } else {
            if (v < min) min = v;
            if (v > max) max = v;
          }
        }
        if (min <= max) {
          acc.min = min;
          acc.max = max;
        }
        if (looksCumulative(values)) {
          if (acc.kind === "level" && acc.basis !== "catalogue") acc.cumulativeRuns++;
          if (acc.kind === "counter" && info.counters === "as-stored") acc.rawCounterRuns++;
        }
      });
      if (runs.length < maxRuns) runs.push({ jobId: run.jobId, nodeId: run.nodeId, label: run.label, samples: n, start: n > 0 ? run.timestamps[0] : null, end: n > 0 ? run.timestamps[n - 1] : null, metrics: run.metrics.length, nanCells });
    }
    options.onProgress?.({ stage: "inspect", done: jobs, total: 0 });
  }
  for (const acc of metrics.values()) {
    if (acc.cumulativeRuns > 0) {
      source.problems.add({ file: source.path, kind: "maybe-counter", message: `${acc.name} is not in the counter catalogue and never decreases in ${acc.cumulativeRuns} node-run(s)`, action: "kept it as a level (counters are decided by name, see counters.ts)" });
    }
    if (acc.rawCounterRuns > 0 && acc.rawCounterRuns * 2 >= acc.runs) {
      source.problems.add({ file: source.path, kind: "raw-counter", message: `counter ${acc.name} never decreases in ${acc.rawCounterRuns} of ${acc.runs} node-run(s): the source may hold raw cumulative values`, action: "read as stored (this format's values are not differenced)" });
    }
  }
  const details = [...metrics.values()].map(({ cumulativeRuns: _c, rawCounterRuns: _r, ...m }) => m);
  return {
    source: source.path,
    format: source.format,
    counters: info.counters,
    jobs,
    nodeRuns,
    samples,
    timeSpan: samples > 0 ? { start, end, seconds: end - start } : { start: null, end: null, seconds: 0 },
    metrics: details.map((m) => m.name),
    counterMetrics: details.filter((m) => m.kind === "counter").map((m) => m.name),
    metricDetails: details,
    runs,
    runsOmitted: nodeRuns - runs.length,
    policy: { counters: COUNTER_RULE, grid: GRID_POLICY, maxGapSeconds: options.maxGapSeconds ?? DEFAULT_MAX_GAP_SECONDS },
    problems: source.problems.problems,
  };
}
