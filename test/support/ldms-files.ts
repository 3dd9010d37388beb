/** Writes small LDMS store_csv files for tests, in the layout store_csv produces. */
import * as fs from "node:fs";
import * as path from "node:path";

export interface SamplerRow {
  /** Seconds (with a fraction, as LDMS records the sampling time). */
  t: number;
  values: (number | string)[];
  producer?: string;
  component?: string | number;
  job?: string | number;
}

export interface SamplerSpec {
  /** File path relative to the root (its base name is the sampler). */
  file: string;
  metrics: string[];
  rows: SamplerRow[];
  producer?: string;
  component?: string | number;
  job?: string | number;
  /** Cut the file this many bytes before its end (a file copied while being written). */
  cutBytes?: number;
}

/** The text of one sampler file. */
export function samplerText(spec: SamplerSpec): string {
  const header = `#Time,Time_usec,ProducerName,component_id,job_id,app_id,${spec.metrics.join(",")}\n`;
  const lines = spec.rows.map((r) => {
    const usec = Math.round((r.t - Math.floor(r.t)) * 1e6);
    const producer = r.producer ?? spec.producer ?? "node-a";
    const component = r.component ?? spec.component ?? 1;
    const job = r.job ?? spec.job ?? 0;
    return `${r.t.toFixed(6)},${usec},${producer},${component},${job},0,${r.values.join(",")}\n`;
  });
  const text = header + lines.join("");
  return spec.cutBytes ? text.slice(0, text.length - spec.cutBytes) : text;
}

export function writeSampler(root: string, spec: SamplerSpec): string {
  const file = path.join(root, spec.file);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, samplerText(spec));
  return file;
}

/** Rows at 1 Hz from `start` with a sub-second offset, values from `f(i)`. */
export function rowsAt(start: number, count: number, f: (i: number) => (number | string)[], offset = 0.002): SamplerRow[] {
  return Array.from({ length: count }, (_, i) => ({ t: start + i + offset, values: f(i) }));
}

/**
 * A healthy three-sampler run like ldms-sw4lite's: meminfo (levels), vmstat and
 * procstat (counters and levels), one host, component ids 1, 2, 3 per sampler.
 */
export function writeRun(root: string, seconds = 40, start = 1700000000): void {
  writeSampler(root, { file: "data/memory_metrics/meminfo", component: 1, metrics: ["MemTotal", "MemFree"], rows: rowsAt(start, seconds, (i) => [65682500, 50000000 - 1000 * i]) });
  writeSampler(root, { file: "data/memory_metrics/vmstat", component: 2, metrics: ["nr_free_pages", "pgfault"], rows: rowsAt(start, seconds, (i) => [12000000 - i, 1000 + 50 * i], 0.0025) });
  writeSampler(root, {
    file: "data/process_metrics/procstat",
    component: 3,
    metrics: ["user", "context_switches", "procs_running", "per_core_user0", "per_core_user1"],
    rows: rowsAt(start, seconds, (i) => [5000 + 100 * i, 90000 + 2000 * i, 3, 10 * i, 20 * i], 0.0018),
  });
}
