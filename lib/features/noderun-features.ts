/**
 * The features of one node-run: every window of every metric, computed in float64.
 * This is the unit of work of a worker thread and of the streaming runtime.
 */
import type { NodeRun } from "../telemetry/noderun";
import type { FeatureConfig } from "./config";
import { PERCENTILES, STATISTICS, featureNames } from "./statistics";
import { SPECTRAL_STATISTICS, SpectralScratch } from "./spectral";
import { runWindows, windowAnomalyFlags, windowEndTimes } from "./windows";
import { type WindowGrid } from "./rolling/grid";
import { momentShifts, rollingMoments } from "./rolling/running-sums";
import { OrderScratch, rollingOrderStatistics } from "./rolling/order";
import { exactWindowMoments } from "./rolling/exact-moments";

/** The statistics a config produces, in feature-name order (statistic-major). */
export function configStatistics(config: Pick<FeatureConfig, "spectral">): string[] {
  return config.spectral ? [...STATISTICS, ...SPECTRAL_STATISTICS] : [...STATISTICS];
}

/** Feature names for `metrics` under `config`: `<stat>_<metric>`, statistic-major. */
export function configFeatureNames(metrics: readonly string[], config: Pick<FeatureConfig, "spectral">): string[] {
  return featureNames(metrics, configStatistics(config));
}

/** The windows of one node-run and their features. */
export interface RunFeatureBlock {
  /** Number of windows. */
  count: number;
  /**
   * Feature-major values: `values[f * count + k]` is feature f of window k, features in
   * `configFeatureNames(metrics, config)` order.
   */
  values: Float64Array;
  /** Time of each window's last sample. */
  windowEnd: Float64Array;
  /** 1 where the window carries the run's anomaly, 0 where it is healthy (see windows.ts). */
  anomalous: Uint8Array;
}

const STAT_INDEX = new Map<string, number>(STATISTICS.map((s, i) => [s, i]));
const QUANTILES = PERCENTILES.map((p) => p.q);
const ORDER_STATS = ["max", "min", ...PERCENTILES.map((p) => p.stat)];

/** Per-thread buffers: the hot loops allocate nothing per window. */
class Scratch {
  clean = new Float64Array(0);
  nanBefore = new Int32Array(0);
  order = new OrderScratch();
  spectral: SpectralScratch | undefined;

  fit(length: number): void {
    if (this.clean.length < length) {
      this.clean = new Float64Array(length);
      this.nanBefore = new Int32Array(length + 1);
    }
  }

  spectralFor(window: number): SpectralScratch {
    if (this.spectral === undefined || this.spectral.window !== window) this.spectral = new SpectralScratch(window);
    return this.spectral;
  }
}
const scratch = new Scratch();

/**
 * Copies `length` samples of `src` from `from` into the scratch column, turning ±inf into
 * NaN (as pandas' rolling does), and returns the NaN prefix counts (null when none).
 */
function cleanColumn(src: Float64Array, from: number, length: number): Int32Array | null {
  const x = scratch.clean;
  let nan = 0;
  for (let i = 0; i < length; i++) {
    const v = src[from + i];
    if (v - v === 0) x[i] = v;
    else {
      x[i] = NaN;
      nan++;
    }
  }
  if (nan === 0) return null;
  const before = scratch.nanBefore;
  before[0] = 0;
  for (let i = 0; i < length; i++) before[i + 1] = before[i] + (x[i] === x[i] ? 0 : 1);
  return before;
}

/** Computes every statistic of one cleaned column into the block. */
function columnFeatures(x: Float64Array, length: number, nanBefore: Int32Array | null, grid: WindowGrid, values: Float64Array, metricIndex: number, nMetrics: number, config: FeatureConfig): void {
  const n = grid.count;
  const at = (stat: number): number => (stat * nMetrics + metricIndex) * n;
  if (config.numerics === "exact") exactWindowMoments(x, grid, nanBefore, values, ["mean", "std", "skew", "kurt"].map((s) => at(STAT_INDEX.get(s)!)));
  else pandasMoments(x, length, grid, values, at);
  rollingOrderStatistics(x, grid, nanBefore, QUANTILES, values, ORDER_STATS.map((s) => at(STAT_INDEX.get(s)!)), scratch.order);
  if (config.spectral) {
    const base = STATISTICS.length;
    scratch.spectralFor(grid.window).windows(x, grid, nanBefore, values, SPECTRAL_STATISTICS.map((_, j) => at(base + j)));
  }
}

/** Mean, std, skew and kurt by pandas' running sums over every position. */
function pandasMoments(x: Float64Array, length: number, grid: WindowGrid, values: Float64Array, at: (stat: number) => number): void {
  const { skew: skewShift, kurt: kurtShift } = momentShifts(x, length);
  const skew = at(STAT_INDEX.get("skew")!);
  const kurt = at(STAT_INDEX.get("kurt")!);
  const mean = at(STAT_INDEX.get("mean")!);
  const std = at(STAT_INDEX.get("std")!);
  if (skewShift === kurtShift) rollingMoments(x, grid, skewShift, values, { mean, std, skew, kurt });
  else {
    // Rare: the column's minimum is between 1e4 and 1e5 below its mean; kurt needs its own sums.
    rollingMoments(x, grid, skewShift, values, { mean, std, skew, kurt: -1 });
    rollingMoments(x, grid, kurtShift, values, { mean: -1, std: -1, skew: -1, kurt });
  }
}

/**
 * Features of every window of `run`. `metrics` fixes the output's metric order (default:
 * the run's own); a metric the run lacks gives NaN for all its features.
 */
export function nodeRunFeatures(run: NodeRun, config: FeatureConfig, metrics: readonly string[] = run.metrics): RunFeatureBlock {
  const length = run.timestamps.length;
  const grid = runWindows(length, config);
  const nStats = configStatistics(config).length;
  const values = new Float64Array(nStats * metrics.length * grid.count);
  const block: RunFeatureBlock = {
    count: grid.count,
    values,
    windowEnd: windowEndTimes(run.timestamps, grid, config.trim),
    anomalous: windowAnomalyFlags(run, grid, config.trim),
  };
  if (grid.count === 0) return block;
  const trimmed = length - 2 * config.trim;
  scratch.fit(trimmed);
  const columnOf = metrics === run.metrics ? null : new Map(run.metrics.map((m, i) => [m, i]));
  for (let m = 0; m < metrics.length; m++) {
    const col = columnOf === null ? m : columnOf.get(metrics[m]);
    if (col === undefined) {
      for (let s = 0; s < nStats; s++) values.fill(NaN, (s * metrics.length + m) * grid.count, (s * metrics.length + m + 1) * grid.count);
      continue;
    }
    const nanBefore = cleanColumn(run.values[col], config.trim, trimmed);
    columnFeatures(scratch.clean, trimmed, nanBefore, grid, values, m, metrics.length, config);
  }
  return block;
}
