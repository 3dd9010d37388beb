/**
 * Cutting a node-run into windows (DESIGN.md, "Windows and features"): drop `trim`
 * samples at both ends, then windows of `window` samples every `stride` samples, the
 * first ending at sample `trim + window - 1`. A window is stamped with the time of its
 * last sample.
 *
 * Labels: without an anomaly interval a window carries its node-run's label. With one
 * (`anomalyStart`/`anomalyEnd`, seconds from the run's first sample, either end open
 * when null), a window is anomalous when at least half of its samples lie inside
 * [start, end), healthy ("none") otherwise. Half-or-more keeps the label of a window
 * that straddles an edge with what dominates its statistics, is symmetric at both
 * edges, and needs no rows dropped; a window exactly half inside counts as anomalous.
 */
import type { NodeRun } from "../telemetry/noderun";
import type { FeatureConfig } from "./config";
import { type WindowGrid, windowGrid } from "./rolling/grid";

/** The windows of a run of `length` samples, on the trimmed run. */
export function runWindows(length: number, config: Pick<FeatureConfig, "window" | "stride" | "trim">): WindowGrid {
  const trimmed = Math.max(0, length - 2 * config.trim);
  return windowGrid(trimmed, config.window, config.stride);
}

/** Index (in the untrimmed run) of the last sample of window k. */
export function windowEndIndex(grid: WindowGrid, trim: number, k: number): number {
  return trim + grid.window - 1 + k * grid.stride;
}

/** Time of each window's last sample. */
export function windowEndTimes(timestamps: Float64Array, grid: WindowGrid, trim: number): Float64Array {
  const out = new Float64Array(grid.count);
  for (let k = 0; k < grid.count; k++) out[k] = timestamps[windowEndIndex(grid, trim, k)];
  return out;
}

/** First index whose relative time is >= t (timestamps increase). */
function firstAtOrAfter(timestamps: Float64Array, t0: number, t: number): number {
  let lo = 0;
  let hi = timestamps.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (timestamps[mid] - t0 < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Per window: 1 when it carries the run's anomaly label, 0 when it is healthy. A
 * healthy run ("none") gives all 0; a run without an interval gives all 1 (an
 * unlabelled run's "" label included).
 */
export function windowAnomalyFlags(run: NodeRun, grid: WindowGrid, trim: number): Uint8Array {
  const flags = new Uint8Array(grid.count);
  const { anomaly, anomalyStart, anomalyEnd } = run.label;
  if (anomaly === "none") return flags;
  if (anomalyStart === null && anomalyEnd === null) return flags.fill(1);
  const ts = run.timestamps;
  const t0 = ts[0];
  const inFrom = anomalyStart === null ? 0 : firstAtOrAfter(ts, t0, anomalyStart);
  const inTo = anomalyEnd === null ? ts.length : firstAtOrAfter(ts, t0, anomalyEnd);
  for (let k = 0; k < grid.count; k++) {
    const end = windowEndIndex(grid, trim, k);
    const start = end - grid.window + 1;
    const inside = Math.max(0, Math.min(end + 1, inTo) - Math.max(start, inFrom));
    flags[k] = 2 * inside >= grid.window ? 1 : 0;
  }
  return flags;
}
