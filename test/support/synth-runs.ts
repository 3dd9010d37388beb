/** Small helpers for the synthetic-generator tests: series by metric name, simple statistics. */
import type { NodeRun } from "../../lib/telemetry/noderun";

/** The values of one metric of a node-run (throws when the run lacks it). */
export function series(run: NodeRun, metric: string): Float64Array {
  const i = run.metrics.indexOf(metric);
  if (i < 0) throw new Error(`run ${run.nodeId} has no metric ${metric}`);
  return run.values[i];
}

export function mean(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i];
  return s / (to - from);
}

/** Least-squares slope of y against its index over [from, to). */
export function slope(y: ArrayLike<number>, from: number, to: number): number {
  const mx = (from + to - 1) / 2;
  const my = mean(y, from, to);
  let sxy = 0;
  let sxx = 0;
  for (let i = from; i < to; i++) {
    sxy += (i - mx) * (y[i] - my);
    sxx += (i - mx) ** 2;
  }
  return sxy / sxx;
}

/** Pearson correlation of two equally long stretches. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  const ma = mean(a, from, to);
  const mb = mean(b, from, to);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = from; i < to; i++) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) ** 2;
    sbb += (b[i] - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

/** The seconds of a run where the application is in its main loop: after launch and set-up, before the end. */
export function mainLoop(run: NodeRun, margin = 60): [number, number] {
  return [margin, run.timestamps.length - margin];
}
