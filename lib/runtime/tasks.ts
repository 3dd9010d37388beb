/**
 * The worker-thread unit of batch prediction: one job's node-runs in, the features of
 * their windows over the model's required metrics out (prediction itself is quick and
 * runs on the calling thread). Called by name through `WorkerPool` from batch.ts;
 * typed arrays come back at the top level of each run so the pool can move them.
 */
import type { FeatureConfig } from "../features/config";
import { nodeRunFeatures } from "../features/noderun-features";
import type { NodeRun, RunLabel } from "../telemetry/noderun";

export interface RunWindowFeatures {
  nodeId: string;
  jobId: string;
  label: RunLabel;
  /** Time of the run's first sample (anomaly intervals count from it). */
  firstTimestamp: number;
  /** Samples in the run. */
  samples: number;
  count: number;
  windowEnd: Float64Array;
  /** Feature-major block over the required metrics: `values[f * count + k]`. */
  values: Float64Array;
  /** 1 where the window carries the run's anomaly (the training labels' rule). */
  anomalous: Uint8Array;
}

/** Features of the windows of `runs` (trimmed at both ends) over `metrics`. */
export function runtimeRunsFeatures(runs: NodeRun[], config: FeatureConfig, metrics: string[]): RunWindowFeatures[] {
  return runs.map((run) => {
    const block = nodeRunFeatures(run, config, metrics);
    return {
      nodeId: run.nodeId,
      jobId: run.jobId,
      label: run.label,
      firstTimestamp: run.timestamps.length > 0 ? run.timestamps[0] : NaN,
      samples: run.timestamps.length,
      count: block.count,
      windowEnd: block.windowEnd,
      values: block.values,
      anomalous: block.anomalous,
    };
  });
}
