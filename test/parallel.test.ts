import { strict as assert } from "node:assert";
import * as path from "node:path";
import { WorkerPool, probeWorkers, transferablesOf } from "../lib/parallel";
import { InputError } from "../lib/util/errors";
import { ROOT } from "./helpers";

const TASKS = path.join(ROOT, "dist", "test", "support", "worker-tasks.js");

describe("worker pool", () => {
  it("runs library functions on worker threads with results in input order", async () => {
    const arrays = Array.from({ length: 9 }, (_, k) => Float64Array.from({ length: 1000 + k }, (_, i) => i));
    const probe = await probeWorkers(arrays, undefined, 3);
    assert.deepEqual(probe.sums, arrays.map((a) => ((a.length - 1) * a.length) / 2));
    assert.ok(probe.threads.every((t) => t > 0), "every task ran off the main thread");
    assert.ok(new Set(probe.threads).size > 1, "tasks were spread over more than one worker");
  });

  it("runs inline when the pool has no threads", async () => {
    const probe = await probeWorkers([Float64Array.of(1, 2, 3)], new WorkerPool(0));
    assert.deepEqual(probe, { sums: [6], threads: [0] });
  });

  it("passes typed arrays back by transfer and keeps InputError's class", async () => {
    const pool = new WorkerPool(2);
    try {
      const out = await pool.run<Float32Array>(TASKS, "doubled", [Float32Array.of(1, 2, 3)]);
      assert.ok(out instanceof Float32Array);
      assert.deepEqual(Array.from(out), [2, 4, 6]);
      await assert.rejects(pool.run(TASKS, "failsWithInputError", ["data.csv"]), (e: unknown) => e instanceof InputError && /data.csv:3: bad value/.test(e.message));
      await assert.rejects(pool.run(TASKS, "noSuchFunction", []), /has no exported function 'noSuchFunction'/);
      // The pool still works after failures.
      assert.deepEqual(Array.from(await pool.run<Float32Array>(TASKS, "doubled", [Float32Array.of(5)])), [10]);
    } finally {
      await pool.close();
    }
  });

  it("finds the buffers behind typed arrays in nested results", () => {
    const a = new Float64Array(2);
    const b = new Uint8Array(3);
    assert.deepEqual(transferablesOf({ a, list: [b, 1] }), [a.buffer, b.buffer]);
  });

  it("rejects a bad thread count", () => {
    assert.throws(() => new WorkerPool(-1), InputError);
  });
});
