/**
 * What runs on every compute node besides the job: the node health check that the
 * resource manager starts every few minutes (a burst of short processes using about one
 * CPU for a few seconds: the same signature as a short cpuoccupy), and the kernel's own
 * threads (counted in kernel.ts as a steady share of kernel time).
 */
import type { NodeActivity } from "./activity";
import type { NodeConstants } from "./node";
import type { Rng } from "./random";

/** Processes a health check starts, and the first-touch faults of each. */
const CHECK_PROCESSES = 24;
const FAULTS_PER_PROCESS = 280;

export function layBackground(act: NodeActivity, consts: NodeConstants, startEpoch: number, rng: Rng): void {
  const { period, offset, seconds } = consts.healthCheck;
  // Checks run on wall-clock time, so where they fall in a run depends on when the job started.
  let first = offset - ((startEpoch - offset) % period);
  first = ((first % period) + period) % period;
  for (let t = first; t < act.length; t += period) {
    const d = seconds * rng.factor(0.15);
    act.spread("user", t, t + d, 0.55 * d);
    act.spread("sys", t, t + d, 0.45 * d);
    act.spread("forks", t, t + d, CHECK_PROCESSES);
    act.spread("execFaults", t, t + d, CHECK_PROCESSES * FAULTS_PER_PROCESS);
    act.spread("contextSwitches", t, t + d, 160 * d);
    act.during("running", t, t + d, 1);
    act.eachInstant(t, t + d, (k) => {
      act.instants.transientKb[k] += 20_000 + 30_000 * rng.uniform();
    });
  }
}
