/**
 * The project's own data set format (DESIGN.md, "Data set on disk"):
 *
 *   <dataset>/metadata.csv            node_id,job_id,app,input,anomaly,intensity,anomaly_start,anomaly_end[,...]
 *   <dataset>/telemetry/<job_id>.csv  job_id,node_id,timestamp,<metric>::<sampler>,...
 *
 * Telemetry files use E2EWatch's per-job layout: one row per node and second, values
 * already processed (counters as per-second differences). Files are written node by
 * node in time order; the reader accepts any row order.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../util/errors";
import { parseCsv } from "./csv";
import { ProblemLog } from "./problems";
import { firstLine } from "./sniff";
import type { NodeRun, RunLabel } from "./noderun";
import { unlabelled } from "./noderun";

export const METADATA_COLUMNS = ["node_id", "job_id", "app", "input", "anomaly", "intensity", "anomaly_start", "anomaly_end"] as const;
export const ID_COLUMNS = ["job_id", "node_id", "timestamp"] as const;

export interface MetadataRow {
  nodeId: string;
  jobId: string;
  label: RunLabel;
}

/** The file of one job's telemetry in a data set. */
export function jobFile(dataset: string, jobId: string): string {
  if (!/^[A-Za-z0-9._-]+$/.test(jobId)) throw new InputError(`job id '${jobId}' cannot name a file (use letters, digits, '.', '_' or '-')`);
  return path.join(dataset, "telemetry", `${jobId}.csv`);
}

// ---------------------------------------------------------------- metadata

function csvCell(value: string): string {
  if (/[",\n\r]/.test(value)) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/** Splits one metadata line, honouring double quotes (metadata is small; ids and names may be quoted). */
export function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      cells.push(cur);
      cur = "";
    } else cur += ch;
  }
  cells.push(cur);
  return cells;
}

function formatSeconds(v: number | null): string {
  return v === null ? "" : String(v);
}

export function metadataLine(row: MetadataRow, extraColumns: string[] = []): string {
  const l = row.label;
  const cells = [row.nodeId, row.jobId, l.app, l.input, l.anomaly, l.intensity, formatSeconds(l.anomalyStart), formatSeconds(l.anomalyEnd), ...extraColumns.map((c) => l.extra?.[c] ?? "")];
  return cells.map(csvCell).join(",");
}

/** Reads `metadata.csv`; bad rows are InputErrors naming file and line (labels must be right). */
export function readMetadata(dataset: string): { rows: MetadataRow[]; extraColumns: string[] } {
  const file = path.join(dataset, "metadata.csv");
  if (!fs.existsSync(file)) throw new InputError("no metadata.csv: not a data set folder (see DESIGN.md, 'Data set on disk')", { file });
  const lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim());
  const index = new Map(header.map((h, i) => [h, i]));
  for (const col of METADATA_COLUMNS) if (!index.has(col)) throw new InputError(`header lacks column '${col}'`, { file, line: 1 });
  const extraColumns = header.filter((h) => !(METADATA_COLUMNS as readonly string[]).includes(h));
  const rows: MetadataRow[] = [];
  const seen = new Set<string>();
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const cells = splitCsvLine(lines[i]);
    if (cells.length < header.length) throw new InputError(`${cells.length} cells where the header has ${header.length}`, { file, line: i + 1 });
    const get = (c: string): string => cells[index.get(c)!].trim();
    const seconds = (c: string): number | null => {
      const s = get(c);
      if (s === "") return null;
      const n = Number(s);
      if (!Number.isFinite(n) || n < 0) throw new InputError(`${c} must be seconds >= 0 or empty, got '${s}'`, { file, line: i + 1 });
      return n;
    };
    const nodeId = get("node_id");
    const jobId = get("job_id");
    if (nodeId === "" || jobId === "") throw new InputError("empty node_id or job_id", { file, line: i + 1 });
    const key = `${jobId}\u0000${nodeId}`;
    if (seen.has(key)) throw new InputError(`node ${nodeId} of job ${jobId} is listed twice`, { file, line: i + 1 });
    seen.add(key);
    const label: RunLabel = {
      app: get("app"),
      input: get("input"),
      anomaly: get("anomaly") || "none",
      intensity: get("intensity"),
      anomalyStart: seconds("anomaly_start"),
      anomalyEnd: seconds("anomaly_end"),
    };
    if (label.anomalyStart !== null && label.anomalyEnd !== null && label.anomalyEnd <= label.anomalyStart) {
      throw new InputError(`anomaly_end ${label.anomalyEnd} is not after anomaly_start ${label.anomalyStart}`, { file, line: i + 1 });
    }
    if (extraColumns.length > 0) label.extra = Object.fromEntries(extraColumns.map((c) => [c, get(c)]));
    rows.push({ nodeId, jobId, label });
  }
  return { rows, extraColumns };
}

