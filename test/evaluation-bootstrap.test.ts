import { strict as assert } from "node:assert";
import { bootstrapMacroF1, classificationReport, quantileSorted } from "../lib/evaluation";
import { assertClose, evaluationFixtureObject } from "./evaluation-fixtures";

interface BootstrapFixture {
  cases: { name: string; nLabels: number; yTrue: number[]; yPred: number[]; runIndex: number[]; resamples: number; seed: number; level: number; low: number; high: number }[];
  quantiles: { sorted: number[]; q: number[]; expected: number[] }[];
}

describe("evaluation: node-run bootstrap of macro-F1", () => {
  const fixture = evaluationFixtureObject<BootstrapFixture>("bootstrap");

  it("interpolates quantiles like numpy", () => {
    for (const c of fixture.quantiles) assertClose(c.q.map((q) => quantileSorted(c.sorted, q)), c.expected, 1e-12, `n=${c.sorted.length}`);
  });

  for (const c of fixture.cases) {
    it(`equals the reference (explicit resampling, scikit-learn f1_score) on "${c.name}"`, () => {
      const ci = bootstrapMacroF1(Uint8Array.from(c.yTrue), Uint8Array.from(c.yPred), Int32Array.from(c.runIndex), c.nLabels, { resamples: c.resamples, seed: c.seed, level: c.level });
      assertClose([ci.low, ci.high], [c.low, c.high], 1e-12, "interval");
      assert.deepEqual([ci.level, ci.resamples, ci.seed, ci.unit], [c.level, c.resamples, c.seed, "node-run"]);
    });
  }

  it("does not depend on row order, brackets the estimate, and narrows with more node-runs", () => {
    const c = fixture.cases[0];
    const labels = Array.from({ length: c.nLabels }, (_, i) => (i === 0 ? "none" : `a${i}`));
    const perm = c.yTrue.map((_, i) => i).reverse();
    const a = bootstrapMacroF1(c.yTrue, c.yPred, c.runIndex, c.nLabels, { resamples: 200, seed: 1 });
    const b = bootstrapMacroF1(perm.map((i) => c.yTrue[i]), perm.map((i) => c.yPred[i]), perm.map((i) => c.runIndex[i]), c.nLabels, { resamples: 200, seed: 1 });
    assert.deepEqual(a, b);
    const point = classificationReport(c.yTrue, c.yPred, labels).macro.f1;
    assert.ok(a.low <= point && point <= a.high, `${a.low} <= ${point} <= ${a.high}`);
    // The same data repeated as 10x as many node-runs: the interval must be clearly narrower.
    const many = (xs: number[]): number[] => Array.from({ length: 10 }, () => xs).flat();
    const runs10 = Array.from({ length: 10 }, (_, k) => c.runIndex.map((r) => r + k * 1e6)).flat();
    const wide = bootstrapMacroF1(c.yTrue, c.yPred, c.runIndex, c.nLabels, { resamples: 300, seed: 2 });
    const narrow = bootstrapMacroF1(many(c.yTrue), many(c.yPred), runs10, c.nLabels, { resamples: 300, seed: 2 });
    assert.ok(narrow.high - narrow.low < 0.6 * (wide.high - wide.low), `${narrow.high - narrow.low} vs ${wide.high - wide.low}`);
  });

  it("is wider over node-runs than a window bootstrap would be (windows of a run are not independent)", () => {
    // 20 node-runs of 50 windows; each run is either all right or all wrong.
    const yTrue: number[] = [];
    const yPred: number[] = [];
    const runIndex: number[] = [];
    for (let r = 0; r < 20; r++) {
      const cls = r % 2;
      for (let w = 0; w < 50; w++) {
        yTrue.push(cls);
        yPred.push(r % 5 === 0 ? 1 - cls : cls);
        runIndex.push(r);
      }
    }
    const byRun = bootstrapMacroF1(yTrue, yPred, runIndex, 2, { seed: 4 });
    const byWindow = bootstrapMacroF1(yTrue, yPred, runIndex.map((_, i) => i), 2, { seed: 4 });
    assert.ok(byRun.high - byRun.low > 3 * (byWindow.high - byWindow.low));
  });

  it("is deterministic per seed and refuses bad options", () => {
    const c = fixture.cases[1];
    const x = bootstrapMacroF1(c.yTrue, c.yPred, c.runIndex, c.nLabels, { seed: 9, resamples: 100 });
    assert.deepEqual(bootstrapMacroF1(c.yTrue, c.yPred, c.runIndex, c.nLabels, { seed: 9, resamples: 100 }), x);
    assert.notDeepEqual(bootstrapMacroF1(c.yTrue, c.yPred, c.runIndex, c.nLabels, { seed: 10, resamples: 100 }), x);
    assert.throws(() => bootstrapMacroF1([0], [0], [0], 2, { resamples: 0 }), /resamples/);
    assert.throws(() => bootstrapMacroF1([0], [0], [0], 2, { level: 1 }), /level/);
    assert.throws(() => bootstrapMacroF1([0, 1], [0, 1], [0], 2), /runIndex has 1/);
    assert.throws(() => bootstrapMacroF1([], [], [], 2), /no windows/);
  });
});
