/**
 * The metrics the generator writes: the `meminfo`, `vmstat` and `procstat` metrics of
 * the published E2EWatch data sets (names exactly as LDMS writes them, see
 * ../shared/data/e2ewatch-sample/sample_data.csv), plus a few that newer LDMS sets carry
 * and the model produces anyway (MemTotal, MemAvailable, Buffers, Dirty, Writeback,
 * nr_dirty, nr_writeback, pgpgin, pgpgout). Cray Aries metrics and `per_core_*` columns
 * are not modelled.
 *
 * Columns are named `<metric>::<sampler>` and sorted by that name (byte order), as in the
 * E2EWatch files. Counters are written as per-second differences, levels as sampled.
 */

export type Sampler = "meminfo" | "vmstat" | "procstat";

export interface MetricSpec {
  name: string;
  sampler: Sampler;
  /** `counter`: cumulative in /proc, written as its increase over the sampling interval. */
  kind: "counter" | "level";
  /** Unit of the written value. */
  unit: "kB" | "pages" | "events" | "jiffies" | "tasks" | "KiB";
}

const MEMINFO_KB = [
  "Active", "Active(anon)", "Active(file)", "AnonPages", "Buffers", "Cached", "CommitLimit", "Committed_AS", "Dirty", "Inactive", "Inactive(anon)", "Inactive(file)",
  "KernelStack", "Mapped", "MemAvailable", "MemFree", "MemTotal", "Mlocked", "PageTables", "SReclaimable", "SUnreclaim", "Shmem", "Slab", "Unevictable", "VmallocChunk",
  "VmallocUsed", "Writeback",
];
const MEMINFO_PAGES = ["HugePages_Free", "HugePages_Rsvd", "HugePages_Surp", "HugePages_Total"];

const VMSTAT_LEVELS = [
  "nr_active_anon", "nr_active_file", "nr_anon_pages", "nr_dirty", "nr_dirty_background_threshold", "nr_dirty_threshold", "nr_file_pages", "nr_free_pages", "nr_inactive_anon",
  "nr_inactive_file", "nr_isolated_anon", "nr_isolated_file", "nr_kernel_stack", "nr_mapped", "nr_mlock", "nr_page_table_pages", "nr_shmem", "nr_slab_reclaimable",
  "nr_slab_unreclaimable", "nr_unevictable", "nr_writeback",
];
const VMSTAT_COUNTERS = [
  "allocstall", "compact_blocks_moved", "compact_pagemigrate_failed", "compact_pages_moved", "htlb_buddy_alloc_success", "kswapd_high_wmark_hit_quickly", "kswapd_inodesteal",
  "kswapd_low_wmark_hit_quickly", "kswapd_steal", "numa_foreign", "numa_hit", "numa_interleave", "numa_local", "numa_miss", "numa_other", "pageoutrun", "pgactivate",
  "pgalloc_dma32", "pgalloc_normal", "pgdeactivate", "pgfault", "pgfree", "pgmajfault", "pgpgin", "pgpgout", "pgrefill_dma32", "pgrefill_normal", "pgrotated",
  "pgscan_direct_dma32", "pgscan_direct_normal", "pgscan_kswapd_dma32", "pgscan_kswapd_normal", "pgsteal_dma32", "pgsteal_normal", "slabs_scanned",
  "unevictable_pgs_culled", "unevictable_pgs_mlocked", "unevictable_pgs_munlocked", "unevictable_pgs_rescued",
];
const PROCSTAT_JIFFIES = ["guest", "guest_nice", "idle", "iowait", "irq", "nice", "softirq", "sys", "user"];
const PROCSTAT_EVENTS = ["context_switches", "hwintr_count", "processes", "softirq_count"];
const PROCSTAT_LEVELS = ["procs_blocked", "procs_running"];

function specs(): MetricSpec[] {
  const out: MetricSpec[] = [];
  for (const name of MEMINFO_KB) out.push({ name, sampler: "meminfo", kind: "level", unit: "kB" });
  for (const name of MEMINFO_PAGES) out.push({ name, sampler: "meminfo", kind: "level", unit: "pages" });
  for (const name of VMSTAT_LEVELS) out.push({ name, sampler: "vmstat", kind: "level", unit: "pages" });
  for (const name of VMSTAT_COUNTERS) out.push({ name, sampler: "vmstat", kind: "counter", unit: name === "pgpgin" || name === "pgpgout" ? "KiB" : name.startsWith("pg") || name.startsWith("numa") || name.startsWith("unevictable") ? "pages" : "events" });
  for (const name of PROCSTAT_JIFFIES) out.push({ name, sampler: "procstat", kind: "counter", unit: "jiffies" });
  for (const name of PROCSTAT_EVENTS) out.push({ name, sampler: "procstat", kind: "counter", unit: "events" });
  for (const name of PROCSTAT_LEVELS) out.push({ name, sampler: "procstat", kind: "level", unit: "tasks" });
  return out.sort((a, b) => (columnName(a) < columnName(b) ? -1 : columnName(a) > columnName(b) ? 1 : 0));
}

export function columnName(m: MetricSpec): string {
  return `${m.name}::${m.sampler}`;
}

/** Every generated metric, in column order. */
export const METRICS: readonly MetricSpec[] = Object.freeze(specs());

/** Column names `<metric>::<sampler>` in file order. */
export const METRIC_COLUMNS: readonly string[] = Object.freeze(METRICS.map(columnName));

/** Column index of a metric by its `<metric>::<sampler>` name. */
export const METRIC_INDEX: ReadonlyMap<string, number> = new Map(METRIC_COLUMNS.map((c, i) => [c, i]));

/** Column index, or a thrown error naming an unknown metric (a programming error). */
export function metricIndex(column: string): number {
  const i = METRIC_INDEX.get(column);
  if (i === undefined) throw new Error(`unknown metric '${column}'`);
  return i;
}
