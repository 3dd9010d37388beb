/**
 * Simulates one job, all its nodes together: the application's phases run in lockstep on
 * every node (each phase ends in a synchronisation), so the slowest node of a phase sets
 * its length for all; anomaly processes slow the threads of their own node (contention.ts)
 * and, through the synchronisation, the whole job. Every node's activity is then turned
 * into /proc values by kernel.ts.
 *
 * Randomness: one stream per purpose, derived from (seed, job index, ...), so a job's bytes
 * depend on nothing but the seed and its position in the plan.
 */
import { NodeActivity } from "./activity";
import { layBackground } from "./background";
import { anomalyProcess, type AnomalyProcess, type AnomalySpec, formatIntensity, HEALTHY } from "./anomalies";
import { APPS, inputSpec, type AppName, type InputName } from "./apps";
import { MEASURED } from "./calibration";
import { nodeSpeeds, type NodeSpeeds } from "./contention";
import { FLUSH_KBPS, procfsSeries, type JobNodeBaseline } from "./kernel";
import { METRIC_COLUMNS } from "./metrics";
import { nodeConstants, round4, type NodeConstants, type NodeSpec } from "./node";
import { nominalSeconds, threadsPerNode, type Phase } from "./phases";
import { Rng } from "./random";
import type { NodeRun, RunLabel } from "../telemetry/noderun";

/** One node of a planned job: which node of the cluster, and what is injected on it. */
export interface NodePlan {
  /** Index of the node in the cluster (its constants and hostname derive from it). */
  cluster: number;
  anomalies: AnomalySpec[];
}

/** One job of a data set plan. */
export interface JobPlan {
  /** Position in the plan; the job's random streams derive from it. */
  index: number;
  jobId: string;
  app: AppName;
  input: InputName;
  nodes: NodePlan[];
  /** Epoch second of the job's first sample. */
  startEpoch: number;
  /** Scale of the main loop's length relative to the input's nominal run time. */
  runtimeScale: number;
}

export interface Cluster {
  node: NodeSpec;
  seed: number;
}

/** Page-cache write rate of one node (ranks copying into the page cache), kB/s. */
const WRITE_COPY_KBPS = 2.4e6;
/** Dirty data the Lustre client holds before writers are throttled, kB. */
const MAX_DIRTY_KB = 2.5e6;

interface ActiveProcess {
  proc: AnomalyProcess;
  start: number;
  end: number;
}

interface NodeState {
  consts: NodeConstants;
  rng: Rng;
  anomalyRng: Rng;
  speed: number;
  imbalance: Float64Array;
  processes: ActiveProcess[];
  speedCache: Map<number, NodeSpeeds>;
}

interface PhaseTiming {
  start: number;
  compute: number;
  serial: number;
  io: number;
  comm: number;
  /** Per node: time until the first active thread finishes, and busy thread-seconds. */
  firstDone: Float64Array;
  busy: Float64Array;
  /** Per node, per anomaly process: the CPU it gets during the phase. */
  processCpu: number[][];
}

/** Label of one node-run from its plan. */
export function runLabel(app: AppName, input: InputName, anomalies: readonly AnomalySpec[]): RunLabel {
  if (anomalies.length === 0) return { app, input, anomaly: HEALTHY, intensity: "", anomalyStart: null, anomalyEnd: null };
  const a = anomalies[0];
  return {
    app,
    input,
    anomaly: anomalies.map((x) => x.params.type).join("+"),
    intensity: anomalies.map((x) => formatIntensity(x.params)).join("+"),
    anomalyStart: a.start,
    anomalyEnd: a.end,
  };
}