// ---------------------------------------------------------------- telemetry files

/**
 * Text of a number in a telemetry file: empty for NaN, else the shortest form that
 * round-trips, cut to 15 significant digits when it is longer. Rates divided by a
 * time step that is not exactly one second come out with 17 digits; 15 keep a
 * relative error below 5e-15, make files smaller, and keep every cell on the
 * parser's exact fast path.
 */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "";
  const s = String(v);
  return s.length <= 15 ? s : String(Number(v.toPrecision(15)));
}

/** The CSV text of one job's node-runs (all must share the job id and the metric list). */
export function jobCsv(runs: NodeRun[]): string {
  return Buffer.from(jobCsvBytes(runs)).toString("utf8");
}

/**
 * The UTF-8 bytes of `jobCsv(runs)`, built byte by byte: whole numbers (almost every
 * cell of a telemetry file) are written digit by digit, other numbers through
 * `formatValue`, and nothing is concatenated per cell. What `DatasetWriter` writes.
 */
export function jobCsvBytes(runs: NodeRun[]): Uint8Array {
  if (runs.length === 0) throw new Error("jobCsv: no node-runs");
  const { jobId, metrics } = runs[0];
  for (const r of runs) {
    if (r.jobId !== jobId) throw new Error(`jobCsv: node-runs of jobs ${jobId} and ${r.jobId} in one file`);
    if (r.metrics.length !== metrics.length || r.metrics.some((m, i) => m !== metrics[i])) throw new Error(`jobCsv: node ${r.nodeId} has a different metric list`);
  }
  const out = new ByteWriter(64 + runs.reduce((n, r) => n + r.timestamps.length * (r.values.length + 3) * 9, 0));
  out.text([...ID_COLUMNS, ...metrics].join(","));
  for (const r of runs) {
    const prefix = Buffer.from(`\n${jobId},${r.nodeId},`, "utf8");
    const M = r.values.length;
    for (let t = 0; t < r.timestamps.length; t++) {
      out.bytes(prefix);
      // Room for the row's longest possible cells, so they need no bounds checks of their own.
      out.reserve((M + 1) * MAX_CELL);
      out.value(r.timestamps[t]);
      for (let m = 0; m < M; m++) {
        out.comma();
        out.value(r.values[m][t]);
      }
    }
  }
  out.text("\n");
  return out.result();
}

/** Longest text formatValue gives, with its comma (e.g. "-1.23456789012345e-300"). */
const MAX_CELL = 24;
/** Whole numbers below this are written digit by digit: at most 14 digits and a sign, within formatValue's 15 characters. */
const DIGIT_LIMIT = 1e14;

/** A growing byte buffer for CSV text. */
class ByteWriter {
  private buf: Uint8Array;
  private n = 0;

  constructor(capacity: number) {
    this.buf = new Uint8Array(Math.max(1024, capacity));
  }

  /** Makes room for `k` more bytes. */
  reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    grown.set(this.buf.subarray(0, this.n));
    this.buf = grown;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  text(s: string): void {
    this.bytes(Buffer.from(s, "utf8"));
  }

  comma(): void {
    this.buf[this.n++] = 44;
  }

