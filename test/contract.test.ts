import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { DatasetWriter, readDataset, readJobCsv, readMetadata, parseCsv, parseNumber, ProblemLog, openSource, formatValue, jobCsv, type NodeRun } from "../lib/telemetry";
import { InputError } from "../lib/util/errors";
import { tempDir, sharedData } from "./helpers";

function run(jobId: string, nodeId: string, anomaly = "none"): NodeRun {
  const n = 5;
  return {
    jobId,
    nodeId,
    label: { app: "lammps", input: "small", anomaly, intensity: anomaly === "none" ? "" : "u95", anomalyStart: anomaly === "none" ? null : 1, anomalyEnd: anomaly === "none" ? null : 3 },
    timestamps: Float64Array.from({ length: n }, (_, i) => 1000 + i),
    metrics: ["MemFree::meminfo", "user::procstat"],
    values: [Float64Array.from({ length: n }, (_, i) => 6.5e7 + i * 0.25), Float64Array.from({ length: n }, (_, i) => (i === 2 ? NaN : i * 100))],
  };
}

const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

describe("telemetry: numeric CSV parsing", () => {
  it("parses numbers exactly like Number() on the fast path", () => {
    for (const s of ["0", "-0.5", "123456789012345", "1.0000000000001", "6.02e23", "1e-7", "  42 ", "+3.25", "0.1", "33036188", "1e22", "9.999999999999999e-5"]) {
      const b = utf8(s);
      assert.equal(parseNumber(b, 0, b.length), Number(s), s);
    }
    for (const s of ["", "abc", "1e", "--1"]) {
      const b = utf8(s);
      assert.ok(Number.isNaN(parseNumber(b, 0, b.length)), s);
    }
    const long = utf8("3.14159265358979323846");
    assert.equal(parseNumber(long, 0, long.length), Math.PI);
  });

  it("salvages truncated lines and bad cells, reporting each", () => {
    const problems = new ProblemLog();
    const parsed = parseCsv(utf8("#a,b,c\n1,2,3\n4,x,6\n7,8,9,10\n11,1"), { file: "f.csv", problems });
    assert.deepEqual(parsed.header, ["a", "b", "c"]);
    assert.equal(parsed.rows, 3);
    assert.deepEqual(Array.from(parsed.numeric[0]!), [1, 4, 7]);
    assert.ok(Number.isNaN(parsed.numeric[1]![1]));
    assert.deepEqual(Array.from(parsed.lineOf), [2, 3, 4]);
    const kinds = problems.problems.map((p) => `${p.kind}@${p.line}`);
    assert.deepEqual(kinds, ["non-numeric@3", "long-line@4", "short-line@5"]);
    assert.match(problems.problems[2].message, /truncated/);
  });

  it("refuses a file without a header", () => {
    assert.throws(() => parseCsv(utf8(""), { file: "empty.csv", problems: new ProblemLog() }), (e: unknown) => e instanceof InputError && /^empty.csv:1: /.test(e.message));
  });
});

