import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { APP_NAMES, exampleRuns } from "../lib/synth";
import { DatasetWriter, formatJob, formatValue, jobCsv, jobCsvBytes, ID_COLUMNS, type NodeRun } from "../lib/telemetry";
import { tempDir } from "./helpers";

/** The file text as the contract defines it: every cell through formatValue, rows joined by newlines. */
function referenceCsv(runs: NodeRun[]): string {
  const lines = [[...ID_COLUMNS, ...runs[0].metrics].join(",")];
  for (const r of runs) {
    for (let t = 0; t < r.timestamps.length; t++) {
      const cells = [r.jobId, r.nodeId, formatValue(r.timestamps[t])];
      for (const column of r.values) cells.push(formatValue(column[t]));
      lines.push(cells.join(","));
    }
  }
  return lines.join("\n") + "\n";
}

/** A node-run whose two metrics hold the given values, forwards and backwards. */
function runOf(values: number[], nodeId = "n1"): NodeRun {
  return {
    nodeId,
    jobId: "42",
    label: { app: "a", input: "i", anomaly: "none", intensity: "", anomalyStart: null, anomalyEnd: null },
    timestamps: Float64Array.from(values, (_, i) => 1_520_208_000 + i),
    metrics: ["x::s", "y::s"],
    values: [Float64Array.from(values), Float64Array.from(values).reverse()],
  };
}

describe("synth: writing telemetry files fast, byte for byte", function () {
  this.timeout(120000);

  it("writes every kind of number as formatValue does", () => {
    const edge = [NaN, 0, -0, 1, -1, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 99_999_999_999_999, -99_999_999_999_999];
    edge.push(1e14, -1e14, 123_456_789_012_345, 1e21, 1.5, -2.5e-7, 1 / 3, Math.PI * 1e10, 1804.5425671333733, Infinity, -Infinity, 4294967296.5, 5e-324, Number.MAX_VALUE, 0.1 + 0.2);
    // Whole numbers of every length and fractions of every scale, from a fixed sequence.
    let x = 0.5;
    for (let i = 0; i < 3000; i++) {
      x = (x * 9301 + 49297) % 233280;
      const u = x / 233280;
      edge.push(Math.round((u - 0.5) * 10 ** ((i % 17) + 1)), (u - 0.5) * 10 ** ((i % 41) - 20));
    }
    const runs = [runOf(edge, "n1"), runOf(edge.slice(0, 100), "nöde 2")];
    assert.equal(Buffer.from(jobCsvBytes(runs)).toString("utf8"), referenceCsv(runs));
    assert.equal(jobCsv(runs), referenceCsv(runs));
  });

  it("writes simulated jobs as the per-cell formatter does", () => {
    for (const app of APP_NAMES) {
      const { job } = exampleRuns({ app, input: "large", anomaly: "memleak", intensity: "s1M_p0.2", runtimeScale: 0.3, seed: 3 });
      assert.ok(Buffer.from(jobCsvBytes(job)).equals(Buffer.from(referenceCsv(job), "utf8")), app);
    }
  });

  it("a job formatted elsewhere is written as addJob writes it", () => {
    const dir = tempDir("e2ewatch-synth-writing-");
    try {
      const a = path.join(dir, "a");
      const b = path.join(dir, "b");
      const { job } = exampleRuns({ app: "SWFFT", input: "medium", runtimeScale: 0.3, seed: 4 });
      new DatasetWriter(a).addJob(job);
      const w = new DatasetWriter(b);
      w.addFormattedJob(formatJob(job));
      for (const f of ["metadata.csv", path.join("telemetry", `${job[0].jobId}.csv`)]) {
        assert.ok(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f);
      }
      assert.throws(() => w.addFormattedJob(formatJob(job)), /already in the data set/);
      assert.throws(() => jobCsvBytes([runOf([1]), { ...runOf([1], "n2"), jobId: "43" }]), /node-runs of jobs 42 and 43/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
