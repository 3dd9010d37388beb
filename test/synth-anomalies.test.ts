import { strict as assert } from "node:assert";
import { anomalyProcess, ECLIPSE_NODE, exampleRuns, formatIntensity, hpasCommand, parseIntensity, type AnomalyProcess } from "../lib/synth";
import { nodeSpeeds } from "../lib/synth/contention";
import { InputError } from "../lib/util/errors";
import { mean, series, slope } from "./support/synth-runs";

describe("synth: HPAS anomaly parameters", () => {
  it("parses and prints intensities as in the real runs' folder names", () => {
    for (const [type, text] of [["cpuoccupy", "u95"], ["cachecopy", "cL2_m0.8"], ["membw", "s32K"], ["memleak", "s10M_p0.2"], ["memleak", "s1G_p1.5"]] as const) {
      assert.equal(formatIntensity(parseIntensity(type, text)), text);
    }
    assert.deepEqual(parseIntensity("memleak", "s10M"), { type: "memleak", sizeBytes: 10 * 1024 * 1024, period: 0.2 });
    assert.equal(hpasCommand(parseIntensity("cachecopy", "cL3_m1")), "hpas cachecopy -c L3 -m 1");
    for (const [type, text] of [["cpuoccupy", "u0"], ["cpuoccupy", "95"], ["cachecopy", "cL4_m1"], ["membw", "s4Q"], ["memleak", "s10M_p0"], ["dial", "u1"]]) {
      assert.throws(() => parseIntensity(type, text), (e: unknown) => e instanceof InputError && e.message.includes(text.length > 0 ? type : ""));
    }
  });

  it("derives each program's footprint on the node from its loop", () => {
    const p = (type: string, text: string): AnomalyProcess => anomalyProcess(parseIntensity(type, text), ECLIPSE_NODE);
    // cpuoccupy: busy u % of a core, two context switches per 0.25 s period when it sleeps.
    assert.equal(p("cpuoccupy", "u50").cpu, 0.5);
    assert.equal(p("cpuoccupy", "u50").contextSwitchesPerSecond, 8);
    assert.equal(p("cpuoccupy", "u100").contextSwitchesPerSecond, 0);
    // cachecopy: the select() after each copy is kernel time, more for smaller buffers; L3-sized streams DRAM.
    const l1 = p("cachecopy", "cL1_m1");
    const l2 = p("cachecopy", "cL2_m0.8");
    const l3 = p("cachecopy", "cL3_m1");
    assert.ok(l1.sysShare > 0.3 && l2.sysShare > 0.05 && l2.sysShare < 0.2 && l3.sysShare < 0.001, `${l1.sysShare} ${l2.sysShare} ${l3.sysShare}`);
    assert.ok(l1.memBandwidthGBs === 0 && l3.memBandwidthGBs > 5);
    // membw: only the destination array is resident; every store goes to DRAM.
    assert.equal(p("membw", "s32K").residentKb - p("membw", "s4K").residentKb, 128 * 1024 - 2 * 1024);
    // memleak -s 10M -p 0.2: 4.79 allocations per second on the real node.
    const leak = p("memleak", "s10M_p0.2");
    assert.ok(Math.abs(1 / leak.leak!.interval - 4.79) < 0.01, `${1 / leak.leak!.interval} allocations/s`);
  });
});

