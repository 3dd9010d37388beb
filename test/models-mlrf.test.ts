import { strict as assert } from "node:assert";
import { MlRandomForestModel } from "../lib/models/ml-rf";
import { InputError } from "../lib/util/errors";
import { classifierProtocolSuite } from "./support/classifier-suite";

classifierProtocolSuite({ kind: "ml-rf", params: { nEstimators: 9, maxDepth: 6, gainThreshold: 0, seed: 3 }, threads: false });

describe("ml-rf: the ml-random-forest adapter", () => {
  const tiny = { nRows: 5, columns: [Float64Array.of(0, 1, 2, 3, 4), Float64Array.of(0, 2, 4, 1, 3), Float64Array.of(0, 1, 0, 1, 0)] };
  const y = Int32Array.of(0, 1, 0, 1, 0);

  it("turns ml-random-forest's out-of-bag crash on small inputs into a clear InputError", async () => {
    await assert.rejects(new MlRandomForestModel({ nEstimators: 5, seed: 1, oob: true }).fit(tiny, y), (e: unknown) => e instanceof InputError && /ml-rf: ml-random-forest crashed in its out-of-bag step on 5 rows .*Use more rows or oob: false/.test(e.message));
  });

  it("checks its parameters like rf does", () => {
    assert.throws(() => new MlRandomForestModel({ maxFeatures: 0 }), (e: unknown) => e instanceof InputError && /ml-rf: maxFeatures must be/.test(e.message));
    assert.throws(() => new MlRandomForestModel({ oob: "yes" as never }), /oob must be true or false/);
  });

  it("skips the out-of-bag step by default, so small inputs work", async () => {
    const m = await new MlRandomForestModel({ nEstimators: 5, seed: 1 }).fit(tiny, y);
    assert.equal(m.predict(tiny).length, 5);
  });
});
