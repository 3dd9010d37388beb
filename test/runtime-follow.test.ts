import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { readDataset } from "../lib/telemetry/contract";
import type { NodeRun } from "../lib/telemetry/noderun";
import { predictAll } from "../lib/runtime/batch";
import { LdmsFollower, type LiveDiagnosis } from "../lib/runtime/follow";
import { FileTail } from "../lib/runtime/file-tail";
import { LiveSeries, SamplerLayout } from "../lib/runtime/live-ldms";
import { MissingMetricsError, RuntimePredictor } from "../lib/runtime/predictor";
import { parseFilter, filterSequence } from "../lib/runtime/filters";
import { WorkerPool } from "../lib/parallel/pool";
import { LdmsRunWriter } from "./support/ldms-writer";
import { tinyBundle, tinyDataset, withoutMetrics } from "./support/runtime-fixture";
import { sharedData, tempDir } from "./helpers";

const TRIM = 60;
const WINDOW = 60;
const STRIDE = 15;

/** Windows per node, each node's in emission order. */
function byNode(ds: LiveDiagnosis[]): Map<string, LiveDiagnosis[]> {
  const out = new Map<string, LiveDiagnosis[]>();
  for (const d of ds) out.set(d.nodeId, [...(out.get(d.nodeId) ?? []), d]);
  return out;
}