describe("telemetry: contract data sets", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("round-trips node-runs and labels job by job", async () => {
    const w = new DatasetWriter(dir);
    w.addJob([run("7", "n1"), run("7", "n2", "cpuoccupy")]);
    w.addJob([run("8", "n1")]);
    const jobs = [...readDataset(dir)];
    assert.equal(jobs.length, 2);
    const [a, b] = jobs[0];
    assert.equal(a.nodeId, "n1");
    assert.equal(b.label.anomaly, "cpuoccupy");
    assert.equal(b.label.anomalyEnd, 3);
    assert.deepEqual(Array.from(a.values[0]), Array.from(run("7", "n1").values[0]));
    assert.ok(Number.isNaN(a.values[1][2]));
    assert.equal(jobs[1][0].jobId, "8");
    const src = openSource(dir);
    assert.equal(src.format, "dataset");
    let n = 0;
    for await (const job of src.jobs()) n += job.length;
    assert.equal(n, 3);
  });

  it("appends to an existing data set and refuses duplicates", () => {
    new DatasetWriter(dir).addJob([run("1", "a")]);
    const w = new DatasetWriter(dir, { append: true });
    w.addJob([run("2", "a")]);
    assert.equal(readMetadata(dir).rows.length, 2);
    assert.throws(() => w.addJob([run("2", "b")]), /already in the data set/);
  });

  it("sorts out-of-order rows and drops duplicate timestamps, reporting both", () => {
    const file = path.join(dir, "job.csv");
    fs.writeFileSync(file, "job_id,node_id,timestamp,x::s\n1,a,11,1\n1,a,10,0\n1,a,11,9\n1,a,12,2\n");
    const { runs, problems } = readJobCsv(file);
    assert.deepEqual(Array.from(runs[0].timestamps), [10, 11, 12]);
    assert.deepEqual(Array.from(runs[0].values[0]), [0, 1, 2]);
    assert.deepEqual(problems.problems.map((p) => p.kind), ["out-of-order", "duplicate-timestamp"]);
  });

  it("names the file and line of bad metadata", () => {
    fs.writeFileSync(path.join(dir, "metadata.csv"), "node_id,job_id,app,input,anomaly,intensity,anomaly_start,anomaly_end\nn1,1,a,i,memleak,,50,20\n");
    assert.throws(() => readMetadata(dir), (e: unknown) => e instanceof InputError && /metadata.csv:2: anomaly_end 20 is not after anomaly_start 50/.test(e.message));
    assert.throws(() => openSource(path.join(dir, "nope")), /no such file or folder/);
  });

  it("writes numbers with at most 15 significant digits, exactly when they have fewer", () => {
    assert.equal(formatValue(NaN), "");
    assert.equal(formatValue(65682500), "65682500");
    assert.equal(formatValue(0.25), "0.25");
    assert.equal(formatValue(1804.5425671333733), "1804.54256713337");
    assert.equal(formatValue(1 / 3), "0.333333333333333");
    assert.equal(formatValue(-2.5e-7), "-2.5e-7");
    assert.equal(formatValue(12345678901234567890), "12345678901234600000");
    for (const v of [1804.5425671333733, 1 / 3, Math.PI * 1e10]) assert.ok(Math.abs(Number(formatValue(v)) - v) <= Math.abs(v) * 5e-15);
  });

  it("reads rows in any order the same as the node-by-node files it writes", () => {
    const runs = [run("7", "n1"), run("7", "n2")];
    const file = path.join(dir, "ordered.csv");
    fs.writeFileSync(file, jobCsv(runs));
    const ordered = readJobCsv(file);
    assert.deepEqual(ordered.problems.problems, []);
    const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
    const shuffled = path.join(dir, "shuffled.csv");
    // Interleave the nodes' rows: the general (non-block) path.
    fs.writeFileSync(shuffled, [lines[0], ...lines.slice(1, 6).flatMap((l, i) => [l, lines[6 + i]])].join("\n") + "\n");
    const mixed = readJobCsv(shuffled);
    assert.deepEqual(mixed.problems.problems, []);
    for (const k of [0, 1]) {
      assert.equal(mixed.runs[k].nodeId, ordered.runs[k].nodeId);
      assert.deepEqual(Array.from(mixed.runs[k].timestamps), Array.from(ordered.runs[k].timestamps));
      mixed.runs[k].values.forEach((v, m) => assert.deepEqual(Array.from(v), Array.from(ordered.runs[k].values[m])));
    }
  });

  it("names the folder it cannot write", () => {
    const blocker = path.join(dir, "file");
    fs.writeFileSync(blocker, "");
    assert.throws(() => new DatasetWriter(path.join(blocker, "ds")), (e: unknown) => e instanceof InputError && e.message.startsWith(`${path.join(blocker, "ds")}: cannot create the data set folder`));
  });

  it("reads the E2EWatch sample file (contract layout, real column names)", async function () {
    const file = sharedData(this, "e2ewatch-sample/sample_data.csv");
    const src = openSource(file);
    assert.equal(src.format, "contract-csv");
    const jobs: NodeRun[][] = [];
    for await (const j of src.jobs()) jobs.push(j);
    assert.equal(jobs.length, 1);
    const r = jobs[0][0];
    assert.equal(r.nodeId, "59e5011957f3f44ead63f4e7");
    assert.equal(r.timestamps.length, 5);
    assert.ok(r.metrics.includes("MemFree::meminfo"));
    assert.equal(src.problems.problems.length, 0);
  });
});