export function simulateJob(job: JobPlan, cluster: Cluster): NodeRun[] {
  const { node: spec, seed } = cluster;
  const model = APPS[job.app];
  const input = inputSpec(job.app, job.input);
  const threads = threadsPerNode(input);
  const jobRng = Rng.derive(seed, "job", job.index);
  const network = jobRng.factor(0.15);
  const fileSystem = jobRng.factor(0.35);
  const launchAt = jobRng.range(1.0, 3.5);
  const loopSeconds = Math.max(30, input.runtime * job.runtimeScale * jobRng.factor(0.04) - 25);
  const phases = model.phases(input, Rng.derive(seed, "job", job.index, "phases"), loopSeconds);

  const nodes: NodeState[] = job.nodes.map((np, k) => {
    const rng = Rng.derive(seed, "job", job.index, "node", k);
    const consts = nodeConstants(spec, seed, np.cluster);
    const imbalance = new Float64Array(threads);
    for (let t = 0; t < threads; t++) imbalance[t] = rng.factor(0.006);
    // Anomaly draws come from their own stream, so a job with and without an anomaly (the
    // same plan index) differ only by what the anomaly does.
    const anomalyRng = Rng.derive(seed, "job", job.index, "anomaly", k);
    const processes = np.anomalies.map((a) => ({
      proc: anomalyProcess(a.params, spec),
      // A whole-run anomaly is started by the job script just before srun launches the ranks.
      start: a.start ?? launchAt - anomalyRng.range(0.2, 1.5),
      end: a.end ?? Infinity,
    }));
    return { consts, rng, anomalyRng, speed: consts.speed * rng.factor(0.004), imbalance, processes, speedCache: new Map() };
  });

  // ---- pass 1: phase timings (the slowest node sets each phase's length)
  const timings: PhaseTiming[] = [];
  let t = launchAt;
  for (const p of phases) {
    const step = Math.max(1, Math.round(1 / p.active));
    const timing: PhaseTiming = { start: t, compute: 0, serial: 0, io: 0, comm: 0, firstDone: new Float64Array(nodes.length), busy: new Float64Array(nodes.length), processCpu: [] };
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k];
      const speeds = speedsAt(n, t, spec, threads, model.sensitivity);
      timing.processCpu.push(speeds.processCpu);
      const jitter = n.rng.factor(p.jitter) / n.speed;
      let first = Infinity;
      let last = 0;
      let busy = 0;
      if (p.cpu + p.mem > 0) {
        for (let th = 0; th < threads; th += step) {
          const d = (p.cpu / speeds.compute[th] + p.mem / speeds.memory[th]) * n.imbalance[th] * jitter;
          first = Math.min(first, d);
          last = Math.max(last, d);
          busy += d * speeds.onCpu[th];
        }
      }
      timing.firstDone[k] = first === Infinity ? 0 : first;
      timing.busy[k] = busy;
      timing.compute = Math.max(timing.compute, last);
    }
    timing.serial = p.serial > 0 ? p.serial * jobRng.factor(0.02) : 0;
    timing.comm = p.comm > 0 ? p.comm * network * jobRng.factor(0.05) : 0;
    if (p.writeKb > 0) {
      // Writers fill the page cache, then wait for write-back (slower when the file system is busy).
      const flush = FLUSH_KBPS * fileSystem;
      timing.io = p.writeKb / WRITE_COPY_KBPS + Math.max(0, p.writeKb - MAX_DIRTY_KB) / flush;
    }
    timings.push(timing);
    t += timing.compute + timing.serial + timing.io + timing.comm;
  }
  const appEnd = t;
  const length = Math.ceil(appEnd + jobRng.range(2, 6)) + 1;

  // ---- pass 2: per-node activity
  const runs: NodeRun[] = [];
  for (let k = 0; k < nodes.length; k++) {
    const n = nodes[k];
    const act = new NodeActivity(length);
    for (let i = 0; i < phases.length; i++) layPhase(act, phases[i], timings[i], k, threads, model.sensitivity.waitPoll, n.rng);
    for (let i = 0; i < n.processes.length; i++) layProcess(act, n.processes[i], timings, k, i, appEnd, n.anomalyRng);
    layBackground(act, n.consts, job.startEpoch, Rng.derive(seed, "job", job.index, "background", k));
    const baseline = jobBaseline(Rng.derive(seed, "job", job.index, "baseline", k), FLUSH_KBPS * fileSystem);
    const values = procfsSeries(spec, n.consts, baseline, act, Rng.derive(seed, "job", job.index, "kernel", k));
    const timestamps = new Float64Array(length);
    for (let s = 0; s < length; s++) timestamps[s] = job.startEpoch + s;
    const planned = job.nodes[k].anomalies;
    runs.push({ nodeId: n.consts.hostname, jobId: job.jobId, label: runLabel(job.app, job.input, planned), timestamps, metrics: METRIC_COLUMNS.slice(), values });
  }
  return runs;
}

function speedsAt(n: NodeState, t: number, spec: NodeSpec, threads: number, sens: (typeof APPS)[AppName]["sensitivity"]): NodeSpeeds {
  let mask = 0;
  for (let i = 0; i < n.processes.length; i++) if (n.processes[i].start <= t && t < n.processes[i].end) mask |= 1 << i;
  let s = n.speedCache.get(mask);
  if (s === undefined) {
    s = nodeSpeeds(spec, threads, sens, n.processes.filter((_, i) => (mask >> i) & 1).map((p) => p.proc));
    n.speedCache.set(mask, s);
  }
  return s;
}

