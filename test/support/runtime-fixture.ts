/** Small data sets and bundles for the runtime tests (generated, a few seconds each). */
import { generateDataset } from "../../lib/synth/generate";
import { experimentConfig, type ConfigOverrides } from "../../lib/experiments/config";
import { trainBundle, type TrainResult } from "../../lib/runtime/train";
import { WorkerPool } from "../../lib/parallel/pool";
import type { NodeRun } from "../../lib/telemetry/noderun";

/** Two applications, healthy runs plus memleak and cachecopy (30 jobs). */
export async function tinyDataset(dir: string, options: { seed?: number; intervalFraction?: number } = {}): Promise<string> {
  await generateDataset("quick", dir, { seed: options.seed ?? 5, apps: ["sw4", "HACC"], anomalies: ["none", "memleak", "cachecopy"], intervalFraction: options.intervalFraction, threads: 0 });
  return dir;
}

/** A small forest (20 trees) trained on all of `data` (on this thread by default). */
export async function tinyBundle(data: string, overrides: ConfigOverrides = {}, threads = 0): Promise<TrainResult> {
  const config = experimentConfig({ trees: 20, threads, bootstrap: 0, ...overrides });
  const pool = new WorkerPool(threads);
  try {
    return await trainBundle(data, config, { pool, cacheDir: null });
  } finally {
    await pool.close();
  }
}

/** A copy of a node-run without some metrics (a source that lacks them). */
export function withoutMetrics(run: NodeRun, drop: Iterable<string>): NodeRun {
  const dropped = new Set(drop);
  const keep = run.metrics.map((_, i) => i).filter((i) => !dropped.has(run.metrics[i]));
  return { ...run, metrics: keep.map((i) => run.metrics[i]), values: keep.map((i) => run.values[i]) };
}
