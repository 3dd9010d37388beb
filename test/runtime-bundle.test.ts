import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { selectColumns, takeRows } from "../lib/features/table";
import { readDataset } from "../lib/telemetry/contract";
import { BUNDLE_VERSION, bundleText, readBundle, writeBundle } from "../lib/runtime/bundle";
import { predictAll, type NodeRunDiagnosis } from "../lib/runtime/batch";
import { MissingMetricsError, RuntimePredictor } from "../lib/runtime/predictor";
import { columnMedian, type TrainResult } from "../lib/runtime/train";
import { accuracyReport, detectionReport } from "../lib/runtime/report";
import { filterSequence, parseFilter } from "../lib/runtime/filters";
import { consecutiveFilter, majorityFilter } from "../lib/evaluation/filters";
import { WorkerPool } from "../lib/parallel/pool";
import { InputError } from "../lib/util/errors";
import { unlabelled } from "../lib/telemetry/noderun";
import { tinyBundle, tinyDataset, withoutMetrics } from "./support/runtime-fixture";
import { tempDir } from "./helpers";

/** All windows' labels and confidences, in source order. */
function flat(runs: NodeRunDiagnosis[]): { label: number[]; confidence: number[]; windowEnd: number[] } {
  return {
    label: runs.flatMap((r) => Array.from(r.predicted)),
    confidence: runs.flatMap((r) => Array.from(r.confidence)),
    windowEnd: runs.flatMap((r) => Array.from(r.windowEnd)),
  };
}

