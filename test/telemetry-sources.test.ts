import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { openSource, SOURCE_FORMATS, type NodeRun, type TelemetrySource } from "../lib/telemetry";
import { readLabelCsv, labelFileFor } from "../lib/telemetry/hdf-sources";
import { ProblemLog } from "../lib/telemetry/problems";
import { FIXTURES, tempDir } from "./helpers";

async function readAll(source: TelemetrySource): Promise<NodeRun[][]> {
  const jobs: NodeRun[][] = [];
  for await (const job of source.jobs()) jobs.push(job);
  return jobs;
}

const HDF = path.join(FIXTURES, "telemetry");

interface ExpectedRun {
  job: string | null;
  node: string;
  timestamps: number[];
  "MemFree::meminfo": number[];
  "pgfault::vmstat": number[];
}

function expected(dir: string): Record<string, ExpectedRun[]> {
  return JSON.parse(fs.readFileSync(path.join(HDF, dir, "expected.json"), "utf8")) as Record<string, ExpectedRun[]>;
}

/** Values on the source's own timestamps (the reader may interpolate seconds pandas lacks). */
function atTimes(run: NodeRun, metric: string, times: number[]): number[] {
  const values = run.values[run.metrics.indexOf(metric)];
  return times.map((t) => values[Array.from(run.timestamps).indexOf(t)]);
}

describe("telemetry: E2EWatch runtime CSV", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads component_id, millisecond timestamps and bare metric names", async () => {
    const file = path.join(dir, "job_4711.csv");
    const rows = ["component_id,timestamp,MemFree,context_switches,pgfault,RDMA_nrx"];
    for (const node of [12, 13]) for (let i = 0; i < 6; i++) rows.push(`${node},${(1600000000 + i) * 1000 + 3},${5e7 - i},${100 + i},${i * 2},${i}`);
    fs.writeFileSync(file, rows.join("\n") + "\n");
    const source = openSource(file);
    assert.equal(source.format, "runtime-csv");
    const [job] = await readAll(source);
    assert.deepEqual(job.map((r) => [r.jobId, r.nodeId]), [
      ["job_4711", "12"],
      ["job_4711", "13"],
    ]);
    const r = job[0];
    assert.deepEqual(r.metrics, ["MemFree::meminfo", "context_switches::procstat", "pgfault::vmstat", "RDMA_nrx::runtime"]);
    assert.equal(r.timestamps[0], 1600000000);
    assert.equal(r.timestamps.length, 6, "values are used as given: no first-difference row lost");
    assert.deepEqual(Array.from(r.values[1]), [100, 101, 102, 103, 104, 105]);
  });

  it("ignores pandas index columns and sorts rows, reporting the disorder", async () => {
    const file = path.join(dir, "rt.csv");
    fs.writeFileSync(file, ",Unnamed: 0,node_id,timestamp,MemFree::meminfo\n0,0,n,1600000002000,3\n1,1,n,1600000000000,1\n2,2,n,1600000001000,2\n");
    const source = openSource(file);
    const [[r]] = await readAll(source);
    assert.deepEqual(r.metrics, ["MemFree::meminfo"]);
    assert.deepEqual(Array.from(r.values[0]), [1, 2, 3]);
    assert.deepEqual(source.problems.problems.map((p) => p.kind), ["out-of-order"]);
  });
});

