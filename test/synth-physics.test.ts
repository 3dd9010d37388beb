import { strict as assert } from "node:assert";
import { APP_NAMES, exampleRuns, ECLIPSE_NODE, logicalCpus, watermarks, METRICS, columnName } from "../lib/synth";
import type { NodeRun } from "../lib/telemetry";
import { mean, series } from "./support/synth-runs";

const CPU_STATES = ["user", "nice", "sys", "idle", "iowait", "irq", "softirq"].map((s) => `${s}::procstat`);
const CAPACITY = logicalCpus(ECLIPSE_NODE) * ECLIPSE_NODE.userHz;

/** One job per application (large inputs: several nodes, checkpoints) plus anomalies that move memory and CPU. */
function sampleRuns(): NodeRun[] {
  const runs: NodeRun[] = [];
  for (const app of APP_NAMES) runs.push(...exampleRuns({ app, input: "large", runtimeScale: 0.3, seed: 11 }).job);
  runs.push(...exampleRuns({ app: "sw4", input: "small", anomaly: "memleak", intensity: "s10M_p0.2", runtimeScale: 0.3, seed: 12 }).job);
  runs.push(...exampleRuns({ app: "HACC", input: "medium", anomaly: "cachecopy", intensity: "cL1_m1", runtimeScale: 0.3, seed: 13 }).job);
  runs.push(...exampleRuns({ app: "SWFFT", input: "small", anomaly: "membw", intensity: "s32K", runtimeScale: 0.3, seed: 14 }).job);
  return runs;
}

