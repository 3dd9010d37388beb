/**
 * The vocabulary application models are written in: a job is a sequence of phases, each
 * ending in a synchronisation of all ranks (halo exchange, all-to-all, barrier). A phase
 * says how much work each thread does at nominal speed (compute-bound and memory-bound
 * seconds, which contention stretches differently), how long the communication, serial
 * section and I/O after it take, and what it does to memory and to the kernel's counters.
 * simulate.ts turns phases into per-node, per-second activity.
 */

export interface Phase {
  /** What the phase is, for inspection (`launch`, `init`, `force`, `fft`, `io`...). */
  kind: string;
  /** Compute-bound work per active thread, s at nominal speed. */
  cpu: number;
  /** Memory-bandwidth-bound work per active thread, s at nominal speed. */
  mem: number;
  /** Share of the job's threads that do the work (the others wait), e.g. 0.25 for one thread of four per rank. */
  active: number;
  /** Communication after the work, s (network-bound: not slowed by the node, scaled by the job's network). */
  comm: number;
  /** Serial section, s: only `serialBusy` of the threads run, the others wait. */
  serial: number;
  serialBusy: number;
  /** Kernel share of busy time (system calls of the application itself). */
  sysShare: number;
  /** Persistent anonymous memory change per node over the phase, kB (negative frees). */
  anonKb: number;
  /** Anonymous memory allocated, touched and freed within the phase, kB per node. */
  churnKb: number;
  /** Temporary buffers alive during part of the phase, kB per node, and that part. */
  transientKb: number;
  transientShare: number;
  /** File data read into the page cache, kB per node (`readNode0Only`: rank 0 reads and broadcasts). */
  readKb: number;
  readNode0Only: boolean;
  /** Data written, kB per node (`writeNode0Only`: only rank 0 writes). */
  writeKb: number;
  writeNode0Only: boolean;
  /** Application context switches per second per node while the phase runs. */
  contextSwitchesPerSecond: number;
  /** Processes started and first-touch faults of program start-up (launch phase). */
  forks: number;
  execFaults: number;
  majorFaults: number;
  /** Level changes of kernel-side memory at the phase's start, kB per node (launch: +, exit: -). */
  shmemKb: number;
  mappedKb: number;
  slabKb: number;
  pageTablesKb: number;
  committedKb: number;
  /** Application threads created (+) or ended (-) at the phase's start (kernel stacks). */
  threads: number;
  /** Per-node jitter of the work (coefficient of variation). */
  jitter: number;
}

const EMPTY: Phase = {
  kind: "",
  cpu: 0,
  mem: 0,
  active: 1,
  comm: 0,
  serial: 0,
  serialBusy: 0,
  sysShare: 0.002,
  anonKb: 0,
  churnKb: 0,
  transientKb: 0,
  transientShare: 0,
  readKb: 0,
  readNode0Only: false,
  writeKb: 0,
  writeNode0Only: false,
  contextSwitchesPerSecond: 0,
  forks: 0,
  execFaults: 0,
  majorFaults: 0,
  shmemKb: 0,
  mappedKb: 0,
  slabKb: 0,
  pageTablesKb: 0,
  committedKb: 0,
  threads: 0,
  jitter: 0.01,
};

/** A phase with defaults for everything not given. */
export function phase(kind: string, fields: Partial<Phase>): Phase {
  return { ...EMPTY, ...fields, kind };
}

/** Nominal length of a phase on a quiet node, s (I/O excluded: it depends on the file system). */
export function nominalSeconds(p: Phase): number {
  return p.cpu + p.mem + p.comm + p.serial;
}

/** How a job's ranks sit on each node. */
export interface Layout {
  ranksPerNode: number;
  threadsPerRank: number;
}

export function threadsPerNode(l: Layout): number {
  return l.ranksPerNode * l.threadsPerRank;
}

/** Resident memory an MPI rank has before the application allocates anything (runtime, libraries, buffers), kB. */
const RANK_BASE_KB = 26_000;

/**
 * `srun` starting the ranks: fork and exec, dynamic linking (first-touch faults), MPI
 * shared-memory segments, Omni-Path contexts (slab), helper threads.
 */
export function launchPhase(l: Layout, seconds: number): Phase {
  const r = l.ranksPerNode;
  return phase("launch", {
    cpu: seconds * 0.7,
    serial: seconds * 0.3,
    serialBusy: 0.2,
    sysShare: 0.3,
    anonKb: r * RANK_BASE_KB,
    forks: r + 4,
    execFaults: r * 3_200,
    majorFaults: r * 3,
    shmemKb: r * 4_096,
    mappedKb: 60_000 + r * 5_800,
    slabKb: 40_000 + r * 1_500,
    pageTablesKb: r * 620,
    committedKb: r * 240_000,
    threads: r * (l.threadsPerRank + 2),
    contextSwitchesPerSecond: r * 40,
    jitter: 0.05,
  });
}

/** The ranks exit: everything the launch and the application set up is released. */
export function exitPhase(l: Layout, appAnonKb: number): Phase {
  const launch = launchPhase(l, 1);
  return phase("exit", {
    serial: 0.6,
    serialBusy: 0.1,
    sysShare: 0.5,
    anonKb: -(appAnonKb + launch.anonKb),
    shmemKb: -launch.shmemKb,
    mappedKb: -launch.mappedKb,
    slabKb: -launch.slabKb,
    pageTablesKb: -launch.pageTablesKb,
    committedKb: -launch.committedKb,
    threads: -launch.threads,
    contextSwitchesPerSecond: l.ranksPerNode * 20,
  });
}