describe("synth: anomalies act through their mechanism", function () {
  this.timeout(120000);

  it("a memleak run's MemFree falls at the configured rate", () => {
    for (const [intensity, seed] of [["s10M_p0.2", 1], ["s1M_p0.2", 2], ["s20M_p0.5", 3]] as const) {
      const params = parseIntensity("memleak", intensity);
      if (params.type !== "memleak") throw new Error("unreachable");
      const expected = params.sizeBytes / 1024 / anomalyProcess(params, ECLIPSE_NODE).leak!.interval; // kB/s
      const { anomalous } = exampleRuns({ app: "sw4lite", input: "small", anomaly: "memleak", intensity, seed, runtimeScale: 0.4 });
      const free = series(anomalous, "MemFree::meminfo");
      const measured = -slope(free, 40, free.length - 40);
      assert.ok(Math.abs(measured / expected - 1) < 0.03, `${intensity}: MemFree falls ${measured.toFixed(0)} kB/s, expected ${expected.toFixed(0)}`);
      // Each allocation faults in its pages: 2560 per 10 MiB.
      const faults = mean(series(anomalous, "pgfault::vmstat"), 40, free.length - 40);
      assert.ok(faults > (expected / 4) * 0.97, `${faults} faults/s`);
    }
  });

  it("an idle-core node shows a cpuoccupy core as user time, and nothing else", () => {
    // SWFFT runs 32 ranks on 36 cores: the anomaly gets a core of its own and slows nobody.
    for (const [intensity, extra] of [["u100", 100], ["u50", 50]] as const) {
      const { anomalous, healthy } = exampleRuns({ app: "SWFFT", input: "small", anomaly: "cpuoccupy", intensity, seed: 5, runtimeScale: 0.4 });
      const n = Math.min(anomalous.timestamps.length, healthy.timestamps.length);
      const dUser = mean(series(anomalous, "user::procstat"), 60, n - 60) - mean(series(healthy, "user::procstat"), 60, n - 60);
      assert.ok(Math.abs(dUser - extra) < 4, `${intensity}: ${dUser} more user jiffies/s, expected ${extra}`);
      const dRunning = mean(series(anomalous, "procs_running::procstat"), 60, n - 60) - mean(series(healthy, "procs_running::procstat"), 60, n - 60);
      assert.ok(Math.abs(dRunning - extra / 100) < 0.15, `${intensity}: ${dRunning} more runnable tasks`);
      assert.ok(Math.abs(anomalous.timestamps.length - healthy.timestamps.length) <= 2, "the application is not slowed");
    }
  });

  it("an extra busy process slows a fully subscribed, busy-polling application through its straggler", () => {
    const cpu = anomalyProcess(parseIntensity("cpuoccupy", "u100"), ECLIPSE_NODE);
    const sens = { waitPoll: 1, bandwidthIntensity: 0.5, privateCacheReuse: 0.5, l3Reuse: 0.2 };
    const full = nodeSpeeds(ECLIPSE_NODE, 72, sens, [cpu]);
    assert.equal(Math.min(...full.compute), 0.5, "the thread sharing its CPU gets half of it");
    assert.equal(full.processCpu[0], 0.5);
    // With idle hyperthreads the intruder sits beside one thread: that one loses part of its core.
    const half = nodeSpeeds(ECLIPSE_NODE, 36, sens, [cpu]);
    assert.ok(Math.min(...half.compute) > 0.55 && Math.min(...half.compute) < 0.7);
    assert.equal(half.processCpu[0], 1);
    // Threads that sleep while waiting let the scheduler spread the intruder (SW4lite calibration).
    const block = nodeSpeeds(ECLIPSE_NODE, 72, { ...sens, waitPoll: 0 }, [cpu]);
    assert.ok(Math.abs(Math.min(...block.compute) - 1 / (1 + 1.3 / 72)) < 1e-9);
  });

  it("membw stretches memory-bound work of its socket only", () => {
    const bw = anomalyProcess(parseIntensity("membw", "s4K"), ECLIPSE_NODE);
    const s = nodeSpeeds(ECLIPSE_NODE, 32, { waitPoll: 1, bandwidthIntensity: 0.8, privateCacheReuse: 0.3, l3Reuse: 0.2 }, [bw]);
    // 32 threads leave four cores of socket 1 idle: socket 0's threads are untouched.
    assert.equal(s.memory[0], 1);
    assert.ok(s.memory[31] < 0.85 && s.compute[31] === 1, `${s.memory[31]} ${s.compute[31]}`);
  });

  it("cachecopy L1 shows its select() loop as kernel time", () => {
    // SWFFT leaves cores idle and writes nothing: the difference is the anomaly alone.
    const { anomalous, healthy } = exampleRuns({ app: "SWFFT", input: "small", anomaly: "cachecopy", intensity: "cL1_m1", seed: 8, runtimeScale: 0.4 });
    const n = Math.min(anomalous.timestamps.length, healthy.timestamps.length);
    const dSys = mean(series(anomalous, "sys::procstat"), 60, n - 60) - mean(series(healthy, "sys::procstat"), 60, n - 60);
    const share = anomalyProcess(parseIntensity("cachecopy", "cL1_m1"), ECLIPSE_NODE).sysShare;
    assert.ok(Math.abs(dSys - 100 * share) < 4, `${dSys} more sys jiffies/s, expected ${100 * share}`);
  });

  it("anomalies cover the whole run by default, or an interval when asked", () => {
    const whole = exampleRuns({ app: "ExaMiniMD", anomaly: "cpuoccupy", intensity: "u100", seed: 4, runtimeScale: 0.4 });
    assert.equal(whole.anomalous.label.anomalyStart, null);
    assert.equal(whole.anomalous.label.anomalyEnd, null);
    assert.equal(whole.anomalous.label.intensity, "u100");
    const part = exampleRuns({ app: "ExaMiniMD", input: "medium", anomaly: "cpuoccupy", intensity: "u100", seed: 4, runtimeScale: 0.4, start: 100, end: 160 });
    assert.equal(part.anomalous.label.anomalyStart, 100);
    assert.equal(part.anomalous.label.anomalyEnd, 160);
    const user = series(part.anomalous, "user::procstat");
    const base = series(part.healthy, "user::procstat");
    assert.ok(mean(user, 110, 150) - mean(base, 110, 150) > 90, "busy inside the interval");
    assert.ok(Math.abs(mean(user, 60, 95) - mean(base, 60, 95)) < 5, "quiet before it");
    assert.equal(part.job[1].label.anomaly, "cpuoccupy", "every node of the job runs the anomaly");
  });

  it("an anomaly on one node of a job slows its healthy nodes too", () => {
    // HPAS's single-node injection: the other nodes wait for the slow one at every synchronisation.
    const one = exampleRuns({ app: "ExaMiniMD", input: "medium", anomaly: "cpuoccupy", intensity: "u100", seed: 6, runtimeScale: 0.4, anomalousNodes: "first" });
    assert.equal(one.job[1].label.anomaly, "none");
    assert.ok(one.job[1].timestamps.length > one.healthy.timestamps.length * 1.1, `${one.job[1].timestamps.length} s against ${one.healthy.timestamps.length} s`);
    const all = exampleRuns({ app: "ExaMiniMD", input: "medium", anomaly: "cpuoccupy", intensity: "u100", seed: 6, runtimeScale: 0.4 });
    assert.equal(all.job[1].label.anomaly, "cpuoccupy");
    assert.throws(() => exampleRuns({ app: "ExaMiniMD", anomalousNodes: "some" as "all" }), InputError);
  });

  it("membw's source array maps the zero page: page faults and page tables, no resident memory", () => {
    // An interval anomaly starts inside the run, where its start-up is visible; sw4lite
    // makes few page faults of its own, so its slower steps hardly change the count.
    const opts = { app: "sw4lite", input: "small", anomaly: "membw", intensity: "s32K", seed: 9, runtimeScale: 0.4, start: 100, end: 170 } as const;
    const { anomalous, healthy } = exampleRuns(opts);
    const pages = (128 * 1024 * 1024) / 4096;
    const process = anomalyProcess(parseIntensity("membw", "s32K"), ECLIPSE_NODE);
    assert.equal(process.zeroPages, pages);
    const extra = (name: string, a: number, b: number): number => mean(series(anomalous, name), a, b) * (b - a) - mean(series(healthy, name), a, b) * (b - a);
    // The fill faults in the destination (and the program), the first pass maps the source to the zero page.
    const expected = process.residentKb / 4 + pages + 450;
    const faults = extra("pgfault::vmstat", 100, 103);
    assert.ok(Math.abs(faults / expected - 1) < 0.01, `${faults} extra faults at the start, expected ${expected}`);
    const level = (name: string): number => series(anomalous, name)[120] - series(healthy, name)[120];
    // (Daemons' small allocations differ between the two runs by a few hundred kB.)
    assert.ok(Math.abs(level("AnonPages::meminfo") - process.residentKb) < 1000, `AnonPages +${level("AnonPages::meminfo")} kB`);
    // 8 bytes of page table per mapped 4 KiB page, resident or zero page, and the process's own 120 kB.
    const tables = ((process.residentKb / 4 + pages) * 8) / 1024 + 120;
    assert.ok(Math.abs(level("PageTables::meminfo") - tables) < 10, `PageTables +${level("PageTables::meminfo")} kB, expected ${tables}`);
    assert.ok(Math.abs(level("Committed_AS::meminfo") - process.committedKb - process.residentKb) < 1000, `Committed_AS +${level("Committed_AS::meminfo")} kB`);
  });
});
