import { strict as assert } from "node:assert";
import {
  valuesByClass,
  sharedHistogram,
  featureDistributionFigure,
  rankFeatures,
  featureMetric,
  ksHeatmapFigure,
  selectionCountsFigure,
  projectionFigure,
  figureJson,
  type KsPair,
  type Projection,
} from "../lib/plots";
import { FeatureSelector } from "../lib/features/selector";
import { tableOf, runInfo } from "./support/plot-tables";

const names = ["mean_a::s", "max_a::s", "mean_b::s"];
const labels = ["none", "membw", "memleak"];
const runs = [runInfo("1", "n1", "A", "none"), runInfo("1", "n2", "A", "membw"), runInfo("2", "n1", "B", "none"), runInfo("2", "n2", "B", "memleak")];
// Healthy windows sit low on feature 0, anomalous ones high; feature 2 does not separate.
const table = tableOf(names, labels, runs, [
  { run: 0, end: 100, label: 0, values: [1, 10, 5] },
  { run: 0, end: 115, label: 0, values: [2, 11, 6] },
  { run: 0, end: 130, label: 0, values: [NaN, 12, 5] },
  { run: 1, end: 100, label: 1, values: [8, 20, 6] },
  { run: 1, end: 115, label: 1, values: [9, 21, 5] },
  { run: 2, end: 500, label: 0, values: [1.5, 10, 6] },
  { run: 2, end: 515, label: 0, values: [2.5, 11, 5] },
  { run: 3, end: 500, label: 2, values: [7, 30, 6] },
  { run: 3, end: 515, label: 2, values: [7.5, 31, 5] },
]);

