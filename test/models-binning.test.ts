import { strict as assert } from "node:assert";
import { QuantileBinner, thresholdsFromSorted } from "../lib/models/binning";
import { Rng } from "../lib/models/random";
import { sortFloat32 } from "../lib/models/sort-floats";
import { WorkerPool } from "../lib/parallel/pool";
import { InputError } from "../lib/util/errors";

const matrix = (...columns: Float64Array[]) => ({ nRows: columns[0].length, columns });

describe("models: quantile binning", () => {
  it("gives each of few distinct values its own bin, with midpoint thresholds and NaN in the last bin", () => {
    const b = new QuantileBinner().fit(matrix(Float64Array.of(3, 1, 2, 2, NaN, 1)));
    assert.deepEqual(Array.from(b.thresholds[0]), [1.5, 2.5]);
    const binned = b.transform(matrix(Float64Array.of(3, 1, 2, 2, NaN, 1)));
    assert.deepEqual(Array.from(binned.data), [2, 0, 1, 1, 3, 0]);
    assert.deepEqual(Array.from(binned.nBins), [3]);
    assert.deepEqual(Array.from(binned.nMissing), [1]);
    // New data: values between and beyond the training values, infinities, NaN.
    const fresh = b.transform(matrix(Float64Array.of(-5, 1.5, 1.6, 2.5, 99, Infinity, -Infinity, NaN)));
    assert.deepEqual(Array.from(fresh.data), [0, 0, 1, 1, 2, 2, 0, 3]);
  });

  it("puts a value into bin b exactly when it lies in (thresholds[b-1], thresholds[b]]", () => {
    const rng = new Rng(1);
    const train = Float64Array.from({ length: 5000 }, () => Math.round(rng.nextDouble() * 1000) / 7);
    const b = new QuantileBinner({ maxBins: 40 }).fit(matrix(train));
    const t = b.thresholds[0];
    const probe = Float64Array.from({ length: 3000 }, () => rng.nextDouble() * 160 - 5);
    const bins = b.transform(matrix(probe)).data;
    probe.forEach((x, i) => {
      const bin = bins[i];
      assert.ok(bin === 0 || x > t[bin - 1]);
      assert.ok(bin === t.length || x <= t[bin]);
      assert.equal(b.binOf(0, x), bin);
    });
  });

  it("makes bins of about equal frequency from continuous values", () => {
    const rng = new Rng(2);
    const col = Float32Array.from({ length: 16000 }, () => rng.nextDouble() ** 3);
    const b = new QuantileBinner({ maxBins: 16 });
    const bins = b.fit({ nRows: 16000, columns: [col] }).transform({ nRows: 16000, columns: [col] }).data;
    const counts = new Array(16).fill(0);
    for (const v of bins) counts[v]++;
    assert.ok(counts.every((c) => c > 900 && c < 1100), `bin counts ${counts}`);
  });

  it("gives a heavy value its own bin, keeping the rare values of near-constant features apart", () => {
    // 90 % zeros, then 1000 distinct small positive values: zero must not swallow them.
    const values = Float64Array.from({ length: 10000 }, (_, i) => (i < 9000 ? 0 : (i - 8999) / 1000));
    const t = thresholdsFromSorted(values, values.length, 20);
    assert.ok(t[0] > 0 && t[0] < 0.001 + 1e-12, `first threshold ${t[0]} separates zero from the rest`);
    assert.equal(t.length, 19);
    assert.ok(t.every((v, i) => i === 0 || v > t[i - 1]));
  });

  it("fits on a seeded subsample and on the given rows only", () => {
    const col = Float64Array.from({ length: 1000 }, (_, i) => i);
    const a = new QuantileBinner({ subsample: 100, seed: 3 }).fit(matrix(col));
    const b = new QuantileBinner({ subsample: 100, seed: 3 }).fit(matrix(col));
    const c = new QuantileBinner({ subsample: 100, seed: 4 }).fit(matrix(col));
    assert.deepEqual(a.thresholds, b.thresholds);
    assert.notDeepEqual(a.thresholds, c.thresholds);
    assert.equal(a.thresholds[0].length, 99);
    const low = new QuantileBinner().fit(matrix(col), Int32Array.of(0, 1, 2, 3));
    assert.deepEqual(Array.from(low.thresholds[0]), [0.5, 1.5, 2.5]);
  });

  it("bins the same bytes on worker threads as in this thread", async () => {
    const rng = new Rng(5);
    const cols = Array.from({ length: 37 }, (_, f) => Float32Array.from({ length: 3000 }, () => (f % 5 === 0 ? 1 : rng.nextDouble() < 0.02 ? NaN : rng.nextDouble() * f)));
    const X = { nRows: 3000, columns: cols };
    const plain = new QuantileBinner();
    const inline = plain.fit(X).transform(X);
    const pool = new WorkerPool(2);
    try {
      const parallel = new QuantileBinner();
      const shared = await parallel.fitTransform(X, pool);
      assert.deepEqual(parallel.thresholds, plain.thresholds);
      assert.deepEqual(shared.data, inline.data);
      assert.deepEqual(shared.nBins, inline.nBins);
      assert.deepEqual(shared.nMissing, inline.nMissing);
      assert.ok(shared.data.buffer instanceof SharedArrayBuffer);
      // Rows in another order: row i of the result is row order[i] of X.
      const order = Int32Array.from({ length: 1000 }, (_, i) => (i * 7) % 3000);
      const reordered = await new QuantileBinner().fitTransform(X, pool, { order });
      assert.equal(reordered.nRows, 1000);
      for (let f = 0; f < 37; f += 6) for (let i = 0; i < 1000; i += 37) assert.equal(reordered.data[f * 1000 + i], inline.data[f * 3000 + order[i]]);
    } finally {
      await pool.close();
    }
  });

  it("reads back from JSON and refuses misuse", () => {
    const b = new QuantileBinner({ maxBins: 8 }).fit(matrix(Float64Array.from({ length: 100 }, (_, i) => Math.sqrt(i))));
    const back = QuantileBinner.fromJSON(JSON.parse(JSON.stringify(b.toJSON())));
    assert.deepEqual(back.thresholds, b.thresholds);
    assert.throws(() => new QuantileBinner().transform(matrix(Float64Array.of(1))), /call fit before transform/);
    assert.throws(() => b.transform(matrix(Float64Array.of(1), Float64Array.of(2))), (e: unknown) => e instanceof InputError && /X has 2 features, the model was fitted on 1/.test(e.message));
    assert.throws(() => new QuantileBinner({ maxBins: 256 }), /maxBins must be a whole number from 2 to 255/);
  });

  it("sorts float32 values like the built-in sort", () => {
    const rng = new Rng(6);
    const a = Float32Array.from({ length: 5000 }, (_, i) => (i % 97 === 0 ? [Infinity, -Infinity, -0, 0][i % 4] : (rng.nextDouble() - 0.5) * 10 ** (rng.nextInt(20) - 10)));
    const expected = a.slice().sort();
    sortFloat32(a, a.length);
    assert.deepEqual(Array.from(a, (v) => (v === 0 ? 0 : v)), Array.from(expected, (v) => (v === 0 ? 0 : v)));
  });
});
