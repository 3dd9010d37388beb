import { strict as assert } from "node:assert";
import { Matrix, SVD } from "ml-matrix";
import { pcaProjection } from "../lib/plots";
import { mulberry } from "./features-support";

/** Columns of n rows: x, 2x + noise, and pure noise. */
function data(n: number, seed: number): Float64Array[] {
  const r = mulberry(seed);
  const x = Float64Array.from({ length: n }, () => r() * 10);
  return [x, Float64Array.from(x, (v) => 2 * v + (r() - 0.5) * 0.1), Float64Array.from({ length: n }, () => r())];
}

function variance(a: Float64Array): number {
  const m = a.reduce((s, v) => s + v, 0) / a.length;
  return a.reduce((s, v) => s + (v - m) * (v - m), 0) / (a.length - 1);
}

describe("plots: PCA projection", () => {
  it("finds the direction of a near-linear pair of columns without standardising", () => {
    const cols = data(500, 1);
    const p = pcaProjection(cols, { standardize: false, components: 2 });
    const w = p.loadings[0];
    // x and 2x: direction (1, 2)/sqrt(5), noise column ~0.
    assert.ok(Math.abs(w[0] - 1 / Math.sqrt(5)) < 1e-3 && Math.abs(w[1] - 2 / Math.sqrt(5)) < 1e-3 && Math.abs(w[2]) < 1e-2, `loading ${Array.from(w)}`);
    assert.ok(p.explained[0] > 0.99 && p.explained[0] + p.explained[1] <= 1 + 1e-12);
    // Scores have the eigenvalue as variance: the share times the total variance.
    const total = cols.reduce((s, c) => s + variance(c), 0);
    assert.ok(Math.abs(variance(p.scores[0]) - p.explained[0] * total) < 1e-9 * total);
  });

  it("matches an SVD of the standardised data up to sign, with the largest loading made positive", () => {
    const r = mulberry(7);
    const cols = Array.from({ length: 6 }, (_, f) => Float64Array.from({ length: 80 }, (_, i) => r() + (f < 3 ? (i % 5) * (f + 1) : 0)));
    const p = pcaProjection(cols, { components: 3 });
    const z = cols.map((c) => {
      const m = c.reduce((s, v) => s + v, 0) / c.length;
      const sd = Math.sqrt(variance(c));
      return Array.from(c, (v) => (v - m) / sd);
    });
    const svd = new SVD(new Matrix(z).transpose(), { autoTranspose: true });
    const s = svd.diagonal;
    const totalSq = s.reduce((a, v) => a + v * v, 0);
    for (let k = 0; k < 3; k++) {
      assert.ok(Math.abs(p.explained[k] - (s[k] * s[k]) / totalSq) < 1e-10, `explained ${k}`);
      const v = svd.rightSingularVectors.getColumn(k);
      const sign = Math.sign(v.reduce((best, x) => (Math.abs(x) > Math.abs(best) ? x : best), 0));
      v.forEach((x, f) => assert.ok(Math.abs(sign * x - p.loadings[k][f]) < 1e-8, `loading ${k},${f}`));
      const big = p.loadings[k].reduce((b, x) => (Math.abs(x) > Math.abs(b) ? x : b), 0);
      assert.ok(big > 0);
    }
  });

  it("fills NaN with the column mean, skips constant columns, and subsamples rows by seed", () => {
    const cols = data(200, 3);
    const withNan = cols.map((c) => Float64Array.from(c));
    withNan[2][5] = NaN;
    const constant = new Float64Array(200).fill(3);
    const p = pcaProjection([...withNan, constant]);
    assert.ok(p.scores.every((s) => s.every(Number.isFinite)));
    assert.ok(Math.abs(p.loadings[0][3]) < 1e-12, "a constant column has no weight");
    const a = pcaProjection(cols, { maxRows: 50, seed: 9 });
    const b = pcaProjection(cols, { maxRows: 50, seed: 9 });
    const c = pcaProjection(cols, { maxRows: 50, seed: 10 });
    assert.equal(a.rows.length, 50);
    assert.deepEqual(Array.from(a.rows), Array.from(b.rows));
    assert.deepEqual(Array.from(a.scores[0]), Array.from(b.scores[0]));
    assert.notDeepEqual(Array.from(a.rows), Array.from(c.rows));
    assert.ok(a.rows.every((r, i) => i === 0 || r > a.rows[i - 1]), "rows ascending");
    const some = pcaProjection(cols, { rows: [4, 2, 9] });
    assert.deepEqual(Array.from(some.rows), [4, 2, 9]);
  });

  it("rejects too few rows, no columns and impossible component counts", () => {
    assert.throws(() => pcaProjection([]), /no feature columns/);
    assert.throws(() => pcaProjection([Float64Array.of(1)]), /at least two rows/);
    assert.throws(() => pcaProjection(data(10, 1), { components: 4 }), /components must be 1..3/);
  });
});
