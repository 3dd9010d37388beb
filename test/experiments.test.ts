import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { generateDataset } from "../lib/synth/generate";
import { datasetFeatures, experimentConfig, experimentSplits, runExperiment, readFeatureTable, featureCacheKey, CACHE_FOLDER } from "../lib/experiments";
import { validateExperimentResult, experimentJson, readExperimentFolder } from "../lib/evaluation";
import { WorkerPool } from "../lib/parallel/pool";
import type { FeatureTable } from "../lib/features/table";
import { tempDir, runCli } from "./helpers";

/** A small generated data set: two applications, healthy plus two anomalies. */
async function tinyDataset(dir: string): Promise<void> {
  await generateDataset("quick", dir, { seed: 5, apps: ["sw4", "HACC"], anomalies: ["none", "memleak", "cachecopy"], threads: 0 });
}

/** A result without its timings (the only part that may differ between identical runs). */
function withoutTiming(json: string): string {
  const value = JSON.parse(json) as { timing: unknown };
  value.timing = null;
  return JSON.stringify(value);
}

describe("experiments: the pipeline end to end", function () {
  let dir: string;
  let data: string;
  let table: FeatureTable;
  const small = { trees: 20, bootstrap: 50, threads: 0 };

  before(async () => {
    dir = tempDir();
    data = path.join(dir, "data");
    await tinyDataset(data);
    table = await datasetFeatures(data, experimentConfig().features, { pool: new WorkerPool(0) });
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("caches the features in the data set and reads them back identical", async () => {
    const config = experimentConfig().features;
    const file = path.join(data, CACHE_FOLDER, `features-${featureCacheKey(data, config, "float32")}.bin`);
    const cached = readFeatureTable(file)!;
    assert.ok(cached !== undefined, "cache file written");
    assert.deepEqual(cached.names, table.names);
    assert.deepEqual(cached.runs, table.runs);
    assert.deepEqual(Array.from(cached.labelCode), Array.from(table.labelCode));
    assert.deepEqual(Array.from(cached.columns[7]), Array.from(table.columns[7]));
    let source = "";
    await datasetFeatures(data, config, { onSource: (s) => (source = s) });
    assert.equal(source, "cache");
    // Touching a telemetry file changes the key: the cache is not used for changed data.
    const telemetry = path.join(data, "telemetry");
    const first = path.join(telemetry, fs.readdirSync(telemetry)[0]);
    const later = new Date(Date.now() + 5000);
    fs.utimesSync(first, later, later);
    await datasetFeatures(data, config, { onSource: (s) => (source = s), pool: new WorkerPool(0) });
    assert.equal(source, "computed");
  });

  it("default: every node-run with windows is tested exactly once, never also trained on", async () => {
    const config = experimentConfig(small);
    const splits = experimentSplits("default", table, config);
    assert.equal(splits.length, 5);
    const tested = new Map<number, number>();
    for (const s of splits) {
      const train = new Set(s.train);
      for (const r of s.test) {
        assert.ok(!train.has(r), `node-run ${r} on both sides of ${s.heldOut}`);
        tested.set(r, (tested.get(r) ?? 0) + 1);
      }
    }
    const withWindows = new Set(table.runIndex);
    assert.equal(tested.size, withWindows.size);
    assert.ok([...tested.values()].every((n) => n === 1));
    const result = await runExperiment("default", table, config, { dataset: data });
    validateExperimentResult(JSON.parse(experimentJson(result)), "default");
    assert.equal(result.runs.length, 5);
    assert.ok(result.summary.macroF1 > 0.5, `macro-F1 ${result.summary.macroF1} on an easy data set`);
    assert.equal(result.runs.reduce((s, r) => s + (r.sizes?.testWindows ?? 0), 0), table.nRows);
  });

  it("unknown-apps holds out each application, unknown-inputs each input", async () => {
    const config = experimentConfig(small);
    const apps = await runExperiment("unknown-apps", table, config, { dataset: data });
    assert.deepEqual(apps.runs.map((r) => r.heldOut).sort(), ["HACC", "sw4"]);
    const inputs = await runExperiment("unknown-inputs", table, config, { dataset: data });
    assert.deepEqual(inputs.runs.map((r) => r.heldOut).sort(), ["large", "medium", "small"]);
    for (const s of experimentSplits("unknown-apps", table, config)) {
      for (const r of s.test) assert.equal(table.runs[r].app, s.heldOut);
      for (const r of s.train) assert.notEqual(table.runs[r].app, s.heldOut);
    }
  });

  it("keeps all nodes of a job on one side with --group job", () => {
    const splits = experimentSplits("default", table, experimentConfig({ ...small, group: "job" }));
    for (const s of splits) {
      const trainJobs = new Set(Array.from(s.train, (r) => table.runs[r].jobId));
      for (const r of s.test) assert.ok(!trainJobs.has(table.runs[r].jobId));
    }
  });

  it("gives the same numbers for the same seed, whatever the thread count", async () => {
    const a = await runExperiment("default", table, experimentConfig({ ...small, model: "gbdt", trees: 15, threads: 0 }), { dataset: data });
    const b = await runExperiment("default", table, experimentConfig({ ...small, model: "gbdt", trees: 15, threads: 2 }), { dataset: data, pool: new WorkerPool(2) });
    const strip = (r: typeof a): string => {
      const { outcomes, ...plain } = r;
      void outcomes;
      return withoutTiming(experimentJson({ ...plain, config: {} }));
    };
    assert.equal(strip(a), strip(b));
    const c = await runExperiment("default", table, experimentConfig({ ...small, model: "gbdt", trees: 15, threads: 0, seed: 9 }), { dataset: data });
    assert.notEqual(strip(a), strip(c), "another seed gives other folds");
  });

  it("runs from the command line and writes the results contract", () => {
    const results = path.join(dir, "results");
    const r = runCli(["experiment", "unknown-inputs", "--data", data, "--results", results, "--trees", "10", "--bootstrap", "0", "--quiet"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /unknown-inputs rf: macro-F1 \d\.\d{3}/);
    const [written] = readExperimentFolder(path.join(results, "unknown-inputs"));
    assert.equal(written.runs.length, 3);
    assert.ok(fs.existsSync(path.join(results, "unknown-inputs", "results.md")));
  });

  it("refuses bad experiment names, missing data and bad numbers with one line", () => {
    const cases: [string[], RegExp][] = [
      [["experiment", "sideways", "--data", data], /unknown experiment 'sideways'/],
      [["experiment", "default"], /--data DIR is required/],
      [["experiment", "default", "--data", path.join(dir, "nope")], /nope: not a data set folder/],
      [["experiment", "default", "--data", data, "--trees", "0"], /--trees must be a whole number >= 1, got '0'/],
      [["experiment", "default", "--data", data, "--model", "svm"], /--model must be one of rf, gbdt, ml-rf, got 'svm'/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
  });
});
