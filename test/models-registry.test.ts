import { strict as assert } from "node:assert";
import { MODEL_KINDS, createModel, modelFromJSON } from "../lib/models/registry";
import { packArray, unpackArray } from "../lib/models/codec";
import { InputError } from "../lib/util/errors";
import { separable } from "./support/tree-data";

describe("models: registry and model files", () => {
  it("makes every kind by name and refuses unknown names", () => {
    for (const kind of MODEL_KINDS) assert.equal(createModel(kind).kind, kind);
    assert.throws(() => createModel("svm"), (e: unknown) => e instanceof InputError && /unknown model 'svm' \(known: rf, gbdt, ml-rf\)/.test(e.message));
  });

  it("stores typed arrays packed, and says what is wrong with a damaged or foreign file", async () => {
    const t = separable(200, 1);
    const json = (await createModel("rf", { nEstimators: 3, threads: 0 }).fit(t.X, t.y)).toJSON();
    const trees = json.trees as Record<string, string>;
    assert.match(trees.threshold, /^f64:/);
    const variant = (change: (j: Record<string, unknown>) => void) => {
      const j = JSON.parse(JSON.stringify(json)) as Record<string, unknown>;
      change(j);
      return j;
    };
    assert.throws(() => modelFromJSON({ hello: 1 }), /model JSON: unknown kind undefined/);
    assert.throws(() => modelFromJSON(variant((j) => (j.format = "other"))), /not an e2ewatch model/);
    assert.throws(() => modelFromJSON(variant((j) => (j.version = 99))), /model format version 99 is not supported/);
    assert.throws(() => modelFromJSON(variant((j) => ((j.trees as Record<string, unknown>).threshold = "i32:AAAA"))), /threshold must be a 'f64:' packed array/);
    const left = unpackArray(trees.left, "i32", "left");
    left[0] = 0; // the root as its own child: would loop forever
    assert.throws(() => modelFromJSON(variant((j) => ((j.trees as Record<string, unknown>).left = packArray(left)))), /tree 0 node 0 has a bad child 0/);
    assert.throws(() => modelFromJSON(variant((j) => (j.nFeatures = 2))), /splits on feature|featureImportances has 4 values, expected 2/);
  });
});