  /** formatValue(v), written in place: the caller has reserved MAX_CELL bytes for it. */
  value(v: number): void {
    if (Number.isInteger(v) && v < DIGIT_LIMIT && v > -DIGIT_LIMIT) {
      this.integer(v);
      return;
    }
    const s = formatValue(v); // NaN, fractions, huge numbers: rare, plain ASCII
    for (let i = 0; i < s.length; i++) this.buf[this.n++] = s.charCodeAt(i);
  }

  private integer(v: number): void {
    const buf = this.buf;
    if (v < 0) {
      buf[this.n++] = 45; // "-"
      v = -v;
    }
    // -0 is written "0", as String(-0) does.
    let digits = 1;
    for (let p = 10; p <= v; p *= 10) digits++;
    let i = this.n + digits;
    this.n = i;
    if (v <= 0x7fffffff) {
      let x = v | 0;
      while (x >= 10) {
        const q = (x / 10) | 0;
        buf[--i] = 48 + x - q * 10;
        x = q;
      }
      buf[--i] = 48 + x;
    } else {
      while (v >= 10) {
        const q = Math.floor(v / 10);
        buf[--i] = 48 + v - q * 10;
        v = q;
      }
      buf[--i] = 48 + v;
    }
  }

  result(): Uint8Array {
    return this.buf.subarray(0, this.n);
  }
}

export interface JobReadResult {
  runs: NodeRun[];
  problems: ProblemLog;
}

/**
 * Reads one telemetry file in the contract layout. `labels` maps `node_id` to its
 * label (nodes without one are read as unlabelled and reported). Rows are grouped by
 * node and sorted by time; out-of-order and duplicate timestamps are reported (the
 * first of duplicates is kept).
 */
export function readJobCsv(file: string, labels?: Map<string, RunLabel>, problems = new ProblemLog()): JobReadResult {
  const parsed = parseCsv(readFileOrThrow(file), { file, textColumns: new Set(["job_id", "node_id"]), problems });
  const col = (name: string): number => parsed.header.indexOf(name);
  for (const id of ID_COLUMNS) if (col(id) < 0) throw new InputError(`header lacks column '${id}' (expected job_id,node_id,timestamp,<metric>::<sampler>...)`, { file, line: 1 });
  if (parsed.rows === 0) throw new InputError("no numeric data: a header but no data rows", { file, line: 2 });
  const metricCols = parsed.header.map((_, i) => i).filter((i) => !(ID_COLUMNS as readonly string[]).includes(parsed.header[i]));
  if (metricCols.length === 0) throw new InputError("no metric columns after job_id,node_id,timestamp", { file, line: 1 });
  const jobs = parsed.text[col("job_id")]!;
  const nodes = parsed.text[col("node_id")]!;
  const time = parsed.numeric[col("timestamp")]!;
  const metrics = metricCols.map((c) => parsed.header[c]);
  const columns = metricCols.map((c) => parsed.numeric[c]!);
  if (columns.every((v) => v.every((x) => Number.isNaN(x)))) throw new InputError("no numeric data: every metric cell is empty or not a number", { file, line: parsed.lineOf[0] });

  const runs: NodeRun[] = [];
  const addRun = (nodeId: string, jobId: string, timestamps: Float64Array, values: Float64Array[]): void => {
    const label = labels?.get(nodeId);
    if (labels !== undefined && label === undefined) problems.add({ file, kind: "unlabelled-node", message: `node ${nodeId} has no row in metadata.csv`, action: "read it as unlabelled" });
    runs.push({ nodeId, jobId, label: label ?? unlabelled(), timestamps, metrics: [...metrics], values });
  };

  // Files we write hold each node in one block of rows in time order: then every
  // column of a node-run is one contiguous copy. Anything else takes the general path.
  const blocks = nodeBlocks(nodes, time);
  if (blocks !== undefined) {
    for (const { start, end } of blocks) {
      addRun(nodes[start], jobs[start], time.slice(start, end), columns.map((v) => v.slice(start, end)));
    }
    return { runs, problems };
  }

  const byNode = new Map<string, number[]>();
  for (let r = 0; r < parsed.rows; r++) {
    if (Number.isNaN(time[r])) {
      problems.add({ file, line: parsed.lineOf[r], kind: "bad-timestamp", message: "timestamp is missing or not a number", action: "dropped the line" }, "timestamp");
      continue;
    }
    let list = byNode.get(nodes[r]);
    if (list === undefined) byNode.set(nodes[r], (list = []));
    list.push(r);
  }
  for (const [nodeId, rowsOfNode] of byNode) {
    let ordered = rowsOfNode;
    let outOfOrder = 0;
    for (let k = 1; k < rowsOfNode.length; k++) if (time[rowsOfNode[k]] < time[rowsOfNode[k - 1]]) outOfOrder++;
    if (outOfOrder > 0) {
      ordered = [...rowsOfNode].sort((a, b) => time[a] - time[b] || a - b);
      problems.add({ file, kind: "out-of-order", message: `node ${nodeId}: ${outOfOrder} row(s) earlier than the row before`, action: "sorted by timestamp" });
    }
    const kept: number[] = [];
    for (const r of ordered) {
      if (kept.length > 0 && time[kept[kept.length - 1]] === time[r]) {
        problems.add({ file, line: parsed.lineOf[r], kind: "duplicate-timestamp", message: `node ${nodeId}: timestamp ${time[r]} repeated`, action: "kept the first row" }, nodeId);
        continue;
      }
      kept.push(r);
    }
    addRun(nodeId, jobs[rowsOfNode[0]], gather(time, kept), columns.map((v) => gather(v, kept)));
  }
  return { runs, problems };
}

