import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ksTwoSample, ksPValue, KS_EXACT_MAX_N } from "../lib/features/ks";
import { kolmogorovSf, smirnovSf } from "../lib/features/kolmogorov";
import { FIXTURES } from "./helpers";

interface KsFixture {
  ks_2samp: { label: string; a: number[]; b: number[]; statistic: number; pvalue: number }[];
  kstwo_sf: { n: number; x: number; sf: number }[];
}
const fixture = JSON.parse(fs.readFileSync(path.join(FIXTURES, "features", "ks.json"), "utf8")) as KsFixture;

/**
 * Relative error against scipy, |ours - scipy| / |scipy|. Near zero: values below
 * 1e-300 (subnormal doubles, which keep fewer digits) count as equal when both are
 * there; there is no other absolute floor, so p-values of 1e-41 are compared relatively.
 */
function relative(ours: number, theirs: number): number {
  if (ours === theirs) return 0;
  if (Math.abs(theirs) < 1e-300 && Math.abs(ours) < 1e-300) return 0;
  return Math.abs(ours - theirs) / Math.abs(theirs);
}

/** The branch of scipy's kstwo.sf a point falls in (for coverage of the fixture grid). */
function branch(n: number, x: number): string {
  if (x >= 1 || x <= 0) return "edge";
  const t = n * x;
  if (t <= 0.5) return "t<=0.5";
  if (t <= 1) return n <= 140 ? "ruben-gambino product" : "ruben-gambino stirling";
  if (t >= n - 1) return "t>=n-1";
  if (x >= 0.5) return "x>=0.5 smirnov";
  const nx2 = t * x;
  if (n <= 140) return nx2 <= 0.754693 ? "n<=140 durbin" : nx2 <= 4 ? "n<=140 pomeranz region" : "n<=140 smirnov";
  if (nx2 >= 370) return "nx2>=370";
  if (nx2 >= 2.2) return n > 1_000_000 ? "smirnov n>1e6 approximation" : "smirnov sum";
  return n <= 100000 && n * x ** 1.5 <= 1.4 ? "durbin large n" : "pelz-good";
}

describe("features: two-sample KS against scipy 1.10.1", () => {
  it("ks_2samp(method='auto'): statistic and p-value in the exact and asymptotic regimes", () => {
    let worst = 0;
    const methods = new Set<string>();
    for (const c of fixture.ks_2samp) {
      const r = ksTwoSample(c.a, c.b);
      methods.add(r.method);
      assert.equal(r.method, Math.max(c.a.length, c.b.length) <= KS_EXACT_MAX_N ? "exact" : "asymp", c.label);
      assert.equal(r.statistic, c.statistic, `${c.label}: D`);
      const err = relative(r.pValue, c.pvalue);
      worst = Math.max(worst, err);
      assert.ok(err <= 1e-9, `${c.label}: p ${r.pValue} vs scipy ${c.pvalue} (relative error ${err})`);
    }
    assert.deepEqual([...methods].sort(), ["asymp", "exact"]);
    console.log(`      ks_2samp: ${fixture.ks_2samp.length} cases, worst relative p-value error ${worst.toExponential(2)}`);
  });

  it("kstwo.sf over every branch of scipy's method switch", () => {
    let worst = 0;
    const seen = new Map<string, number>();
    for (const c of fixture.kstwo_sf) {
      const ours = kolmogorovSf(c.n, c.x);
      const err = relative(ours, c.sf);
      const b = branch(c.n, c.x);
      seen.set(b, Math.max(seen.get(b) ?? 0, err));
      worst = Math.max(worst, err);
      assert.ok(err <= 1e-9, `kstwo.sf(${c.x}, ${c.n}) [${b}]: ${ours} vs scipy ${c.sf} (relative error ${err})`);
    }
    for (const b of ["t<=0.5", "ruben-gambino product", "ruben-gambino stirling", "t>=n-1", "x>=0.5 smirnov", "n<=140 durbin", "n<=140 pomeranz region", "n<=140 smirnov", "nx2>=370", "smirnov sum", "smirnov n>1e6 approximation", "durbin large n", "pelz-good"]) {
      assert.ok(seen.has(b), `the fixture grid misses the branch '${b}'`);
    }
    console.log(`      kstwo.sf: ${fixture.kstwo_sf.length} points, worst relative error ${worst.toExponential(2)}; by branch: ${[...seen].map(([b, e]) => `${b} ${e.toExponential(1)}`).join(", ")}`);
  });

  it("has the textbook properties: identical samples give p = 1, disjoint ones D = 1", () => {
    assert.deepEqual(ksTwoSample([1, 2, 3], [1, 2, 3]), { statistic: 0, pValue: 1, method: "exact" });
    const disjoint = ksTwoSample([1, 2, 3, 4], [10, 11, 12, 13, 14]);
    assert.equal(disjoint.statistic, 1);
    // Exact: all C(9,4) = 126 orderings equally likely; only 2 of them are fully separated.
    assert.ok(Math.abs(disjoint.pValue - 2 / 126) < 1e-15);
    assert.throws(() => ksTwoSample([], [1]), /non-empty/);
    assert.throws(() => ksTwoSample([NaN, 1], [1]), /NaN/);
  });

  it("is symmetric in its samples and monotone in D", () => {
    const a = Array.from({ length: 57 }, (_, i) => Math.sin(i * 1.7));
    const b = Array.from({ length: 23 }, (_, i) => Math.cos(i * 0.9) + 0.3);
    assert.deepEqual(ksTwoSample(a, b), ksTwoSample(b, a));
    let previous = 1;
    for (let h = 1; h <= 20; h++) {
      const p = ksPValue(12000, 300, h / 100).pValue;
      assert.ok(p <= previous, `p-value rises at D = ${h / 100}`);
      previous = p;
    }
    assert.ok(smirnovSf(50, 0.3) < 1 && smirnovSf(50, 0.3) > 0);
  });
});
