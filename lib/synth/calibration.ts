/**
 * Magnitudes the generator takes from measurements, each with where it came from.
 * `scripts/calibration/measure_sw4lite.py` measured the real SW4lite runs in
 * ../shared/data/ldms-sw4lite (20 hardware threads, 64 GB, LDMS 1 Hz); the numbers and
 * the method are tabulated in lib/synth/README.md ("Calibration"). Hardware and HPAS facts
 * (cache sizes, HPAS loop structure) are cited there too.
 */

export const MEASURED = {
  /**
   * hwintr_count per non-idle jiffy: 9.72-9.93 in the five runs (least squares over the
   * application's seconds). A busy CPU takes the 1000 Hz scheduler tick (tickless idle),
   * i.e. 10 interrupts per USER_HZ jiffy.
   */
  interruptsPerBusyJiffy: 9.8,
  /** hwintr_count per context switch (same fit): 0.32-0.39 (wake-up IPIs). */
  interruptsPerContextSwitch: 0.35,
  /** Device interrupts per second on an otherwise quiet node (fit constant: 251-508). */
  deviceInterruptsPerSecond: 380,
  /** Residual standard deviation of that fit, interrupts/s (66-97). */
  interruptNoise: 80,
  /**
   * softirq_count per second: 210-260 on the quiet node (tail segments), 608-715 with the
   * 20 threads busy, i.e. about 0.19 per busy jiffy on top of the quiet rate.
   */
  softirqsQuietPerSecond: 235,
  softirqsPerBusyJiffy: 0.19,
  /** Standard deviation of one sample's time around its nominal second, ms (interval std 1.30-1.54 ms / sqrt 2). */
  samplingJitterMs: 1.0,
  /** memleak -s 10M -p 0.2 made 4.79 allocations per second, not 5: each loop takes 0.2 s plus 8.8 ms of work. */
  memleakWorkSecondsPer10MiB: 0.0088,
  /** Kernel time per anonymous page fault, s: the 1.7 extra sys jiffies/s of memleak over its 12 260 faults/s. */
  pageFaultSysSeconds: 1.39e-6,
  /** Page-table bytes per leaked 4 KiB page: PageTables grew 96 kB/s while AnonPages grew 49 050 kB/s (0.196 %). */
  pageTableBytesPerPage: 8,
  /**
   * cachecopy -c L2 -m 0.8 added 2.15 sys jiffies/s (2.2 % of its CPU): HPAS calls select()
   * with a zero timeout after every copy of the buffer. With the copy rate below, that gives
   * the cost of one such call.
   */
  cachecopySysShareL2m08: 0.0215,
  /**
   * Slowdown of the block-waiting SW4lite while an extra busy process shared its fully
   * subscribed node: cpuoccupy -u 95 lengthened the run by 21 s over 341 s (6.2 % while
   * active); spreading 0.95 CPU evenly over 20 threads explains 4.75 %, so waiting for the
   * thread that lost most time amplifies the loss by about 1.3.
   */
  blockWaitStraggleAmplification: 1.3,
  /** cachecopy -c L2 -m 0.8 cost 7.8 % while active, 2.8 points more than its CPU share explains. */
  cachecopyL2ExtraSlowdown: 0.028,
  /** SW4lite's idle share (8.6 %), dip rhythm (period 9-10 s, two dips per cycle) and thread context switches. */
  sw4liteIdleShare: 0.086,
  sw4liteCyclePeriodSeconds: 9,
  /** Jiffies of a sampling interval equal threads x USER_HZ x interval to within 0.85-0.91 jiffies (std). */
  jiffyAccountingResidual: 0.9,
} as const;

/** Documented hardware and software facts (not measured here), see README "Model facts". */
export const FACTS = {
  /** HPAS cpuoccupy: 0.25 s itimer period, busy u % of it, then select() sleeps the rest. */
  cpuoccupyPeriodSeconds: 0.25,
  /** HPAS memleak default period between allocations, s. */
  memleakDefaultPeriod: 0.2,
  /** A scalar double copy loop of one core: about one 8-byte load and store per cycle at 2.1 GHz. */
  copyBytesPerSecond: { L1: 16e9, L2: 14e9, L3: 10e9, memory: 5e9 },
  /**
   * HPAS membw's transposed copy with 8-byte non-temporal stores: each store is a partial
   * line write, so one core moves about 8 GB/s of DRAM traffic (Broadwell-EP estimate).
   */
  membwGBs: 8,
  /** Cache sizes of the Eclipse node's Xeon E5-2695 v4: 32 KiB L1d, 256 KiB L2 per core, 45 MiB L3 per socket. */
  cacheBytes: { L1: 32 * 1024, L2: 256 * 1024, L3: 45 * 1024 * 1024 },
  /** The calibration desktop's L2 (20 threads: an Alder Lake i7-12700H, 1.25 MiB L2 per P-core): used to derive the syscall cost. */
  calibrationL2Bytes: 1.25 * 1024 * 1024,
  /** Linux CFS gives two always-runnable tasks on one CPU half of it each. */
  timeShare: 0.5,
  /**
   * Throughput a thread keeps for its compute-bound and its memory-bound work while its
   * hyperthread sibling runs each HPAS program (estimates from what the loops use: an
   * integer/libc loop competes for execution ports, about 0.62 left for compute-bound code
   * (a pair of such threads reaches ~1.25x one); a streaming store loop mostly stalls, but
   * holds the core's fill buffers, hurting memory-bound work instead; a cache copy uses the
   * load/store ports and the private caches' bandwidth).
   */
  smtShare: {
    cpuoccupy: { compute: 0.62, memory: 0.92 },
    cachecopy: { compute: 0.72, memory: 0.8 },
    membw: { compute: 0.88, memory: 0.68 },
    memleak: { compute: 0.9, memory: 0.85 },
  },
} as const;

/**
 * Cost of one select(0) call, s, derived from the cachecopy measurement: the copy of
 * half of 0.8 x L2 at the L2 copy rate takes t, and sys / (t + sys) = 2.15 %.
 */
export function selectSyscallSeconds(): number {
  const copy = (0.8 * FACTS.calibrationL2Bytes) / 2 / FACTS.copyBytesPerSecond.L2;
  const f = MEASURED.cachecopySysShareL2m08;
  return (f * copy) / (1 - f);
}