describe("plots: feature distributions", () => {
  it("groups a feature's values by window class, NaN left out, optionally for one application", () => {
    const all = valuesByClass(table, "mean_a::s");
    assert.deepEqual(all.map((s) => s.label), ["none", "membw", "memleak"]);
    assert.deepEqual(Array.from(all[0].values), [1, 2, 1.5, 2.5]);
    const a = valuesByClass(table, "mean_a::s", { app: "A" });
    assert.deepEqual(a.map((s) => [s.label, Array.from(s.values)]), [["none", [1, 2]], ["membw", [8, 9]]]);
    const rows = valuesByClass(table, "max_a::s", { rows: [0, 7] });
    assert.deepEqual(rows.map((s) => [s.label, Array.from(s.values)]), [["none", [10]], ["memleak", [30]]]);
    assert.throws(() => valuesByClass(table, "nope"), /no feature 'nope'/);
  });

  it("bins samples on shared edges between pooled quantiles; shares sum to 1 and outliers land in the edge bins", () => {
    const samples = [
      { label: "x", values: Float64Array.from([...Array.from({ length: 99 }, (_, i) => i / 98), 1000]) },
      { label: "y", values: Float64Array.of(0.5, 0.5, -1000) },
    ];
    const h = sharedHistogram(samples, { bins: 4, clip: 0.005 });
    assert.equal(h.edges.length, 5);
    assert.ok(h.edges[0] > -1000 && h.edges[4] < 1000, "the extremes do not stretch the range");
    for (const s of h.shares) assert.ok(Math.abs(s.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.equal(h.clipped, 2);
    assert.ok(Math.abs(h.shares[1][0] - 1 / 3) < 1e-12, "-1000 counted in the first bin");
    // Without clipping the range is exactly min..max.
    const plain = sharedHistogram([{ label: "z", values: Float64Array.of(0, 1, 2, 3) }], { bins: 3, clip: 0 });
    assert.deepEqual(Array.from(plain.edges), [0, 1, 2, 3]);
    assert.deepEqual(Array.from(plain.shares[0]), [0.25, 0.25, 0.5]);
    const constant = sharedHistogram([{ label: "c", values: Float64Array.of(4, 4) }], { bins: 2 });
    assert.deepEqual(Array.from(constant.edges), [3.5, 4, 4.5]);
    assert.throws(() => sharedHistogram(samples, { bins: 0 }), /bins/);
  });

  it("draws one panel per feature with each class once in the legend", () => {
    const fig = featureDistributionFigure(table, ["mean_a::s", "max_a::s"], { bins: 5 });
    assert.equal(fig.data.length, 6, "3 classes x 2 features");
    assert.deepEqual(fig.data.filter((t) => t.showlegend === true).map((t) => t.name), ["none", "membw", "memleak"]);
    assert.deepEqual([...new Set(fig.data.map((t) => t.xaxis))], ["x", "x2"]);
    assert.match(JSON.stringify(fig.layout.xaxis2), /max_a::s/);
    assert.deepEqual((fig.layout.grid as { rows: number; columns: number }), { rows: 1, columns: 2, pattern: "independent", xgap: 0.12, ygap: 0.3 });
    assert.throws(() => featureDistributionFigure(table, []), /no features/);
  });
});

describe("plots: KS results and selection", () => {
  const pairs: KsPair[] = [
    { app: "A", anomaly: "membw", statistic: [0.9, 0.5, 0.1], pValue: [1e-12, 1e-3, 0.5], kept: [1, 1, 0] },
    { app: "B", anomaly: "memleak", statistic: [0.4, 1.0, 0.2], pValue: [1e-4, 1e-400, 0.3], kept: [1, 1, 0] },
    { app: "B", anomaly: "membw", statistic: [0.2, 0.3, 0.95], pValue: [0.2, 0.1, 1e-20], kept: [0, 0, 1] },
  ];

  it("ranks features by pairs kept, then largest D", () => {
    const all = rankFeatures(pairs, names);
    assert.deepEqual(all.map((r) => [r.feature, r.pairsKept]), [["max_a::s", 2], ["mean_a::s", 2], ["mean_b::s", 1]]);
    assert.deepEqual([all[0].app, all[0].anomaly, all[0].statistic], ["B", "memleak", 1.0]);
    const one = rankFeatures(pairs, names, { app: "B", anomaly: "membw", top: 1 });
    assert.deepEqual(one.map((r) => r.feature), ["mean_b::s"]);
    assert.deepEqual(rankFeatures(pairs, names, { distinctMetrics: true }).map((r) => r.feature), ["max_a::s", "mean_b::s"]);
    assert.throws(() => rankFeatures(pairs, names, { app: "C" }), /no \(application, anomaly\) pair matches app 'C'/);
  });

  it("takes the metric from a feature name", () => {
    assert.equal(featureMetric("perc05_Active(anon)::meminfo"), "Active(anon)::meminfo");
    assert.equal(featureMetric("specband1_user::procstat"), "user::procstat");
  });

  it("draws -log10 p per pair and feature, capped, best columns first", () => {
    const fig = ksHeatmapFigure(pairs, names, { cap: 50, top: 2 });
    const t = fig.data[0] as { x: string[]; y: string[]; z: number[][]; text: string[][] };
    assert.deepEqual(t.y, ["A · membw", "B · memleak", "B · membw"]);
    // Mean capped -log10 p: max_a (3+50+1)/3 = 18, mean_a (12+4+0.7)/3 = 5.6, mean_b (0.3+0.5+20)/3 = 6.9.
    assert.deepEqual(t.x, ["max_a::s", "mean_b::s"]);
    assert.equal(t.z[1][0], 50, "p below 1e-300 capped");
    assert.ok(Math.abs(t.z[0][0] - 3) < 1e-12);
    assert.match(t.text[0][0], /p = 1.00e-3, D = 0.500<br>kept/);
  });

  it("groups by metric with the smallest p-value of its statistics", () => {
    const fig = ksHeatmapFigure(pairs, names, { by: "metric", columns: ["a::s", "b::s"], cap: 300 });
    const t = fig.data[0] as { x: string[]; z: number[][]; text: string[][] };
    assert.deepEqual(t.x, ["a::s", "b::s"]);
    assert.ok(Math.abs(t.z[0][0] - 12) < 1e-12, "A · membw: mean_a's 1e-12 beats max_a's 1e-3");
    assert.match(t.text[0][0], /^mean_a::s<br>.*2 of its features kept$/);
    assert.equal(t.z[1][0], 300);
    assert.throws(() => ksHeatmapFigure(pairs, names, { by: "metric", columns: ["c::s"] }), /no metric 'c::s'/);
  });

  it("counts kept features per pair beside the union and the total, from a fitted selector too", () => {
    const fig = selectionCountsFigure(pairs, { selected: 3, total: 3 });
    const bars = fig.data.filter((d) => d.type === "bar");
    assert.deepEqual(bars.map((b) => b.name), ["membw", "memleak"]);
    assert.deepEqual(bars[0].x, ["A", "B"]);
    assert.deepEqual(bars[0].y, [2, 1]);
    assert.deepEqual(bars[1].y, [null, 2]);
    const selector = new FeatureSelector({ alpha: 0.2 }).fit(table);
    const real = selectionCountsFigure(selector.pairs, { selected: selector.selected.length, total: selector.names.length });
    assert.match(JSON.stringify(real.layout.title), new RegExp(`${selector.selected.length} of 3 in the union`));
  });
});

describe("plots: projection figure", () => {
  it("draws one trace per class with its points and the explained variance on the axes", () => {
    const projection: Projection = { rows: Int32Array.of(0, 3, 7, 8), scores: [Float64Array.of(1, 2, 3, 4), Float64Array.of(5, 6, 7, 8)], explained: [0.5, 0.25], loadings: [] };
    const fig = projectionFigure(projection, table.labels, table.labelCode, { text: (r) => `row ${r}` });
    assert.deepEqual(fig.data.map((t) => t.name), ["none (1)", "membw (1)", "memleak (2)"]);
    assert.deepEqual(Array.from(fig.data[2].x as Float64Array), [3, 4]);
    assert.deepEqual(Array.from(fig.data[2].y as Float64Array), [7, 8]);
    assert.deepEqual(fig.data[2].text, ["row 7", "row 8"]);
    assert.match(JSON.stringify(fig.layout.xaxis), /PC1 \(50.0 % of the variance\)/);
    assert.ok(figureJson(fig).length > 100);
    assert.throws(() => projectionFigure({ ...projection, scores: [projection.scores[0]] }, table.labels, table.labelCode), /two components/);
  });
});
