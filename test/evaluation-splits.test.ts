import { strict as assert } from "node:assert";
import {
  groupedStratifiedKFold,
  leaveOneApplicationOut,
  leaveOneGroupOut,
  leaveOneInputOut,
  rowsOf,
  stratifiedFoldAssignment,
  stratifiedKFold,
  type Split,
} from "../lib/evaluation";
import { InputError } from "../lib/util/errors";
import { Random } from "../lib/util/random";
import { evaluationFixture } from "./evaluation-fixtures";

interface KFoldCase {
  name: string;
  labels: string[];
  k: number;
  foldOf: number[];
  classes: string[];
  allocation: number[][];
}

/** No node-run on both sides, every node-run on one side, and (for k-folds) tested exactly once overall. */
function assertPartitions(splits: Split[], nRuns: number, testedOnce: boolean): void {
  const tested = new Int32Array(nRuns);
  for (const s of splits) {
    const side = new Int8Array(nRuns);
    for (const r of s.test) side[r] += 1;
    for (const r of s.train) side[r] += 2;
    assert.ok(side.every((v) => v === 1 || v === 2), `${s.heldOut}: a node-run is on both sides or on neither`);
    for (const arr of [s.train, s.test]) for (let i = 1; i < arr.length; i++) assert.ok(arr[i - 1] < arr[i], "indices ascending");
    for (const r of s.test) tested[r]++;
  }
  if (testedOnce) assert.ok(tested.every((n) => n === 1), "every node-run tested exactly once");
}

/** Per class, test-fold counts differ by at most `slack`. */
function classSpread(splits: Split[], labels: ArrayLike<number | string>): Map<number | string, number> {
  const spread = new Map<number | string, number>();
  for (const cls of new Set(Array.from(labels))) {
    const counts = splits.map((s) => Array.from(s.test).filter((r) => labels[r] === cls).length);
    spread.set(cls, Math.max(...counts) - Math.min(...counts));
  }
  return spread;
}

function randomLabels(rng: Random, n: number, nClasses: number): Uint8Array {
  // Skewed like E2EWatch data: the healthy class (0) is the largest.
  return Uint8Array.from({ length: n }, () => (rng.nextFloat() < 0.5 ? 0 : 1 + rng.nextInt(nClasses - 1)));
}

describe("evaluation: stratified k-fold over node-runs", () => {
  for (const c of evaluationFixture<KFoldCase>("kfold")) {
    it(`equals scikit-learn's StratifiedKFold on "${c.name}"`, () => {
      // Without shuffling the assignment is scikit-learn's exactly.
      assert.deepEqual(Array.from(stratifiedFoldAssignment(c.labels, c.k, null)), c.foldOf);
      // With shuffling the per-fold class counts are scikit-learn's (membership follows our generator).
      for (const seed of [0, 1, 77]) {
        const folds = stratifiedKFold(c.labels, c.k, seed);
        const allocation = folds.map((s) => c.classes.map((cls) => Array.from(s.test).filter((r) => c.labels[r] === cls).length));
        assert.deepEqual(allocation, c.allocation, `seed ${seed}`);
      }
    });
  }

  it("keeps the invariants on random label sets: partition, tested once, classes within ±1, sizes within ±1", () => {
    const rng = new Random(2024);
    for (let trial = 0; trial < 60; trial++) {
      const k = 2 + rng.nextInt(8);
      const n = 4 * k + rng.nextInt(300);
      const labels = randomLabels(rng, n, 2 + rng.nextInt(6));
      const splits = stratifiedKFold(labels, k, trial);
      assert.equal(splits.length, k);
      assert.deepEqual(splits.map((s) => s.heldOut), Array.from({ length: k }, (_, f) => `fold ${f}`));
      assertPartitions(splits, n, true);
      for (const [cls, spread] of classSpread(splits, labels)) assert.ok(spread <= 1, `class ${cls}: spread ${spread}`);
      const sizes = splits.map((s) => s.test.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `fold sizes ${sizes}`);
    }
  });

  it("is deterministic given the seed, and the seed matters", () => {
    const labels = randomLabels(new Random(5), 500, 5);
    assert.deepEqual(stratifiedKFold(labels, 5, 3), stratifiedKFold(labels, 5, 3));
    assert.notDeepEqual(stratifiedFoldAssignment(labels, 5, 3), stratifiedFoldAssignment(labels, 5, 4));
    // Strings and codes stratify the same way.
    const names = Array.from(labels, (c) => ["none", "a", "b", "c", "d"][c]);
    assert.deepEqual(stratifiedKFold(names, 5, 3), stratifiedKFold(labels, 5, 3));
  });

  it("refuses what scikit-learn refuses", () => {
    assert.throws(() => stratifiedKFold([0, 1, 0], 1), InputError);
    assert.throws(() => stratifiedKFold([0, 1, 0], 4), /cannot make 4 folds of 3 node-runs/);
    assert.throws(() => stratifiedKFold([0, 0, 1, 1, 2, 2], 3), /every class has fewer than 3/);
    // A class rarer than k is allowed, as in scikit-learn (with its warning).
    assertPartitions(stratifiedKFold([0, 0, 0, 0, 0, 1], 5), 6, true);
  });
});

