/**
 * The kernel's bookkeeping: turns a node's activity (activity.ts) into the values LDMS
 * samples from /proc/stat, /proc/meminfo and /proc/vmstat, keeping the kernel's identities:
 *
 * - CPU: jiffies of all states add up to CPUs x USER_HZ x the sampling interval (each
 *   counter is the floor of an exact cumulative sum, so they never fall and telescope);
 *   page faults cost kernel time (MEASURED.pageFaultSysSeconds); busy CPUs take the
 *   1000 Hz tick, so interrupts follow busy time (MEASURED.interruptsPerBusyJiffy).
 * - Memory: MemTotal = MemFree + AnonPages + Cached + Buffers + Slab + KernelStack +
 *   PageTables + a constant unaccounted part; Cached includes Shmem; Active(anon) =
 *   AnonPages + Shmem and Inactive(anon) = 0 (no swap, as on the real nodes); Active(file) +
 *   Inactive(file) = Cached + Buffers - Shmem; Slab = SReclaimable + SUnreclaim; PageTables
 *   grow 8 bytes per resident anonymous page; every vmstat page count is its meminfo kB / 4.
 * - vmstat events: pgfault = first touches of anonymous memory (growth, churn, exec);
 *   pgalloc - pgfree = the fall of nr_free_pages; numa_hit = numa_local = pgalloc (one
 *   NUMA node per socket, memory local).
 * - Pressure: below the high watermark kswapd reclaims page cache (pgscan/pgsteal); if
 *   anonymous memory alone would cross the min watermark, the OOM killer ends the largest
 *   anomalous allocator (memleak), as it would (its RSS outgrows every rank's).
 */
import type { NodeActivity } from "./activity";
import { MEASURED } from "./calibration";
import { METRICS, metricIndex } from "./metrics";
import { logicalCpus, watermarks, type NodeConstants, type NodeSpec } from "./node";
import type { Rng } from "./random";

/** What a job finds on a node when it starts. */
export interface JobNodeBaseline {
  fileActiveKb: number;
  fileInactiveKb: number;
  slabDriftKb: number;
  /** Lustre write-back bandwidth during this job (FLUSH_KBPS scaled by the file system's load), kB/s. */
  flushKBps: number;
}

/** Lustre write-back of one node's dirty pages on a quiet file system, kB/s; the lag of write-back and the time a flushed page stays under writeback, s. */
export const FLUSH_KBPS = 1.1e6;
const FLUSH_LAG_SECONDS = 1.5;
const WRITEBACK_SECONDS = 0.4;

