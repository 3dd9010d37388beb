/**
 * Which metrics are cumulative counters (stored as per-second differences, DESIGN.md)
 * and which are levels (stored as sampled).
 *
 * The decision is made from the metric's name and sampler only, never from the values
 * of one run: every node-run of a data set, and a model bundle trained on it, must
 * treat a metric the same way, and a level that only grows during a run (memory under
 * `memleak`) would look exactly like a counter. Evidence in the data is used only to
 * warn (see `looksCumulative`).
 *
 * Order of the rules:
 *  1. the catalogue of known samplers (`meminfo`, `vmstat`, `procstat`, network, disk,
 *     Lustre, InfiniBand, Cray Aries samplers), from the kernel's documentation of
 *     /proc/meminfo, /proc/vmstat, /proc/stat, /proc/net/dev, /proc/diskstats;
 *  2. for a metric the catalogue does not know, name patterns that mean "events so
 *     far" (`rx_`/`tx_` prefixes, `_bytes`, `_packets`, `_errs`, `_drop`, `_count`,
 *     `_total`, `EVENT_CNTR`, ...);
 *  3. otherwise a level. Differencing a level destroys what it says (the slope of a
 *     leak becomes a small constant), while keeping a counter as sampled still leaves
 *     its trend visible, so the default errs towards "level".
 */

export type MetricKind = "counter" | "level";

export interface MetricClass {
  kind: MetricKind;
  /** Which rule decided: the sampler catalogue, a name pattern, or the default. */
  basis: "catalogue" | "name-pattern" | "default";
}

/** Splits `<metric>::<sampler>`; a bare name has sampler "". */
export function splitMetricName(name: string): { metric: string; sampler: string } {
  const at = name.lastIndexOf("::");
  return at < 0 ? { metric: name, sampler: "" } : { metric: name.slice(0, at), sampler: name.slice(at + 2) };
}

/**
 * The catalogue family of a sampler name: LDMS schema names carry versions and
 * instance suffixes (`procstat2`, `meminfo_v2`, `vmstat.1`), the catalogue does not.
 */
export function samplerFamily(sampler: string): string {
  const s = sampler.toLowerCase();
  for (const family of ["procstat", "meminfo", "vmstat", "procnetdev", "procdiskstats", "loadavg", "sysclassib", "procnfs", "procinterrupts", "lnet_stats", "lustre", "metric_set_nic", "aries_nic_mmr", "aries_rtr_mmr", "cray_aries_r", "cray_gemini_r", "edac", "dstat", "opa2"]) {
    if (s.startsWith(family)) return family;
  }
  return s;
}