describe("evaluation: job-grouped stratified k-fold", () => {
  /** Jobs of 1..maxNodes nodes; `mixed` jobs have anomalous and healthy nodes. */
  function jobs(rng: Random, nJobs: number, maxNodes: number, mixed: boolean): { labels: number[]; groups: string[] } {
    const labels: number[] = [];
    const groups: string[] = [];
    for (let j = 0; j < nJobs; j++) {
      const size = 1 + rng.nextInt(maxNodes);
      const anomaly = rng.nextFloat() < 0.4 ? 0 : 1 + rng.nextInt(4);
      for (let n = 0; n < size; n++) {
        labels.push(mixed && n > 0 && rng.nextFloat() < 0.5 ? 0 : anomaly);
        groups.push(`job${j}`);
      }
    }
    // Rows in no particular order.
    const order = rng.shuffle(labels.map((_, i) => i));
    return { labels: order.map((i) => labels[i]), groups: order.map((i) => groups[i]) };
  }

  function assertJobsWhole(splits: Split[], groups: string[]): void {
    for (const s of splits) {
      const testJobs = new Set(Array.from(s.test, (r) => groups[r]));
      for (const r of s.train) assert.ok(!testJobs.has(groups[r]), `${s.heldOut}: job ${groups[r]} on both sides`);
    }
  }

  it("keeps every job on one side, tests every node-run once, and balances single-class jobs within the largest job", () => {
    const rng = new Random(8);
    for (let trial = 0; trial < 40; trial++) {
      const k = 2 + rng.nextInt(5);
      const maxNodes = 1 + rng.nextInt(6);
      const { labels, groups } = jobs(rng, k + rng.nextInt(150), maxNodes, false);
      const splits = groupedStratifiedKFold(labels, groups, k, trial);
      assertPartitions(splits, labels.length, true);
      assertJobsWhole(splits, groups);
      for (const [cls, spread] of classSpread(splits, labels)) {
        const largest = Math.max(...[...new Set(groups.filter((_, r) => labels[r] === cls))].map((g) => groups.filter((x) => x === g).length));
        assert.ok(spread <= largest, `class ${cls}: spread ${spread} > largest job ${largest}`);
      }
    }
  });

  it("with one node per job stratifies within ±1 per class", () => {
    const labels = randomLabels(new Random(3), 333, 5);
    const splits = groupedStratifiedKFold(labels, Array.from(labels, (_, i) => i), 5, 1);
    assertPartitions(splits, labels.length, true);
    for (const spread of classSpread(splits, labels).values()) assert.ok(spread <= 1);
  });

  it("places jobs of mixed classes far better than at random", () => {
    const rng = new Random(21);
    const { labels, groups } = jobs(rng, 300, 4, true);
    const k = 5;
    const splits = groupedStratifiedKFold(labels, groups, k, 0);
    assertPartitions(splits, labels.length, true);
    assertJobsWhole(splits, groups);
    const ours = Math.max(...classSpread(splits, labels).values());
    // Random job-to-fold assignment, averaged over a few draws.
    const jobNames = [...new Set(groups)];
    let randomSpread = 0;
    for (let d = 0; d < 10; d++) {
      const foldOfJob = new Map(jobNames.map((g) => [g, rng.nextInt(k)]));
      const foldOf = Int32Array.from(groups, (g) => foldOfJob.get(g)!);
      const s = Array.from({ length: k }, (_, f): Split => ({ heldOut: "", train: new Int32Array(0), test: Int32Array.from(labels.map((_, r) => r).filter((r) => foldOf[r] === f)) }));
      randomSpread += Math.max(...classSpread(s, labels).values()) / 10;
    }
    assert.ok(ours * 3 < randomSpread, `grouped spread ${ours} vs random ${randomSpread}`);
  });

  it("is deterministic given the seed and refuses too few jobs", () => {
    const { labels, groups } = jobs(new Random(4), 60, 4, true);
    assert.deepEqual(groupedStratifiedKFold(labels, groups, 5, 2), groupedStratifiedKFold(labels, groups, 5, 2));
    assert.notDeepEqual(groupedStratifiedKFold(labels, groups, 5, 2), groupedStratifiedKFold(labels, groups, 5, 3));
    assert.throws(() => groupedStratifiedKFold([0, 0, 1, 1], ["a", "a", "b", "b"], 3), /cannot make 3 folds of 2 groups/);
    assert.throws(() => groupedStratifiedKFold([0, 1], ["a"], 2), /2 node-run labels but 1 groups/);
  });
});

