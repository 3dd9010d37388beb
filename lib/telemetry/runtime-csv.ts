/**
 * Reader for E2EWatch's runtime CSVs: what its RuntimePredictor diagnoses, monitoring
 * data pulled while jobs run. A node column (`component_id`, or `node_id`), a
 * `timestamp` column in milliseconds, metric columns with bare names (`MemFree`) or
 * full ones (`MemFree::meminfo`), optionally `job_id`, and possibly the index columns
 * pandas writes (an unnamed first column, `Unnamed: 0`), which are ignored.
 *
 * - Times: milliseconds as E2EWatch writes them; seconds, micro- and nanoseconds are
 *   recognised by size. Each node's rows go onto the 1 Hz grid like LDMS samples
 *   (grid.ts: sorted, duplicates and short gaps handled, all reported).
 * - Values are kept as given: E2EWatch's predictor feeds them to its features without
 *   differencing, so counters in these files are taken to be rates already.
 * - A bare metric name gets the sampler it belongs to when it is a meminfo, vmstat or
 *   procstat field (counters.ts `guessSampler`), else `runtime`, so names match those
 *   of models trained on `<metric>::<sampler>` data.
 */
import * as path from "node:path";
import { parseCsv } from "./csv";
import { readFileOrThrow } from "./contract";
import { guessSampler } from "./counters";
import { alignNode, orderSeries, toSeconds, type GridOptions } from "./grid";
import { safeId } from "./ldms-files";
import { unlabelled, type NodeRun } from "./noderun";
import type { ProblemLog } from "./problems";
import { InputError } from "../util/errors";

const NODE_COLUMNS = ["component_id", "node_id", "CompId", "ProducerName"];
const JOB_COLUMNS = ["job_id", "jobid"];
const TIME_COLUMNS = ["timestamp", "Timestamp", "time", "Time"];

/** True when a header names a node column and a time column (the runtime layout). */
export function isRuntimeHeader(cells: string[]): boolean {
  return cells.some((c) => NODE_COLUMNS.includes(c)) && cells.some((c) => TIME_COLUMNS.includes(c));
}

/** Columns pandas adds for its index. */
function isIndexColumn(name: string): boolean {
  return name === "" || name === "index" || /^Unnamed: \d+$/.test(name);
}

/** Full metric name of a runtime column. */
export function runtimeMetricName(column: string): string {
  if (column.includes("::")) return column;
  return `${column}::${guessSampler(column) ?? "runtime"}`;
}

/** Reads a runtime CSV: node-runs grouped by job (the file's name when it has no job column). */
export function readRuntimeCsv(file: string, problems: ProblemLog, options: GridOptions = {}): NodeRun[][] {
  const textColumns = new Set([...NODE_COLUMNS, ...JOB_COLUMNS]);
  const parsed = parseCsv(readFileOrThrow(file), { file, textColumns, problems });
  const h = parsed.header;
  const nodeCol = NODE_COLUMNS.map((c) => h.indexOf(c)).find((i) => i >= 0) ?? -1;
  const timeCol = TIME_COLUMNS.map((c) => h.indexOf(c)).find((i) => i >= 0) ?? -1;
  const jobCol = JOB_COLUMNS.map((c) => h.indexOf(c)).find((i) => i >= 0) ?? -1;
  if (nodeCol < 0 || timeCol < 0) throw new InputError("header needs a node column (component_id or node_id) and a timestamp column", { file, line: 1 });
  if (parsed.rows === 0) throw new InputError("no numeric data: a header but no data rows", { file, line: 2 });
  const metricCols: number[] = [];
  for (let c = 0; c < h.length; c++) {
    if (c === nodeCol || c === timeCol || c === jobCol || textColumns.has(h[c]) || isIndexColumn(h[c])) continue;
    if (parsed.badCells[c] === parsed.rows) {
      problems.add({ file, kind: "text-column", message: `column ${h[c]} holds no numbers`, action: "dropped the column" });
      continue;
    }
    metricCols.push(c);
  }
  if (metricCols.length === 0) throw new InputError("no numeric metric columns", { file, line: 1 });
  const names = metricCols.map((c) => runtimeMetricName(h[c]));
  const time = toSeconds(parsed.numeric[timeCol]!);
  const nodes = parsed.text[nodeCol]!;
  const jobs = jobCol >= 0 ? parsed.text[jobCol]! : undefined;
  const fallbackJob = safeId(path.basename(file).replace(/\.csv$/i, ""));

  // Rows per (job, node), in file order.
  const groups = new Map<string, { job: string; node: string; rows: number[] }>();
  for (let r = 0; r < parsed.rows; r++) {
    const job = jobs?.[r] || fallbackJob;
    const key = `${job}\u0000${nodes[r]}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { job, node: nodes[r], rows: [] }));
    g.rows.push(r);
  }
  const byJob = new Map<string, NodeRun[]>();
  for (const { job, node, rows } of groups.values()) {
    const take = (src: Float64Array): Float64Array => Float64Array.from(rows, (r) => src[r]);
    const series = orderSeries({ sampler: "", file, times: take(time), metrics: names, columns: metricCols.map((c) => take(parsed.numeric[c]!)), counters: names.map(() => false) }, node, problems);
    const grid = alignNode([series], node, problems, options);
    if (grid === undefined) continue;
    const list = byJob.get(job) ?? [];
    list.push({ nodeId: node, jobId: safeId(job), label: unlabelled(), timestamps: grid.timestamps, metrics: grid.metrics, values: grid.values, sourceStart: grid.firstSecond });
    byJob.set(job, list);
  }
  return [...byJob.values()];
}
