import { strict as assert } from "node:assert";
import { GradientBoostingClassifier } from "../lib/models/gradient-boosting";
import { TreeEnsemble } from "../lib/models/ensemble";
import { classifierProtocolSuite } from "./support/classifier-suite";
import { accuracy, planted, problem, separable } from "./support/tree-data";

classifierProtocolSuite({ kind: "gbdt", params: { maxIter: 30, minDataInLeaf: 5, seed: 1 }, threads: true });

function treesOf(m: GradientBoostingClassifier): TreeEnsemble {
  return TreeEnsemble.fromJSON(m.toJSON().trees as never, m.nFeatures);
}

function leafCounts(e: TreeEnsemble): number[] {
  return Array.from({ length: e.nTrees }, (_, t) => e.leafStart[t + 1] - e.leafStart[t]);
}

describe("gbdt: gradient boosting specifics", () => {
  it("grows at most numLeaves leaves, no deeper than maxDepth", async () => {
    const t = planted(3000, 1, 6, 3);
    const m = await new GradientBoostingClassifier({ maxIter: 5, numLeaves: 7, seed: 1, threads: 0 }).fit(t.X, t.y);
    const counts = leafCounts(treesOf(m));
    assert.equal(counts.length, 5 * 3, "one tree per class and round");
    assert.ok(counts.every((c) => c <= 7) && counts.some((c) => c === 7), `leaves ${counts}`);
    const shallow = await new GradientBoostingClassifier({ maxIter: 3, numLeaves: 31, maxDepth: 2, seed: 1, threads: 0 }).fit(t.X, t.y);
    assert.ok(leafCounts(treesOf(shallow)).every((c) => c <= 4));
  });

  it("keeps minDataInLeaf rows in every leaf", async () => {
    const t = separable(1000, 2);
    const m = await new GradientBoostingClassifier({ maxIter: 3, minDataInLeaf: 300, seed: 1, threads: 0 }).fit(t.X, t.y);
    const e = treesOf(m);
    const leaves = new Int32Array(1000);
    for (let i = 0; i < e.nTrees; i++) {
      e.leavesOf(i, t.X, leaves);
      const sizes = new Map<number, number>();
      for (const l of leaves) sizes.set(l, (sizes.get(l) ?? 0) + 1);
      assert.ok([...sizes.values()].every((s) => s >= 300), `tree ${i} leaf sizes ${[...sizes.values()]}`);
    }
  });

  it("shrinks leaf values with L2 regularisation and the learning rate", async () => {
    const t = separable(500, 3);
    const maxLeaf = async (params: object) => {
      const e = treesOf(await new GradientBoostingClassifier({ maxIter: 1, seed: 1, threads: 0, ...params }).fit(t.X, t.y));
      return Math.max(...Array.from(e.leafValue, Math.abs));
    };
    const plain = await maxLeaf({});
    assert.ok((await maxLeaf({ l2Regularization: 200 })) < plain * 0.8);
    assert.ok(Math.abs((await maxLeaf({ learningRate: 0.05 })) - plain / 2) < 1e-12);
  });

  it("stops early when the validation loss stops improving and keeps the best round", async () => {
    // Mostly label noise: the validation loss bottoms out after a few rounds.
    const t = problem(3000, 5, 4, (x) => (x[0] > 0.5 ? 1 : 0));
    const noisy = Int32Array.from(t.y, (v, i) => ((i * 2654435761) % 10 < 3 ? 1 - v : v));
    const m = await new GradientBoostingClassifier({ maxIter: 300, earlyStopping: true, learningRate: 0.3, seed: 2, threads: 0 }).fit(t.X, noisy);
    assert.ok(m.nIterations > 0 && m.nIterations < 300, `kept ${m.nIterations} rounds`);
    const losses = m.validationLoss;
    assert.ok(losses.length < 301 && losses.length >= m.nIterations + 1);
    assert.equal(Math.min(...losses), losses[m.nIterations], "the kept round has the lowest validation loss");
    assert.equal(treesOf(m).nTrees, 2 * m.nIterations);
    // 'auto' leaves it off at this size (scikit-learn's rule: more than 10 000 rows).
    const auto = await new GradientBoostingClassifier({ maxIter: 40, learningRate: 0.3, seed: 2, threads: 0 }).fit(t.X, noisy);
    assert.equal(auto.nIterations, 40);
    assert.deepEqual(auto.validationLoss, []);
  });

  it("draws features per tree with featureFraction, differently for each seed", async () => {
    const t = planted(1500, 4, 10, 7);
    const fit = (seed: number) => new GradientBoostingClassifier({ maxIter: 4, featureFraction: 0.3, seed, threads: 0 }).fit(t.X, t.y);
    const a = treesOf(await fit(1));
    const used = new Set(a.feature.slice(a.nodeStart[0], a.nodeStart[1]));
    assert.ok(used.size <= 3, `first tree split on ${[...used]}`);
    assert.notEqual(JSON.stringify((await fit(1)).toJSON()), JSON.stringify((await fit(2)).toJSON()));
  });

  it("learns which side missing values go to", async () => {
    const t = separable(800, 5);
    const X = { nRows: 800, columns: t.X.columns.map((c, f) => (f === 0 ? c.map((v, r) => (t.y[r] === 1 ? NaN : v)) : c)) };
    const m = await new GradientBoostingClassifier({ maxIter: 10, seed: 1, threads: 0 }).fit(X, t.y);
    assert.equal(accuracy(t.y, m.predict(X)), 1);
  });

  it("gives probability 0 to a class whose only row went to the validation share", async () => {
    const t = separable(400, 6);
    const y = Int32Array.from(t.y);
    y[17] = 2;
    const m = await new GradientBoostingClassifier({ maxIter: 5, earlyStopping: true, validationFraction: 0.6, seed: 1, threads: 0 }).fit(t.X, y);
    const p = m.predictProba(t.X);
    assert.equal(p.nClasses, 3);
    assert.ok(p.values.every(Number.isFinite));
    for (let r = 0; r < 400; r++) assert.equal(p.values[r * 3 + 2], 0);
    assert.ok(accuracy(t.y, m.predict(t.X)) > 0.9);
  });

  it("predicts the training prior when there is nothing to learn", async () => {
    const X = { nRows: 8, columns: [new Float64Array(8).fill(1)] };
    const y = Int32Array.of(0, 0, 1, 1, 1, 1, 1, 1);
    const m = await new GradientBoostingClassifier({ threads: 0 }).fit(X, y);
    const p = m.predictProba(X).values;
    assert.ok(Math.abs(p[0] - 0.25) < 1e-12 && Math.abs(p[1] - 0.75) < 1e-12);
    assert.equal(m.nIterations, 0);
    const single = await new GradientBoostingClassifier({ threads: 0 }).fit(X, new Int32Array(8));
    assert.deepEqual(Array.from(single.predict(X)), new Array(8).fill(0));
  });
});
