/**
 * Features of the newest window of a node-run, for a streaming runtime: the window of
 * the last `window` samples, computed from those samples alone (no trim at the end,
 * which a live run does not have yet). The start trim still applies: a run shorter
 * than trim + window has no window yet.
 *
 * In "pandas" numerics this is pandas' rolling over a frame of just that window. It
 * can differ in the last digits from the same window inside a whole-run extraction,
 * because pandas' running sums (and its skew/kurt shift, a mean over the whole run)
 * depend on the samples before the window; "exact" numerics do not.
 */
import type { NodeRun } from "../telemetry/noderun";
import { type FeatureConfig, featureConfig } from "./config";
import { configFeatureNames, nodeRunFeatures } from "./noderun-features";

export interface LatestWindow {
  /** Time of the window's last sample (the run's last). */
  windowEnd: number;
  /** Feature names, `configFeatureNames(metrics, config)`. */
  names: string[];
  values: Float64Array;
}

/** The newest window's features, or null while the run is shorter than trim + window. */
export function latestWindowFeatures(run: NodeRun, config: Partial<FeatureConfig> = {}, metrics: readonly string[] = run.metrics): LatestWindow | null {
  const cfg = featureConfig(config);
  const n = run.timestamps.length;
  if (n < cfg.trim + cfg.window) return null;
  const from = n - cfg.window;
  const window: NodeRun = {
    ...run,
    timestamps: run.timestamps.subarray(from),
    values: run.values.map((v) => v.subarray(from)),
  };
  const block = nodeRunFeatures(window, { ...cfg, trim: 0 }, metrics);
  return { windowEnd: run.timestamps[n - 1], names: configFeatureNames(metrics, cfg), values: block.values };
}
