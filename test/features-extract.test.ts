import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetWriter, openSource, readDataset, type NodeRun, type RunLabel } from "../lib/telemetry";
import { WorkerPool } from "../lib/parallel/pool";
import { extractFeatures, featureConfig, nodeRunFeatures, configFeatureNames, latestWindowFeatures, SPECTRAL_STATISTICS, featureTableBytes, featureTableMemory, takeRows, type FeatureTable } from "../lib/features";
import { InputError } from "../lib/util/errors";
import { tempDir, runCli } from "./helpers";
import { mulberry } from "./features-support";


const METRICS = ["MemFree::meminfo", "user::procstat", "procs_running::procstat", "pgfault::vmstat"];

function label(anomaly: string, start: number | null = null, end: number | null = null): RunLabel {
  return { app: anomaly === "membw" ? "sw4" : "lammps", input: "small", anomaly, intensity: anomaly === "none" ? "" : "50", anomalyStart: start, anomalyEnd: end };
}

/** Deterministic node-runs: levels, counters, gauges, a few NaN. */
function makeRun(rand: () => number, jobId: string, nodeId: string, n: number, lab: RunLabel, metrics = METRICS): NodeRun {
  let level = 9e7;
  return {
    jobId,
    nodeId,
    label: lab,
    timestamps: Float64Array.from({ length: n }, (_, t) => 1_700_000_000 + t),
    metrics,
    values: metrics.map((_, i) =>
      Float64Array.from({ length: n }, (_, t) => {
        if (i === 0) return (level += Math.round((rand() - 0.5) * 20));
        if (i === 3 && t === 100) return NaN;
        return i === 2 ? Math.floor(rand() * 30) : Math.round(1000 + rand() * 500);
      }),
    ),
  };
}

function makeJobs(): NodeRun[][] {
  const rand = mulberry(42);
  return [
    [makeRun(rand, "101", "n1", 320, label("none")), makeRun(rand, "101", "n2", 300, label("none"))],
    [makeRun(rand, "102", "n1", 400, label("memleak", 150, 300))],
    [makeRun(rand, "103", "n3", 150, label("none"))], // too short for one window (needs 180)
    [makeRun(rand, "104", "n4", 260, label("membw")), makeRun(rand, "104", "n5", 250, label("membw"))],
    [makeRun(rand, "105", "n6", 240, label("none"), METRICS.slice(0, 3))], // lacks pgfault
  ];
}

function assertSameTable(a: FeatureTable, b: FeatureTable): void {
  assert.deepEqual(a.names, b.names);
  assert.equal(a.nRows, b.nRows);
  assert.deepEqual(a.labels, b.labels);
  assert.deepEqual(a.runs, b.runs);
  assert.deepEqual([...a.runIndex], [...b.runIndex]);
  assert.deepEqual([...a.windowEnd], [...b.windowEnd]);
  assert.deepEqual([...a.labelCode], [...b.labelCode]);
  for (let f = 0; f < a.columns.length; f++) assert.ok(Buffer.from(a.columns[f].buffer, a.columns[f].byteOffset, a.columns[f].byteLength).equals(Buffer.from(b.columns[f].buffer, b.columns[f].byteOffset, b.columns[f].byteLength)), `column ${a.names[f]}`);
}

