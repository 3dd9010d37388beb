/**
 * Compute-node model: the hardware a job runs on (an Eclipse-like default: 2 sockets x
 * 18 Broadwell cores, 2-way hyperthreading, 128 GB) and the constants of one physical
 * node (its kernel's own memory, background daemons), drawn once per node so a node
 * looks the same in every job it runs.
 */
import { FACTS } from "./calibration";
import { Rng } from "./random";

export interface NodeSpec {
  sockets: number;
  coresPerSocket: number;
  threadsPerCore: number;
  /** MemTotal as /proc/meminfo reports it, kB. */
  memTotalKb: number;
  /** Jiffies per second per CPU in /proc/stat. */
  userHz: number;
  /** Sustained DRAM bandwidth of one socket, GB/s. */
  memBandwidthGBs: number;
  /** Per-core L1d and L2, per-socket L3, bytes. */
  cacheBytes: { L1: number; L2: number; L3: number };
  /** Kernel stack of one thread, kB (16 on x86-64 since Linux 3.15 and in RHEL 7). */
  kernelStackKb: number;
  /** vm.min_free_kbytes. */
  minFreeKb: number;
  /** vm.dirty_ratio and vm.dirty_background_ratio (RHEL 7 defaults 20 and 10 %). */
  dirtyRatio: number;
  dirtyBackgroundRatio: number;
}

/** Eclipse (Sandia): dual Xeon E5-2695 v4, 128 GB DDR4-2400, Omni-Path, RHEL 7. */
export const ECLIPSE_NODE: Readonly<NodeSpec> = Object.freeze({
  sockets: 2,
  coresPerSocket: 18,
  threadsPerCore: 2,
  memTotalKb: 131_759_420,
  userHz: 100,
  memBandwidthGBs: 62,
  cacheBytes: { ...FACTS.cacheBytes },
  kernelStackKb: 16,
  minFreeKb: 90_112,
  dirtyRatio: 0.2,
  dirtyBackgroundRatio: 0.1,
});

export function logicalCpus(spec: NodeSpec): number {
  return spec.sockets * spec.coresPerSocket * spec.threadsPerCore;
}

export function physicalCores(spec: NodeSpec): number {
  return spec.sockets * spec.coresPerSocket;
}

/** What is constant about one physical node across the jobs it runs. */
export interface NodeConstants {
  hostname: string;
  /** Relative speed (hardware and firmware variation between nominally equal nodes). */
  speed: number;
  /** Kernel memory /proc/meminfo does not itemise (MemTotal - MemFree - the listed users), kB. */
  unaccountedKb: number;
  slabReclaimableKb: number;
  slabUnreclaimableKb: number;
  /** Kernel and daemon threads, each with a kernel stack. */
  baseThreads: number;
  pageTablesKb: number;
  /** Resident anonymous memory of the daemons, kB. */
  daemonAnonKb: number;
  daemonMappedKb: number;
  shmemKb: number;
  buffersKb: number;
  mlockedKb: number;
  unevictableKb: number;
  vmallocUsedKb: number;
  vmallocChunkKb: number;
  committedKb: number;
  /** Background context switches per second (kworkers, RCU, timers, daemons). */
  contextSwitchesPerSecond: number;
  /** Background kernel time, CPU-seconds per second. */
  kernelSysShare: number;
  deviceInterruptsPerSecond: number;
  /** Node health check: every `period` s, starting `offset` s into the epoch. */
  healthCheck: { period: number; offset: number; seconds: number };
}

/** The constants of node `index` of a cluster (deterministic in seed and index). */
export function nodeConstants(spec: NodeSpec, seed: number, index: number): NodeConstants {
  const r = Rng.derive(seed, "node", index);
  const cpus = logicalCpus(spec);
  const mlockedKb = round4(r.range(0, 8_000));
  return {
    hostname: `ec${String(index + 1).padStart(4, "0")}`,
    speed: r.factor(0.012),
    unaccountedKb: round4(r.range(520_000, 640_000)),
    slabReclaimableKb: round4(r.range(380_000, 900_000)),
    slabUnreclaimableKb: round4(r.range(900_000, 1_300_000)),
    baseThreads: Math.round(cpus * 9 + r.range(200, 400)),
    pageTablesKb: round4(r.range(9_000, 16_000)),
    daemonAnonKb: round4(r.range(160_000, 320_000)),
    daemonMappedKb: round4(r.range(60_000, 110_000)),
    shmemKb: round4(r.range(8_000, 40_000)),
    buffersKb: round4(r.range(1_000, 12_000)),
    mlockedKb,
    unevictableKb: mlockedKb + round4(r.range(0, 30_000)),
    vmallocUsedKb: round4(r.range(420_000, 560_000)),
    vmallocChunkKb: 34_359_000_000 + round4(r.range(0, 700_000)),
    committedKb: round4(r.range(1_200_000, 2_400_000)),
    contextSwitchesPerSecond: cpus * r.range(5, 9),
    kernelSysShare: r.range(0.02, 0.06),
    deviceInterruptsPerSecond: r.range(250, 510),
    healthCheck: { period: r.pick([120, 180, 300]), offset: r.range(0, 300), seconds: r.range(1.5, 4) },
  };
}

/** Rounds kB to whole pages (4 kB), as the kernel reports them. */
export function round4(kb: number): number {
  return 4 * Math.round(kb / 4);
}

/** Watermarks derived from vm.min_free_kbytes as the kernel does (low = 5/4 min, high = 3/2 min). */
export function watermarks(spec: NodeSpec): { min: number; low: number; high: number; reserve: number } {
  const min = spec.minFreeKb;
  return { min, low: round4(min * 1.25), high: round4(min * 1.5), reserve: round4(min * 1.5 + 170_000) };
}