/**
 * The row range of each node when every node's rows are one block with strictly
 * increasing, valid timestamps; undefined otherwise. The parser hands out one string
 * object per run of equal ids, so `!==` between neighbours finds block ends cheaply.
 */
function nodeBlocks(nodes: string[], time: Float64Array): { start: number; end: number }[] | undefined {
  const blocks: { start: number; end: number }[] = [];
  const seen = new Set<string>();
  let start = 0;
  for (let r = 1; r <= nodes.length; r++) {
    if (r < nodes.length && nodes[r] === nodes[start]) {
      if (!(time[r] > time[r - 1])) return undefined; // out of order, repeated or NaN
      continue;
    }
    if (Number.isNaN(time[start]) || seen.has(nodes[start])) return undefined;
    seen.add(nodes[start]);
    blocks.push({ start, end: r });
    start = r;
  }
  return blocks;
}

function gather(src: Float64Array, rows: number[]): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
  return out;
}

/** A file's bytes; a missing or unreadable file is an InputError naming it. */
export function readFileOrThrow(file: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a folder, not a file" : err.code === "EACCES" ? "permission denied" : err.message;
    throw new InputError(why, { file });
  }
}

// ---------------------------------------------------------------- data sets

/** A job ready to write: its nodes' ids and labels, and its telemetry file's bytes. */
export interface FormattedJob {
  jobId: string;
  nodes: { nodeId: string; label: RunLabel }[];
  csv: Uint8Array;
}

/** Formats a job for `DatasetWriter.addFormattedJob`: the costly part of writing, so a worker can do it. */
export function formatJob(runs: NodeRun[]): FormattedJob {
  const csv = jobCsvBytes(runs);
  return { jobId: runs[0].jobId, nodes: runs.map((r) => ({ nodeId: r.nodeId, label: r.label })), csv };
}

/**
 * Writes a data set job by job, so a large one never has to be in memory. Rows of
 * metadata.csv follow the order of `addJob` calls; with `append`, an existing data
 * set is extended (its metadata header must be the contract's).
 */
export class DatasetWriter {
  readonly dir: string;
  private readonly metadataFile: string;
  private readonly known = new Set<string>();

