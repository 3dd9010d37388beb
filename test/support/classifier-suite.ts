/**
 * The behaviour every tree model of lib/models promises, as one mocha suite that each
 * model's test file runs with its own parameters.
 */
import { strict as assert } from "node:assert";
import type { ModelKind } from "../../lib/models/classifier";
import { createModel, modelFromJSON } from "../../lib/models/registry";
import { InputError } from "../../lib/util/errors";
import { accuracy, argmax, planted, separable, worstRowSumError, xor } from "./tree-data";

export interface SuiteOptions {
  kind: ModelKind;
  /** Parameters for every fit (small and quick). */
  params: Record<string, unknown>;
  /** Whether the model is deterministic across thread counts (ours are; ml-rf has no threads). */
  threads: boolean;
}

export function classifierProtocolSuite(o: SuiteOptions): void {
  const make = (extra: Record<string, unknown> = {}) => createModel(o.kind, { ...o.params, ...extra });

  describe(`${o.kind}: the classifier protocol`, () => {
    it("learns a separable problem", async () => {
      const train = separable(600, 1);
      const test = separable(400, 2);
      const m = await make().fit(train.X, train.y);
      assert.equal(m.nFeatures, 4);
      assert.equal(m.nClasses, 2);
      assert.ok(accuracy(test.y, m.predict(test.X)) > 0.95, "test accuracy above 0.95");
    });

    it("learns XOR, which no single split separates", async () => {
      const train = xor(2000, 3);
      const test = xor(500, 4);
      const m = await make().fit(train.X, train.y);
      const acc = accuracy(test.y, m.predict(test.X));
      assert.ok(acc > 0.9, `test accuracy ${acc} above 0.9`);
    });

    it("gives probabilities in [0, 1] whose rows sum to 1, and predicts their arg-max", async () => {
      const train = planted(900, 5, 6, 2);
      const m = await make().fit(train.X, train.y);
      const p = m.predictProba(train.X);
      assert.equal(p.nClasses, 3);
      assert.equal(p.values.length, 900 * 3);
      assert.ok(p.values.every((v) => v >= 0 && v <= 1));
      assert.ok(worstRowSumError(p) < 1e-12);
      const pred = m.predict(train.X);
      for (let r = 0; r < 900; r++) assert.equal(pred[r], argmax(p.values.subarray(r * 3, r * 3 + 3)));
    });

    it("ranks a planted feature first in importance", async () => {
      const train = planted(1500, 6, 8, 5);
      const m = await make().fit(train.X, train.y);
      const imp = m.featureImportances;
      assert.equal(imp.length, 8);
      assert.ok(Math.abs(imp.reduce((a, b) => a + b, 0) - 1) < 1e-9, "importances sum to 1");
      assert.equal(argmax(imp), 5);
      assert.ok(imp[5] > 0.3, `planted feature's importance ${imp[5]} above 0.3`);
    });

    it("reads back from JSON with bit-identical probabilities", async () => {
      const train = planted(800, 7, 5, 1);
      const m = await make().fit(train.X, train.y);
      const text = JSON.stringify(m.toJSON());
      const back = modelFromJSON(JSON.parse(text));
      assert.equal(back.kind, o.kind);
      assert.deepEqual(back.predictProba(train.X).values, m.predictProba(train.X).values);
      assert.deepEqual(back.featureImportances, m.featureImportances);
      assert.equal(JSON.stringify(back.toJSON()), text);
    });

    it("is deterministic for a seed" + (o.threads ? ", whatever the thread count" : ""), async () => {
      const train = planted(700, 8, 6, 0);
      const a = JSON.stringify((await make({ seed: 11 }).fit(train.X, train.y)).toJSON());
      const b = JSON.stringify((await make({ seed: 11 }).fit(train.X, train.y)).toJSON());
      assert.equal(a, b);
      if (o.threads) {
        const inline = JSON.stringify((await make({ seed: 11, threads: 0 }).fit(train.X, train.y)).toJSON());
        const two = JSON.stringify((await make({ seed: 11, threads: 2 }).fit(train.X, train.y)).toJSON());
        assert.equal(inline, a);
        assert.equal(two, a);
      }
    });

    it("keeps a probability column for classes absent from training when told nClasses", async () => {
      const train = separable(300, 9);
      const m = await make().fit(train.X, train.y, { nClasses: 4 });
      const p = m.predictProba(train.X);
      assert.equal(p.nClasses, 4);
      for (let r = 0; r < 300; r++) assert.equal(p.values[r * 4 + 2] + p.values[r * 4 + 3], 0);
      assert.ok(worstRowSumError(p) < 1e-12);
    });

    it("rejects shape and label mistakes with the numbers involved", async () => {
      const t = separable(50, 10);
      await assert.rejects(make().fit(t.X, t.y.subarray(0, 49)), (e: unknown) => e instanceof InputError && /y has 49 labels for 50 rows/.test(e.message));
      await assert.rejects(make().fit(t.X, Float64Array.from(t.y, (v, i) => (i === 7 ? 0.5 : v))), (e: unknown) => e instanceof InputError && /y\[7\] = 0.5 is not a class code/.test(e.message));
      await assert.rejects(make().fit(t.X, Int32Array.from(t.y, (v, i) => (i === 3 ? -1 : v))), (e: unknown) => e instanceof InputError && /y\[3\] = -1/.test(e.message));
      const ragged = { nRows: 50, columns: [t.X.columns[0], t.X.columns[1].subarray(0, 40)] };
      await assert.rejects(make().fit(ragged, t.y), (e: unknown) => e instanceof InputError && /column 1 of X has 40 values, expected X.nRows = 50/.test(e.message));
      await assert.rejects(make().fit(t.X, t.y, { nClasses: 1 }), (e: unknown) => e instanceof InputError && /class code 1 but nClasses is 1/.test(e.message));
      assert.throws(() => make().predict(t.X), (e: unknown) => e instanceof InputError && /not fitted/.test(e.message));
      const m = await make().fit(t.X, t.y);
      assert.throws(() => m.predict({ nRows: 50, columns: t.X.columns.slice(0, 3) }), (e: unknown) => e instanceof InputError && /X has 3 features, the model was fitted on 4/.test(e.message));
      assert.throws(() => make({ noSuchParam: 1 }), (e: unknown) => e instanceof InputError && /unknown parameter 'noSuchParam'/.test(e.message));
    });
  });
}