describe("runtime: follow mode on a growing LDMS folder", function () {
  let dir: string;
  let predictor: RuntimePredictor;
  let job: NodeRun[];
  let folders = 0;
  const pool = new WorkerPool(0);
  const fresh = (): string => path.join(dir, `run${++folders}`);

  before(async () => {
    dir = tempDir();
    const data = await tinyDataset(path.join(dir, "data"));
    // "exact" numerics: a live window's features are then those of a batch extraction, bit for bit.
    predictor = new RuntimePredictor((await tinyBundle(data, { features: { numerics: "exact" } })).bundle);
    for (const runs of readDataset(data)) {
      if (runs.length === 2 && runs[0].label.anomaly !== "none") {
        job = runs;
        break;
      }
    }
    assert.ok(job !== undefined, "a two-node job with an anomaly");
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("diagnoses each window once, in order, as soon as every sampler has reached its last second", () => {
    const root = fresh();
    const lag = 3;
    const writer = new LdmsRunWriter(root, { runs: job, lag: { sampler: "procstat", seconds: lag }, splitLines: true });
    const seen: { d: LiveDiagnosis; step: number }[] = [];
    let step = -1;
    writer.start();
    const follower = new LdmsFollower(root, predictor, { filter: parseFilter("consecutive:2"), onDiagnosis: (d) => seen.push({ d, step }) });
    for (step = 0; writer.step(); step++) follower.step();
    const nodes = byNode(seen.map((s) => s.d));
    assert.deepEqual([...nodes.keys()].sort(), job.map((r) => r.nodeId).sort());
    // The LDMS run starts at the second sample (the first counter difference); only the start is trimmed.
    const length = job[0].timestamps.length - 1;
    const expected = Math.floor((length - TRIM - WINDOW) / STRIDE) + 1;
    const origin = job[0].timestamps[1];
    job.forEach((run, j) => {
      const mine = seen.filter((s) => s.d.nodeId === run.nodeId);
      assert.equal(mine.length, expected, `node ${run.nodeId}: every window once`);
      mine.forEach(({ d, step: at }, k) => {
        assert.equal(d.window, k);
        assert.equal(d.timestamp, origin + TRIM + WINDOW - 1 + k * STRIDE);
        assert.equal(d.jobId, "run1");
        // Its last second is sample i of the run: the lagging sampler writes it `lag` steps
        // later, and the last node's line of a second is only completed one step after that.
        const i = d.timestamp - run.timestamps[0];
        assert.equal(at, i + lag + (j === job.length - 1 ? 1 : 0), `window ${k} of node ${run.nodeId} diagnosed at step ${at}`);
      });
      assert.deepEqual(mine.map((s) => s.d.filteredCode), Array.from(filterSequence(parseFilter("consecutive:2"), Uint8Array.from(mine.map((s) => s.d.code)))));
    });
    // Emission order across nodes: by time.
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i].d.timestamp >= seen[i - 1].d.timestamp || seen[i].step > seen[i - 1].step);
  });

  it("gives the windows of the finished run the labels and confidences batch prediction gives", async () => {
    const root = fresh();
    const writer = new LdmsRunWriter(root, { runs: job });
    writer.writeAll();
    const live: LiveDiagnosis[] = [];
    new LdmsFollower(root, predictor, { onDiagnosis: (d) => live.push(d) }).step();
    const { runs, format } = await predictAll(root, predictor, { pool });
    assert.equal(format, "ldms");
    let common = 0;
    for (const run of runs) {
      const mine = new Map(live.filter((d) => d.nodeId === run.nodeId).map((d) => [d.timestamp, d]));
      // Batch trims the end as well: its windows are the first ones of the live run.
      assert.ok(run.windowEnd.length > 0 && run.windowEnd.length < mine.size);
      run.windowEnd.forEach((t, k) => {
        const d = mine.get(t);
        assert.ok(d !== undefined, `window ending ${t} diagnosed live`);
        assert.equal(d.code, run.predicted[k]);
        assert.equal(d.confidence, run.confidence[k]);
        common++;
      });
    }
    assert.ok(common > 20);
  });

  it("follows a writer appending over time (watch and poll) and stops after the idle time", async () => {
    const root = fresh();
    const writer = new LdmsRunWriter(root, { runs: job, splitLines: true });
    fs.mkdirSync(root, { recursive: true });
    const live: LiveDiagnosis[] = [];
    const follower = new LdmsFollower(root, predictor, { pollMs: 50, idleSeconds: 0.6, onDiagnosis: (d) => live.push(d) });
    const [summary] = await Promise.all([follower.run(), writer.play(4)]);
    assert.equal(summary.stoppedBy, "idle");
    assert.equal(summary.nodes, 2);
    // The same as reading the finished folder in one go.
    const once: LiveDiagnosis[] = [];
    new LdmsFollower(root, predictor, { onDiagnosis: (d) => once.push(d) }).step();
    const key = (d: LiveDiagnosis): string => `${d.nodeId}@${d.timestamp}:${d.label}:${d.confidence}`;
    for (const [node, list] of byNode(live)) {
      assert.deepEqual(list.map(key), once.filter((d) => d.nodeId === node).map(key), `node ${node}`);
    }
    assert.equal(live.length, once.length);
  });

  it("replaying a real LDMS run line by line gives batch's diagnoses on every window batch has", async function () {
    const real = sharedData(this, "ldms-sw4lite/SW4lite");
    const root = fresh();
    const files = ["data/memory_metrics/meminfo", "data/memory_metrics/vmstat", "data/process_metrics/procstat"];
    // Every data line with its file, in time order (as the samplers wrote them); the cut last lines stay cut.
    const lines: { file: string; t: number; text: string }[] = [];
    for (const f of files) {
      const text = fs.readFileSync(path.join(real, f), "utf8");
      const [header, ...rest] = text.split("\n");
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), header + "\n");
      rest.forEach((line, i) => line !== "" && lines.push({ file: f, t: Number(line.split(",")[0]), text: i === rest.length - 1 ? line : line + "\n" }));
    }
    lines.sort((a, b) => a.t - b.t);
    const live: LiveDiagnosis[] = [];
    const follower = new LdmsFollower(root, predictor, { onDiagnosis: (d) => live.push(d) });
    for (let i = 0; i < lines.length; i += 7) {
      for (const l of lines.slice(i, i + 7)) fs.appendFileSync(path.join(root, l.file), l.text);
      follower.step();
    }
    const { runs } = await predictAll(root, predictor, { pool });
    assert.equal(runs.length, 1);
    const batch = runs[0];
    const mine = new Map(live.map((d) => [d.timestamp, d]));
    assert.equal(live.length, new Set(live.map((d) => d.timestamp)).size, "each window once");
    assert.ok(batch.windowEnd.length > 20 && mine.size > batch.windowEnd.length);
    batch.windowEnd.forEach((t, k) => {
      assert.equal(mine.get(t)?.code, batch.predicted[k], `window ending ${t}`);
      assert.equal(mine.get(t)?.confidence, batch.confidence[k]);
    });
  });

  it("forgets the nodes of a job whose data stopped while other jobs go on", () => {
    const root = fresh();
    const later = job.map((r) => ({ ...r, jobId: "later", timestamps: r.timestamps.map((t) => t + 2000) }));
    new LdmsRunWriter(path.join(root, "a"), { runs: job }).writeAll();
    const live: LiveDiagnosis[] = [];
    const follower = new LdmsFollower(root, predictor, { onDiagnosis: (d) => live.push(d) });
    follower.step();
    assert.equal(follower.nodesHeld, 2);
    new LdmsRunWriter(path.join(root, "b"), { runs: later }).writeAll();
    follower.step();
    assert.equal(follower.nodesHeld, 2, "the first job's nodes were dropped");
    const perNode = Math.floor((job[0].timestamps.length - 1 - TRIM - WINDOW) / STRIDE) + 1;
    // Job names are fixed when a file is first seen: then the root was the only run folder.
    assert.deepEqual([...new Set(live.map((d) => d.jobId))], [path.basename(root), "b"]);
    assert.equal(live.length, 4 * perNode);
  });

  it("refuses a node lacking required metrics, or imputes them when allowed", async () => {
    const drop = new Set(predictor.requiredMetrics.slice(0, 2));
    const runs = job.map((r) => withoutMetrics(r, drop));
    const root = fresh();
    new LdmsRunWriter(root, { runs }).writeAll();
    const follower = new LdmsFollower(root, predictor, { pollMs: 20, idleSeconds: 5, onDiagnosis: () => undefined });
    await assert.rejects(follower.run(), (e: unknown) => e instanceof MissingMetricsError && e.missing.length === 2 && e.message.startsWith(`${root}: node `) && !e.message.includes("\n"));
    const lenient = new RuntimePredictor(predictor.bundle, { allowMissing: true });
    const warnings: string[] = [];
    let windows = 0;
    new LdmsFollower(root, lenient, { onDiagnosis: () => windows++, onWarning: (w) => warnings.push(w) }).step();
    assert.ok(windows > 0);
    assert.equal(warnings.length, 2);
    assert.match(warnings[0], /lacks 2 metric\(s\) the model needs .*training medians/);
  });
});