const col = (name: string): number => metricIndex(name);
const C = {
  user: col("user::procstat"),
  sys: col("sys::procstat"),
  idle: col("idle::procstat"),
  iowait: col("iowait::procstat"),
  softirq: col("softirq::procstat"),
  ctxt: col("context_switches::procstat"),
  intr: col("hwintr_count::procstat"),
  softirqCount: col("softirq_count::procstat"),
  processes: col("processes::procstat"),
  running: col("procs_running::procstat"),
  blocked: col("procs_blocked::procstat"),
  memTotal: col("MemTotal::meminfo"),
  memFree: col("MemFree::meminfo"),
  memAvailable: col("MemAvailable::meminfo"),
  buffers: col("Buffers::meminfo"),
  cached: col("Cached::meminfo"),
  active: col("Active::meminfo"),
  inactive: col("Inactive::meminfo"),
  activeAnon: col("Active(anon)::meminfo"),
  inactiveAnon: col("Inactive(anon)::meminfo"),
  activeFile: col("Active(file)::meminfo"),
  inactiveFile: col("Inactive(file)::meminfo"),
  unevictable: col("Unevictable::meminfo"),
  mlocked: col("Mlocked::meminfo"),
  dirty: col("Dirty::meminfo"),
  writeback: col("Writeback::meminfo"),
  anonPages: col("AnonPages::meminfo"),
  mapped: col("Mapped::meminfo"),
  shmem: col("Shmem::meminfo"),
  slab: col("Slab::meminfo"),
  sReclaimable: col("SReclaimable::meminfo"),
  sUnreclaim: col("SUnreclaim::meminfo"),
  kernelStack: col("KernelStack::meminfo"),
  pageTables: col("PageTables::meminfo"),
  commitLimit: col("CommitLimit::meminfo"),
  committed: col("Committed_AS::meminfo"),
  vmallocUsed: col("VmallocUsed::meminfo"),
  vmallocChunk: col("VmallocChunk::meminfo"),
  nrFree: col("nr_free_pages::vmstat"),
  nrActiveAnon: col("nr_active_anon::vmstat"),
  nrInactiveAnon: col("nr_inactive_anon::vmstat"),
  nrActiveFile: col("nr_active_file::vmstat"),
  nrInactiveFile: col("nr_inactive_file::vmstat"),
  nrUnevictable: col("nr_unevictable::vmstat"),
  nrMlock: col("nr_mlock::vmstat"),
  nrAnon: col("nr_anon_pages::vmstat"),
  nrMapped: col("nr_mapped::vmstat"),
  nrFilePages: col("nr_file_pages::vmstat"),
  nrDirty: col("nr_dirty::vmstat"),
  nrWriteback: col("nr_writeback::vmstat"),
  nrSlabRecl: col("nr_slab_reclaimable::vmstat"),
  nrSlabUnrecl: col("nr_slab_unreclaimable::vmstat"),
  nrPageTable: col("nr_page_table_pages::vmstat"),
  nrKernelStack: col("nr_kernel_stack::vmstat"),
  nrShmem: col("nr_shmem::vmstat"),
  nrDirtyThreshold: col("nr_dirty_threshold::vmstat"),
  nrDirtyBgThreshold: col("nr_dirty_background_threshold::vmstat"),
  pgfault: col("pgfault::vmstat"),
  pgmajfault: col("pgmajfault::vmstat"),
  pgallocNormal: col("pgalloc_normal::vmstat"),
  pgallocDma32: col("pgalloc_dma32::vmstat"),
  pgfree: col("pgfree::vmstat"),
  numaHit: col("numa_hit::vmstat"),
  numaLocal: col("numa_local::vmstat"),
  pgactivate: col("pgactivate::vmstat"),
  pgdeactivate: col("pgdeactivate::vmstat"),
  pgpgout: col("pgpgout::vmstat"),
  pgscanKswapd: col("pgscan_kswapd_normal::vmstat"),
  pgscanDirect: col("pgscan_direct_normal::vmstat"),
  pgsteal: col("pgsteal_normal::vmstat"),
  kswapdSteal: col("kswapd_steal::vmstat"),
  pageoutrun: col("pageoutrun::vmstat"),
  allocstall: col("allocstall::vmstat"),
  slabsScanned: col("slabs_scanned::vmstat"),
  kswapdLow: col("kswapd_low_wmark_hit_quickly::vmstat"),
  pgrefill: col("pgrefill_normal::vmstat"),
};

/** Turns a counter's exact cumulative value into integer increments that never fall. */
class Counter {
  private cum = 0;
  private shown = 0;
  add(amount: number): number {
    this.cum += amount;
    const now = Math.floor(this.cum + 1e-9);
    const d = now - this.shown;
    this.shown = now;
    return d;
  }
  /** Takes back `n` already shown units (used when rounding would exceed a total). */
  takeBack(n: number): void {
    this.cum -= n;
    this.shown -= n;
  }
}

const r4 = (kb: number): number => 4 * Math.round(kb / 4);

