import { strict as assert } from "node:assert";
import { classifyMetric, guessSampler, isCounter, isCounterName, looksCumulative, samplerFamily, splitMetricName } from "../lib/telemetry/counters";

describe("telemetry: counter catalogue", () => {
  it("knows the procstat counters and levels", () => {
    for (const m of ["user", "nice", "sys", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice", "hwintr_count", "context_switches", "processes", "softirq_count"]) assert.ok(isCounter(m, "procstat"), m);
    for (const m of ["cores_up", "cpu_enabled", "procs_running", "procs_blocked"]) assert.ok(!isCounter(m, "procstat"), m);
  });

  it("treats every meminfo field as a level, even ones named like totals", () => {
    for (const m of ["MemFree", "MemTotal", "AnonPages", "Committed_AS", "HugePages_Total", "SomethingNew_total"]) assert.ok(!isCounter(m, "meminfo"), m);
  });

  it("splits vmstat into nr_* levels (with their event-count exceptions) and event counters", () => {
    for (const m of ["nr_free_pages", "nr_active_anon", "nr_dirty_threshold", "nr_unstable", "workingset_nodes"]) assert.ok(!isCounter(m, "vmstat"), m);
    for (const m of ["pgfault", "pgmajfault", "pgalloc_normal", "numa_hit", "nr_dirtied", "nr_written", "nr_tlb_remote_flush", "workingset_refault_file", "thp_fault_alloc", "compact_stall", "oom_kill"]) assert.ok(isCounter(m, "vmstat"), m);
  });

  it("maps sampler versions to their family", () => {
    assert.equal(samplerFamily("procstat2"), "procstat");
    assert.equal(samplerFamily("meminfo_v2"), "meminfo");
    assert.ok(isCounter("user", "procstat2"));
    assert.ok(isCounter("AR_NIC_NETMON_ORB_EVENT_CNTR_REQ_FLITS", "metric_set_nic"));
    assert.ok(isCounter("RDMA_rx_bytes", "cray_aries_r"));
    assert.ok(!isCounter("current_freemem", "cray_aries_r"));
    assert.ok(!isCounter("power(W)", "cray_aries_r"));
    assert.ok(isCounter("energy(J)", "cray_aries_r"));
    assert.ok(!isCounter("load1min", "loadavg"));
    assert.ok(isCounter("reads_comp", "procdiskstats") && !isCounter("ios_in_progress", "procdiskstats"));
  });

  it("classifies unknown metrics by name pattern, else as levels, and says which rule decided", () => {
    assert.deepEqual(classifyMetric("rx_bytes#eth0", "mynet"), { kind: "counter", basis: "name-pattern" });
    assert.deepEqual(classifyMetric("dropped_total", "custom"), { kind: "counter", basis: "name-pattern" });
    assert.deepEqual(classifyMetric("temperature", "custom"), { kind: "level", basis: "default" });
    assert.deepEqual(classifyMetric("MemFree", "meminfo"), { kind: "level", basis: "catalogue" });
    assert.deepEqual(classifyMetric("future_field", "procstat"), { kind: "level", basis: "default" });
  });

  it("places bare names in their sampler and splits full names", () => {
    assert.equal(guessSampler("MemFree"), "meminfo");
    assert.equal(guessSampler("Active(anon)"), "meminfo");
    assert.equal(guessSampler("context_switches"), "procstat");
    assert.equal(guessSampler("pgfault"), "vmstat");
    assert.equal(guessSampler("nr_mapped"), "vmstat");
    assert.equal(guessSampler("RDMA_nrx"), undefined);
    assert.deepEqual(splitMetricName("MemFree::meminfo"), { metric: "MemFree", sampler: "meminfo" });
    assert.deepEqual(splitMetricName("MemFree"), { metric: "MemFree", sampler: "" });
    assert.ok(isCounterName("user::procstat") && isCounterName("pgfault") && !isCounterName("MemFree"));
  });

  it("sees cumulative-looking values only with enough rising steps and no fall", () => {
    const rising = Float64Array.from({ length: 40 }, (_, i) => i * 3);
    assert.ok(looksCumulative(rising));
    assert.ok(!looksCumulative(rising.subarray(0, 20)), "too few samples");
    const flat = Float64Array.from({ length: 40 }, (_, i) => (i % 4 === 0 ? i : i - (i % 4)));
    assert.ok(!looksCumulative(flat), "rises in under half the steps");
    const fall = Float64Array.from(rising);
    fall[30] = 0;
    assert.ok(!looksCumulative(fall));
  });
});