describe("evaluation: leave-one-group-out", () => {
  const runs = [
    { app: "lammps", input: "L" }, { app: "sw4", input: "S" }, { app: "lammps", input: "S" },
    { app: "HACC", input: "L" }, { app: "sw4", input: "L" }, { app: "HACC", input: "M" },
  ];

  it("holds out each application in sorted order, testing exactly its node-runs", () => {
    const splits = leaveOneApplicationOut(runs);
    assert.deepEqual(splits.map((s) => s.heldOut), ["HACC", "lammps", "sw4"]);
    assert.deepEqual(splits.map((s) => Array.from(s.test)), [[3, 5], [0, 2], [1, 4]]);
    assertPartitions(splits, runs.length, true);
  });

  it("holds out an input name across all applications, or one (application, input) pair", () => {
    const byName = leaveOneInputOut(runs);
    assert.deepEqual(byName.map((s) => s.heldOut), ["L", "M", "S"]);
    assert.deepEqual(Array.from(byName[0].test), [0, 3, 4]);
    assert.deepEqual(Array.from(byName[0].train), [1, 2, 5]);
    const byPair = leaveOneInputOut(runs, "app-input");
    assert.deepEqual(byPair.map((s) => s.heldOut), ["HACC/L", "HACC/M", "lammps/L", "lammps/S", "sw4/L", "sw4/S"]);
    assertPartitions(byPair, runs.length, true);
  });

  it("refuses unnamed groups and a single group", () => {
    assert.throws(() => leaveOneApplicationOut([{ app: "a", input: "" }, { app: "", input: "" }]), /node-run 1 has no application/);
    assert.throws(() => leaveOneInputOut([{ app: "a", input: "x" }, { app: "b", input: "x" }]), /needs at least two inputs, found 1 \(x\)/);
    assert.throws(() => leaveOneGroupOut([]), /found 0/);
  });

  it("maps node-runs to their windows", () => {
    const runIndex = Int32Array.from([0, 0, 1, 2, 2, 2, 1, 0]);
    assert.deepEqual(Array.from(rowsOf([2, 0], runIndex)), [0, 1, 3, 4, 5, 7]);
    assert.deepEqual(Array.from(rowsOf([], runIndex)), []);
  });
});
