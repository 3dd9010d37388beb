import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { readDataset, readMetadata } from "../lib/telemetry";
import type { InspectReport } from "../lib/telemetry/inspect";
import { FIXTURES, runCli, sharedData, tempDir } from "./helpers";
import { rowsAt, writeRun, writeSampler } from "./support/ldms-files";

/** A failed run: non-zero exit and exactly one line on stderr. */
function oneLineError(args: string[]): string {
  const r = runCli([...args, "--quiet"]);
  assert.notEqual(r.code, 0, r.stdout);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  return lines[0];
}

describe("e2ewatch inspect", () => {
  it("lists MemFree and context_switches for every real LDMS run, and the problems found", function () {
    const root = sharedData(this, "ldms-sw4lite");
    for (const run of ["SW4lite", "SW4lite_CO/ST69_ET410_u95", "SW4lite_ML/ST59_ET439_s10M", "SW4lite_CC/ST112_ET419_cL2_m0.8", "SW4lite_CC_ML/overlaps/ST50_ET336_cL2_m0.8_ST129_ET435_s10M"]) {
      const r = runCli(["inspect", "--json", path.join(root, run)]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as InspectReport;
      assert.equal(report.format, "ldms");
      assert.equal(report.nodeRuns, 1);
      assert.ok(report.metrics.includes("MemFree::meminfo") && report.metrics.includes("context_switches::procstat"), run);
      assert.ok(report.counterMetrics.includes("context_switches::procstat") && !report.counterMetrics.includes("MemFree::meminfo"));
      const free = report.metricDetails.find((m) => m.name === "MemFree::meminfo")!;
      assert.deepEqual([free.kind, free.sampler, free.basis, free.nan], ["level", "meminfo", "catalogue", 0]);
      assert.equal(free.samples, report.samples);
      assert.ok(report.problems.some((p) => p.kind === "short-line" && p.line !== undefined));
      assert.ok(report.timeSpan.seconds > 500);
      assert.match(report.policy.grid, /first difference/);
    }
  });

  it("prints a readable summary", function () {
    const run = sharedData(this, "ldms-sw4lite/SW4lite");
    const r = runCli(["inspect", "--metrics", run]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^format {3}ldms \(counters differenced by the reader\)$/m);
    assert.match(r.stdout, /metrics {2}254: meminfo 55 \(0 counters\), procstat 18 \(14 counters\), vmstat 181/);
    assert.match(r.stdout, /context_switches::procstat\s+counter/);
    assert.match(r.stdout, /job SW4lite {2}node ubuntu-rog/);
  });

  it("reads a synthetic run and an HDF5 data set", () => {
    const dir = tempDir();
    try {
      writeRun(dir, 30);
      const r = runCli(["inspect", "--json", dir]);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as InspectReport;
      assert.deepEqual(report.counterMetrics, ["user::procstat", "context_switches::procstat", "pgfault::vmstat"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const h = runCli(["inspect", "--json", path.join(FIXTURES, "telemetry", "e2ewatch-hdf")]);
    assert.equal(h.code, 0, h.stderr);
    const hdf = JSON.parse(h.stdout) as InspectReport;
    assert.deepEqual([hdf.format, hdf.counters, hdf.nodeRuns, hdf.jobs], ["e2ewatch-hdf", "as-stored", 4, 4]);
    assert.equal(hdf.runs.find((x) => x.nodeId === "04a535c71c2749e9812afb75")!.label.anomaly, "memleak");
  });
});

describe("e2ewatch import", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("creates a data set from a real run, with the anomaly interval moved to the node-run's clock", function () {
    const run = sharedData(this, "ldms-sw4lite/SW4lite_CO/ST69_ET410_u95");
    const healthy = sharedData(this, "ldms-sw4lite/SW4lite");
    const out = path.join(dir, "ds");
    const r = runCli(["import", run, "--app", "sw4lite", "--input", "default", "--anomaly", "cpuoccupy", "--intensity", "u95", "--anomaly-start", "69", "--anomaly-end", "410", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^created /);
    const r2 = runCli(["import", healthy, "--app", "sw4lite", "--input", "default", "--anomaly", "none", "--out", out, "--json"]);
    assert.equal(r2.code, 0, r2.stderr);
    assert.equal((JSON.parse(r2.stdout) as { created: boolean }).created, false);
    const meta = readMetadata(out).rows;
    assert.deepEqual(meta.map((m) => [m.jobId, m.nodeId, m.label.anomaly, m.label.intensity]), [
      ["ST69_ET410_u95", "ubuntu-rog", "cpuoccupy", "u95"],
      ["SW4lite", "ubuntu-rog", "none", ""],
    ]);
    // The run starts at the first second all samplers cover, after the first difference: one second in.
    assert.deepEqual([meta[0].label.anomalyStart, meta[0].label.anomalyEnd], [68, 409]);
    const jobs = [...readDataset(out)];
    assert.equal(jobs[0][0].metrics.length, 254);
    const inspect = JSON.parse(runCli(["inspect", "--json", out]).stdout) as InspectReport;
    assert.equal(inspect.format, "dataset");
    assert.equal(inspect.nodeRuns, 2);
    assert.ok(inspect.metrics.includes("context_switches::procstat"));
  });

  it("puts several run folders into one job with --job and checks their metrics agree", () => {
    for (const host of ["n1", "n2"]) writeSampler(dir, { file: `${host}/meminfo`, producer: host, metrics: ["MemFree"], rows: rowsAt(100, 10, (i) => [i]) });
    writeSampler(dir, { file: "n3/meminfo", producer: "n3", metrics: ["MemFree", "Cached"], rows: rowsAt(100, 10, (i) => [i, 1]) });
    const out = path.join(dir, "ds");
    const ok = runCli(["import", path.join(dir, "n1"), path.join(dir, "n2"), "--job", "77", "--app", "a", "--input", "i", "--anomaly", "none", "--out", out]);
    assert.equal(ok.code, 0, ok.stderr);
    const [job] = [...readDataset(out)];
    assert.deepEqual(job.map((r) => `${r.jobId}/${r.nodeId}`), ["77/n1", "77/n2"]);
    const line = oneLineError(["import", path.join(dir, "n1"), path.join(dir, "n3"), "--job", "78", "--app", "a", "--input", "i", "--anomaly", "none", "--out", out]);
    assert.match(line, /n3: node n3 of job 78 has 1 more \(e\.g\. Cached::meminfo\) metric\(s\) compared with node n1/);
    assert.equal(readMetadata(out).rows.length, 2, "nothing written by the failed import");
    assert.match(oneLineError(["import", path.join(dir, "n1"), "--job", "77", "--app", "a", "--input", "i", "--anomaly", "none", "--out", out]), /job 77 is already in the data set/);
    assert.match(oneLineError(["import", path.join(dir, "n1"), path.join(dir, "n1"), "--job", "79", "--app", "a", "--input", "i", "--anomaly", "none", "--out", out]), /node n1 appears twice in job 79/);
  });

  it("refuses bad labels with a usage error", () => {
    writeRun(dir, 20);
    const base = ["import", dir, "--app", "a", "--input", "i", "--out", path.join(dir, "ds")];
    assert.match(oneLineError([...base]), /--anomaly is required/);
    assert.match(oneLineError([...base, "--anomaly", "memleak", "--anomaly-start", "5"]), /both the anomaly start and end/);
    assert.match(oneLineError([...base, "--anomaly", "none", "--intensity", "u95"]), /healthy run/);
    assert.match(oneLineError([...base, "--anomaly", "memleak", "--anomaly-start", "500", "--anomaly-end", "600"]), /lies outside node node-a's telemetry/);
  });
});

describe("e2ewatch: bad input is one line naming the file", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("missing file", () => {
    const p = path.join(dir, "nope.csv");
    assert.equal(oneLineError(["inspect", p]), `e2ewatch inspect: ${p}: no such file or folder`);
  });

  it("no header (empty file)", () => {
    const p = path.join(dir, "empty.csv");
    fs.writeFileSync(p, "");
    assert.equal(oneLineError(["inspect", p]), `e2ewatch inspect: ${p}:1: empty file: no header`);
  });

  it("unknown format", () => {
    const p = path.join(dir, "notes.csv");
    fs.writeFileSync(p, "name,age\nbob,3\n");
    assert.match(oneLineError(["inspect", p]), new RegExp(`^e2ewatch inspect: ${p}:1: unknown telemetry format \\(header starts 'name,age'\\); accepted: dataset, `));
    assert.match(oneLineError(["inspect", dir]), /no telemetry found in this folder/);
  });

  it("no numeric data", () => {
    const header = path.join(dir, "header-only.csv");
    fs.writeFileSync(header, "job_id,node_id,timestamp,x::s\n");
    assert.equal(oneLineError(["inspect", header]), `e2ewatch inspect: ${header}:2: no numeric data: a header but no data rows`);
    const text = path.join(dir, "text.csv");
    fs.writeFileSync(text, "job_id,node_id,timestamp,x::s\n1,a,10,up\n1,a,11,down\n");
    assert.equal(oneLineError(["inspect", text]), `e2ewatch inspect: ${text}:2: no numeric data: every metric cell is empty or not a number`);
    const ldms = path.join(dir, "run");
    writeSampler(ldms, { file: "meminfo", metrics: ["MemFree"], rows: [] });
    assert.match(oneLineError(["inspect", ldms]), new RegExp(`^e2ewatch inspect: ${ldms}: no numeric data`));
  });

  it("unwritable output", () => {
    writeRun(path.join(dir, "run"), 20);
    const blocker = path.join(dir, "file");
    fs.writeFileSync(blocker, "x");
    const out = path.join(blocker, "ds");
    assert.equal(oneLineError(["import", path.join(dir, "run"), "--app", "a", "--input", "i", "--anomaly", "none", "--out", out]), `e2ewatch import: ${out}: cannot create the data set folder: a part of the path is a file, not a folder`);
  });
});