describe("telemetry: pandas HDF5 (E2EWatch and Prodigy layouts)", () => {
  it("reads the E2EWatch layout as pandas does, with both label styles", async () => {
    const source = openSource(path.join(HDF, "e2ewatch-hdf"));
    assert.equal(source.format, "e2ewatch-hdf");
    const jobs = await readAll(source);
    const runs = jobs.flat();
    const want = expected("e2ewatch-hdf");
    const all = [...want["anomaly_data.hdf"], ...want["normal_data.hdf"]];
    assert.deepEqual(runs.map((r) => r.nodeId), all.map((e) => e.node));
    for (const e of all) {
      const r = runs.find((x) => x.nodeId === e.node)!;
      assert.equal(r.jobId, e.node, "without a job column a node-run is its own job");
      assert.deepEqual(atTimes(r, "MemFree::meminfo", e.timestamps), e["MemFree::meminfo"]);
      assert.deepEqual(atTimes(r, "pgfault::vmstat", e.timestamps), e["pgfault::vmstat"]);
      assert.ok(!r.metrics.some((m) => m.includes("per_core")));
      assert.ok(r.metrics.includes("procs_running::procstat"), "int64 block read");
    }
    const cpu = runs.find((r) => r.nodeId === "468e64844c5443fb8f1234dd")!.label;
    assert.deepEqual([cpu.app, cpu.anomaly, cpu.intensity, cpu.input], ["ExaMiniMD", "cpuoccupy", "1", "cosineEclipse4"]);
    const healthy = runs.find((r) => r.nodeId === "59e5011957f3f44ead63f4e7")!.label;
    assert.deepEqual([healthy.app, healthy.anomaly], ["LAMMPS", "none"]);
    // The node with a missing second got it interpolated, as the grid policy says.
    const gappy = runs.find((r) => r.nodeId === "6bd8f05f10114c77aef779fb")!;
    assert.equal(gappy.timestamps.length, 10);
    const kinds = source.problems.problems.map((p) => p.kind);
    assert.ok(kinds.includes("missing-node"), "a labelled node without data is reported");
    assert.ok(kinds.includes("gap"));
  });

  it("reads the Prodigy layout: job_id and component_id columns, binary and named labels", async () => {
    const source = openSource(path.join(HDF, "prodigy-hdf", "prod_train_data.hdf"));
    assert.equal(source.format, "prodigy-hdf");
    const jobs = await readAll(source);
    assert.deepEqual(jobs.map((j) => j.map((r) => `${r.jobId}/${r.nodeId}`)), [
      ["66/1", "66/2"],
      ["67/1", "67/2"],
    ]);
    for (const e of expected("prodigy-hdf")["prod_train_data.hdf"]) {
      const r = jobs.flat().find((x) => x.jobId === e.job && x.nodeId === e.node)!;
      assert.deepEqual(Array.from(r.timestamps), e.timestamps);
      assert.deepEqual(atTimes(r, "MemFree::meminfo", e.timestamps), e["MemFree::meminfo"]);
    }
    const labels = jobs.flat().map((r) => `${r.label.app}:${r.label.anomaly}`);
    assert.deepEqual(labels, ["lammps:none", "lammps:none", "sw4:memleak", "sw4:none"]);
  });

  it("finds label files by name and maps binary labels without names", () => {
    assert.equal(labelFileFor(path.join(HDF, "e2ewatch-hdf", "normal_data.hdf")), path.join(HDF, "e2ewatch-hdf", "normal_labels.csv"));
    const dir = tempDir();
    try {
      const file = path.join(dir, "labels.csv");
      fs.writeFileSync(file, "job_id,component_id,binary_anom\n1,5,0\n1,6,1\n");
      const table = readLabelCsv(file, new ProblemLog());
      assert.deepEqual([...table.byKey.values()].map((v) => v.label.anomaly), ["none", "anomalous"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("telemetry: source formats", () => {
  it("lists every format openSource recognises", () => {
    assert.deepEqual(SOURCE_FORMATS.map((f) => f.format).sort(), ["contract-csv", "dataset", "e2ewatch-hdf", "ldms", "prodigy-hdf", "runtime-csv"]);
    assert.equal(SOURCE_FORMATS.find((f) => f.format === "ldms")!.counters, "differenced-by-reader");
  });

  it("reads a folder of contract CSVs (a data set's telemetry/ without metadata)", async () => {
    const dir = tempDir();
    try {
      fs.writeFileSync(path.join(dir, "1.csv"), "job_id,node_id,timestamp,x::s\n1,a,10,1\n1,a,11,2\n");
      fs.writeFileSync(path.join(dir, "2.csv"), "job_id,node_id,timestamp,x::s\n2,a,10,1\n");
      const source = openSource(dir);
      assert.equal(source.format, "contract-csv");
      assert.deepEqual((await readAll(source)).map((j) => j[0].jobId), ["1", "2"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
