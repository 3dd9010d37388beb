import { strict as assert } from "node:assert";
import { ConsecutiveFilter, MajorityFilter, classificationReport, consecutiveFilter, filterPerRun, filteredReports, majorityFilter, type StreamFilter } from "../lib/evaluation";
import { Random } from "../lib/util/random";

const H = 0; // healthy code in these tests

function stream(filter: StreamFilter, seq: ArrayLike<number>): number[] {
  return Array.from(seq, (x) => filter.push(x));
}

describe("evaluation: E2EWatch window filters", () => {
  it("majority: the first C-1 windows vote over what was seen, ties keep the previous output", () => {
    // C = 3
    const seq = [1, 0, 0, 2, 2, 0, 1, 3, 3, 3];
    // t0 [1]→1; t1 [1,0] tie, prev 1 → 1; t2 [1,0,0]→0; t3 [0,0,2]→0; t4 [0,2,2]→2;
    // t5 [2,2,0]→2; t6 [2,0,1] three-way tie, prev 2 among them → 2; t7 [0,1,3] tie,
    // prev 2 not among them → most recent, 3; t8 [1,3,3]→3; t9 [3,3,3]→3
    assert.deepEqual(Array.from(majorityFilter(seq, 3)), [1, 1, 0, 0, 2, 2, 2, 3, 3, 3]);
    // C = 2: a tie keeps the previous output while it is in the window, so flicker is
    // ignored and 0 → 1 needs two 1s in a row; at t6 [0, 2] the previous output 1 has
    // left the window and the most recent label, 2, wins.
    assert.deepEqual(Array.from(majorityFilter([0, 1, 0, 1, 1, 0, 2, 2], 2)), [0, 0, 0, 0, 1, 1, 2, 2]);
    // C = 4 with a tie at the very start: [0, 1] → previous output 0 stays.
    assert.deepEqual(Array.from(majorityFilter([0, 1, 1, 1], 4)), [0, 0, 1, 1]);
  });

  it("consecutive: alarm at the C-th identical anomalous window, healthy otherwise", () => {
    const seq = [2, 2, 2, 2, 0, 2, 2, 3, 3, 3, 2, 3, 0, 0];
    // C = 3: alarms at t2, t3 (2,2,2); t9 (3,3,3); everything else healthy.
    assert.deepEqual(Array.from(consecutiveFilter(seq, 3, H)), [0, 0, 2, 2, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0]);
    // The healthy label is a parameter: with healthy = 2, runs of 0 and 3 alarm.
    assert.deepEqual(Array.from(consecutiveFilter(seq, 2, 2)), [2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 2, 2, 2, 0]);
    // Fewer than C windows never alarm.
    assert.deepEqual(Array.from(consecutiveFilter([1, 1], 3, H)), [0, 0]);
  });

  it("C = 1 leaves the predictions unchanged", () => {
    const seq = Uint8Array.from([0, 3, 1, 1, 0, 2, 4]);
    assert.deepEqual(majorityFilter(seq, 1), seq);
    assert.deepEqual(consecutiveFilter(seq, 1, H), seq);
  });

  it("the stateful filters, fed window by window, equal the batch filters", () => {
    const rng = new Random(11);
    for (let trial = 0; trial < 300; trial++) {
      const nLabels = 2 + rng.nextInt(5);
      const c = 1 + rng.nextInt(7);
      const length = rng.nextInt(60);
      // Sticky sequences (long runs with flicker) exercise both filters' interesting paths.
      const seq = new Uint8Array(length);
      for (let t = 0; t < length; t++) seq[t] = t > 0 && rng.nextFloat() < 0.6 ? seq[t - 1] : rng.nextInt(nLabels);
      const healthy = rng.nextInt(nLabels);
      const m = new MajorityFilter(c);
      const k = new ConsecutiveFilter(c, healthy);
      assert.deepEqual(stream(m, seq), Array.from(majorityFilter(seq, c)), `majority C=${c} ${seq}`);
      assert.deepEqual(stream(k, seq), Array.from(consecutiveFilter(seq, c, healthy)), `consecutive C=${c} ${seq}`);
      // After reset they behave as new.
      m.reset();
      k.reset();
      assert.deepEqual(stream(m, seq.subarray(0, 9)), Array.from(majorityFilter(seq.subarray(0, 9), c)));
      assert.deepEqual(stream(k, seq.subarray(0, 9)), Array.from(consecutiveFilter(seq.subarray(0, 9), c, healthy)));
    }
  });

  it("filters each node-run on its own, in time order, whatever the row order", () => {
    // Two node-runs interleaved and rows shuffled; run 7: times 0..5, run 3: times 0..3.
    const rows = [
      { run: 7, t: 30, y: 2 }, { run: 3, t: 0, y: 1 }, { run: 7, t: 0, y: 2 }, { run: 7, t: 15, y: 2 },
      { run: 3, t: 30, y: 1 }, { run: 7, t: 60, y: 0 }, { run: 3, t: 15, y: 1 }, { run: 7, t: 45, y: 2 }, { run: 3, t: 45, y: 0 }, { run: 7, t: 75, y: 2 },
    ];
    const yPred = rows.map((r) => r.y);
    const runIndex = rows.map((r) => r.run);
    const windowEnd = rows.map((r) => r.t);
    const out = filterPerRun(yPred, runIndex, windowEnd, (seq) => consecutiveFilter(seq, 3, H));
    // run 7 in time order: 2 2 2 2 0 2 → 0 0 2 2 0 0 ; run 3: 1 1 1 0 → 0 0 1 0
    const expected = new Map([["7@0", 0], ["7@15", 0], ["7@30", 2], ["7@45", 2], ["7@60", 0], ["7@75", 0], ["3@0", 0], ["3@15", 0], ["3@30", 1], ["3@45", 0]]);
    assert.deepEqual(Array.from(out), rows.map((r) => expected.get(`${r.run}@${r.t}`)));
  });

  it("reports metrics after filtering", () => {
    const labels = ["none", "membw", "memleak"];
    // One healthy run with two isolated false alarms, one membw run predicted right but flickering.
    const yTrue = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const yPred = [0, 1, 0, 0, 2, 0, 1, 1, 0, 1, 1, 1];
    const runIndex = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1];
    const windowEnd = [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5];
    const f = filteredReports(yTrue, yPred, runIndex, windowEnd, labels, 3);
    assert.equal(f.c, 3);
    const raw = classificationReport(yTrue, yPred, labels);
    assert.equal(raw.falseAlarmRate, 2 / 6);
    // Majority: healthy run → all 0; membw run 1 1 0 1 1 1 → 1 1 1 1 1 1.
    assert.equal(f.majority.falseAlarmRate, 0);
    assert.equal(f.majority.anomalyMissRate, 0);
    assert.equal(f.majority.accuracy, 1);
    // Consecutive: healthy run → all 0; membw run → 0 0 0 0 0 1 (alarm only at the third 1 in a row).
    assert.equal(f.consecutive.falseAlarmRate, 0);
    assert.equal(f.consecutive.anomalyMissRate, 5 / 6);
    assert.throws(() => filteredReports(yTrue, yPred, runIndex, windowEnd, labels, 0), /positive integer/);
  });

  it("refuses labels a Uint8Array cannot hold", () => {
    assert.throws(() => new MajorityFilter(2).push(256), /0..255/);
    assert.throws(() => majorityFilter([1, -1], 2), /0..255/);
    assert.throws(() => new ConsecutiveFilter(2, 300), /0..255/);
  });
});