  constructor(dir: string, { append = false }: { append?: boolean } = {}) {
    this.dir = dir;
    this.metadataFile = path.join(dir, "metadata.csv");
    try {
      fs.mkdirSync(path.join(dir, "telemetry"), { recursive: true });
    } catch (e) {
      throw new InputError(`cannot create the data set folder: ${fsReason(e)}`, { file: dir });
    }
    if (append && fs.existsSync(this.metadataFile)) {
      for (const row of readMetadata(dir).rows) this.known.add(`${row.jobId}\u0000${row.nodeId}`);
    } else {
      writeOrThrow(this.metadataFile, METADATA_COLUMNS.join(",") + "\n");
    }
  }

  /** Writes one job's telemetry file and appends its nodes to metadata.csv. */
  addJob(runs: NodeRun[]): void {
    if (runs.length === 0) return;
    this.addFormattedJob(formatJob(runs));
  }

  /** Writes a job that `formatJob` made (possibly on a worker thread), as `addJob` would. */
  addFormattedJob(job: FormattedJob): void {
    const file = jobFile(this.dir, job.jobId);
    if (fs.existsSync(file)) throw new InputError(`job ${job.jobId} is already in the data set`, { file });
    for (const r of job.nodes) {
      const key = `${job.jobId}\u0000${r.nodeId}`;
      if (this.known.has(key)) throw new InputError(`node ${r.nodeId} of job ${job.jobId} is already in the data set`, { file: this.metadataFile });
      this.known.add(key);
    }
    writeOrThrow(file, job.csv);
    writeOrThrow(this.metadataFile, job.nodes.map((r) => metadataLine({ nodeId: r.nodeId, jobId: job.jobId, label: r.label }) + "\n").join(""), true);
  }

  /** Metric names of the first job already in the data set (its file's header), if any. */
  firstJobMetrics(): string[] | undefined {
    for (const { jobId } of datasetJobs(this.dir)) {
      const file = jobFile(this.dir, jobId);
      if (!fs.existsSync(file)) continue;
      return firstLine(file)
        .split(",").map((h) => h.trim()).filter((h) => !(ID_COLUMNS as readonly string[]).includes(h));
    }
    return undefined;
  }
}

function fsReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === "ENOTDIR") return "a part of the path is a file, not a folder";
  if (err.code === "EACCES" || err.code === "EPERM") return "permission denied";
  if (err.code === "EROFS") return "read-only file system";
  if (err.code === "ENOSPC") return "no space left on the device";
  return err.message;
}

function writeOrThrow(file: string, text: string | Uint8Array, append = false): void {
  try {
    if (append) fs.appendFileSync(file, text);
    else fs.writeFileSync(file, text);
  } catch (e) {
    throw new InputError(`cannot write: ${fsReason(e)}`, { file });
  }
}

/** Job ids of a data set in metadata order, with each job's labels by node. */
export function datasetJobs(dataset: string): { jobId: string; labels: Map<string, RunLabel> }[] {
  const jobs = new Map<string, Map<string, RunLabel>>();
  for (const row of readMetadata(dataset).rows) {
    let labels = jobs.get(row.jobId);
    if (labels === undefined) jobs.set(row.jobId, (labels = new Map()));
    labels.set(row.nodeId, row.label);
  }
  return [...jobs].map(([jobId, labels]) => ({ jobId, labels }));
}

/**
 * Reads a data set one job at a time (memory stays bounded by the largest job).
 * A job listed in metadata.csv without a telemetry file is reported and skipped.
 */
export function* readDataset(dataset: string, problems = new ProblemLog()): Generator<NodeRun[]> {
  for (const { jobId, labels } of datasetJobs(dataset)) {
    const file = jobFile(dataset, jobId);
    if (!fs.existsSync(file)) {
      problems.add({ file, kind: "missing-file", message: `job ${jobId} is in metadata.csv but has no telemetry file`, action: "skipped the job" });
      continue;
    }
    const { runs } = readJobCsv(file, labels, problems);
    for (const nodeId of labels.keys()) {
      if (!runs.some((r) => r.nodeId === nodeId)) problems.add({ file, kind: "missing-node", message: `node ${nodeId} is in metadata.csv but not in the file`, action: "skipped the node" });
    }
    yield runs;
  }
}
