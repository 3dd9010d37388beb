import { strict as assert } from "node:assert";
import { RandomForestClassifier } from "../lib/models/random-forest";
import { TreeEnsemble } from "../lib/models/ensemble";
import { InputError } from "../lib/util/errors";
import { classifierProtocolSuite } from "./support/classifier-suite";
import { accuracy, problem, separable } from "./support/tree-data";

classifierProtocolSuite({ kind: "rf", params: { nEstimators: 20, seed: 1 }, threads: true });

describe("rf: random forest specifics", () => {
  it("stops at maxDepth and keeps minSamplesLeaf", async () => {
    const t = problem(2000, 5, 1, (x) => (x[0] + x[1] * x[2] > 0.7 ? 1 : 0));
    const m = await new RandomForestClassifier({ nEstimators: 5, maxDepth: 3, seed: 2, threads: 0 }).fit(t.X, t.y);
    const trees = TreeEnsemble.fromJSON(m.toJSON().trees as never, 5);
    for (let i = 0; i < trees.nTrees; i++) assert.ok(depthOf(trees, i) <= 3);
    // With one tree, no bootstrap and a large minSamplesLeaf, every leaf holds at least that many rows.
    const single = await new RandomForestClassifier({ nEstimators: 1, bootstrap: false, minSamplesLeaf: 150, seed: 2, threads: 0 }).fit(t.X, t.y);
    const leaves = new Int32Array(2000);
    const e = TreeEnsemble.fromJSON(single.toJSON().trees as never, 5);
    e.leavesOf(0, t.X, leaves);
    const sizes = new Map<number, number>();
    for (const l of leaves) sizes.set(l, (sizes.get(l) ?? 0) + 1);
    assert.ok(sizes.size > 2, "the tree did split");
    assert.ok([...sizes.values()].every((s) => s >= 150), `leaf sizes ${[...sizes.values()]}`);
  });

  it("learns which side missing values go to", async () => {
    // Feature 0 is missing exactly for class 1; the other features are noise.
    const t = separable(800, 3);
    const X = { nRows: 800, columns: t.X.columns.map((c, f) => (f === 0 ? c.map((v, r) => (t.y[r] === 1 ? NaN : v)) : c)) };
    const m = await new RandomForestClassifier({ nEstimators: 10, maxFeatures: "all", seed: 1, threads: 0 }).fit(X, t.y);
    assert.equal(accuracy(t.y, m.predict(X)), 1);
    const fresh = { nRows: 2, columns: [Float64Array.of(NaN, 0.2), Float64Array.of(0.5, 0.5), Float64Array.of(0.5, 0.5), Float64Array.of(0.5, 0.5)] };
    assert.deepEqual(Array.from(m.predict(fresh)), [1, 0]);
  });

  it("predicts the class prior with constant features, and importances stay zero", async () => {
    const X = { nRows: 10, columns: [new Float32Array(10).fill(3), new Float32Array(10).fill(-1)] };
    const y = Int32Array.of(0, 0, 0, 1, 1, 1, 1, 1, 1, 1);
    const m = await new RandomForestClassifier({ nEstimators: 3, bootstrap: false, threads: 0 }).fit(X, y);
    const [p0, p1] = m.predictProba(X).values;
    assert.ok(Math.abs(p0 - 0.3) < 1e-12 && Math.abs(p1 - 0.7) < 1e-12, `${p0}, ${p1}`);
    assert.deepEqual(Array.from(m.featureImportances), [0, 0]);
  });

  it("shifts predictions toward a rare class with balanced class weights", async () => {
    // Overlapping classes, 10 % class 1: balanced weights must predict class 1 more often.
    const t = problem(3000, 3, 4, (x) => (x[0] * 0.6 + x[1] * 0.4 > 0.78 ? 1 : 0));
    const noisy = Int32Array.from(t.y, (v, i) => (i % 7 === 0 ? 1 - v : v));
    const count1 = (p: Int32Array) => p.reduce((a, b) => a + b, 0);
    const plain = await new RandomForestClassifier({ nEstimators: 20, maxDepth: 4, seed: 3, threads: 0 }).fit(t.X, noisy);
    const balanced = await new RandomForestClassifier({ nEstimators: 20, maxDepth: 4, seed: 3, threads: 0, classWeight: "balanced" }).fit(t.X, noisy);
    assert.ok(count1(balanced.predict(t.X)) > 1.3 * count1(plain.predict(t.X)));
  });

  it("gives the same forest for float32 and float64 columns holding the same values", async () => {
    const t = separable(500, 5);
    const f32 = { nRows: 500, columns: t.X.columns.map((c) => Float32Array.from(c)) };
    const f64 = { nRows: 500, columns: f32.columns.map((c) => Float64Array.from(c)) };
    const a = await new RandomForestClassifier({ nEstimators: 5, seed: 4, threads: 0 }).fit(f32, t.y);
    const b = await new RandomForestClassifier({ nEstimators: 5, seed: 4, threads: 0 }).fit(f64, t.y);
    assert.equal(JSON.stringify(a.toJSON()), JSON.stringify(b.toJSON()));
  });

  it("accepts every maxFeatures spelling and rejects bad ones", () => {
    for (const v of ["sqrt", "log2", "all", 3, 0.5]) assert.doesNotThrow(() => new RandomForestClassifier({ maxFeatures: v as never }));
    for (const v of [0, 1.5, -1, "half"]) assert.throws(() => new RandomForestClassifier({ maxFeatures: v as never }), InputError);
    assert.throws(() => new RandomForestClassifier({ nEstimators: 0 }), /nEstimators must be a whole number from 1/);
    assert.throws(() => new RandomForestClassifier({ classWeight: "weird" as never }), /classWeight/);
  });
});

function depthOf(e: TreeEnsemble, t: number): number {
  const base = e.nodeStart[t];
  if (e.nodeStart[t + 1] === base) return 0;
  const walk = (node: number): number => (node < 0 ? 0 : 1 + Math.max(walk(e.left[base + node]), walk(e.right[base + node])));
  return walk(0);
}