describe("runtime: reading growing files", () => {
  let dir: string;
  before(() => (dir = tempDir()));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("FileTail returns completed lines only, keeps split characters whole, and restarts a truncated file", () => {
    const file = path.join(dir, "sampler");
    fs.writeFileSync(file, "#Time,a\n1,x");
    const tail = new FileTail(file);
    assert.deepEqual(tail.read().lines, ["#Time,a"]);
    fs.appendFileSync(file, "y\r\n2,");
    const r = tail.read();
    assert.deepEqual([r.lines, r.firstLine], [["1,xy"], 2]);
    const euro = Buffer.from("€\n");
    fs.appendFileSync(file, euro.subarray(0, 1));
    assert.deepEqual(tail.read().lines, []);
    fs.appendFileSync(file, euro.subarray(1));
    assert.deepEqual(tail.read().lines, ["2,€"]);
    assert.equal(tail.read().bytes, 0);
    fs.writeFileSync(file, "#Time,a\n");
    const again = tail.read();
    assert.deepEqual([again.restarted, again.lines, again.firstLine], [true, ["#Time,a"], 1]);
  });

  it("LiveSeries keeps samples in time order through growth, pruning and late arrivals", () => {
    const s = new LiveSeries("meminfo", "f", ["MemFree"]);
    const expected: number[] = [];
    for (let t = 0; t < 2000; t++) {
      if (t % 97 === 5) continue; // arrives late, below
      assert.equal(s.add(t + 0.002, [t]), "ok");
      if (t % 300 === 299) s.dropBefore(t - 100);
    }
    for (let t = 1900; t < 2000; t++) if (t % 97 === 5) assert.equal(s.add(t + 0.002, [t]), "late");
    assert.equal(s.add(1999.002, [0]), "duplicate");
    for (let t = 1900; t < 2000; t++) expected.push(t);
    const tail = s.seriesFrom(1900);
    assert.deepEqual(Array.from(tail.columns[0]), expected);
    assert.deepEqual(Array.from(tail.times), expected.map((t) => t + 0.002));
    assert.ok(s.count < 500, `old samples dropped (${s.count} held)`);
  });

  it("SamplerLayout reads store_csv lines as the batch reader does", () => {
    const layout = new SamplerLayout("#Time,Time_usec,ProducerName,component_id,job_id,app_id,user,per_core_user0,MemFree");
    assert.deepEqual(layout.metrics, ["user", "MemFree"]);
    assert.deepEqual(layout.parse("1746652551.003631,3631,host,3,0,0,331103101,5,"), { t: 1746652551.003631, producer: "host", component: "3", job: "0", values: Float64Array.from([331103101, NaN]) });
    assert.equal((layout.parse("1746652551,3631,host,3,0,0,1,2,3") as { t: number }).t, 1746652551.003631);
    assert.equal((layout.parse("1746652551003,0,host,3,0,0,1,2,3") as { t: number }).t, 1746652551.003);
    assert.equal(layout.parse(",0,host,3,0,0,1,2,3"), "no valid time");
  });
});
