/**
 * Memory of the feature table at the paper's scale (DESIGN.md: ~24.7k node-runs, ~2 M
 * windows, 1716 features before selection, ~700 after), measured on a scaled table and
 * extrapolated by rows (columns are flat typed arrays, so bytes grow linearly), and
 * the time of KS/FDR selection on part of it.
 *
 *   node --expose-gc dist/bench/features-memory.js [--rows 200000] [--features 1716] [--storage float32]
 */
import { parseArgs } from "node:util";
import { FeatureTableBuilder, featureTableBytes, selectColumns, type FeatureStorage, type FeatureTable } from "../lib/features/table";
import { featureTableMemory } from "../lib/features/memory";
import { FeatureSelector } from "../lib/features/selector";
import { prng } from "./features-data";
import { WorkerPool } from "../lib/parallel/pool";

const PAPER_ROWS = 2_000_000;
const PAPER_FEATURES = 1716;
const PAPER_SELECTED = 700;
const GB = 1e9;

/** A full collection; array buffers are released by a task after it, so wait for that too. */
async function gc(): Promise<void> {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g === undefined) throw new Error("run with node --expose-gc");
  for (let i = 0; i < 3; i++) {
    g();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function mem(): { rss: number; buffers: number } {
  const m = process.memoryUsage();
  return { rss: m.rss, buffers: m.arrayBuffers };
}


/** A table built run by run as extraction builds it: 60 windows a run, 6 apps, 4 anomalies + healthy. */
function build(rows: number, features: number, storage: FeatureStorage): { table: FeatureTable; peakBuffers: number } {
  const names = Array.from({ length: features }, (_, f) => `f${f}`);
  const builder = new FeatureTableBuilder(names, storage);
  const index = Int32Array.from(names, (_, f) => f);
  const rand = prng(1);
  const perRun = 60;
  const block = new Float64Array(features * perRun);
  const ends = Float64Array.from({ length: perRun }, (_, k) => k * 15);
  const flags = new Uint8Array(perRun).fill(1);
  const apps = ["ExaMiniMD", "LAMMPS", "sw4", "sw4lite", "SWFFT", "HACC"];
  const anomalies = ["none", "none", "none", "cachecopy", "cpuoccupy", "membw", "memleak"];
  let peakBuffers = 0;
  for (let run = 0; run * perRun < rows; run++) {
    const count = Math.min(perRun, rows - run * perRun);
    const anomaly = anomalies[run % anomalies.length];
    const shift = anomaly === "none" ? 0 : 0.3 * (1 + anomalies.indexOf(anomaly));
    for (let f = 0; f < features; f++) for (let k = 0; k < count; k++) block[f * count + k] = rand() + (f % 3 === 0 ? shift : 0);
    builder.append({ nodeId: `n${run}`, jobId: `j${run}`, app: apps[run % apps.length], input: "", anomaly, intensity: "" }, count, block.subarray(0, features * count), ends, flags, index);
    if (run % 200 === 0) peakBuffers = Math.max(peakBuffers, mem().buffers);
  }
  const table = builder.finish();
  return { table, peakBuffers: Math.max(peakBuffers, mem().buffers) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { rows: { type: "string" }, features: { type: "string" }, storage: { type: "string" } } });
  const rows = Number(values.rows ?? 200_000);
  const features = Number(values.features ?? PAPER_FEATURES);
  const storage = (values.storage ?? "float32") as FeatureStorage;
  await gc();
  const before = mem();
  const t0 = performance.now();
  const { table, peakBuffers } = build(rows, features, storage);
  const buildSeconds = (performance.now() - t0) / 1000;
  await gc();
  const after = mem();
  const bytes = featureTableBytes(table);
  const scale = PAPER_ROWS / rows;
  console.log(`table ${rows} rows x ${features} features, ${storage}: ${(bytes / GB).toFixed(3)} GB in typed arrays (formula ${(featureTableMemory(rows, features, storage).totalBytes / GB).toFixed(3)} GB)`);
  console.log(`  measured: array buffers +${((after.buffers - before.buffers) / GB).toFixed(3)} GB after build, peak +${((peakBuffers - before.buffers) / GB).toFixed(3)} GB while growing; rss +${((after.rss - before.rss) / GB).toFixed(3)} GB; built in ${buildSeconds.toFixed(1)} s`);
  // Selection time first (100 columns, all rows), then keep ~700/1716 of the columns and drop the rest.
  const part = selectColumns(table, table.names.slice(0, Math.min(100, features)));
  const t1 = performance.now();
  const s = new FeatureSelector().fit(part);
  const secs = (performance.now() - t1) / 1000;
  const pool = new WorkerPool();
  const t2 = performance.now();
  await new FeatureSelector().fitParallel(part, undefined, pool);
  const parallelSecs = (performance.now() - t2) / 1000;
  await pool.close();
  const selected = selectColumns(table, table.names.slice(0, Math.round((PAPER_SELECTED / PAPER_FEATURES) * features)));
  table.columns = [];
  part.columns = [];
  await gc();
  const kept = mem();
  console.log(`  after keeping ${selected.names.length} columns (selection) and dropping the rest: array buffers +${((kept.buffers - before.buffers) / GB).toFixed(3)} GB`);
  console.log(`paper preset (${PAPER_ROWS} windows), extrapolated from the measurement (x${scale.toFixed(1)} rows):`);
  console.log(`  ${PAPER_FEATURES} features: ${(((after.buffers - before.buffers) * scale * PAPER_FEATURES) / features / GB).toFixed(2)} GB ${storage} (formula: float32 ${(featureTableMemory(PAPER_ROWS, PAPER_FEATURES, "float32").totalBytes / GB).toFixed(2)} GB, float64 ${(featureTableMemory(PAPER_ROWS, PAPER_FEATURES, "float64").totalBytes / GB).toFixed(2)} GB); peak while growing ${(((peakBuffers - before.buffers) * scale * PAPER_FEATURES) / features / GB).toFixed(2)} GB`);
  console.log(`  ${PAPER_SELECTED} features: ${(((kept.buffers - before.buffers) * scale * PAPER_SELECTED) / selected.names.length / GB).toFixed(2)} GB ${storage} (formula: float32 ${(featureTableMemory(PAPER_ROWS, PAPER_SELECTED, "float32").totalBytes / GB).toFixed(2)} GB)`);
  console.log(`selection: ${part.names.length} features x ${rows} windows, ${s.pairs.length} (app, anomaly) pairs in ${secs.toFixed(1)} s -> ${(((secs / part.names.length) * PAPER_FEATURES * scale) / 60).toFixed(1)} min single-threaded for ${PAPER_FEATURES} features x ${PAPER_ROWS} windows (linear in rows; sorting makes it slightly more); fitParallel on ${pool.size} threads ${parallelSecs.toFixed(1)} s -> ${(((parallelSecs / part.names.length) * PAPER_FEATURES * scale) / 60).toFixed(1)} min`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
