import { strict as assert } from "node:assert";
import { jobsInRows, jobTimeline, timelineFigure, runAlarms, filterSweep, filterEffectFigure } from "../lib/plots";
import { classificationReport } from "../lib/evaluation/metrics";
import { tableOf, runInfo, type TableRow } from "./support/plot-tables";

const labels = ["none", "membw", "memleak"];
const runs = [runInfo("7", "n1", "A", "membw"), runInfo("7", "n2", "A", "none"), runInfo("8", "n1", "B", "none"), runInfo("9", "n3", "B", "memleak")];
// Job 7: node n1 anomalous for all 6 windows, n2 healthy; job 8 healthy; job 9 memleak.
// Rows are stored out of time order on purpose.
const rows: TableRow[] = [];
for (const k of [3, 0, 1, 2, 5, 4]) rows.push({ run: 0, end: 1000 + 15 * k, label: 1, values: [k] });
for (let k = 0; k < 6; k++) rows.push({ run: 1, end: 1000 + 15 * k, label: 0, values: [k] });
for (let k = 0; k < 4; k++) rows.push({ run: 2, end: 5000 + 15 * k, label: 0, values: [k] });
for (let k = 0; k < 4; k++) rows.push({ run: 3, end: 9000 + 15 * k, label: k < 2 ? 0 : 2, values: [k] });
const table = tableOf(["mean_x::s"], labels, runs, rows);
const all = Int32Array.from({ length: table.nRows }, (_, i) => i);
// Model calls. n1 (time order k=0..5): none, membw, membw, memleak, membw, membw.
const byTime: Record<number, number> = { 0: 0, 1: 1, 2: 1, 3: 2, 4: 1, 5: 1 };
const predicted = Int32Array.from(rows, (r, i) => {
  if (r.run === 0) return byTime[r.values[0]];
  if (r.run === 1) return i === 8 ? 2 : 0; // one false alarm on n2 (k = 2)
  if (r.run === 2) return 0;
  return r.values[0] === 3 ? 2 : 0; // memleak found at its second anomalous window
});

describe("plots: one job over time", () => {
  it("lists the jobs among the rows with their anomaly and size", () => {
    const jobs = jobsInRows(table, all);
    assert.deepEqual(jobs, [
      { jobId: "7", app: "A", input: "small", nodes: 2, anomaly: "membw", windows: 12 },
      { jobId: "8", app: "B", input: "small", nodes: 1, anomaly: "none", windows: 4 },
      { jobId: "9", app: "B", input: "small", nodes: 1, anomaly: "memleak", windows: 4 },
    ]);
    assert.deepEqual(jobsInRows(table, [12, 13]).map((j) => j.jobId), ["8"]);
  });

  it("counts wrong calls, false alarms and switches of call per job when given the predictions", () => {
    const jobs = jobsInRows(table, all, predicted);
    // Job 7: n1 calls none, membw, membw, memleak, membw, membw (truth membw): 2 wrong, 3 switches;
    // n2: one memleak among healthy windows: 1 wrong, 1 false alarm, 2 switches.
    assert.deepEqual(jobs.map((j) => [j.jobId, j.wrongCalls, j.falseAlarms, j.switches]), [["7", 3, 1, 5], ["8", 0, 0, 0], ["9", 1, 0, 1]]);
    assert.throws(() => jobsInRows(table, all, predicted.subarray(2)), /20 rows but 18 predictions/);
  });

  it("puts each node's windows in time order with the filters applied", () => {
    const t = jobTimeline(table, all, predicted, "7", { c: 2 });
    assert.deepEqual(t.nodes.map((n) => n.nodeId), ["n1", "n2"]);
    const n1 = t.nodes[0];
    assert.deepEqual(Array.from(n1.times), [0, 15, 30, 45, 60, 75]);
    assert.deepEqual(Array.from(n1.truth), [1, 1, 1, 1, 1, 1]);
    assert.deepEqual(Array.from(n1.predicted), [0, 1, 1, 2, 1, 1]);
    // Majority of the last 2 (a change needs a strict majority): 0, 0, 1, 1, 1, 1.
    assert.deepEqual(Array.from(n1.majority), [0, 0, 1, 1, 1, 1]);
    // Two identical anomalous calls in a row: 0, 0, 1, 0, 0, 1.
    assert.deepEqual(Array.from(n1.consecutive), [0, 0, 1, 0, 0, 1]);
    assert.deepEqual(Array.from(t.nodes[1].predicted), [0, 0, 2, 0, 0, 0]);
    assert.throws(() => jobTimeline(table, all, predicted, "nope"), /job 'nope' has no windows/);
    assert.throws(() => jobTimeline(table, all, predicted.subarray(1), "7"), /rows but/);
  });

  it("draws four tracks per node in class colours on a shared time axis", () => {
    const fig = timelineFigure(jobTimeline(table, all, predicted, "7", { c: 2 }));
    const hm = fig.data[0] as { y: string[]; z: (number | null)[][]; x: number[]; text: string[][]; colorscale: [number, string][] };
    assert.deepEqual(hm.y, ["n1 · truth", "n1 · model", "n1 · majority C=2", "n1 · consecutive C=2", "n2 · truth", "n2 · model", "n2 · majority C=2", "n2 · consecutive C=2"]);
    assert.deepEqual(hm.x, [0, 15, 30, 45, 60, 75]);
    assert.deepEqual(hm.z[1], [0, 1, 1, 2, 1, 1]);
    assert.equal(hm.text[1][3], "memleak");
    // Code k sits at (k + 0.5) / K of the scale, inside its own colour band.
    assert.equal(hm.colorscale.length, 6);
    assert.deepEqual(hm.colorscale[2], [1 / 3, hm.colorscale[3][1]]);
    assert.equal((fig.layout.shapes as unknown[]).length, 1, "one separator between two nodes");
  });
});

