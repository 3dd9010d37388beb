import { strict as assert } from "node:assert";
import { Random } from "../lib/util/random";
import { evaluationFixture } from "./evaluation-fixtures";

interface RandomCase {
  seed: number;
  uint32: number[];
  int7: number[];
  int3000000000: number[];
  float: number[];
  shuffle10: number[];
}

describe("util: seeded generator (SplitMix64-seeded xoshiro128**)", () => {
  for (const c of evaluationFixture<RandomCase>("random")) {
    it(`reproduces the documented reference stream for seed ${c.seed}`, () => {
      const r = new Random(c.seed);
      assert.deepEqual(Array.from({ length: 8 }, () => r.nextUint32()), c.uint32);
      assert.deepEqual(Array.from({ length: 12 }, () => r.nextInt(7)), c.int7);
      assert.deepEqual(Array.from({ length: 6 }, () => r.nextInt(3000000000)), c.int3000000000);
      assert.deepEqual(Array.from({ length: 4 }, () => r.nextFloat()), c.float);
      assert.deepEqual(r.shuffle(Array.from({ length: 10 }, (_, i) => i)), c.shuffle10);
    });
  }

  it("draws integers without visible bias and shuffles typed arrays", () => {
    const r = new Random(3);
    const n = 6;
    const counts = new Array<number>(n).fill(0);
    const draws = 60000;
    for (let i = 0; i < draws; i++) counts[r.nextInt(n)]++;
    // Chi-square with 5 degrees of freedom; 20.5 is its 99.9th percentile.
    const chi2 = counts.reduce((s, k) => s + (k - draws / n) ** 2 / (draws / n), 0);
    assert.ok(chi2 < 20.5, `chi2 ${chi2}`);
    const a = r.shuffle(Int32Array.from({ length: 100 }, (_, i) => i));
    assert.deepEqual(Array.from(a).sort((x, y) => x - y), Array.from({ length: 100 }, (_, i) => i));
    assert.notDeepEqual(Array.from(a), Array.from({ length: 100 }, (_, i) => i));
  });

  it("refuses seeds and ranges it cannot honour", () => {
    assert.throws(() => new Random(1.5), RangeError);
    assert.throws(() => new Random(2 ** 53), RangeError);
    assert.throws(() => new Random(0).nextInt(0), RangeError);
    assert.throws(() => new Random(0).nextInt(2 ** 32 + 1), RangeError);
    assert.equal(new Random(0).nextInt(1), 0);
  });
});
