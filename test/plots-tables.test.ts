import { strict as assert } from "node:assert";
import { alarmRatesFigure, runRows, metricMean, metricMeanRows, displayHeight, figureFragment, heldOutF1Figure, classColour, CLASS_COLOURS } from "../lib/plots";
import { evaluateRun, summarizeRuns, type ExperimentResult } from "../lib/evaluation/results";
import { PAPER_RATES } from "../lib/evaluation/paper";
import type { NodeRun } from "../lib/telemetry/noderun";
import { unlabelled } from "../lib/telemetry/noderun";

const labels = ["none", "membw"];
function result(model: string): ExperimentResult {
  // Fold 0: 4 healthy windows (1 false alarm), 2 anomalous (1 missed). Fold 1: no membw windows.
  const runs = [
    evaluateRun("fold 0", [0, 0, 0, 0, 1, 1], [0, 0, 0, 1, 1, 0], labels, { sizes: { trainRuns: 1, testRuns: 2, trainWindows: 9, testWindows: 6 } }),
    evaluateRun("fold 1", [0, 0], [0, 0], labels),
  ];
  return { experiment: "default", model, dataset: "test", config: {}, runs, summary: summarizeRuns(runs), timing: { featuresSeconds: 0, trainSeconds: 0, predictSeconds: 0 } };
}

function run(nodeId: string, metrics: string[], values: number[][]): NodeRun {
  return { nodeId, jobId: "1", label: unlabelled(), timestamps: Float64Array.from(values[0], (_, i) => i), metrics, values: values.map((v) => Float64Array.from(v)) };
}

describe("plots: alarm rates and tables", () => {
  it("draws false alarms and misses per run in percent, with the paper's rates as lines", () => {
    const fig = alarmRatesFigure([result("rf"), result("gbdt")]);
    const bars = fig.data.filter((t) => t.type === "bar");
    assert.equal(bars.length, 4, "2 models x 2 panels");
    assert.deepEqual(bars[0].x, ["fold 0", "fold 1"]);
    assert.deepEqual(bars[0].y, [25, 0]);
    const misses = bars.find((b) => b.yaxis === "y2" && b.name === "gbdt")!;
    assert.deepEqual(misses.y, [50, 0]);
    const lines = fig.data.filter((t) => t.type === "scatter");
    assert.equal(lines.length, Object.keys(PAPER_RATES.falseAlarmRate).length + Object.keys(PAPER_RATES.anomalyMissRate).length);
    assert.deepEqual(lines.find((l) => l.name === "paper: RF" && l.yaxis === "y")!.y, [0.03, 0.03].map((v) => 100 * (v / 100)));
    assert.equal(alarmRatesFigure([result("rf")], { paper: false }).data.length, 2);
    assert.throws(() => alarmRatesFigure([]), /no results/);
  });

  it("gives one row per run, F1 empty for a class the run does not test", () => {
    const rows = runRows(result("rf"));
    assert.equal(rows.length, 2);
    assert.deepEqual(
      { ...rows[0], "macro-F1": undefined, "F1 none": undefined, "F1 membw": undefined },
      { model: "rf", "held out": "fold 0", "test windows": 6, "macro-F1": undefined, "false alarms %": 25, "misses %": 50, "F1 none": undefined, "F1 membw": undefined },
    );
    assert.ok(Math.abs((rows[0]["F1 none"] as number) - 0.75) < 1e-12);
    assert.ok(Math.abs((rows[0]["F1 membw"] as number) - 0.5) < 1e-12);
    assert.equal(rows[1]["test windows"], 2, "counted from the confusion matrix when sizes are absent");
    assert.equal(rows[1]["F1 membw"], null);
  });

  it("gives every class its own colour, the same in every figure", () => {
    const labels5 = ["none", "cpuoccupy", "cachecopy", "membw", "memleak", "other"];
    const colours = labels5.map((l, i) => classColour(l, i));
    assert.equal(new Set(colours).size, labels5.length);
    assert.equal(classColour("memleak", 0), CLASS_COLOURS.memleak);
    const fig = heldOutF1Figure(result("rf"));
    assert.deepEqual(fig.data.slice(0, 2).map((t) => (t.marker as { color: string }).color), [CLASS_COLOURS.none, CLASS_COLOURS.membw]);
  });

  it("sizes a figure's box from its layout's height", () => {
    assert.equal(displayHeight({ data: [], layout: { height: 820 } }), "820px");
    assert.equal(displayHeight({ data: [], layout: {} }), "450px");
    assert.match(figureFragment({ data: [], layout: { height: 600 } }, { id: "f" }), /height:600px;/);
  });

  it("compares the metric means of node-runs, NaN left out", () => {
    const a = run("a", ["x::s", "y::s"], [[1, 2, 3], [NaN, 4, 4]]);
    const b = run("b", ["x::s"], [[4, 4, 4]]);
    assert.equal(metricMean(a, "y::s"), 4);
    assert.ok(Number.isNaN(metricMean(b, "y::s")));
    const rows = metricMeanRows([a, b], ["x::s", "y::s"], ["healthy", "sick"]);
    assert.deepEqual(rows, [
      { metric: "x::s", healthy: 2, sick: 4, "sick x first": 2 },
      { metric: "y::s", healthy: 4, sick: null, "sick x first": null },
    ]);
    assert.throws(() => metricMeanRows([a], ["x::s"], ["1", "2"]), /1 runs but 2 names/);
  });
});