/** What a job finds on a node when it starts: page cache left by earlier jobs. */
function jobBaseline(rng: Rng, flushKBps: number): JobNodeBaseline {
  return {
    fileActiveKb: round4(rng.range(0.15, 2.5) * 1e6),
    fileInactiveKb: round4(rng.range(0.3, 6) * 1e6),
    slabDriftKb: round4(rng.range(-60_000, 120_000)),
    flushKBps,
  };
}

/** Lays one phase of the application on node k's activity. */
function layPhase(act: NodeActivity, p: Phase, tm: PhaseTiming, k: number, threads: number, poll: number, rng: Rng): void {
  const t0 = tm.start;
  const tc = t0 + tm.compute;
  const ts = tc + tm.serial;
  const ti = ts + tm.io;
  const end = ti + tm.comm;
  const nActive = p.cpu + p.mem > 0 ? Math.ceil(threads / Math.max(1, Math.round(1 / p.active))) : 0;

  // Kernel-side set-up or tear-down at the phase's start (spread over its first second).
  const setupEnd = Math.min(end, t0 + 1);
  act.spread("shmemKb", t0, setupEnd, p.shmemKb);
  act.spread("mappedKb", t0, setupEnd, p.mappedKb);
  act.spread("slabKb", t0, setupEnd, p.slabKb);
  act.spread("pageTablesKb", t0, setupEnd, p.pageTablesKb);
  act.spread("committedKb", t0, setupEnd, p.committedKb);
  act.spread("threads", t0, setupEnd, p.threads);
  act.spread("forks", t0, setupEnd, p.forks);
  act.spread("execFaults", t0, setupEnd, p.execFaults);
  act.spread("majorFaults", t0, setupEnd, p.majorFaults);

  // Compute window: all active threads busy until the first finishes, then fewer.
  if (tm.compute > 0) {
    const first = Math.min(tm.firstDone[k], tm.compute);
    const busy = tm.busy[k];
    const early = nActive * first;
    addBusy(act, t0, t0 + first, early, p.sysShare);
    addBusy(act, t0 + first, tc, Math.max(0, busy - early), p.sysShare);
    // Waiting happens where work does not: idle threads from the start, the others once done.
    const waiting = Math.max(0, threads * tm.compute - busy);
    const waitEarly = Math.min(waiting, (threads - nActive) * first);
    addWait(act, t0, t0 + first, waitEarly, poll);
    addWait(act, t0 + first, tc, waiting - waitEarly, poll);
    act.during("running", t0, t0 + first, nActive + (threads - nActive) * poll);
    const late = tc - (t0 + first);
    if (late > 0) act.during("running", t0 + first, tc, (busy - early) / late + (threads - (busy - early) / late) * poll);
    // Threads that sleep while waiting are woken once per phase: two switches each.
    act.spread("contextSwitches", t0, tc, 2 * (threads - 1) * (1 - poll));
  }
  if (tm.serial > 0) {
    const busyThreads = Math.max(1, threads * p.serialBusy);
    addBusy(act, tc, ts, busyThreads * tm.serial, p.sysShare);
    addWait(act, tc, ts, (threads - busyThreads) * tm.serial, poll);
    act.during("running", tc, ts, busyThreads + (threads - busyThreads) * poll);
  }
  if (tm.io > 0) {
    const writes = !p.writeNode0Only || k === 0;
    if (writes) {
      // Writers copy into the page cache (kernel), format output (user) and block on the client.
      act.spread("sys", ts, ti, threads * tm.io * 0.35);
      act.spread("user", ts, ti, threads * tm.io * 0.15);
      act.spread("iowait", ts, ti, threads * tm.io * 0.05);
      act.spread("writeKb", ts, ti, p.writeKb);
      act.spread("fileInactiveKb", ts, ti, p.writeKb);
      act.during("running", ts, ti, threads * 0.5);
      act.during("blocked", ts, ti, threads * 0.3);
    } else {
      addWait(act, ts, ti, threads * tm.io, poll);
      act.during("running", ts, ti, threads * poll);
    }
  }
  if (tm.comm > 0) {
    // Busy-polling MPI is user time; sleeping threads are idle. PSM2 bypasses the kernel.
    act.spread("user", ti, end, threads * tm.comm * poll);
    act.spread("sys", ti, end, threads * tm.comm * poll * 0.004);
    act.during("running", ti, end, Math.max(1, threads * poll));
  }

  // Memory: persistent changes during the work, churn and temporary buffers over the phase.
  const workEnd = tm.compute > 0 ? tc : end;
  act.spread("anonKb", t0, Math.max(workEnd, t0 + 0.5), p.anonKb);
  act.spread("churnKb", t0, end, p.churnKb);
  act.spread("contextSwitches", t0, end, p.contextSwitchesPerSecond * (end - t0));
  const reads = !p.readNode0Only || k === 0;
  if (reads && p.readKb > 0) {
    act.spread("fileInactiveKb", t0, end, p.readKb);
    // Pages read by every rank are referenced again at once and promoted to the active list.
    if (!p.readNode0Only) act.spread("fileActivateKb", t0, end, p.readKb * 0.5);
  }
  if (p.transientKb > 0) act.eachInstant(t0, end, (s) => {
    if (rng.chance(p.transientShare)) act.instants.transientKb[s] += p.transientKb;
  });
}