/** Values of every metric (METRICS order) at each of the activity's samples. */
export function procfsSeries(spec: NodeSpec, consts: NodeConstants, base: JobNodeBaseline, act: NodeActivity, rng: Rng): Float64Array[] {
  const T = act.length;
  const values = METRICS.map(() => new Float64Array(T));
  const cpus = logicalCpus(spec);
  const hz = spec.userHz;
  const wm = watermarks(spec);
  const b = act.bins;
  const inst = act.instants;

  const cap = new Counter();
  const user = new Counter();
  const sys = new Counter();
  const iowait = new Counter();
  const forks = new Counter();
  const majflt = new Counter();

  let jitterPrev = rng.normal() * MEASURED.samplingJitterMs * 1e-3;
  let anonApp = 0;
  let leak = 0;
  let leakKilled = false;
  let fileActive = base.fileActiveKb;
  let fileInactive = base.fileInactiveKb;
  let shmem = consts.shmemKb;
  let mapped = consts.daemonMappedKb;
  let slabUnrecl = consts.slabUnreclaimableKb;
  let ptExplicit = consts.pageTablesKb;
  let committed = consts.committedKb;
  let threads = consts.baseThreads;
  let dirty = 0;
  let daemonWalk = 0;
  let prevFreePages = NaN;
  let prevAnonPages = NaN;
  let nextJournal = rng.range(2, 30);

  for (let k = 0; k < T; k++) {
    const jitter = rng.normal() * MEASURED.samplingJitterMs * 1e-3;
    const dt = 1 + jitter - jitterPrev;
    jitterPrev = jitter;

    // ---------------- memory levels at instant k
    anonApp = Math.max(0, anonApp + b.anonKb[k]);
    if (b.leakKb[k] > 0 && !leakKilled) leak += b.leakKb[k];
    else if (b.leakKb[k] < 0) leak = 0;
    const activated = Math.min(fileInactive, b.fileActivateKb[k]);
    fileInactive += b.fileInactiveKb[k] - activated;
    fileActive += activated;
    shmem = Math.max(consts.shmemKb, shmem + b.shmemKb[k]);
    mapped = Math.max(consts.daemonMappedKb, mapped + b.mappedKb[k]);
    slabUnrecl = Math.max(consts.slabUnreclaimableKb, slabUnrecl + b.slabKb[k]);
    ptExplicit = Math.max(consts.pageTablesKb, ptExplicit + b.pageTablesKb[k]);
    committed = Math.max(consts.committedKb, committed + b.committedKb[k]);
    threads = Math.max(consts.baseThreads, threads + b.threads[k]);
    // Daemons allocate and free a little now and then (mean-reverting).
    if (rng.chance(0.12)) daemonWalk += rng.gauss(-0.2 * daemonWalk, 180);
    const transient = inst.transientKb[k];
    // The Lustre client writes dirty pages back as they come, each within about
    // FLUSH_LAG_SECONDS, at most at its bandwidth; what was written last is still dirty.
    dirty += b.writeKb[k];
    const flushed = Math.min(dirty * (1 - Math.exp(-dt / FLUSH_LAG_SECONDS)), base.flushKBps * dt);
    dirty = dirty - flushed < 4 ? 0 : dirty - flushed;
    const writeback = r4(Math.min(flushed * WRITEBACK_SECONDS, dirty + flushed));

    let anon = r4(consts.daemonAnonKb + daemonWalk + anonApp + leak + transient);
    const slabRecl = r4(consts.slabReclaimableKb + base.slabDriftKb + 0.004 * (fileActive + fileInactive));
    const taskCount = Math.round(threads);
    const kernelStack = taskCount * spec.kernelStackKb;
    // Every resident anonymous page of the job and the anomalies (temporary buffers too) has a PTE.
    let pageTables = r4(ptExplicit + (anonApp + leak + transient) / 512);
    const buffers = consts.buffersKb;
    const fixed = consts.unaccountedKb + buffers + r4(slabUnrecl) + slabRecl + kernelStack;
    let free = spec.memTotalKb - fixed - anon - r4(fileActive) - r4(fileInactive) - r4(shmem) - pageTables;

    // ---------------- pressure: kswapd reclaims page cache; OOM kills a leaking process
    let stolen = 0;
    let deactivated = 0;
    if (free < wm.high) {
      let need = wm.high + 4096 - free;
      const fromInactive = Math.min(need, Math.max(0, fileInactive - 40_000));
      fileInactive -= fromInactive;
      need -= fromInactive;
      deactivated = Math.min(need, Math.max(0, fileActive - 40_000));
      fileActive -= deactivated;
      stolen = fromInactive + deactivated;
      free += r4(stolen);
    }
    if (free < wm.min && leak > 0) {
      leakKilled = true;
      const released = leak;
      leak = 0;
      anon = r4(anon - released);
      pageTables = r4(ptExplicit + (anonApp + transient) / 512);
      free = spec.memTotalKb - fixed - anon - r4(fileActive) - r4(fileInactive) - r4(shmem) - pageTables;
    }
    if (free < 0) throw new Error(`synthetic node ran out of memory at second ${k} (a plan the model cannot place)`);

    const fileActiveR = r4(fileActive);
    const fileInactiveR = r4(fileInactive);
    const shmemR = r4(shmem);
    const cached = fileActiveR + fileInactiveR + shmemR;
    const freePages = free / 4;
    const fileLru = fileActiveR + fileInactiveR + buffers;
    const available = Math.max(0, free - wm.reserve + (fileLru - Math.min(fileLru / 2, wm.low)) + (slabRecl - Math.min(slabRecl / 2, wm.low)));
    const dirtyable = Math.max(0, free + fileLru - wm.reserve) / 4;

    // ---------------- vmstat events of the interval
    const anonPages = anon / 4;
    const anonGrowth = Number.isNaN(prevAnonPages) ? 0 : Math.max(0, anonPages - prevAnonPages);
    prevAnonPages = anonPages;
    const churnPages = b.churnKb[k] / 4;
    const execFaults = b.execFaults[k];
    // Reads of never-written anonymous memory map the shared zero page: a fault, no new page.
    const faults = Math.round(anonGrowth + churnPages + execFaults + b.zeroPageFaults[k] + rng.poisson(6 * dt));
    const fileGrowth = Math.max(0, (b.fileInactiveKb[k] - 0) / 4);
    const kernelGrowth = Math.max(0, (b.slabKb[k] + b.pageTablesKb[k] + b.threads[k] * spec.kernelStackKb) / 4);
    let allocs = Math.round(anonGrowth + churnPages + 0.3 * execFaults + fileGrowth + kernelGrowth + rng.poisson(14 * dt));
    const dFree = Number.isNaN(prevFreePages) ? 0 : freePages - prevFreePages;
    prevFreePages = freePages;
    let frees = allocs + dFree;
    if (frees < 0) {
      allocs -= frees;
      frees = 0;
    }
    const dma32 = rng.poisson(0.02 * dt);

    // ---------------- CPU time of the interval (jiffies)
    const faultSys = faults * MEASURED.pageFaultSysSeconds;
    let userCs = b.user[k];
    let sysCs = b.sys[k] + consts.kernelSysShare + faultSys + stolen * 2e-7;
    let ioCs = b.iowait[k];
    const busy = userCs + sysCs + ioCs;
    if (busy > cpus) {
      // More demand than CPUs: time-sharing stretched the work; the CPUs are simply full.
      const f = cpus / busy;
      userCs *= f;
      sysCs *= f;
      ioCs *= f;
    }
    const total = cap.add(cpus * hz * dt);
    let dUser = user.add(userCs * hz * dt);
    const dSys = sys.add(sysCs * hz * dt);
    const dIowait = iowait.add(ioCs * hz * dt);
    const busyJiffies = dUser + dSys;
    let dSoftirq = rng.poisson(busyJiffies * 2e-4);
    let dIdle = total - dUser - dSys - dIowait - dSoftirq;
    if (dIdle < 0) {
      const cut = Math.min(dSoftirq, -dIdle);
      dSoftirq -= cut;
      dIdle += cut;
      if (dIdle < 0) {
        user.takeBack(-dIdle);
        dUser += dIdle;
        dIdle = 0;
      }
    }

    const ctxt = rng.poisson((consts.contextSwitchesPerSecond * dt + b.contextSwitches[k]) * rng.factor(0.25));
    const intr = Math.max(0, Math.round(MEASURED.interruptsPerBusyJiffy * (dUser + dSys) + MEASURED.interruptsPerContextSwitch * ctxt + consts.deviceInterruptsPerSecond * dt + rng.gauss(0, MEASURED.interruptNoise)));
    const softirqs = rng.poisson((MEASURED.softirqsQuietPerSecond * dt + MEASURED.softirqsPerBusyJiffy * (dUser + dSys)) * rng.factor(0.3));
    const running = sampleCount(rng, inst.running[k]) + 1 + (rng.chance(0.03) ? 1 : 0);
    const blocked = sampleCount(rng, inst.blocked[k]) + (rng.chance(0.004) ? 1 : 0);

    // Local journal flushes: a few KiB now and then (diskless otherwise).
    let pgpgout = 0;
    if (k >= nextJournal) {
      pgpgout = 4 * (1 + rng.poisson(6));
      nextJournal = k + rng.range(5, 40);
    }

    // ---------------- write the sample
    const v = (c: number, x: number): void => {
      values[c][k] = x;
    };
    v(C.user, dUser);
    v(C.sys, dSys);
    v(C.idle, dIdle);
    v(C.iowait, dIowait);
    v(C.softirq, dSoftirq);
    v(C.ctxt, ctxt);
    v(C.intr, intr);
    v(C.softirqCount, softirqs);
    v(C.processes, forks.add(b.forks[k] + rng.poisson(0.03 * dt)));
    v(C.running, running);
    v(C.blocked, blocked);

    v(C.memTotal, spec.memTotalKb);
    v(C.memFree, free);
    v(C.memAvailable, r4(available));
    v(C.buffers, buffers);
    v(C.cached, cached);
    v(C.activeAnon, anon + shmemR);
    v(C.inactiveAnon, 0);
    v(C.activeFile, fileActiveR + buffers);
    v(C.inactiveFile, fileInactiveR);
    v(C.active, anon + shmemR + fileActiveR + buffers);
    v(C.inactive, fileInactiveR);
    v(C.unevictable, consts.unevictableKb);
    v(C.mlocked, consts.mlockedKb);
    v(C.dirty, r4(dirty));
    v(C.writeback, writeback);
    v(C.anonPages, anon);
    v(C.mapped, r4(mapped));
    v(C.shmem, shmemR);
    v(C.slab, slabRecl + r4(slabUnrecl));
    v(C.sReclaimable, slabRecl);
    v(C.sUnreclaim, r4(slabUnrecl));
    v(C.kernelStack, kernelStack);
    v(C.pageTables, pageTables);
    v(C.commitLimit, r4(spec.memTotalKb / 2));
    v(C.committed, r4(committed + anonApp + leak + daemonWalk + transient));
    v(C.vmallocUsed, consts.vmallocUsedKb);
    v(C.vmallocChunk, consts.vmallocChunkKb);

    v(C.nrFree, freePages);
    v(C.nrActiveAnon, (anon + shmemR) / 4);
    v(C.nrInactiveAnon, 0);
    v(C.nrActiveFile, (fileActiveR + buffers) / 4);
    v(C.nrInactiveFile, fileInactiveR / 4);
    v(C.nrUnevictable, consts.unevictableKb / 4);
    v(C.nrMlock, consts.mlockedKb / 4);
    v(C.nrAnon, anonPages);
    v(C.nrMapped, r4(mapped) / 4);
    v(C.nrFilePages, (cached + buffers) / 4);
    v(C.nrDirty, r4(dirty) / 4);
    v(C.nrWriteback, writeback / 4);
    v(C.nrSlabRecl, slabRecl / 4);
    v(C.nrSlabUnrecl, r4(slabUnrecl) / 4);
    v(C.nrPageTable, pageTables / 4);
    v(C.nrKernelStack, taskCount);
    v(C.nrShmem, shmemR / 4);
    v(C.nrDirtyThreshold, Math.floor(dirtyable * spec.dirtyRatio));
    v(C.nrDirtyBgThreshold, Math.floor(dirtyable * spec.dirtyBackgroundRatio));

    v(C.pgfault, faults);
    v(C.pgmajfault, majflt.add(b.majorFaults[k]));
    v(C.pgallocNormal, allocs - Math.min(allocs, dma32));
    v(C.pgallocDma32, Math.min(allocs, dma32));
    v(C.pgfree, frees);
    v(C.numaHit, allocs);
    v(C.numaLocal, allocs);
    v(C.pgactivate, Math.round(b.fileActivateKb[k] / 4) + rng.poisson(0.4 * dt));
    v(C.pgdeactivate, Math.round(deactivated / 4));
    v(C.pgpgout, pgpgout);
    const stolenPages = Math.round(stolen / 4);
    v(C.pgscanKswapd, Math.round(stolenPages * 1.25));
    v(C.pgsteal, stolenPages);
    v(C.kswapdSteal, stolenPages);
    v(C.pgrefill, Math.round(deactivated / 4));
    v(C.pageoutrun, stolenPages > 0 ? 1 : 0);
    v(C.kswapdLow, stolenPages > 0 && rng.chance(0.3) ? 1 : 0);
    v(C.slabsScanned, stolenPages > 0 ? 128 * (1 + rng.poisson(4)) : 0);
    v(C.pgscanDirect, 0);
    v(C.allocstall, 0);
  }
  return values;
}

/** An integer count at an instant from an expected (possibly fractional) count. */
function sampleCount(rng: Rng, expected: number): number {
  const whole = Math.floor(expected);
  return whole + (rng.chance(expected - whole) ? 1 : 0);
}
