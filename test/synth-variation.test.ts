import { strict as assert } from "node:assert";
import { buildPlan, exampleRuns, simulateJob, ECLIPSE_NODE, planNodeRuns, PRESETS } from "../lib/synth";
import { correlation, mean, series } from "./support/synth-runs";

describe("synth: nodes of a job move together, runs vary", function () {
  this.timeout(120000);

  it("nodes of one job correlate; the same node in another job does not", () => {
    for (const [app, metric] of [["sw4lite", "idle::procstat"], ["HACC", "user::procstat"]] as const) {
      const a = exampleRuns({ app, input: "large", seed: 21, runtimeScale: 0.5 }).job;
      const b = exampleRuns({ app, input: "large", seed: 22, runtimeScale: 0.5 }).job;
      const n = Math.min(...[...a, ...b].map((r) => r.timestamps.length)) - 60;
      let weakest = 1;
      for (let k = 1; k < a.length; k++) {
        const r = correlation(series(a[0], metric), series(a[k], metric), 60, n);
        assert.ok(r > 0.7, `${app}: nodes 0 and ${k} of one job correlate ${r.toFixed(2)}`);
        weakest = Math.min(weakest, r);
      }
      // Two runs of one input share a rhythm but not its phase: much weaker.
      const other = correlation(series(a[0], metric), series(b[0], metric), 60, n);
      assert.ok(other < weakest - 0.3, `${app}: two runs of the same input correlate ${other.toFixed(2)}, nodes of one job ${weakest.toFixed(2)}`);
    }
  });

  it("nodes of one job look alike but not identical", () => {
    const job = exampleRuns({ app: "sw4", input: "large", seed: 23, runtimeScale: 0.4 }).job;
    const free = job.map((r) => mean(series(r, "MemFree::meminfo"), 60, 200));
    assert.ok(new Set(free).size === job.length, "page cache left by earlier jobs differs per node");
    const user = job.map((r) => mean(series(r, "user::procstat"), 60, 200));
    assert.ok(Math.max(...user) - Math.min(...user) < 60, `busy-polling ranks keep every node equally busy: ${user}`);
  });

  it("runs of one input vary in length and level from run to run", () => {
    const lengths = [31, 32, 33, 34].map((seed) => exampleRuns({ app: "LAMMPS", input: "medium", seed, runtimeScale: 0.4 }).healthy.timestamps.length);
    assert.ok(new Set(lengths).size >= 3 && Math.max(...lengths) / Math.min(...lengths) < 1.3, `${lengths}`);
  });

  it("plans: quick and paper have the documented sizes; filters keep each job's identity", () => {
    const quick = buildPlan("quick", { seed: 1 });
    assert.equal(quick.length, 198);
    assert.equal(planNodeRuns(quick), 462);
    const paper = buildPlan("paper", { seed: 1 });
    assert.equal(paper.length, 198 * PRESETS.paper.repetitions);
    assert.equal(planNodeRuns(paper), 24_948);
    const some = buildPlan("quick", { seed: 1, apps: ["SWFFT"], anomalies: ["none", "memleak"] });
    assert.equal(some.length, 3 * (3 + 2));
    for (const job of some) assert.deepEqual(job, quick[job.index]);
    const count = new Map<string, number>();
    for (const j of quick) {
      const key = `${j.app}/${j.input}/${j.nodes[0].anomalies.map((a) => JSON.stringify(a.params)).join()}`;
      count.set(key, (count.get(key) ?? 0) + 1);
    }
    assert.equal(count.size, 18 * 9, "every application x input x condition");
    for (const [key, n] of count) assert.equal(n, key.endsWith("/") ? 3 : 1, `${key}: three healthy jobs, each anomalous condition once`);
    assert.ok(quick.every((j) => j.nodes.every((n) => JSON.stringify(n.anomalies) === JSON.stringify(j.nodes[0].anomalies))), "every node of a job runs its anomaly");
    const healthy = quick.filter((j) => j.nodes[0].anomalies.length === 0).reduce((n, j) => n + j.nodes.length, 0);
    assert.ok(Math.abs(healthy / planNodeRuns(quick) - 0.26) < 0.02, `healthy share ${healthy / planNodeRuns(quick)} as in Eclipse's 26 %`);
  });

  it("a plan's job simulates the same whether alone or among others", () => {
    const plan = buildPlan("quick", { seed: 5 });
    const job = plan.find((j) => j.app === "SWFFT" && j.input === "small")!;
    const a = simulateJob(job, { node: ECLIPSE_NODE, seed: 5 });
    simulateJob(plan[0], { node: ECLIPSE_NODE, seed: 5 });
    const b = simulateJob(job, { node: ECLIPSE_NODE, seed: 5 });
    assert.deepEqual(a, b);
  });
});