function addBusy(act: NodeActivity, a: number, b: number, threadSeconds: number, sysShare: number): void {
  act.spread("user", a, b, threadSeconds * (1 - sysShare));
  act.spread("sys", a, b, threadSeconds * sysShare);
}

function addWait(act: NodeActivity, a: number, b: number, threadSeconds: number, poll: number): void {
  act.spread("user", a, b, threadSeconds * poll);
}

/** Lays one anomaly process on its node: CPU, memory, start and end. */
function layProcess(act: NodeActivity, ap: ActiveProcess, timings: PhaseTiming[], k: number, index: number, appEnd: number, rng: Rng): void {
  const { proc } = ap;
  const start = Math.max(0, ap.start);
  // Whole-run anomalies are killed by the job's epilogue when the application ends.
  const end = Math.min(ap.end, appEnd + 0.5, act.length);
  if (!(end > start)) return;

  // CPU: what the process gets in each phase of the application (contention decides), full outside.
  let t = start;
  for (const tm of timings) {
    const phaseEnd = tm.start + tm.compute + tm.serial + tm.io + tm.comm;
    if (phaseEnd <= t || tm.start >= end) continue;
    const a = Math.max(t, tm.start);
    const b = Math.min(end, phaseEnd);
    if (a > t) addProcessCpu(act, t, a, proc.cpu, proc.sysShare);
    addProcessCpu(act, a, b, tm.processCpu[k][index] ?? proc.cpu, proc.sysShare);
    t = b;
  }
  if (end > t) addProcessCpu(act, t, end, proc.cpu, proc.sysShare);

  act.spread("contextSwitches", start, end, proc.contextSwitchesPerSecond * (end - start));
  act.eachInstant(start, end, (s) => {
    if (rng.chance(proc.runnable)) act.instants.running[s] += 1;
  });
  // Start: srun step and the HPAS process (fork, exec, its memory); end: all of it released.
  act.spread("forks", start, start, 2);
  act.spread("execFaults", start, start, 450);
  act.spread("threads", start, start, 1);
  act.spread("anonKb", start, Math.min(end, start + 0.5), proc.residentKb);
  act.spread("committedKb", start, start, proc.committedKb);
  // Page-table entries of the process itself and of the pages it maps to the zero page.
  const pageTablesKb = 120 + (proc.zeroPages * MEASURED.pageTableBytesPerPage) / 1024;
  act.spread("pageTablesKb", start, start, pageTablesKb);
  // Its first pass over a never-written array faults every page in (after the fill, ~0.5 s).
  act.spread("zeroPageFaults", Math.min(end, start + 0.5), Math.min(end, start + 1), proc.zeroPages);
  let leaked = 0;
  if (proc.leak !== null) {
    const kb = proc.leak.bytes / 1024;
    for (let e = start + proc.leak.interval; e < end; e += proc.leak.interval) {
      act.spread("leakKb", e, e, kb);
      leaked += kb;
    }
  }
  if (Number.isFinite(end) && end < act.length - 1e-9) {
    act.spread("anonKb", end, end, -proc.residentKb);
    act.spread("leakKb", end, end, -leaked);
    act.spread("committedKb", end, end, -proc.committedKb);
    act.spread("pageTablesKb", end, end, -pageTablesKb);
    act.spread("threads", end, end, -1);
  }
}

function addProcessCpu(act: NodeActivity, a: number, b: number, cpu: number, sysShare: number): void {
  act.spread("user", a, b, (b - a) * cpu * (1 - sysShare));
  act.spread("sys", a, b, (b - a) * cpu * sysShare);
}

/** Nominal length of a job on quiet nodes, s (for planning and progress totals). */
export function nominalJobSeconds(app: AppName, input: InputName, runtimeScale: number): number {
  const spec = inputSpec(app, input);
  const phases = APPS[app].phases(spec, new Rng(0), Math.max(30, spec.runtime * runtimeScale - 25));
  return phases.reduce((s, p) => s + nominalSeconds(p), 0);
}