describe("features: extraction over sources and threads", () => {
  let dir: string;
  let dataset: string;
  before(() => {
    dir = tempDir();
    dataset = path.join(dir, "ds");
    const w = new DatasetWriter(dataset);
    for (const job of makeJobs()) w.addJob(job);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("gives the same table, bit for bit, on 0, 1 and 2 worker threads", async () => {
    const tables: FeatureTable[] = [];
    for (const size of [0, 1, 2]) {
      const pool = new WorkerPool(size);
      try {
        tables.push(await extractFeatures(dataset, {}, { pool, storage: "float64" }));
      } finally {
        await pool.close();
      }
    }
    assertSameTable(tables[0], tables[1]);
    assertSameTable(tables[0], tables[2]);
    const t = tables[0];
    assert.equal(t.names.length, 11 * METRICS.length);
    assert.deepEqual(t.labels, ["none", "memleak", "membw"]);
    // Rows: jobs in metadata order, nodes in file order, windows in time order.
    assert.deepEqual(t.runs.map((r) => `${r.jobId}/${r.nodeId}`), ["101/n1", "101/n2", "102/n1", "103/n3", "104/n4", "104/n5", "105/n6"]);
  });

  it("reads every kind of source to the same rows", async () => {
    const pool = new WorkerPool(0);
    try {
      const fromPath = await extractFeatures(dataset, {}, { pool });
      const fromSource = await extractFeatures(openSource(dataset), {}, { pool });
      const fromIterable = await extractFeatures(readDataset(dataset), {}, { pool });
      const asyncJobs = async function* (): AsyncGenerator<NodeRun[]> {
        yield* readDataset(dataset);
      };
      const fromAsync = await extractFeatures(asyncJobs(), {}, { pool });
      for (const t of [fromSource, fromIterable, fromAsync]) assertSameTable(fromPath, t);
      const oneJob = await extractFeatures(path.join(dataset, "telemetry", "104.csv"), {}, { pool });
      assert.deepEqual(oneJob.runs.map((r) => r.nodeId), ["n4", "n5"]);
      assert.deepEqual(oneJob.labels, ["none", ""], "a bare telemetry file has no labels");
    } finally {
      await pool.close();
    }
  });

  it("leaves the caller's node-runs intact (copied to workers, not moved)", async () => {
    const jobs = makeJobs();
    const pool = new WorkerPool(1);
    try {
      const t = await extractFeatures(jobs, {}, { pool });
      assert.ok(t.nRows > 0);
      assert.equal(jobs[0][0].values[0].length, 320);
      assert.ok(!Number.isNaN(jobs[0][0].values[0][5]));
    } finally {
      await pool.close();
    }
  });

  it("matches nodeRunFeatures, stores float32 by default, labels windows by the anomaly interval", async () => {
    const jobs = makeJobs();
    const t = await extractFeatures(jobs, {}, { pool: new WorkerPool(0) });
    assert.ok(t.columns.every((c) => c instanceof Float32Array));
    const run = jobs[1][0];
    const block = nodeRunFeatures(run, featureConfig());
    const r0 = t.runIndex.indexOf(2);
    assert.equal(block.count, 15); // floor((400 - 120 - 60) / 15) + 1
    for (let k = 0; k < block.count; k++) {
      assert.equal(t.windowEnd[r0 + k], run.timestamps[60 + 59 + 15 * k]);
      for (let f = 0; f < t.names.length; f++) {
        const want = Math.fround(block.values[f * block.count + k]);
        const got = t.columns[f][r0 + k];
        assert.ok(Object.is(got, want) || (Number.isNaN(got) && Number.isNaN(want)), `${t.names[f]} window ${k}`);
      }
    }
    // Anomaly from 150 s to 300 s: a window is anomalous when >= 30 of its 60 samples lie inside.
    const expected = Array.from({ length: block.count }, (_, k) => {
      const end = 119 + 15 * k;
      const inside = Math.max(0, Math.min(end + 1, 300) - Math.max(end - 59, 150));
      return inside >= 30 ? "memleak" : "none";
    });
    assert.deepEqual(Array.from({ length: block.count }, (_, k) => t.labels[t.labelCode[r0 + k]]), expected);
    assert.ok(expected.includes("memleak") && expected.includes("none"));
  });

  it("reports short runs and missing metrics, giving NaN features for a missing metric", async () => {
    const source = openSource(dataset);
    const t = await extractFeatures(source, {}, { pool: new WorkerPool(0) });
    const kinds = source.problems.problems.map((p) => p.kind);
    assert.ok(kinds.includes("short-run"), kinds.join());
    assert.ok(kinds.includes("metric-mismatch"), kinds.join());
    const last = t.runIndex.indexOf(6);
    const pg = t.names.indexOf("mean_pgfault::vmstat");
    const mf = t.names.indexOf("mean_MemFree::meminfo");
    assert.ok(Number.isNaN(t.columns[pg][last]) && !Number.isNaN(t.columns[mf][last]));
    assert.equal([...t.runIndex].filter((r) => r === 3).length, 0, "the 150 s run has no windows");
  });

  it("materialises only the requested features, in the requested order", async () => {
    const want = ["perc95_MemFree::meminfo", "std_user::procstat"];
    const t = await extractFeatures(dataset, {}, { pool: new WorkerPool(0), features: want });
    assert.deepEqual(t.names, want);
    await assert.rejects(extractFeatures(dataset, {}, { pool: new WorkerPool(0), features: ["perc99_x"] }), (e: unknown) => e instanceof InputError && /perc99_x/.test(e.message));
    const sub = takeRows(t, [2, 0]);
    assert.equal(sub.nRows, 2);
    assert.equal(sub.columns[0][1], t.columns[0][0]);
    assert.equal(featureTableBytes(t), t.nRows * (2 * 4 + 13));
    assert.equal(featureTableMemory(2_000_000, 1716).columnBytes, 13_728_000_000);
  });

  it("the features command writes pandas-ordered CSV that round-trips to the computed float64", () => {
    const out = path.join(dir, "f.csv");
    const r = runCli(["features", dataset, "--out", out, "--job-id"], { env: { E2EWATCH_THREADS: "2" } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /windows of 7 node-runs/);
    assert.match(r.stderr, /metric-mismatch|lacks 1 metric/);
    const lines = fs.readFileSync(out, "utf8").trimEnd().split("\n");
    const header = lines[0].split(",");
    assert.deepEqual(header.slice(0, 3), ["job_id", "node_id", "timestamp"]);
    assert.deepEqual(header.slice(3), configFeatureNames(METRICS, featureConfig()));
    const jobs = makeJobs();
    const block = nodeRunFeatures(jobs[0][1], featureConfig());
    const row = lines.find((l) => l.startsWith("101,n2,"))!.split(",");
    for (let f = 0; f < header.length - 3; f++) {
      const v = block.values[f * block.count];
      assert.equal(row[3 + f] === "" ? NaN : Number(row[3 + f]), v, header[3 + f]);
    }
    const plain = runCli(["features", dataset, "--out", "-", "--quiet", "--window", "30", "--stride", "10", "--trim", "0"]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.ok(plain.stdout.startsWith("node_id,timestamp,max_MemFree::meminfo,"));
    const bad = runCli(["features", dataset, "--out", out, "--window", "0"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--window must be a whole number >= 1/);
    const missing = runCli(["features", path.join(dir, "nope"), "--out", out]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope: no such file or folder/);
    // A broken job file: one line naming file and line, exit 1, no partial CSV left.
    const broken = path.join(dir, "broken");
    fs.cpSync(dataset, broken, { recursive: true });
    fs.writeFileSync(path.join(broken, "telemetry", "104.csv"), "job_id,node,timestamp,x\n104,n4,1,1\n");
    const failed = runCli(["features", broken, "--out", path.join(dir, "broken.csv")]);
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr.trim().split("\n").pop()!, /104\.csv:1: header lacks column 'node_id'/);
    assert.ok(!fs.existsSync(path.join(dir, "broken.csv")));
  });
});

describe("features: streaming, spectral, simple-statistics cross-check", () => {
  it("latestWindowFeatures: the last window of the run, computed alone; null while too short", () => {
    const rand = mulberry(7);
    const run = makeRun(rand, "1", "n", 200, label("none"));
    const latest = latestWindowFeatures(run)!;
    assert.equal(latest.windowEnd, run.timestamps[199]);
    const alone: NodeRun = { ...run, timestamps: run.timestamps.slice(140), values: run.values.map((v) => v.slice(140)) };
    const block = nodeRunFeatures(alone, featureConfig({ trim: 0 }));
    assert.equal(block.count, 1);
    assert.deepEqual([...latest.values], [...block.values]);
    assert.deepEqual(latest.names, configFeatureNames(run.metrics, featureConfig()));
    const short: NodeRun = { ...run, timestamps: run.timestamps.slice(0, 119), values: run.values.map((v) => v.slice(0, 119)) };
    assert.equal(latestWindowFeatures(short), null);
  });

  it("spectral features: dominant frequency of a sinusoid, zero for a constant, NaN with a gap", () => {
    const n = 200;
    const f0 = 8 / 64; // an exact bin of the 64-point transform
    const run: NodeRun = {
      jobId: "1",
      nodeId: "n",
      label: label("none"),
      timestamps: Float64Array.from({ length: n }, (_, t) => t),
      metrics: ["sine::x", "flat::x", "gap::x", "step::x"],
      values: [
        Float64Array.from({ length: n }, (_, t) => 5 + Math.sin(2 * Math.PI * f0 * t)),
        new Float64Array(n).fill(3.5),
        Float64Array.from({ length: n }, (_, t) => (t === 100 ? NaN : t % 7)),
        Float64Array.from({ length: n }, (_, t) => (t % 60 < 30 ? 0 : 1)),
      ],
    };
    const config = featureConfig({ spectral: true, trim: 0 });
    const names = configFeatureNames(run.metrics, config);
    assert.equal(names.length, (11 + SPECTRAL_STATISTICS.length) * 4);
    const block = nodeRunFeatures(run, config);
    const get = (name: string, k: number): number => block.values[names.indexOf(name) * block.count + k];
    for (let k = 0; k < block.count; k++) {
      assert.equal(get("specdom_sine::x", k), f0);
      assert.ok(Math.abs(get("speccent_sine::x", k) - f0) < 0.03);
      const bands = [1, 2, 3, 4].map((b) => get(`specband${b}_sine::x`, k));
      assert.ok(Math.abs(bands.reduce((a, b) => a + b, 0) - 1) < 1e-12 && bands[0] > 0.9);
      for (const s of SPECTRAL_STATISTICS) assert.equal(get(`${s}_flat::x`, k), 0);
      assert.ok(get("specent_step::x", k) < get("specent_gap::x", k) || Number.isNaN(get("specent_gap::x", k)));
    }
    const gapWindow = Array.from({ length: block.count }, (_, k) => k).filter((k) => 100 >= k * 15 && 100 <= k * 15 + 59);
    for (const k of gapWindow) assert.ok(Number.isNaN(get("specdom_gap::x", k)));
    assert.ok(gapWindow.length > 0);
  });

  it("agrees with simple-statistics where conventions match", async () => {
    // simple-statistics ships as an ES module; this project compiles to CommonJS.
    const ss = await import("simple-statistics");
    const rand = mulberry(99);
    const n = 600;
    const run: NodeRun = {
      jobId: "1",
      nodeId: "n",
      label: label("none"),
      timestamps: Float64Array.from({ length: n }, (_, t) => t),
      metrics: ["a::x", "b::x"],
      values: [Float64Array.from({ length: n }, () => 10 + 3 * (rand() + rand() + rand())), Float64Array.from({ length: n }, () => Math.round(rand() * 1e4) / 7)],
    };
    let worst = 0;
    for (const numerics of ["pandas", "exact"] as const) {
      const config = featureConfig({ trim: 0, numerics });
      const names = configFeatureNames(run.metrics, config);
      const block = nodeRunFeatures(run, config);
      for (let m = 0; m < 2; m++) {
        for (let k = 0; k < block.count; k++) {
          const w = Array.from(run.values[m].subarray(k * 15, k * 15 + 60));
          const sorted = [...w].sort((x, y) => x - y);
          const want: Record<string, number> = {
            max: ss.max(w),
            min: ss.min(w),
            mean: ss.mean(w),
            std: ss.sampleStandardDeviation(w),
            skew: ss.sampleSkewness(w),
            kurt: ss.sampleKurtosis(w),
            perc05: ss.quantileSorted(sorted, 0.05),
            perc25: ss.quantileSorted(sorted, 0.25),
            perc50: ss.quantileSorted(sorted, 0.5),
            perc75: ss.quantileSorted(sorted, 0.75),
            perc95: ss.quantileSorted(sorted, 0.95),
          };
          for (const [stat, v] of Object.entries(want)) {
            const ours = block.values[names.indexOf(`${stat}_${run.metrics[m]}`) * block.count + k];
            const err = Math.abs(ours - v) / Math.max(Math.abs(v), 1);
            worst = Math.max(worst, err);
            assert.ok(err < 1e-12, `${numerics} ${stat} window ${k}: ${ours} vs simple-statistics ${v}`);
          }
        }
      }
    }
    // Where they differ: simple-statistics has no undefined-to-0/-3 convention and no NaN skipping.
    assert.ok(Number.isNaN(ss.sampleSkewness([2, 2, 2, 2])));
    console.log(`      simple-statistics: worst difference ${worst.toExponential(2)} (relative, absolute below 1)`);
  });
});
