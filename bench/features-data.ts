/**
 * A quick synthetic data set for the feature benchmark: realistic magnitudes and
 * value kinds of LDMS telemetry (levels such as MemFree ~1e8 kB moving by a few kB,
 * per-second differences of counters, small integer gauges, constant columns), a few
 * hundred node-runs of 600-1500 s, about 100 metrics. Not a model of any anomaly: the
 * benchmark only times reading and feature extraction. Deterministic given the seed.
 */
import * as fs from "node:fs";
import { DatasetWriter } from "../lib/telemetry/contract";
import type { NodeRun, RunLabel } from "../lib/telemetry/noderun";

/** mulberry32: a small, fast, seedable PRNG (uniform in [0, 1)). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kind = "level" | "drift" | "counter" | "gauge" | "constant";
interface MetricSpec {
  name: string;
  kind: Kind;
  scale: number;
}

/** ~100 metrics named like the published E2EWatch files. */
export function benchMetrics(count = 100): MetricSpec[] {
  const kinds: [Kind, string, number][] = [
    ["level", "MemFree::meminfo", 9.6e7],
    ["level", "Active::meminfo", 3.1e7],
    ["drift", "AnonPages::meminfo", 2.2e7],
    ["constant", "HugePages_Total::meminfo", 0],
    ["counter", "pgfault::vmstat", 2.0e5],
    ["counter", "context_switches::procstat", 4.0e4],
    ["counter", "user::procstat", 1900],
    ["gauge", "procs_running::procstat", 36],
  ];
  const specs: MetricSpec[] = [];
  for (let i = 0; specs.length < count; i++) {
    const [kind, base, scale] = kinds[i % kinds.length];
    const [metric, sampler] = base.split("::");
    specs.push({ name: i < kinds.length ? base : `${metric}_${Math.floor(i / kinds.length)}::${sampler}`, kind, scale: scale * (1 + (i % 5) * 0.37) });
  }
  return specs;
}

function series(spec: MetricSpec, n: number, rand: () => number): Float64Array {
  const out = new Float64Array(n);
  let v = Math.round(spec.scale * (0.8 + 0.4 * rand()));
  for (let t = 0; t < n; t++) {
    switch (spec.kind) {
      case "level":
        v += Math.round((rand() - 0.5) * 16);
        out[t] = v;
        break;
      case "drift":
        v += Math.round(rand() * 4000);
        out[t] = v;
        break;
      case "counter":
        out[t] = Math.round(spec.scale * (0.9 + 0.2 * rand()));
        break;
      case "gauge":
        out[t] = Math.floor(rand() * spec.scale);
        break;
      case "constant":
        out[t] = spec.scale;
        break;
    }
  }
  return out;
}

export interface BenchDatasetSpec {
  runs: number;
  metrics: number;
  seed: number;
  minSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_BENCH_DATASET: BenchDatasetSpec = { runs: 300, metrics: 100, seed: 17, minSeconds: 600, maxSeconds: 1500 };

/** Writes the data set (jobs of 1-4 nodes) unless `dir` already holds one made from the same spec. */
export function writeBenchDataset(dir: string, spec: BenchDatasetSpec = DEFAULT_BENCH_DATASET): { runs: number; samples: number } {
  const stamp = JSON.stringify(spec);
  const stampFile = `${dir}/.bench-spec.json`;
  const rand = prng(spec.seed);
  const metrics = benchMetrics(spec.metrics);
  const apps = ["lammps", "sw4", "hacc"];
  const anomalies = ["none", "none", "memleak", "cpuoccupy"];
  const plan: { nodes: number; seconds: number }[] = [];
  for (let made = 0; made < spec.runs; ) {
    const nodes = Math.min(spec.runs - made, 1 + Math.floor(rand() * 4));
    plan.push({ nodes, seconds: spec.minSeconds + Math.floor(rand() * (spec.maxSeconds - spec.minSeconds + 1)) });
    made += nodes;
  }
  const samples = plan.reduce((s, j) => s + j.nodes * j.seconds, 0);
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp) return { runs: spec.runs, samples };
  fs.rmSync(dir, { recursive: true, force: true });
  const writer = new DatasetWriter(dir);
  plan.forEach(({ nodes, seconds }, j) => {
    const jobId = String(100000 + j);
    const start = 1_600_000_000 + j * 2000;
    const anomaly = anomalies[j % anomalies.length];
    const runs: NodeRun[] = [];
    for (let k = 0; k < nodes; k++) {
      const label: RunLabel = { app: apps[j % apps.length], input: `in${j % 2}`, anomaly, intensity: anomaly === "none" ? "" : "50", anomalyStart: null, anomalyEnd: null };
      runs.push({
        nodeId: `nid${String(j * 4 + k).padStart(5, "0")}`,
        jobId,
        label,
        timestamps: Float64Array.from({ length: seconds }, (_, t) => start + t),
        metrics: metrics.map((m) => m.name),
        values: metrics.map((m) => series(m, seconds, rand)),
      });
    }
    writer.addJob(runs);
  });
  fs.writeFileSync(stampFile, stamp);
  return { runs: spec.runs, samples };
}
