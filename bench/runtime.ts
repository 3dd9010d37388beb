/**
 * Runtime diagnosis: batch throughput and follow-mode delay.
 *
 * 1. Batch throughput (windows/s) of `predictSource` on a quick data set (read, features
 *    of the required metrics on the pool's threads, scaling and model), against the
 *    experiments' path in the same process as the reference: `extractFeatures` of every
 *    feature, then `scaler.transform` + `model.predict` of the selected columns. Also
 *    the scaling + model step alone. Medians over `--reps` rounds, alternating order.
 * 2. Follow-mode delay: `e2ewatch predict --follow --json` in a child process watches
 *    an LDMS folder that this process writes like store_csv (test/support/ldms-writer.ts:
 *    `--nodes` node-runs of the data set side by side, one second of data every
 *    `--step-ms` milliseconds, each second's last line written in two pieces). The delay
 *    of a window is from the append that completed its last second (every sampler's line
 *    whole) to the moment its diagnosis arrives on the child's stdout. Measured with
 *    change events (default) and with polling only (`--poll-only`, every `--poll` ms).
 *
 * The bundle is trained on one quick data set (seed 2021, the default rf) and predicts
 * another (seed 7), both generated in a temporary folder unless given.
 *
 *   npm run build && node dist/bench/runtime.js [--train DIR] [--data DIR] [--bundle FILE]
 *     [--reps 3] [--threads 2] [--nodes 16] [--step-ms 50] [--poll 1000] [--out FILE]
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { experimentConfig } from "../lib/experiments/config";
import { extractFeatures } from "../lib/features/extract";
import { selectColumns } from "../lib/features/table";
import { MinMaxScaler } from "../lib/features/scaler";
import { modelFromJSON } from "../lib/models/registry";
import { WorkerPool } from "../lib/parallel/pool";
import { generateDataset } from "../lib/synth/generate";
import { readDataset } from "../lib/telemetry/contract";
import type { NodeRun } from "../lib/telemetry/noderun";
import { readBundle, writeBundle } from "../lib/runtime/bundle";
import { predictSource } from "../lib/runtime/batch";
import { RuntimePredictor } from "../lib/runtime/predictor";
import { trainBundle } from "../lib/runtime/train";
import { LdmsRunWriter } from "../test/support/ldms-writer";

const CLI = path.resolve(__dirname, "..", "lib", "cli", "main.js");

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}
const num = (name: string, fallback: number): number => Number(arg(name) ?? fallback);

function median(x: number[]): number {
  const s = [...x].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function quantile(x: number[], q: number): number {
  const s = [...x].sort((a, b) => a - b);
  const h = (s.length - 1) * q;
  const lo = Math.floor(h);
  return s[lo] + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]) - s[lo]);
}

function load(): string {
  return os.loadavg().map((x) => x.toFixed(2)).join(" ");
}

/** Windows/s of the runtime batch path and of the experiments' path on `data`. */
async function throughput(data: string, bundleFile: string, threads: number, reps: number): Promise<Record<string, unknown>> {
  const predictor = RuntimePredictor.fromFile(bundleFile);
  const bundle = readBundle(bundleFile);
  const model = modelFromJSON(bundle.model);
  const scaler = MinMaxScaler.fromJSON(bundle.scaler);
  const pool = new WorkerPool(threads);
  const runtime: number[] = [];
  const reference: number[] = [];
  const modelOnly: number[] = [];
  let windows = 0;
  try {
    const runRuntime = async (): Promise<void> => {
      const t = performance.now();
      let n = 0;
      for await (const job of predictSource(data, predictor, { pool })) for (const r of job) n += r.predicted.length;
      runtime.push((performance.now() - t) / 1000);
      windows = n;
    };
    const runReference = async (): Promise<void> => {
      const t = performance.now();
      const table = await extractFeatures(data, predictor.features, { pool });
      const t2 = performance.now();
      const x = scaler.transform(selectColumns(table, bundle.selected));
      model.predict(x);
      const t3 = performance.now();
      reference.push((t3 - t) / 1000);
      modelOnly.push((t3 - t2) / 1000);
    };
    await runRuntime(); // warm-up: compiled code, file cache
    runtime.length = 0;
    for (let r = 0; r < reps; r++) {
      if (r % 2 === 0) {
        await runRuntime();
        await runReference();
      } else {
        await runReference();
        await runRuntime();
      }
    }
  } finally {
    await pool.close();
  }
  const rt = median(runtime);
  const ref = median(reference);
  return {
    windows,
    runtimeSeconds: rt,
    runtimeWindowsPerSecond: windows / rt,
    referenceSeconds: ref,
    referenceWindowsPerSecond: windows / ref,
    ratioRuntimeToReference: rt / ref,
    scaleAndModelSeconds: median(modelOnly),
    scaleAndModelWindowsPerSecond: windows / median(modelOnly),
  };
}