describe("synth: kernel accounting stays self-consistent", function () {
  this.timeout(120000);
  const runs = sampleRuns();

  it("writes every metric, integers for counters, nothing negative or missing", () => {
    for (const r of runs) {
      assert.deepEqual(r.metrics, METRICS.map(columnName));
      for (let m = 0; m < METRICS.length; m++) {
        const v = r.values[m];
        for (let t = 0; t < v.length; t++) {
          assert.ok(Number.isFinite(v[t]) && v[t] >= 0, `${r.metrics[m]} = ${v[t]} at ${t} on ${r.nodeId}`);
          if (METRICS[m].kind === "counter") assert.ok(Number.isInteger(v[t]), `${r.metrics[m]} = ${v[t]} is not a whole count`);
        }
      }
    }
  });

  it("CPU jiffies add up to CPUs x USER_HZ per sampling interval", () => {
    for (const r of runs) {
      const states = CPU_STATES.map((s) => series(r, s));
      let total = 0;
      for (let t = 0; t < r.timestamps.length; t++) {
        let sum = 0;
        for (const s of states) sum += s[t];
        // Sampling jitter (1 ms) makes an interval 0.997-1.003 s; the run's sum telescopes exactly.
        assert.ok(Math.abs(sum - CAPACITY) <= CAPACITY * 0.006, `${sum} jiffies in second ${t} of ${r.nodeId}`);
        total += sum;
      }
      assert.ok(Math.abs(total / r.timestamps.length - CAPACITY) < 0.5, `mean ${total / r.timestamps.length} jiffies/s`);
    }
  });

  it("meminfo identities hold exactly, and vmstat mirrors meminfo in pages", () => {
    const wm = watermarks(ECLIPSE_NODE);
    for (const r of runs) {
      const g = (m: string): Float64Array => series(r, `${m}::meminfo`);
      const v = (m: string): Float64Array => series(r, `${m}::vmstat`);
      const unaccounted = new Set<number>();
      for (let t = 0; t < r.timestamps.length; t++) {
        const used = g("AnonPages")[t] + g("Cached")[t] + g("Buffers")[t] + g("Slab")[t] + g("KernelStack")[t] + g("PageTables")[t];
        unaccounted.add(g("MemTotal")[t] - g("MemFree")[t] - used);
        assert.equal(g("Active")[t], g("Active(anon)")[t] + g("Active(file)")[t]);
        assert.equal(g("Inactive")[t], g("Inactive(anon)")[t] + g("Inactive(file)")[t]);
        assert.equal(g("Active(anon)")[t] + g("Inactive(anon)")[t], g("AnonPages")[t] + g("Shmem")[t]);
        assert.equal(g("Active(file)")[t] + g("Inactive(file)")[t], g("Cached")[t] + g("Buffers")[t] - g("Shmem")[t]);
        assert.equal(g("Slab")[t], g("SReclaimable")[t] + g("SUnreclaim")[t]);
        assert.ok(g("Mlocked")[t] <= g("Unevictable")[t]);
        assert.ok(g("MemAvailable")[t] <= g("MemTotal")[t] && g("MemFree")[t] >= wm.min);
        assert.equal(v("nr_free_pages")[t] * 4, g("MemFree")[t]);
        assert.equal(v("nr_anon_pages")[t] * 4, g("AnonPages")[t]);
        assert.equal(v("nr_active_anon")[t] * 4, g("Active(anon)")[t]);
        assert.equal(v("nr_inactive_file")[t] * 4, g("Inactive(file)")[t]);
        assert.equal(v("nr_file_pages")[t] * 4, g("Cached")[t] + g("Buffers")[t]);
        assert.equal(v("nr_shmem")[t] * 4, g("Shmem")[t]);
        assert.equal(v("nr_page_table_pages")[t] * 4, g("PageTables")[t]);
        assert.equal(v("nr_slab_reclaimable")[t] * 4, g("SReclaimable")[t]);
        assert.equal(v("nr_dirty")[t] * 4, g("Dirty")[t]);
        assert.equal(v("nr_kernel_stack")[t] * ECLIPSE_NODE.kernelStackKb, g("KernelStack")[t]);
      }
      // MemTotal = free + used + a constant the kernel does not itemise (as in the real data: 450-480 MB).
      assert.equal(unaccounted.size, 1, `unaccounted memory varies on ${r.nodeId}`);
      const [u] = [...unaccounted];
      assert.ok(u > 100_000 && u < 2_000_000, `unaccounted ${u} kB`);
    }
  });

  it("page allocations minus frees equal the fall of free pages; NUMA counters follow allocations", () => {
    for (const r of runs) {
      const free = series(r, "nr_free_pages::vmstat");
      const alloc = series(r, "pgalloc_normal::vmstat");
      const dma32 = series(r, "pgalloc_dma32::vmstat");
      const frees = series(r, "pgfree::vmstat");
      for (let t = 1; t < free.length; t++) {
        assert.equal(alloc[t] + dma32[t] - frees[t], free[t - 1] - free[t], `second ${t} of ${r.nodeId}`);
        assert.equal(series(r, "numa_hit::vmstat")[t], alloc[t] + dma32[t]);
        assert.equal(series(r, "numa_local::vmstat")[t], alloc[t] + dma32[t]);
      }
    }
  });

  it("interrupts follow busy CPUs (1000 Hz tick), as measured on the real node", () => {
    for (const r of runs.slice(0, 6)) {
      const busy = Float64Array.from(series(r, "user::procstat"), (u, t) => u + series(r, "sys::procstat")[t]);
      const intr = series(r, "hwintr_count::procstat");
      const ratio = mean(intr) / mean(busy);
      assert.ok(ratio > 9.8 && ratio < 11, `${ratio} interrupts per busy jiffy`);
    }
  });

  it("the ranks' launch and exit show: memory allocated, then released", () => {
    const r = exampleRuns({ app: "sw4lite", input: "small", runtimeScale: 0.3, seed: 3 }).healthy;
    const anon = series(r, "AnonPages::meminfo");
    const n = anon.length;
    assert.ok(anon[0] < 1e6, "before launch only daemons");
    assert.ok(mean(anon, 60, n - 60) > 7e6, "SW4lite's 7.5 GB footprint while it runs");
    assert.ok(anon[n - 1] < 1e6, "released at exit");
    assert.ok(series(r, "processes::procstat").slice(0, 10).reduce((a, b) => a + b, 0) >= 4, "srun forks the ranks");
  });
});