describe("runtime: model bundles and the predictor", function () {
  let dir: string;
  let data: string;
  let trained: TrainResult;
  const pool = new WorkerPool(0);

  before(async () => {
    dir = tempDir();
    data = await tinyDataset(path.join(dir, "data"));
    trained = await tinyBundle(data);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("predicts a data set exactly as the fitted pipeline does on the experiments' feature table", async () => {
    const { table, fitted, bundle } = trained;
    const expected = fitted.model.predict(fitted.scaler.transform(selectColumns(table, fitted.selected)));
    const { runs } = await predictAll(data, new RuntimePredictor(bundle), { pool });
    const got = flat(runs);
    assert.equal(got.label.length, table.nRows);
    assert.deepEqual(got.windowEnd, Array.from(table.windowEnd));
    assert.deepEqual(got.label, Array.from(expected));
    // The windows' labels from the source are the training labels.
    const truth = runs.flatMap((r) => Array.from(r.anomalous, (a) => (a === 1 ? r.label.anomaly : "none")));
    assert.deepEqual(truth, Array.from(table.labelCode, (c) => table.labels[c]));
    assert.deepEqual(bundle.labels, table.labels);
    assert.equal(bundle.training.windows.none + (bundle.training.windows.memleak ?? 0) + (bundle.training.windows.cachecopy ?? 0), table.nRows);
  });

  it("round trip: a bundle written and read back gives identical predictions and identical bytes", async () => {
    const file = path.join(dir, "bundle.json");
    writeBundle(file, trained.bundle);
    const back = readBundle(file);
    assert.equal(bundleText(back), fs.readFileSync(file, "utf8"));
    const before = flat((await predictAll(data, new RuntimePredictor(trained.bundle), { pool })).runs);
    const after = flat((await predictAll(data, RuntimePredictor.fromFile(file), { pool })).runs);
    assert.deepEqual(after.label, before.label);
    assert.deepEqual(after.confidence, before.confidence);
    assert.ok(before.confidence.every((c) => c > 0 && c <= 1));
  });

  it("the same data and settings give the same bundle, byte for byte, on any number of threads", async () => {
    const again = await tinyBundle(data, {}, 2);
    assert.equal(bundleText(again.bundle), bundleText(trained.bundle));
  });

  it("records what diagnosis needs: settings, metrics, counters, training summary", () => {
    const b = trained.bundle;
    assert.deepEqual({ window: b.features.window, stride: b.features.stride, trim: b.features.trim, storage: b.features.storage }, { window: 60, stride: 15, trim: 60, storage: "float32" });
    assert.equal(b.metrics.length, 106);
    assert.ok(b.counters.includes("user::procstat") && b.counters.includes("pgfault::vmstat"));
    assert.ok(!b.counters.includes("MemFree::meminfo"));
    assert.deepEqual(b.training.apps, ["HACC", "sw4"]);
    assert.deepEqual(b.training.inputs, ["large", "medium", "small"]);
    assert.equal(b.training.generator?.seed, 5);
    assert.equal(b.imputation.values.length, b.selected.length);
  });

  it("refuses a bundle of another format version, or no bundle at all, with one line naming the file", () => {
    const file = path.join(dir, "future.json");
    fs.writeFileSync(file, bundleText({ ...trained.bundle, version: BUNDLE_VERSION + 1 }));
    assert.throws(
      () => readBundle(file),
      (e: unknown) => e instanceof InputError && e.message === `${file}: format version ${BUNDLE_VERSION + 1} is not supported (this e2ewatch reads version ${BUNDLE_VERSION}); train it again with 'e2ewatch train'`,
    );
    const model = path.join(dir, "model.json");
    fs.writeFileSync(model, JSON.stringify(trained.bundle.model));
    assert.throws(() => readBundle(model), /model\.json: not an e2ewatch model bundle .*a bare model/);
    const broken = path.join(dir, "broken.json");
    fs.writeFileSync(broken, "{ not json");
    assert.throws(() => readBundle(broken), (e: unknown) => e instanceof InputError && e.message.startsWith(`${broken}: not a model bundle: not JSON`) && !e.message.includes("\n"));
  });

  it("refuses a run lacking required metrics, naming the first few and the count", () => {
    const predictor = new RuntimePredictor(trained.bundle);
    const run = readDataset(data).next().value![0];
    const drop = predictor.requiredMetrics.slice(0, 7);
    assert.throws(
      () => predictor.predictRun(withoutMetrics(run, drop)),
      (e: unknown) => e instanceof MissingMetricsError && e.missing.length === 7 && e.message === `node ${run.nodeId} of job ${run.jobId} lacks 7 metric(s) the model needs: ${drop.slice(0, 5).join(", ")}, ... and 2 more (--allow-missing imputes them with training medians)`,
    );
    // Metrics the model does not use may be missing.
    const unused = trained.bundle.metrics.filter((m) => !predictor.requiredMetrics.includes(m));
    if (unused.length > 0) assert.equal(predictor.predictRun(withoutMetrics(run, unused)).imputed.length, 0);
  });

  it("allowMissing: a lacking metric's features take the training medians", () => {
    const { table, bundle } = trained;
    const predictor = new RuntimePredictor(bundle, { allowMissing: true });
    const run = readDataset(data).next().value![0];
    const drop = predictor.requiredMetrics.slice(0, 3);
    const got = predictor.predictRun(withoutMetrics(run, drop));
    assert.deepEqual(got.imputed, drop);
    // Expected from the training table: the run's rows, with the dropped metrics' features set to the column medians.
    const rows = Int32Array.from({ length: table.nRows }, (_, i) => i).filter((i) => table.runs[table.runIndex[i]].nodeId === run.nodeId && table.runs[table.runIndex[i]].jobId === run.jobId);
    const sub = takeRows(selectColumns(table, bundle.selected), rows);
    const columns = sub.columns.map((col, f) => {
      const metric = bundle.selected[f].slice(bundle.selected[f].indexOf("_") + 1);
      if (!drop.includes(metric)) return col as Float32Array;
      const full = table.columns[table.names.indexOf(bundle.selected[f])];
      return new Float32Array(col.length).fill(columnMedian(full));
    });
    const expected = predictor.predictColumns(columns, rows.length);
    assert.ok(rows.length > 0);
    assert.deepEqual(Array.from(got.label), Array.from(expected.label));
    assert.deepEqual(Array.from(got.confidence), Array.from(expected.confidence));
  });

  it("filters by name equal the evaluation's batch filters", () => {
    const seq = Uint8Array.from([0, 1, 1, 0, 1, 1, 1, 2, 2, 0, 0, 1]);
    assert.deepEqual(filterSequence(parseFilter("majority:3"), seq), majorityFilter(seq, 3));
    assert.deepEqual(filterSequence(parseFilter("consecutive:2"), seq), consecutiveFilter(seq, 2, 0));
    assert.throws(() => parseFilter("median:3"), /--filter must be majority:C or consecutive:C/);
    assert.throws(() => parseFilter("majority:0"), /--filter must be/);
  });
});

describe("runtime: detection latency and false alarms", () => {
  /** A node-run of 20 windows ending at 1000 + 60 + 15 k, first sample at 1000. */
  function diagnosis(predicted: number[], label: Partial<ReturnType<typeof unlabelled>>, anomalous: number[] = []): NodeRunDiagnosis {
    const n = predicted.length;
    return {
      jobId: "j",
      nodeId: "n",
      label: { ...unlabelled(), app: "a", input: "i", ...label },
      firstTimestamp: 1000,
      windowEnd: Float64Array.from({ length: n }, (_, k) => 1059 + 15 * k),
      predicted: Uint8Array.from(predicted),
      confidence: new Float64Array(n).fill(1),
      filtered: undefined,
      anomalous: Uint8Array.from({ length: n }, (_, k) => anomalous[k] ?? 0),
      imputed: [],
    };
  }
  const labels = ["none", "memleak", "cpuoccupy"];
  const config = { window: 60, stride: 15 };

  it("latency runs from the anomaly's start to the end of the first anomalous window after it", () => {
    // Anomaly from 200 s to 400 s after the first sample (t = 1200..1400); windows end at 1059, 1074, ...
    const run = diagnosis([0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0], { anomaly: "memleak", anomalyStart: 200, anomalyEnd: 400 }, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1]);
    const report = detectionReport([run], labels, config)!;
    assert.equal(report.intervalRuns, 1);
    // Window 2 (ends 1089) is before the start: a false alarm, not a detection. Window 10 ends at 1209.
    assert.deepEqual(report.nodes[0], { jobId: "j", nodeId: "n", anomaly: "memleak", intensity: "", anomalyStart: 1200, anomalyEnd: 1400, detectedAt: 1209, detectedAs: "memleak", latencySeconds: 9 });
    assert.equal(report.falseAlarms, 1);
    assert.equal(report.healthyNodeHours, (10 * 15) / 3600);
    assert.equal(report.falseAlarmsPerNodeHour, 1 / ((10 * 15) / 3600));
    const accuracy = accuracyReport([run], labels)!;
    assert.equal(accuracy.windowAccuracy, 11 / 14);
    assert.equal(accuracy.runLabelAccuracy, 3 / 14);
  });

  it("a window that no longer holds anomalous samples does not count as a detection; alarms continuing are one", () => {
    // Anomaly 100..160 s (t = 1100..1160); the first window starting at or after 1160 ends at 1224 (k = 11).
    const late = diagnosis([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2], { anomaly: "cpuoccupy", anomalyStart: 100, anomalyEnd: 160 });
    const report = detectionReport([late], labels, config)!;
    assert.equal(report.nodes[0].latencySeconds, null);
    assert.equal(report.detected, 0);
    assert.equal(report.falseAlarms, 1); // one onset at window 11, lasting three windows
    // Healthy runs count for false alarms but have no latency; unlabelled runs are left out.
    const healthy = diagnosis([1, 0, 0, 2, 2], { anomaly: "none" });
    const r2 = detectionReport([late, healthy, diagnosis([1, 1], {})], labels, config)!;
    assert.equal(r2.intervalRuns, 1);
    assert.equal(r2.falseAlarms, 3);
    assert.equal(detectionReport([diagnosis([1], {})], labels, config), null);
  });
});