// /proc/stat: cumulative jiffies per CPU state and event totals since boot.
const PROCSTAT_COUNTERS = new Set(["user", "nice", "sys", "system", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice", "hwintr_count", "intr", "context_switches", "ctxt", "processes", "softirq_count"]);
const PROCSTAT_LEVELS = new Set(["cores_up", "cpu_enabled", "procs_running", "procs_blocked", "btime"]);

// /proc/vmstat: `nr_*` entries are current page counts (levels) except these event counts.
const VMSTAT_NR_COUNTERS = new Set([
  "nr_dirtied",
  "nr_written",
  "nr_throttled_written",
  "nr_vmscan_write",
  "nr_vmscan_immediate_reclaim",
  "nr_foll_pin_acquired",
  "nr_foll_pin_released",
  "nr_tlb_remote_flush",
  "nr_tlb_remote_flush_received",
  "nr_tlb_local_flush_all",
  "nr_tlb_local_flush_one",
]);
// ... and everything else in /proc/vmstat counts events, except these levels.
const VMSTAT_OTHER_LEVELS = new Set(["workingset_nodes"]);

// /proc/meminfo: every field is a current amount. The list also lets a bare name be
// placed in its sampler (`guessSampler`).
const MEMINFO_FIELDS = new Set([
  "MemTotal", "MemFree", "MemAvailable", "MemUsed", "Buffers", "Cached", "SwapCached", "Active", "Inactive", "Active(anon)", "Inactive(anon)", "Active(file)", "Inactive(file)",
  "Unevictable", "Mlocked", "HighTotal", "HighFree", "LowTotal", "LowFree", "MmapCopy", "SwapTotal", "SwapFree", "Zswap", "Zswapped", "Dirty", "Writeback", "AnonPages", "Mapped",
  "Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim", "KernelStack", "ShadowCallStack", "PageTables", "SecPageTables", "Quicklists", "NFS_Unstable", "Bounce",
  "WritebackTmp", "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk", "Percpu", "EarlyMemtestBad", "HardwareCorrupted", "AnonHugePages",
  "ShmemHugePages", "ShmemPmdMapped", "FileHugePages", "FilePmdMapped", "CmaTotal", "CmaFree", "Unaccepted", "HugePages_Total", "HugePages_Free", "HugePages_Rsvd",
  "HugePages_Surp", "Hugepagesize", "Hugetlb", "DirectMap4k", "DirectMap2M", "DirectMap4M", "DirectMap1G",
]);

// Cray Aries `cray_aries_r`: gauges among its counters.
const ARIES_LEVELS = /^(current_freemem|power\(W\)|freshness|loadavg_|nettopo_|cpu_|mem_)/;

// Names that mean "events so far" in samplers the catalogue does not cover.
const COUNTER_NAME = /^(rx|tx)_|_(rx|tx)_|_(bytes|packets|pkts|errs|errors|drop|drops|dropped|flits|cnt|count|total|ops|calls|faults|reqs|requests|retries|timeouts|jiffies)$|EVENT_CNTR|_CNTR_|^(bytes|packets|reads|writes)_|\(J\)$/;

/** The kind of a metric from its name and sampler (rules in this module's comment). */
export function classifyMetric(metric: string, sampler: string): MetricClass {
  const family = samplerFamily(sampler);
  const catalogue = (counter: boolean): MetricClass => ({ kind: counter ? "counter" : "level", basis: "catalogue" });
  switch (family) {
    case "meminfo":
      return catalogue(false);
    case "vmstat":
      if (metric.startsWith("nr_")) return catalogue(VMSTAT_NR_COUNTERS.has(metric));
      return catalogue(!VMSTAT_OTHER_LEVELS.has(metric));
    case "procstat":
      if (PROCSTAT_COUNTERS.has(metric)) return catalogue(true);
      if (PROCSTAT_LEVELS.has(metric)) return catalogue(false);
      break;
    case "loadavg":
      return catalogue(false);
    case "procdiskstats":
      return catalogue(metric !== "ios_in_progress" && !metric.startsWith("ios_in_progress"));
    case "procnetdev":
    case "sysclassib":
    case "procnfs":
    case "procinterrupts":
    case "lnet_stats":
    case "lustre":
    case "metric_set_nic":
    case "aries_nic_mmr":
    case "aries_rtr_mmr":
    case "edac":
    case "opa2":
      return catalogue(true);
    case "cray_aries_r":
    case "cray_gemini_r":
      return catalogue(!ARIES_LEVELS.test(metric));
  }
  if (COUNTER_NAME.test(metric)) return { kind: "counter", basis: "name-pattern" };
  return { kind: "level", basis: "default" };
}

/** True when `metric` of `sampler` is a cumulative counter (stored as per-second differences). */
export function isCounter(metric: string, sampler: string): boolean {
  return classifyMetric(metric, sampler).kind === "counter";
}

/** `isCounter` for a full `<metric>::<sampler>` name (a bare name is placed with `guessSampler`). */
export function isCounterName(name: string): boolean {
  const { metric, sampler } = splitMetricName(name);
  return isCounter(metric, sampler === "" ? guessSampler(metric) ?? "" : sampler);
}

const VMSTAT_NAME = /^(nr_|pg|pswp|numa_|workingset_|thp_|compact_|kswapd_|unevictable_pgs_|allocstall|balloon_|htlb_buddy|slabs_scanned$|pageoutrun$|drop_(pagecache|slab)$|oom_kill$|swap_ra|zone_reclaim|direct_map_|ksm_|cow_ksm$|zswp)/;

/**
 * The sampler a bare metric name (as in E2EWatch runtime CSVs) most likely came from:
 * `meminfo`, `vmstat` or `procstat`, or undefined when the name is not one of theirs.
 */
export function guessSampler(metric: string): string | undefined {
  if (MEMINFO_FIELDS.has(metric)) return "meminfo";
  if (PROCSTAT_COUNTERS.has(metric) || PROCSTAT_LEVELS.has(metric)) return "procstat";
  if (VMSTAT_NAME.test(metric)) return "vmstat";
  return undefined;
}

/**
 * Evidence that a metric classified as a level may be cumulative: over at least 30
 * valid samples it never decreases and rises in at least half of the steps. Used only
 * for warnings (see the module comment for why not for the decision).
 */
export function looksCumulative(values: Float64Array): boolean {
  let steps = 0;
  let rises = 0;
  let prev = NaN;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    if (!Number.isNaN(prev)) {
      if (v < prev) return false;
      steps++;
      if (v > prev) rises++;
    }
    prev = v;
  }
  return steps >= 30 && rises * 2 >= steps;
}

/** One paragraph for reports: how counters were told from levels. */
export const COUNTER_RULE =
  "Counters are decided by name, the same for every run: a catalogue of meminfo (all levels), vmstat (nr_* levels except event counts such as nr_dirtied; everything else counts events, except workingset_nodes), procstat (CPU-time jiffies, context_switches, processes, interrupts are counters; cores_up, cpu_enabled, procs_running, procs_blocked are levels) and common LDMS samplers (network, disk, Lustre, InfiniBand, Cray Aries); unknown metrics are counters when their name says 'events so far' (rx_/tx_, _bytes, _packets, _errs, _drop, _count, _total, EVENT_CNTR, ...), else levels. Values that look cumulative in a metric treated as a level are reported, not reclassified.";