/** `count` node-runs of the data set as one job of equally long runs with distinct names, from one start. */
function liveRuns(data: string, count: number): NodeRun[] {
  const picked: NodeRun[] = [];
  for (const job of readDataset(data)) {
    for (const r of job) if (picked.length < count) picked.push(r);
    if (picked.length >= count) break;
  }
  const length = Math.min(...picked.map((r) => r.timestamps.length));
  const t0 = picked[0].timestamps[0];
  return picked.map((r, i) => ({
    ...r,
    nodeId: `n${String(i + 1).padStart(3, "0")}`,
    jobId: "live",
    timestamps: Float64Array.from({ length }, (_, k) => t0 + k),
    values: r.values.map((v) => v.slice(0, length)),
  }));
}

/** Delay from a window's completing append to its diagnosis on the child's stdout. */
async function followDelay(data: string, bundleFile: string, nodes: number, stepMs: number, pollMs: number, pollOnly: boolean): Promise<Record<string, unknown>> {
  const runs = liveRuns(data, nodes);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-bench-follow-"));
  try {
    const writer = new LdmsRunWriter(root, { runs, splitLines: true });
    writer.start();
    const args = [CLI, "predict", "-q", "--model", bundleFile, root, "--follow", "--json", "--idle", "2", "--poll", String(pollMs), ...(pollOnly ? ["--poll-only"] : [])];
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    const arrivals: { node: string; timestamp: number; at: number }[] = [];
    let buffered = "";
    child.stdout.on("data", (b: Buffer) => {
      const at = performance.now();
      buffered += b.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const d = JSON.parse(line) as { node_id: string; timestamp: number };
        arrivals.push({ node: d.node_id, timestamp: d.timestamp, at });
      }
    });
    const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the child starts and finds the files
    const appendedAt: number[] = [];
    const started = performance.now();
    for (let s = 0; writer.step(); s++) {
      appendedAt[s] = performance.now();
      // Keep a steady pace: the next append is due stepMs after this one was due.
      const due = started + (s + 1) * stepMs;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
    }
    await exited;
    // Second i of a node is whole after append i; the last node's line after append i + 1 (split).
    const last = runs[runs.length - 1].nodeId;
    const delays = arrivals.map((a) => {
      const i = a.timestamp - runs[0].timestamps[0] + (a.node === last ? 1 : 0);
      return a.at - appendedAt[i];
    });
    const expected = runs.length * (Math.floor((runs[0].timestamps.length - 1 - 60 - 60) / 15) + 1);
    return {
      mode: pollOnly ? `poll only, every ${pollMs} ms` : `change events + poll every ${pollMs} ms`,
      nodes: runs.length,
      secondsOfData: runs[0].timestamps.length,
      stepMs,
      windows: arrivals.length,
      expectedWindows: expected,
      delayMsMedian: median(delays),
      delayMsP95: quantile(delays, 0.95),
      delayMsMax: Math.max(...delays),
    };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const threads = num("threads", 2);
  const reps = num("reps", 3);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-bench-runtime-"));
  const cpus = os.cpus();
  const report: Record<string, unknown> = { machine: `${cpus.length} x ${cpus[0]?.model ?? "?"}`, threads, loadBefore: load() };
  console.log(`machine: ${report.machine}; threads ${threads}; load average ${report.loadBefore}`);
  try {
    const train = arg("train") ?? path.join(tmp, "train");
    const data = arg("data") ?? path.join(tmp, "data");
    if (arg("train") === undefined && arg("bundle") === undefined) await generateDataset("quick", train, { seed: 2021, threads });
    if (arg("data") === undefined) await generateDataset("quick", data, { seed: 7, threads });
    let bundleFile = arg("bundle");
    if (bundleFile === undefined) {
      bundleFile = path.join(tmp, "bundle.json");
      const pool = new WorkerPool(threads);
      try {
        writeBundle(bundleFile, (await trainBundle(train, experimentConfig({ threads }), { pool })).bundle);
      } finally {
        await pool.close();
      }
    }
    report.throughput = await throughput(data, bundleFile, threads, reps);
    console.log("batch:", JSON.stringify(report.throughput));
    const nodes = num("nodes", 16);
    const stepMs = num("step-ms", 50);
    const poll = num("poll", 1000);
    report.followWatch = await followDelay(data, bundleFile, nodes, stepMs, poll, false);
    console.log("follow:", JSON.stringify(report.followWatch));
    report.followPoll = await followDelay(data, bundleFile, nodes, stepMs, poll, true);
    console.log("follow:", JSON.stringify(report.followPoll));
    report.loadAfter = load();
    console.log(`load average after: ${report.loadAfter}`);
    const out = arg("out");
    if (out !== undefined) fs.writeFileSync(out, JSON.stringify(report, null, 2) + "\n");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
