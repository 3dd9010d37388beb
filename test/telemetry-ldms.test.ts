import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { openSource, type NodeRun, type TelemetrySource } from "../lib/telemetry";
import { findSamplerFiles, groupRuns, samplerName } from "../lib/telemetry/ldms-files";
import { ProblemLog } from "../lib/telemetry/problems";
import { sharedData, tempDir } from "./helpers";
import { rowsAt, samplerText, writeRun, writeSampler } from "./support/ldms-files";

async function readAll(source: TelemetrySource): Promise<NodeRun[][]> {
  const jobs: NodeRun[][] = [];
  for await (const job of source.jobs()) jobs.push(job);
  return jobs;
}

const col = (run: NodeRun, name: string): number[] => Array.from(run.values[run.metrics.indexOf(name)]);
const kinds = (source: TelemetrySource): string[] => source.problems.problems.map((p) => p.kind);

const REAL_RUNS = ["SW4lite", "SW4lite_CO/ST69_ET410_u95", "SW4lite_ML/ST59_ET439_s10M", "SW4lite_CC/ST112_ET419_cL2_m0.8", "SW4lite_CC_ML/overlaps/ST50_ET336_cL2_m0.8_ST129_ET435_s10M"];

describe("telemetry: LDMS store_csv, real runs (ldms-sw4lite)", () => {
  for (const run of REAL_RUNS) {
    it(`reads ${run} as one node-run with meminfo, vmstat and procstat`, async function () {
      const dir = sharedData(this, `ldms-sw4lite/${run}`);
      const source = openSource(dir);
      assert.equal(source.format, "ldms");
      const jobs = await readAll(source);
      assert.equal(jobs.length, 1);
      assert.equal(jobs[0].length, 1, "one host with three component ids is one node");
      const r = jobs[0][0];
      assert.equal(r.nodeId, "ubuntu-rog");
      for (const name of ["MemFree::meminfo", "context_switches::procstat", "user::procstat", "pgfault::vmstat", "procs_running::procstat"]) assert.ok(r.metrics.includes(name), name);
      assert.ok(!r.metrics.some((m) => m.includes("per_core")));
      assert.ok(r.timestamps.length > 550 && r.timestamps.length < 650, String(r.timestamps.length));
      for (let i = 1; i < r.timestamps.length; i++) assert.equal(r.timestamps[i] - r.timestamps[i - 1], 1);
      // Counters are rates: context switches per second of a busy 20-thread node, never negative.
      const cs = col(r, "context_switches::procstat");
      assert.ok(cs.every((v) => v >= 0 && v < 1e7));
      assert.ok(cs.every((v) => !Number.isNaN(v)));
      // Levels as sampled: MemFree in kB on a 64 GB node.
      const free = col(r, "MemFree::meminfo");
      assert.ok(free.every((v) => v > 1e6 && v < 65682500));
      // The truncated last lines and the component ids are reported.
      assert.ok(kinds(source).includes("short-line"));
      assert.ok(kinds(source).includes("component-ids-differ"));
      assert.ok(r.sourceStart !== undefined && r.sourceStart < r.timestamps[0]);
    });
  }

  it("finds the run at any level: run folder, data/ folder, the sampler files' parent", async function () {
    const run = sharedData(this, "ldms-sw4lite/SW4lite_ML/ST59_ET439_s10M");
    const lengths: number[] = [];
    for (const p of [run, path.join(run, "data")]) {
      const [[r]] = await readAll(openSource(p));
      lengths.push(r.timestamps.length);
      assert.equal(r.metrics.length, 254);
    }
    assert.equal(lengths[0], lengths[1]);
    const [[mem]] = await readAll(openSource(path.join(run, "data", "memory_metrics")));
    assert.ok(mem.metrics.includes("MemFree::meminfo") && !mem.metrics.some((m) => m.endsWith("::procstat")));
    const [[single]] = await readAll(openSource(path.join(run, "data", "process_metrics", "procstat")));
    assert.ok(single.metrics.includes("context_switches::procstat"));
  });

  it("splits a folder of several collections into one job per run", async function () {
    const top = sharedData(this, "ldms-sw4lite");
    const source = openSource(top);
    const jobs = await readAll(source);
    assert.deepEqual(jobs.map((j) => j[0].jobId).sort(), ["SW4lite", "SW4lite_CC", "SW4lite_CC_ML", "SW4lite_CO", "SW4lite_ML"]);
    assert.ok(jobs.every((j) => j.length === 1));
    assert.ok(kinds(source).includes("not-a-sampler-file"), "the LICENSE file is reported as ignored");
  });
});

