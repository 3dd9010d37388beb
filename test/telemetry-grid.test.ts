import { strict as assert } from "node:assert";
import { alignNode, orderSeries, samplingPhase, type SamplerSeries } from "../lib/telemetry/grid";
import { ProblemLog } from "../lib/telemetry/problems";

function series(sampler: string, times: number[], columns: Record<string, number[]>, counters: string[] = []): SamplerSeries {
  const metrics = Object.keys(columns);
  return { sampler, file: `${sampler}.csv`, times: Float64Array.from(times), metrics, columns: metrics.map((m) => Float64Array.from(columns[m])), counters: metrics.map((m) => counters.includes(m)) };
}

const col = (run: { metrics: string[]; values: Float64Array[] }, name: string): number[] => Array.from(run.values[run.metrics.indexOf(name)]);
const kinds = (p: ProblemLog): string[] => p.problems.map((x) => x.kind);

describe("telemetry: 1 Hz grid and counters", () => {
  it("puts samplers a few milliseconds apart on the same whole seconds", () => {
    const p = new ProblemLog();
    const mem = series("meminfo", [100.001, 101.004, 101.999, 103.002], { MemFree: [10, 11, 12, 13] });
    const vm = series("vmstat", [100.003, 100.998, 102.001, 103.005], { nr_free_pages: [1, 2, 3, 4] });
    const g = alignNode([mem, vm], "n", p)!;
    assert.deepEqual(Array.from(g.timestamps), [100, 101, 102, 103]);
    assert.deepEqual(g.metrics, ["MemFree::meminfo", "nr_free_pages::vmstat"]);
    assert.deepEqual(col(g, "MemFree::meminfo"), [10, 11, 12, 13]);
    assert.deepEqual(p.problems, []);
  });

  it("uses the node's sampling phase, so samples near half a second do not split", () => {
    const times = [100.48, 101.52, 102.49, 103.51, 104.5];
    assert.ok(Math.abs(samplingPhase([series("s", times, { x: [0, 0, 0, 0, 0] })]) - 0.5) < 0.02);
    const g = alignNode([series("s", times, { x: [1, 2, 3, 4, 5] })], "n", new ProblemLog())!;
    assert.deepEqual(col(g, "x::s"), [1, 2, 3, 4, 5]);
    assert.equal(g.timestamps.length, 5);
  });

  it("turns counters into rates over the actual time step and starts at the first difference", () => {
    const p = new ProblemLog();
    const s = series("procstat", [10.0, 11.0, 12.25, 13.0], { user: [100, 200, 450, 600], procs_running: [1, 2, 3, 4] }, ["user"]);
    const g = alignNode([s], "n", p)!;
    // No rate before the second sample: the grid starts there, levels included.
    assert.deepEqual(Array.from(g.timestamps), [11, 12, 13]);
    assert.deepEqual(col(g, "user::procstat"), [100, 250 / 1.25, 150 / 0.75]);
    assert.deepEqual(col(g, "procs_running::procstat"), [2, 3, 4]);
    assert.deepEqual(g.counters, [true, false]);
    assert.equal(g.firstSecond, 10);
  });

  it("treats a counter going backwards as a reset: never a negative rate, the step filled from its neighbours", () => {
    const p = new ProblemLog();
    const s = series("procstat", [0, 1, 2, 3, 4, 5], { user: [0, 10, 20, 5, 15, 25] }, ["user"]);
    const g = alignNode([s], "n", p)!;
    const user = col(g, "user::procstat");
    assert.deepEqual(user, [10, 10, 10, 10, 10]);
    assert.ok(user.every((v) => v >= 0));
    assert.ok(kinds(p).includes("counter-reset"));
  });

  it("fills short gaps (levels linearly, counters at the mean rate) and leaves long ones NaN, reporting both", () => {
    const p = new ProblemLog();
    // Seconds 3-4 missing (short), 8-16 missing (9 s, longer than 5).
    const t = [0, 1, 2, 5, 6, 7, 17, 18];
    const s = series("vmstat", t, { nr_free_pages: t.map((x) => 100 + 10 * x), pgfault: t.map((x) => 7 * x * x) }, ["pgfault"]);
    const g = alignNode([s], "n", p)!;
    assert.deepEqual(Array.from(g.timestamps), Array.from({ length: 18 }, (_, i) => i + 1));
    const level = col(g, "nr_free_pages::vmstat");
    assert.deepEqual(level.slice(0, 7), [110, 120, 130, 140, 150, 160, 170]);
    assert.ok(level.slice(7, 16).every(Number.isNaN));
    assert.deepEqual(level.slice(16), [270, 280]);
    const rate = col(g, "pgfault::vmstat");
    // 2..5: (175 - 28) / 3 on seconds 3, 4, 5.
    assert.deepEqual(rate.slice(0, 5), [7, 21, 49, 49, 49]);
    // Long gap: NaN inside, the mean rate since second 7 on second 17.
    assert.ok(rate.slice(7, 15).every(Number.isNaN));
    assert.equal(rate[16], (7 * 17 * 17 - 7 * 49) / 10);
    assert.ok(rate.slice(7, 16).every(Number.isNaN));
    const gap = p.problems.find((x) => x.kind === "gap")!;
    assert.match(gap.message, /11 second\(s\) without a sample in 2 gap\(s\), longest 9 s/);
    assert.match(gap.action, /left 1 longer gap\(s\), 9 s, as NaN/);
  });

  it("fills between samples of a sampler slower than 1 Hz and reports its interval", () => {
    const p = new ProblemLog();
    const t = [0, 10, 20, 30, 40];
    const g = alignNode([series("vmstat", t, { nr_free_pages: t.map((x) => 2 * x), pgfault: t.map((x) => 3 * x) }, ["pgfault"])], "n", p)!;
    assert.equal(g.timestamps.length, 40);
    assert.deepEqual(col(g, "nr_free_pages::vmstat").slice(0, 3), [2, 4, 6]);
    assert.ok(col(g, "pgfault::vmstat").every((v) => v === 3));
    assert.deepEqual(kinds(p), ["sampling-interval"]);
  });

  it("honours maxGapSeconds = 0 (no filling)", () => {
    const g = alignNode([series("meminfo", [0, 1, 3], { MemFree: [1, 2, 4] })], "n", new ProblemLog(), { maxGapSeconds: 0 })!;
    const v = col(g, "MemFree::meminfo");
    assert.equal(v[0], 1);
    assert.ok(Number.isNaN(v[2]));
  });

  it("keeps the nearer of two samples that fall on one second", () => {
    const p = new ProblemLog();
    const g = alignNode([series("meminfo", [0.0, 1.0, 1.3, 2.0], { MemFree: [1, 2, 99, 3] })], "n", p)!;
    assert.deepEqual(col(g, "MemFree::meminfo"), [1, 2, 3]);
    assert.deepEqual(kinds(p), ["two-samples-one-second"]);
  });

  it("cuts to the seconds every sampler covers, keeping every metric, and leaves out a sampler from another time", () => {
    const p = new ProblemLog();
    const long = series("meminfo", Array.from({ length: 20 }, (_, i) => i), { MemFree: Array.from({ length: 20 }, (_, i) => i) });
    const late = series("vmstat", Array.from({ length: 18 }, (_, i) => i + 2), { nr_free_pages: Array.from({ length: 18 }, () => 1) });
    const early = series("procstat", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], { procs_running: Array(11).fill(1) });
    const stray = series("loadavg", [500, 501], { load1min: [1, 1] });
    const g = alignNode([long, late, early, stray], "n", p)!;
    assert.deepEqual(g.samplers, ["meminfo", "procstat", "vmstat"]);
    assert.deepEqual([g.timestamps[0], g.timestamps[g.timestamps.length - 1]], [2, 10]);
    assert.deepEqual(kinds(p).sort(), ["edges-trimmed", "sampler-left-out"]);
    assert.match(p.problems.find((x) => x.kind === "edges-trimmed")!.action, /2 s cut at the start, 9 s at the end/);
  });

  it("refuses a node with no common second, and one counter sample is not enough", () => {
    const p = new ProblemLog();
    assert.equal(alignNode([series("procstat", [5], { user: [1] }, ["user"])], "n", p), undefined);
    assert.deepEqual(kinds(p), ["too-short"]);
  });

  it("orders series: sorts rows, keeps the first of repeated times, drops rows without a time", () => {
    const p = new ProblemLog();
    const s = orderSeries(series("meminfo", [3, 1, 2, 2, NaN], { MemFree: [30, 10, 20, 21, 0] }), "n", p);
    assert.deepEqual(Array.from(s.times), [1, 2, 3]);
    assert.deepEqual(Array.from(s.columns[0]), [10, 20, 30]);
    assert.deepEqual(kinds(p), ["bad-timestamp", "out-of-order", "duplicate-timestamp"]);
  });

  it("gives per-second job ids from the samplers that carry them", () => {
    const s = series("meminfo", [0, 1, 2, 3], { MemFree: [1, 1, 1, 1] });
    s.jobIds = ["0", "7", "7", "8"];
    const g = alignNode([s], "n", new ProblemLog())!;
    assert.deepEqual(g.jobIds, ["", "7", "7", "8"]);
  });
});
