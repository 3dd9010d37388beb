/**
 * The generator's identities and calibrated mechanisms, checked against the real LDMS runs
 * in ../shared/data/ldms-sw4lite (skipped when that folder is absent). The numbers the model
 * uses were measured by scripts/calibration/measure_sw4lite.py; these tests check that the
 * model's rules describe the real data.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { anomalyProcess, ECLIPSE_NODE, parseIntensity } from "../lib/synth";
import { MEASURED } from "../lib/synth/calibration";
import { parseCsv, ProblemLog } from "../lib/telemetry";
import { sharedData } from "./helpers";
import { slope } from "./support/synth-runs";

interface Sampler {
  time: Float64Array;
  get(metric: string): Float64Array;
}

/** One LDMS store_csv file, rows sorted by time (the real files' faults are salvaged by the parser). */
function loadSampler(file: string): Sampler {
  const parsed = parseCsv(fs.readFileSync(file), { file, textColumns: new Set(["ProducerName"]), problems: new ProblemLog() });
  const order = Array.from({ length: parsed.rows }, (_, i) => i).sort((a, b) => parsed.numeric[0]![a] - parsed.numeric[0]![b]);
  const column = (name: string): Float64Array => {
    const c = parsed.header.indexOf(name);
    if (c < 0) throw new Error(`${file} has no ${name}`);
    return Float64Array.from(order, (r) => parsed.numeric[c]![r]);
  };
  return { time: column("Time"), get: column };
}

const run = (dir: string, sampler: string): Sampler => loadSampler(path.join(dir, "data", sampler === "procstat" ? "process_metrics" : "memory_metrics", sampler));

describe("synth calibration: the model's rules hold in the real LDMS runs", () => {
  it("meminfo identities the generator keeps exactly hold in real /proc/meminfo", function () {
    const dir = sharedData(this, "ldms-sw4lite/SW4lite");
    const m = run(dir, "meminfo");
    const g = (k: string): Float64Array => m.get(k);
    let anonGap = 0;
    let fileGap = 0;
    for (let t = 0; t < m.time.length; t++) {
      assert.equal(g("Active")[t], g("Active(anon)")[t] + g("Active(file)")[t]);
      assert.equal(g("Slab")[t], g("SReclaimable")[t] + g("SUnreclaim")[t]);
      assert.equal(g("Inactive(anon)")[t], 0, "no swap: anonymous pages stay active");
      anonGap = Math.max(anonGap, Math.abs(g("Active(anon)")[t] - g("AnonPages")[t] - g("Shmem")[t]));
      fileGap = Math.max(fileGap, Math.abs(g("Active(file)")[t] + g("Inactive(file)")[t] - g("Cached")[t] - g("Buffers")[t] + g("Shmem")[t]));
    }
    // The kernel's per-CPU counters drift by a few pages between fields; the model keeps them exact.
    assert.ok(anonGap < 4096 && fileGap < 512, `${anonGap} ${fileGap}`);
  });

  it("jiffies add up to CPUs x USER_HZ x the sampling interval", function () {
    const dir = sharedData(this, "ldms-sw4lite/SW4lite");
    const p = run(dir, "procstat");
    const states = ["user", "nice", "sys", "idle", "iowait", "irq", "softirq"].map((s) => p.get(s));
    const cpus = p.get("cores_up")[0];
    let worst = 0;
    for (let t = 1; t < p.time.length; t++) {
      const dt = p.time[t] - p.time[t - 1];
      if (dt > 1.5) continue;
      const sum = states.reduce((s, x) => s + x[t] - x[t - 1], 0);
      worst = Math.max(worst, Math.abs(sum - cpus * 100 * dt));
    }
    assert.ok(worst <= 5 * MEASURED.jiffyAccountingResidual, `worst residual ${worst} jiffies`);
  });

  it("interrupts follow busy jiffies at the 1000 Hz tick the model uses", function () {
    const dir = sharedData(this, "ldms-sw4lite/SW4lite");
    const p = run(dir, "procstat");
    const busy: number[] = [];
    const intr: number[] = [];
    for (let t = 1; t < p.time.length; t++) {
      const d = (k: string): number => p.get(k)[t] - p.get(k)[t - 1];
      busy.push(d("user") + d("sys") + d("softirq") + d("irq") + d("nice"));
      intr.push(d("hwintr_count"));
    }
    // Busy seconds against quiet seconds: the difference of interrupts over the difference of busy jiffies.
    const hi = busy.map((b, i) => [b, intr[i]]).filter(([b]) => b > 1900);
    const lo = busy.map((b, i) => [b, intr[i]]).filter(([b]) => b < 200);
    const avg = (xs: number[][], j: number): number => xs.reduce((s, x) => s + x[j], 0) / xs.length;
    const perJiffy = (avg(hi, 1) - avg(lo, 1)) / (avg(hi, 0) - avg(lo, 0));
    assert.ok(Math.abs(perJiffy - MEASURED.interruptsPerBusyJiffy) < 0.4, `${perJiffy} interrupts per busy jiffy`);
  });

  it("memleak -s 10M: the real MemFree falls at the rate the model's allocation loop gives", function () {
    const dir = sharedData(this, "ldms-sw4lite/SW4lite_ML/ST59_ET439_s10M");
    const m = run(dir, "meminfo");
    const t0 = m.time[0];
    const rel = Float64Array.from(m.time, (t) => t - t0);
    // Inside the anomaly interval (59-439 s) while SW4lite still runs (until ~415 s).
    const from = rel.findIndex((t) => t >= 70);
    const to = rel.findIndex((t) => t >= 405);
    const free = m.get("MemFree");
    const measured = -slope(free, from, to); // kB per sample, samples 1 s apart
    const params = parseIntensity("memleak", "s10M_p0.2");
    if (params.type !== "memleak") throw new Error("unreachable");
    const model = params.sizeBytes / 1024 / anomalyProcess(params, ECLIPSE_NODE).leak!.interval;
    assert.ok(Math.abs(measured / model - 1) < 0.02, `real ${measured.toFixed(0)} kB/s, model ${model.toFixed(0)} kB/s`);
    // Page tables: 8 bytes per leaked page.
    const pt = -slope(m.get("PageTables"), from, to);
    assert.ok(Math.abs(-pt / (measured / 4) - MEASURED.pageTableBytesPerPage / 1024) < 0.0003);
  });
});
