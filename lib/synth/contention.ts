/**
 * How anomaly processes slow an application's threads on one node. The model follows the
 * mechanism, thread by thread:
 *
 * - Placement: application threads are pinned one per core, socket by socket, then on
 *   hyperthread siblings. The scheduler puts an extra busy process on a fully idle core if
 *   there is one, else on an idle sibling of a busy core, else it must time-share a CPU.
 * - A busy sibling takes a share of its core that depends on what it runs (FACTS.smtShare);
 *   private-cache thrashing
 *   (cachecopy L1/L2) additionally slows the sibling's cache-reusing work.
 * - Time-sharing: an application that busy-polls keeps its CPUs, so the thread sharing with
 *   the intruder runs at half speed and the others wait for it (the straggler); an
 *   application whose threads sleep while they wait lets the scheduler spread the intruder
 *   over all threads, amplified by waiting for the thread that lost most (calibrated on
 *   SW4lite, MEASURED.blockWaitStraggleAmplification).
 * - Memory bandwidth taken on a socket (membw, cachecopy buffers larger than L3) stretches the
 *   memory-bound work of that socket's threads in proportion to how close the application
 *   already runs to the bandwidth limit; L3 eviction (cachecopy L3) turns the application's
 *   L3 hits into DRAM traffic.
 */
import type { AnomalyProcess } from "./anomalies";
import { FACTS, MEASURED } from "./calibration";
import { physicalCores, type NodeSpec } from "./node";

/** How an application responds to contention (part of its model, see apps.ts). */
export interface Sensitivity {
  /** Fraction of waiting time spent busy-polling (MPI) rather than sleeping (OpenMP barriers). */
  waitPoll: number;
  /** How close its memory-bound work runs to the socket's bandwidth limit (0-1). */
  bandwidthIntensity: number;
  /** Slowdown of compute work per unit of private-cache (L1/L2) eviction. */
  privateCacheReuse: number;
  /** Slowdown of memory-bound work per unit of L3 eviction. */
  l3Reuse: number;
}

/** Per-thread speeds of one node (1 = alone on an otherwise quiet node). */
export interface NodeSpeeds {
  /** Speed of compute-bound work, per application thread. */
  compute: Float64Array;
  /** Speed of memory-bound work, per application thread. */
  memory: Float64Array;
  /** Share of its wall time each thread is on a CPU (below 1 when time-sharing). */
  onCpu: Float64Array;
  /** CPU each anomaly process actually gets (same order as the processes). */
  processCpu: number[];
}

/** Queueing amplification of a bandwidth intruder's share for a bandwidth-bound application. */
const BANDWIDTH_QUEUEING = 2;

export function nodeSpeeds(spec: NodeSpec, threads: number, sens: Sensitivity, processes: readonly AnomalyProcess[]): NodeSpeeds {
  const cores = physicalCores(spec);
  const perSocket = spec.coresPerSocket;
  const compute = new Float64Array(threads).fill(1);
  const memory = new Float64Array(threads).fill(1);
  const onCpu = new Float64Array(threads).fill(1);
  const processCpu: number[] = [];

  // Thread t runs on core (t mod cores); threads beyond the core count use the siblings.
  const coreOf = (t: number): number => t % cores;
  const socketOf = (core: number): number => Math.floor(core / perSocket);
  const busyOnCore = new Int32Array(cores);
  for (let t = 0; t < threads; t++) busyOnCore[coreOf(t)]++;
  const freeCores: number[] = [];
  for (let c = cores - 1; c >= 0; c--) if (busyOnCore[c] === 0) freeCores.push(c);
  const freeSiblings: number[] = [];
  if (spec.threadsPerCore > 1) for (let c = 0; c < cores; c++) if (busyOnCore[c] === 1) freeSiblings.push(c);

  const bandwidth = new Float64Array(spec.sockets);
  const l3 = new Float64Array(spec.sockets);
  for (const p of processes) {
    // A process that rarely runs (memleak) takes no CPU slot; its CPU comes out of idle time.
    if (p.cpu < 0.1) {
      processCpu.push(p.cpu);
      continue;
    }
    let socket = 0;
    if (freeCores.length > 0) {
      socket = socketOf(freeCores.pop()!);
      processCpu.push(p.cpu);
    } else if (freeSiblings.length > 0) {
      const core = freeSiblings.shift()!;
      socket = socketOf(core);
      busyOnCore[core]++;
      processCpu.push(p.cpu);
      for (let t = 0; t < threads; t++) {
        if (coreOf(t) !== core) continue;
        const share = FACTS.smtShare[p.params.type];
        compute[t] *= 1 - p.cpu * (1 - share.compute);
        memory[t] *= 1 - p.cpu * (1 - share.memory);
        compute[t] /= 1 + p.cpu * p.privateCacheEvicted * sens.privateCacheReuse;
      }
    } else {
      // Every logical CPU is taken: share one with a thread (polling) or with all (sleeping).
      const host = processCpu.length % Math.max(1, threads);
      const poll = sens.waitPoll;
      const shared = p.cpu * FACTS.timeShare;
      const spread = (MEASURED.blockWaitStraggleAmplification * p.cpu) / Math.max(1, threads);
      for (let t = 0; t < threads; t++) {
        const slowPoll = t === host ? 1 - shared : 1;
        const slowBlock = 1 / (1 + spread);
        const f = poll * slowPoll + (1 - poll) * slowBlock;
        compute[t] *= f;
        memory[t] *= f;
        if (t === host) onCpu[t] *= poll * (1 - shared) + (1 - poll);
        compute[t] /= 1 + (t === host ? p.cpu * p.privateCacheEvicted * sens.privateCacheReuse * poll : 0);
      }
      socket = socketOf(coreOf(host));
      processCpu.push(poll * shared + (1 - poll) * p.cpu);
    }
    bandwidth[socket] += p.memBandwidthGBs;
    l3[socket] = Math.min(1, l3[socket] + p.l3Evicted);
  }

  for (let t = 0; t < threads; t++) {
    const s = socketOf(coreOf(t));
    if (bandwidth[s] > 0) memory[t] /= 1 + BANDWIDTH_QUEUEING * (bandwidth[s] / spec.memBandwidthGBs) * sens.bandwidthIntensity;
    if (l3[s] > 0) {
      memory[t] /= 1 + l3[s] * sens.l3Reuse;
      compute[t] /= 1 + 0.25 * l3[s] * sens.l3Reuse;
    }
  }
  return { compute, memory, onCpu, processCpu };
}
