import { strict as assert } from "node:assert";
import { confidenceOf, confidenceRows, confidenceFigure, splitProbabilities, testLabels } from "../lib/plots";
import { MinMaxScaler } from "../lib/features/scaler";
import { selectColumns, takeRows } from "../lib/features/table";
import { createModel } from "../lib/models/registry";
import type { ClassProbabilities } from "../lib/models/classifier";
import { tableOf, runInfo } from "./support/plot-tables";

const labels = ["none", "membw", "memleak"];
// Four windows: probabilities per row, the call is the arg-max.
const proba: ClassProbabilities = { nRows: 4, nClasses: 3, values: Float64Array.of(0.9, 0.05, 0.05, 0.2, 0.7, 0.1, 0.1, 0.45, 0.45, 0.05, 0.93, 0.02) };
const yPred = Int32Array.of(0, 1, 1, 1);
const yTrue = Uint8Array.of(0, 1, 2, 0);

describe("plots: confidence of the calls", () => {
  it("takes the probability of the predicted class", () => {
    assert.deepEqual(Array.from(confidenceOf(proba, yPred)), [0.9, 0.7, 0.45, 0.93]);
    assert.throws(() => confidenceOf(proba, yPred.subarray(1)), /4 probability rows but 3 predictions/);
  });

  it("summarises each predicted class: share correct, mean confidence right and wrong, sure mistakes", () => {
    const rows = confidenceRows(proba, yTrue, yPred, labels, 0.9);
    assert.deepEqual(rows[0], { "predicted class": "none", windows: 1, "share correct": 1, "mean confidence, correct": 0.9, "mean confidence, wrong": null, "wrong with confidence >= 0.9": 0 });
    assert.equal(rows[1].windows, 3);
    assert.ok(Math.abs((rows[1]["share correct"] as number) - 1 / 3) < 1e-12);
    assert.ok(Math.abs((rows[1]["mean confidence, wrong"] as number) - (0.45 + 0.93) / 2) < 1e-12);
    assert.equal(rows[1]["wrong with confidence >= 0.9"], 1);
    assert.deepEqual([rows[2].windows, rows[2]["share correct"]], [0, null]);
  });

  it("stacks correct and wrong calls per confidence bin, one panel per predicted class", () => {
    const fig = confidenceFigure(proba, yTrue, yPred, labels, { bins: 10 });
    assert.equal(fig.data.length, 4, "classes none and membw were predicted: 2 panels x (correct, wrong)");
    const wrongMembw = fig.data[3];
    assert.equal(wrongMembw.name, "wrong");
    assert.equal(wrongMembw.xaxis, "x2");
    const y = Array.from(wrongMembw.y as Float64Array);
    assert.equal(y[4], 1, "0.45 in bin 4");
    assert.equal(y[9], 1, "0.93 in bin 9");
    assert.equal(y.reduce((a, b) => a + b, 0), 2);
    assert.match(JSON.stringify(fig.layout.xaxis2), /called membw/);
    assert.throws(() => confidenceFigure(proba, yTrue.subarray(1), yPred, labels), /4 probability rows, 3 true labels/);
  });

  it("scores a split's test windows again with its fitted scaler and model", async () => {
    const runs = [runInfo("1", "a", "A", "none"), runInfo("2", "b", "A", "membw")];
    const rows = Array.from({ length: 40 }, (_, i) => ({ run: i % 2, end: i, label: i % 2, values: [i % 2 === 0 ? i / 40 : 2 + i / 40, i] }));
    const table = tableOf(["mean_x::s", "mean_y::s"], ["none", "membw"], runs, rows);
    const train = Int32Array.from({ length: 30 }, (_, i) => i);
    const testRows = Int32Array.from({ length: 10 }, (_, i) => 30 + i);
    const selected = ["mean_x::s"];
    const scaler = new MinMaxScaler().fit(selectColumns(table, selected), train);
    const x = scaler.transform(takeRows(selectColumns(table, selected), train));
    const model = await createModel("rf", { nEstimators: 5, seed: 1, threads: 0 }).fit(x, x.labelCode, { nClasses: 2 });
    const p = splitProbabilities(table, { selected, testRows, scaler, model });
    assert.equal(p.nRows, 10);
    assert.equal(p.nClasses, 2);
    const direct = model.predictProba(scaler.transform(takeRows(selectColumns(table, selected), testRows)));
    assert.deepEqual(Array.from(p.values), Array.from(direct.values));
    assert.deepEqual(Array.from(testLabels(table, { testRows })), [0, 1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });
});
