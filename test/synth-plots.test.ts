import { strict as assert } from "node:assert";
import { telemetryFigure, DEFAULT_TELEMETRY_METRICS, figureJson } from "../lib/plots";
import { exampleRuns } from "../lib/synth";

describe("plots: a node-run's telemetry", function () {
  this.timeout(60000);
  const ex = exampleRuns({ app: "sw4", input: "medium", anomaly: "memleak", intensity: "s10M_p0.2", runtimeScale: 0.3, start: 90, end: 150 });

  it("draws one panel per metric with every run overlaid, memory in GB", () => {
    const fig = telemetryFigure([ex.anomalous, ex.healthy]);
    assert.equal(fig.data.length, 2 * DEFAULT_TELEMETRY_METRICS.length);
    const free = fig.data.find((d) => d.yaxis === `y${DEFAULT_TELEMETRY_METRICS.indexOf("MemFree::meminfo") + 1}`)!;
    const y = free.y as Float64Array;
    assert.ok(y[0] > 50 && y[0] < 130, `MemFree ${y[0]} GB`);
    assert.equal((free.x as Float64Array)[0], 0, "time from the first sample");
    const axes = Object.keys(fig.layout).filter((k) => k.startsWith("yaxis"));
    assert.equal(axes.length, DEFAULT_TELEMETRY_METRICS.length);
    const domains = axes.map((k) => (fig.layout[k] as { domain: number[] }).domain);
    for (const [lo, hi] of domains) assert.ok(lo >= 0 && hi <= 1 && lo < hi);
    assert.equal(fig.data.filter((d) => d.showlegend === true).length, 2, "one legend entry per run");
    assert.match(JSON.stringify(fig.layout.title), /sw4 · medium/);
  });

  it("shades the anomaly interval and the trimmed edges", () => {
    const shapes = telemetryFigure(ex.anomalous, { metrics: ["user::procstat"] }).layout.shapes as { x0: number; x1: number; fillcolor: string }[];
    assert.equal(shapes.length, 3);
    assert.deepEqual([shapes[2].x0, shapes[2].x1], [90, 150]);
    const none = telemetryFigure(ex.healthy, { metrics: ["user::procstat"], trim: 0 }).layout.shapes as unknown[];
    assert.equal(none.length, 0, "a healthy run without trimming has no bands");
  });

  it("serializes for notebooks and names an unknown metric", () => {
    assert.ok(figureJson(telemetryFigure(ex.job)).length > 10000);
    assert.throws(() => telemetryFigure(ex.anomalous, { metrics: ["nope::procstat"] }), /no run has metric 'nope::procstat'/);
    assert.throws(() => telemetryFigure([]), /no node-run/);
  });
});
