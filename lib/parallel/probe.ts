/**
 * The smallest real use of the worker pool: sums typed arrays on worker threads and
 * says which thread did each. `e2ewatch doctor`, the tests and the first notebook call
 * it to prove that worker code loads the same way in every host.
 */
import { threadId } from "node:worker_threads";
import { WorkerPool } from "./pool";

export interface ProbeResult {
  /** Sum of each input array, in input order. */
  sums: number[];
  /** Thread id that computed each sum (the main thread is 0). */
  threads: number[];
}

/** Runs in a worker: the sum of one array and the worker's thread id. */
export function sumOnThread(values: Float64Array): { sum: number; thread: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i];
  return { sum, thread: threadId };
}

/** Sums each array on the pool's threads (a pool of `threads` is made and closed when none is given). */
export async function probeWorkers(arrays: Float64Array[], pool?: WorkerPool, threads = 2): Promise<ProbeResult> {
  const own = pool === undefined;
  const p = pool ?? new WorkerPool(threads);
  try {
    const parts = await p.map<Float64Array, { sum: number; thread: number }>(__filename, "sumOnThread", arrays);
    return { sums: parts.map((r) => r.sum), threads: parts.map((r) => r.thread) };
  } finally {
    if (own) await p.close();
  }
}