describe("plots: alarms and the filters' effect", () => {
  const yTrue = table.labelCode;
  const runIndex = table.runIndex;
  const windowEnd = table.windowEnd;

  it("counts alarmed healthy runs, detected anomalous runs and their delays", () => {
    const a = runAlarms(yTrue, predicted, runIndex, windowEnd, 0);
    assert.equal(a.healthyRuns, 2);
    assert.equal(a.healthyRunsAlarmed, 1, "n2 of job 7");
    assert.equal(a.anomalousRuns, 2);
    assert.equal(a.detected, 2);
    // n1: first anomalous window at 1000, first membw call at 1015; memleak run: 9030 -> 9045.
    assert.deepEqual(Array.from(a.delays), [15, 15]);
    const none = runAlarms(yTrue, new Int32Array(yTrue.length), runIndex, windowEnd, 0);
    assert.deepEqual([none.healthyRunsAlarmed, none.detected, none.delays.length], [0, 0, 0]);
  });

  it("sweeps C: C = 1 is the raw report for both filters; a long consecutive window silences everything", () => {
    const rows = filterSweep(yTrue, predicted, runIndex, windowEnd, labels, [1, 2, 10]);
    assert.deepEqual(rows.map((r) => `${r.filter} ${r.c}`), ["majority 1", "consecutive 1", "majority 2", "consecutive 2", "majority 10", "consecutive 10"]);
    const raw = classificationReport(yTrue, predicted, labels);
    for (const r of rows.slice(0, 2)) {
      assert.equal(r.macroF1, raw.macro.f1);
      assert.equal(r.falseAlarmRate, raw.falseAlarmRate);
      assert.equal(r.anomalyMissRate, raw.anomalyMissRate);
      assert.equal(r.healthyRunsAlarmed, 0.5);
      assert.equal(r.anomalousRunsDetected, 1);
      assert.equal(r.meanDelaySeconds, 15);
    }
    const c2 = rows[3];
    assert.equal(c2.falseAlarmRate, 0, "a lone false alarm needs two identical calls");
    // n1 alarms at k = 2 (delay 30 s); the memleak run's single memleak call never repeats.
    assert.equal(c2.anomalousRunsDetected, 0.5);
    assert.equal(c2.meanDelaySeconds, 30);
    const c10 = rows[5];
    assert.deepEqual([c10.falseAlarmRate, c10.anomalyMissRate, c10.anomalousRunsDetected, c10.meanDelaySeconds], [0, 1, 0, null]);
  });

  it("draws six panels against C, one line per filter, missing delays as gaps", () => {
    const fig = filterEffectFigure(filterSweep(yTrue, predicted, runIndex, windowEnd, labels, [1, 2, 10]));
    assert.equal(fig.data.length, 12);
    const delays = fig.data.filter((t) => t.yaxis === "y6");
    assert.deepEqual(delays.map((t) => t.name), ["majority filter", "consecutive filter"]);
    assert.deepEqual(delays[1].y, [15, 30, null]);
    assert.deepEqual(fig.data.find((t) => t.yaxis === "y")!.x, [1, 2, 10]);
    const falseAlarms = fig.data.find((t) => t.yaxis === "y" && t.name === "majority filter")!.y as number[];
    assert.ok(Math.abs(falseAlarms[0] - 100 / 12) < 1e-12, "1 of 12 healthy windows, in percent");
    assert.throws(() => filterEffectFigure([]), /no rows/);
  });
});