describe("telemetry: LDMS store_csv, faults", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("reads a clean run; per_core columns dropped, counters differenced, levels as sampled", async () => {
    writeRun(dir, 40);
    const source = openSource(dir);
    const [[r]] = await readAll(source);
    assert.equal(r.nodeId, "node-a");
    assert.equal(r.jobId, path.basename(dir));
    assert.deepEqual(r.metrics, ["MemTotal::meminfo", "MemFree::meminfo", "user::procstat", "context_switches::procstat", "procs_running::procstat", "nr_free_pages::vmstat", "pgfault::vmstat"]);
    assert.equal(r.timestamps.length, 39);
    assert.equal(r.timestamps[0], 1700000001);
    const rate = col(r, "context_switches::procstat");
    assert.ok(rate.every((v) => Math.abs(v - 2000) < 1e-6), String(rate.slice(0, 3)));
    assert.deepEqual(col(r, "MemFree::meminfo").slice(0, 2), [49999000, 49998000]);
    assert.deepEqual(kinds(source).sort(), ["component-ids-differ", "per-core-dropped"]);
  });

  it("drops a truncated last line, even one that still has every cell", async () => {
    writeRun(dir, 30);
    const mem = path.join(dir, "data/memory_metrics/meminfo");
    fs.writeFileSync(mem, fs.readFileSync(mem, "utf8").replace(/\n$/, "").replace(/,\d+$/, ",4")); // cut inside the last number
    const vm = path.join(dir, "data/memory_metrics/vmstat");
    fs.writeFileSync(vm, fs.readFileSync(vm, "utf8").slice(0, -20));
    const source = openSource(dir);
    const [[r]] = await readAll(source);
    assert.ok(!col(r, "MemFree::meminfo").includes(4));
    const short = source.problems.problems.filter((p) => p.kind === "short-line");
    assert.deepEqual(short.map((p) => [path.basename(p.file), p.line]), [
      ["meminfo", 31],
      ["vmstat", 31],
    ]);
  });

  it("sorts rows out of time order and keeps the first of duplicate times", async () => {
    const rows = rowsAt(100, 12, (i) => [1000 * i, 7]);
    [rows[0], rows[1]] = [rows[1], rows[0]];
    rows.splice(5, 0, { t: rows[4].t, values: [-1, -1] });
    writeSampler(dir, { file: "procstat", metrics: ["context_switches", "procs_running"], rows });
    const source = openSource(dir);
    const [[r]] = await readAll(source);
    assert.deepEqual(col(r, "context_switches::procstat"), Array(11).fill(1000));
    assert.ok(kinds(source).includes("out-of-order"));
    assert.ok(kinds(source).includes("duplicate-timestamp"));
  });

  it("fills short gaps, leaves long gaps NaN and reports both", async () => {
    const rows = rowsAt(100, 30, (i) => [50000 - i, 10 * i]).filter((_, i) => i !== 5 && !(i >= 12 && i < 22));
    writeSampler(dir, { file: "vmstat", metrics: ["nr_free_pages", "pgfault"], rows });
    const source = openSource(dir);
    const [[r]] = await readAll(source);
    const level = col(r, "nr_free_pages::vmstat");
    assert.equal(level[4], 50000 - 5); // second 105, interpolated
    assert.ok(Number.isNaN(level[r.timestamps.indexOf(115)]));
    const rate = col(r, "pgfault::vmstat");
    assert.ok(Math.abs(rate[4] - 10) < 1e-9);
    assert.ok(Math.abs(rate[r.timestamps.indexOf(122)] - 10) < 1e-9, "mean rate over the long gap on the sample after it");
    const gap = source.problems.problems.find((p) => p.kind === "gap")!;
    assert.match(gap.message, /11 second\(s\) without a sample in 2 gap\(s\), longest 10 s/);
  });

  it("reads non-numeric cells as missing samples, and drops a column of text", async () => {
    const rows = rowsAt(100, 10, (i) => [i === 3 ? "n/a" : 5000 + i, "up"]);
    writeSampler(dir, { file: "meminfo", metrics: ["MemFree", "state"], rows });
    const source = openSource(dir);
    const [[r]] = await readAll(source);
    assert.deepEqual(r.metrics, ["MemFree::meminfo"]);
    assert.equal(col(r, "MemFree::meminfo")[3], 5003);
    assert.ok(kinds(source).includes("non-numeric"));
    assert.ok(kinds(source).includes("text-column"));
  });

  it("reads a node whose sampler file is missing, and one whose sampler file is empty", async () => {
    writeSampler(dir, { file: "meminfo", metrics: ["MemFree"], rows: [...rowsAt(100, 10, () => [1], 0.001).map((r) => ({ ...r, producer: "a" })), ...rowsAt(100, 10, () => [2]).map((r) => ({ ...r, producer: "b" }))] });
    writeSampler(dir, { file: "procstat", producer: "a", metrics: ["user"], rows: rowsAt(100, 10, (i) => [i * 100]) });
    fs.writeFileSync(path.join(dir, "vmstat"), "");
    const source = openSource(dir);
    const [job] = await readAll(source);
    assert.deepEqual(job.map((r) => [r.nodeId, r.metrics.length]), [
      ["a", 2],
      ["b", 1],
    ]);
    const missing = source.problems.problems.find((p) => p.kind === "sampler-missing")!;
    assert.match(missing.message, /node b has no rows from sampler\(s\) procstat/);
    assert.ok(kinds(source).includes("empty-file"));
  });

  it("accepts extra, missing and renamed columns across rollover files of one sampler", async () => {
    writeSampler(dir, { file: "meminfo.1700000000", metrics: ["MemFree", "Cached"], rows: rowsAt(100, 6, (i) => [100 + i, 7]) });
    writeSampler(dir, { file: "meminfo.1700000006", metrics: ["MemFree", "Shmem"], rows: rowsAt(106, 6, (i) => [106 + i, 3]) });
    const [[r]] = await readAll(openSource(dir));
    assert.deepEqual(r.metrics, ["MemFree::meminfo", "Cached::meminfo", "Shmem::meminfo"]);
    assert.deepEqual(col(r, "MemFree::meminfo"), [100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111]);
    assert.ok(Number.isNaN(col(r, "Cached::meminfo")[11]));
    assert.equal(samplerName("/x/meminfo.1700000006"), "meminfo");
    assert.equal(samplerName("/x/procstat.csv"), "procstat");
  });

  it("splits one producer by component_id when one file carries several (an aggregating producer)", async () => {
    const rows = [...rowsAt(100, 8, () => [1]).map((r) => ({ ...r, component: 11 })), ...rowsAt(100, 8, () => [2]).map((r) => ({ ...r, component: 12 }))];
    writeSampler(dir, { file: "meminfo", producer: "agg", metrics: ["MemFree"], rows });
    const [job] = await readAll(openSource(dir));
    assert.deepEqual(job.map((r) => r.nodeId), ["agg:11", "agg:12"]);
  });

  it("makes one node-run per job when rows name several LDMS job ids", async () => {
    const rows = rowsAt(100, 30, (i) => [i]).map((r, i) => ({ ...r, job: i < 10 ? 5001 : i < 15 ? 0 : 5002 }));
    writeSampler(dir, { file: "meminfo", metrics: ["MemFree"], rows });
    const source = openSource(dir);
    const jobs = await readAll(source);
    assert.deepEqual(jobs.map((j) => [j[0].jobId, j[0].timestamps.length]), [
      ["5001", 10],
      ["5002", 15],
    ]);
    assert.ok(kinds(source).includes("several-jobs"));
  });

  it("joins one-folder-per-node runs that share an LDMS job id into one job", async () => {
    for (const host of ["n1", "n2"]) writeSampler(dir, { file: `${host}/meminfo`, producer: host, job: 900, metrics: ["MemFree"], rows: rowsAt(100, 6, (i) => [i]) });
    writeSampler(dir, { file: "n3/meminfo", producer: "n3", metrics: ["MemFree"], rows: rowsAt(100, 6, (i) => [i]) });
    const jobs = await readAll(openSource(dir));
    assert.deepEqual(jobs.map((j) => j.map((r) => `${r.jobId}/${r.nodeId}`)), [["n3/n3"], ["900/n1", "900/n2"]]);
  });

  it("skips a repeated header line and takes times in milliseconds", async () => {
    const text = "#Time,Time_usec,ProducerName,component_id,job_id,app_id,MemFree\n" + Array.from({ length: 8 }, (_, i) => `${(1700000000 + i) * 1000},0,h,1,0,0,${i}\n`).join("");
    const lines = text.split("\n");
    lines.splice(4, 0, lines[0]);
    fs.writeFileSync(path.join(dir, "meminfo.csv"), lines.join("\n"));
    const source = openSource(path.join(dir, "meminfo.csv"));
    const [[r]] = await readAll(source);
    assert.equal(r.timestamps[0], 1700000000);
    assert.deepEqual(col(r, "MemFree::meminfo"), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.ok(kinds(source).includes("comment-line"));
  });

  it("finds sampler files by header, not by name, and ignores other files", async () => {
    writeSampler(dir, { file: "a/b/whatever.dat", metrics: ["MemFree"], rows: rowsAt(100, 5, (i) => [i]) });
    fs.writeFileSync(path.join(dir, "a", "job.log"), "started\n");
    const problems = new ProblemLog();
    const files = findSamplerFiles(dir, problems);
    assert.deepEqual(files.map((f) => f.sampler), ["whatever.dat"]);
    assert.deepEqual(groupRuns(dir, files).length, 1);
    assert.deepEqual(problems.problems.map((p) => p.kind), ["not-a-sampler-file"]);
  });

  it("pairs rows with a header kept in a separate .HEADER file (store_csv altheader)", async () => {
    const text = (spec: Parameters<typeof samplerText>[0]): string[] => samplerText(spec).split("\n");
    const [header, ...rows] = text({ file: "x", metrics: ["MemFree"], rows: rowsAt(100, 8, (i) => [i]) });
    fs.writeFileSync(path.join(dir, "meminfo.HEADER"), header + "\n");
    fs.writeFileSync(path.join(dir, "meminfo.1700000000"), rows.join("\n"));
    const source = openSource(dir);
    const [[r]] = await readAll(source);
    assert.deepEqual(r.metrics, ["MemFree::meminfo"]);
    assert.equal(r.timestamps.length, 8);
  });

  it("takes samplers without ProducerName but one component_id per file as one node", async () => {
    const strip = (file: string): void => fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/^#Time,Time_usec,ProducerName,/, "#Time,Time_usec,").replace(/\n(\d+\.\d+,\d+),node-a,/g, "\n$1,"));
    writeRun(dir, 20);
    for (const f of ["data/memory_metrics/meminfo", "data/memory_metrics/vmstat", "data/process_metrics/procstat"]) strip(path.join(dir, f));
    const source = openSource(dir);
    const [job] = await readAll(source);
    assert.deepEqual(job.map((r) => [r.nodeId, r.metrics.length]), [["1", 7]]);
    assert.match(source.problems.problems.find((p) => p.kind === "component-ids-differ")!.message, /without a ProducerName carry different component_id values \(meminfo 1, vmstat 2, procstat 3\)/);
  });

  it("fails with one line naming the folder when no sampler file has data", async () => {
    fs.writeFileSync(path.join(dir, "meminfo"), "#Time,Time_usec,ProducerName,component_id,job_id,app_id,MemFree\n");
    const source = openSource(dir);
    await assert.rejects(readAll(source), (e: Error) => e.message.startsWith(`${dir}: no numeric data`) && !e.message.includes("\n"));
  });
});
