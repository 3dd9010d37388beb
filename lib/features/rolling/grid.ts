/**
 * Where the windows of one node-run lie. The k-th window covers samples
 * `[end_k - window + 1, end_k]` of the trimmed run, `end_k = window - 1 + k * stride`
 * (pandas' rolling output at row `end_k`, keeping every `stride`-th complete window).
 */
export interface WindowGrid {
  window: number;
  stride: number;
  /** Number of complete windows. */
  count: number;
}

/** The grid of a run of `length` samples (after trimming). */
export function windowGrid(length: number, window: number, stride: number): WindowGrid {
  const count = length >= window ? Math.floor((length - window) / stride) + 1 : 0;
  return { window, stride, count };
}

/** Index of the last sample of the last window. */
export function lastEnd(grid: WindowGrid): number {
  return grid.window - 1 + (grid.count - 1) * grid.stride;
}
