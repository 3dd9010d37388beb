/**
 * The published pandas HDF5 data sets, with their label CSVs, as node-runs.
 *
 * E2EWatch (Aksar et al.; layout taken from its loader, peaclab/E2EWatch
 * utils/datasets.py, which reads `pd.read_hdf(dir/'normal_data.hdf', 'normal_data')`
 * and `pd.read_csv(dir/'normal_labels.csv', index_col=['node_id'])`):
 *   normal_data.hdf / anomaly_data.hdf   frame indexed by (node_id, timestamp),
 *                                        columns `<metric>::<sampler>`, processed values
 *   normal_labels.csv / anomaly_labels.csv  node_id + app, anom (Volta) or
 *                                        appname, anomaly (Eclipse); other columns kept
 *   metadata.csv (Eclipse, optional)     node_id, jobid, problem_name (the input deck),
 *                                        anomaly_input (intensity)
 * Prodigy (peaclab/Prodigy src/data_pipeline.py and README):
 *   prod_train_data.hdf (and _test, _val)  rows with job_id, component_id, timestamp
 *                                        (as columns or index levels) and metric columns
 *   prod_train_label.csv                 job_id, component_id, binary_anom, and in the
 *                                        released set app_name, anom_name
 * Assumed (not visible in either repository): frames are in pandas' default fixed
 * format; `anom` holds names ("none", "memleak", ...) rather than codes; values are
 * stored as the data sets were published (E2EWatch: counters already differenced), so
 * they are read as they are, with no differencing. A node-run's job is the label's
 * job column (job_id/jobid) when there is one, else its node id (E2EWatch node ids
 * name one node of one run).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { splitCsvLine, METADATA_COLUMNS } from "./contract";
import { alignNode, orderSeries, type GridOptions } from "./grid";
import { safeId } from "./ldms-files";
import { unlabelled, type NodeRun, type RunLabel } from "./noderun";
import { isHdf5File, openPandasHdf, type PandasFrame } from "./pandas-hdf";
import type { ProblemLog } from "./problems";
import { runtimeMetricName } from "./runtime-csv";
import { firstLine } from "./sniff";

export type HdfLayout = "e2ewatch-hdf" | "prodigy-hdf";

const HDF_EXTENSION = /\.(hdf|h5|hdf5|he5)$/i;

/** HDF5 data files at `p`: the file itself, or the HDF5 files directly in the folder. */
export function findHdfFiles(p: string): string[] {
  if (fs.statSync(p).isFile()) return isHdf5File(p) ? [p] : [];
  return fs
    .readdirSync(p)
    .filter((name) => HDF_EXTENSION.test(name))
    .sort()
    .map((name) => path.join(p, name))
    .filter((f) => fs.statSync(f).isFile() && isHdf5File(f));
}

/** The label CSV of a data file: `X_data.hdf` -> `X_labels.csv` or `X_label.csv` beside it. */
export function labelFileFor(dataFile: string): string | undefined {
  const dir = path.dirname(dataFile);
  const stem = path.basename(dataFile).replace(HDF_EXTENSION, "");
  const bases = [stem.replace(/_data$/, ""), stem];
  for (const base of bases) {
    for (const suffix of ["_labels.csv", "_label.csv"]) {
      const f = path.join(dir, base + suffix);
      if (fs.existsSync(f)) return f;
    }
  }
  return undefined;
}

/** Prodigy when labels (or names) key node-runs by job_id and component_id; E2EWatch otherwise. */
export function hdfLayout(files: string[]): HdfLayout {
  for (const f of files) {
    const labels = labelFileFor(f);
    const header = labels === undefined ? [] : splitCsvLine(firstLine(labels)).map((h) => h.trim());
    if (header.includes("component_id") || /^prod_/.test(path.basename(f))) return "prodigy-hdf";
  }
  return "e2ewatch-hdf";
}

const HEALTHY = new Set(["", "0", "none", "None", "normal", "healthy", "NONE"]);

interface LabelTable {
  file: string;
  byKey: Map<string, { label: RunLabel; jobId?: string; line: number }>;
  keyedByJob: boolean;
}

/** Reads a label CSV (E2EWatch or Prodigy columns) into labels keyed by node (or job and node). */
export function readLabelCsv(file: string, problems: ProblemLog): LabelTable {
  const lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.trim());
  const col = (...names: string[]): number => header.findIndex((h) => names.includes(h));
  const node = col("node_id", "component_id");
  const job = col("job_id", "jobid");
  const keyedByJob = header[node] === "component_id" && job >= 0;
  const known = new Set<number>();
  const take = (...names: string[]): number => {
    const c = col(...names);
    if (c >= 0) known.add(c);
    return c;
  };
  const app = take("app", "appname", "app_name");
  const anom = take("anom", "anomaly", "anom_name");
  const binary = take("binary_anom");
  const intensity = take("anomaly_input", "intensity", "anom_intensity");
  const input = take("input", "problem_name");
  [node, job].forEach((c) => known.add(c));
  const extra = header.map((_, i) => i).filter((i) => !known.has(i) && header[i] !== "" && !/^Unnamed: \d+$/.test(header[i]));
  const byKey = new Map<string, { label: RunLabel; jobId?: string; line: number }>();
  if (node < 0) {
    problems.add({ file, line: 1, kind: "bad-labels", message: "no node_id or component_id column", action: "read the data unlabelled" });
    return { file, byKey, keyedByJob };
  }
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].trim() === "") continue;
    const cells = splitCsvLine(lines[i]).map((c) => c.trim());
    const get = (c: number): string => (c >= 0 ? cells[c] ?? "" : "");
    let anomaly = get(anom);
    if (anomaly === "" && binary >= 0) anomaly = get(binary) === "0" ? "none" : "anomalous";
    if (HEALTHY.has(anomaly)) anomaly = "none";
    const label: RunLabel = { app: get(app), input: get(input), anomaly, intensity: anomaly === "none" ? "" : get(intensity), anomalyStart: null, anomalyEnd: null };
    if (extra.length > 0) label.extra = Object.fromEntries(extra.map((c) => [header[c], get(c)]));
    const key = keyedByJob ? `${get(job)}\u0000${get(node)}` : get(node);
    if (byKey.has(key)) {
      problems.add({ file, line: i + 1, kind: "duplicate-label", message: `node ${get(node)} is labelled twice`, action: "kept the first label" }, "dup");
      continue;
    }
    byKey.set(key, { label, jobId: job >= 0 ? get(job) : undefined, line: i + 1 });
  }
  return { file, byKey, keyedByJob };
}

/** Eclipse's metadata.csv beside the HDF files: job id and input deck per node (not our data set metadata). */
function readEclipseMetadata(dir: string): Map<string, { jobId: string; input: string; intensity: string }> | undefined {
  const file = path.join(dir, "metadata.csv");
  if (!fs.existsSync(file)) return undefined;
  const header = splitCsvLine(firstLine(file)).map((h) => h.trim());
  if (METADATA_COLUMNS.every((c) => header.includes(c)) || !header.includes("node_id")) return undefined;
  const node = header.indexOf("node_id");
  const job = header.findIndex((h) => h === "jobid" || h === "job_id");
  const input = header.indexOf("problem_name");
  const intensity = header.indexOf("anomaly_input");
  const out = new Map<string, { jobId: string; input: string; intensity: string }>();
  for (const line of fs.readFileSync(file, "utf8").split(/\r?\n/).slice(1)) {
    if (line.trim() === "") continue;
    const cells = splitCsvLine(line).map((c) => c.trim());
    out.set(cells[node], { jobId: job >= 0 ? cells[job] : "", input: input >= 0 ? cells[input] : "", intensity: intensity >= 0 ? cells[intensity] : "" });
  }
  return out;
}

const NODE_FIELDS = ["node_id", "component_id"];
const JOB_FIELDS = ["job_id", "jobid"];
const TIME_FIELDS = ["timestamp", "time", "Time"];

/** Reads HDF5 data files job by job (a job's nodes are read when it is yielded). */
export async function* readHdfJobs(files: string[], problems: ProblemLog, options: GridOptions = {}): AsyncGenerator<NodeRun[]> {
  for (const file of files) {
    const labelFile = labelFileFor(file);
    const labels = labelFile === undefined ? undefined : readLabelCsv(labelFile, problems);
    if (labelFile === undefined) problems.add({ file, kind: "no-labels", message: "no label CSV beside the data file (X_labels.csv or X_label.csv)", action: "read the node-runs unlabelled" });
    const eclipse = readEclipseMetadata(path.dirname(file));
    const hdf = await openPandasHdf(file, problems);
    try {
      if (hdf.frames.length === 0) problems.add({ file, kind: "no-frames", message: "no pandas fixed-format DataFrame in the file", action: "skipped the file" });
      const used = new Set<string>();
      for (const frame of hdf.frames) yield* frameJobs(frame, labels, eclipse, used, problems, options);
      if (labels !== undefined) {
        const unused = [...labels.byKey.keys()].filter((k) => !used.has(k));
        if (unused.length > 0) problems.add({ file: labels.file, kind: "missing-node", message: `${unused.length} labelled node(s) have no rows in ${path.basename(file)}, e.g. ${unused[0].replace("\u0000", "/")}`, action: "skipped them" });
      }
    } finally {
      hdf.close();
    }
  }
}

async function* frameJobs(frame: PandasFrame, labels: LabelTable | undefined, eclipse: ReturnType<typeof readEclipseMetadata>, used: Set<string>, problems: ProblemLog, options: GridOptions): AsyncGenerator<NodeRun[]> {
  const file = frame.file;
  const has = (name: string): boolean => frame.indexNames.includes(name) || frame.columns.includes(name);
  const nodeField = NODE_FIELDS.find(has);
  const timeField = TIME_FIELDS.find(has);
  const jobField = JOB_FIELDS.find(has);
  if (nodeField === undefined || timeField === undefined) {
    problems.add({ file, kind: "bad-frame", message: `frame ${frame.key} has no ${nodeField === undefined ? "node_id/component_id" : "timestamp"} (index level or column)`, action: "skipped the frame" });
    return;
  }
  const idFields = new Set([nodeField, timeField, jobField]);
  const perCore = frame.columns.filter((c) => c.includes("per_core"));
  if (perCore.length > 0) problems.add({ file, kind: "per-core-dropped", message: `${perCore.length} per_core column(s)`, action: "dropped them, as E2EWatch does" });
  if (frame.objectColumns.length > 0) problems.add({ file, kind: "text-column", message: `column(s) ${frame.objectColumns.slice(0, 5).join(", ")} hold Python objects (text)`, action: "dropped them" });
  const columns = frame.columns.filter((c) => !idFields.has(c) && !c.includes("per_core") && frame.isNumeric(c));
  const metrics = columns.map(runtimeMetricName);
  const nodes = frame.rowLabels(nodeField)!;
  const jobs = jobField === undefined ? undefined : frame.rowLabels(jobField);
  const time = frame.rowNumbers(timeField);
  if (time === undefined) {
    problems.add({ file, kind: "bad-frame", message: `frame ${frame.key}: ${timeField} is not numeric`, action: "skipped the frame" });
    return;
  }

  // Row ranges of each (job, node), and each job's nodes in order of appearance.
  const ranges = new Map<string, { job: string; node: string; parts: [number, number][] }>();
  const jobOrder = new Map<string, string[]>();
  let start = 0;
  const keyAt = (r: number): string => `${jobs === undefined ? "" : jobs.labels[jobs.codes[r]]}\u0000${nodes.labels[nodes.codes[r]]}`;
  for (let r = 1; r <= frame.rows; r++) {
    if (r < frame.rows && nodes.codes[r] === nodes.codes[start] && (jobs === undefined || jobs.codes[r] === jobs.codes[start])) continue;
    const key = keyAt(start);
    let entry = ranges.get(key);
    if (entry === undefined) {
      const node = nodes.labels[nodes.codes[start]];
      const labelled = labels?.byKey.get(labels.keyedByJob ? key : node);
      const job = jobs !== undefined ? jobs.labels[jobs.codes[start]] : labelled?.jobId || eclipse?.get(node)?.jobId || node;
      ranges.set(key, (entry = { job, node, parts: [] }));
      const list = jobOrder.get(job) ?? [];
      list.push(key);
      jobOrder.set(job, list);
    }
    entry.parts.push([start, r]);
    start = r;
  }

  for (const [job, keys] of jobOrder) {
    const runs: NodeRun[] = [];
    for (const key of keys) {
      const { node, parts } = ranges.get(key)!;
      const n = parts.reduce((sum, [a, b]) => sum + b - a, 0);
      const times = new Float64Array(n);
      const values = columns.map(() => new Float64Array(n));
      let at = 0;
      for (const [a, b] of parts) {
        times.set(time.subarray(a, b), at);
        frame.readColumns(columns, a, b).forEach((v, m) => values[m].set(v, at));
        at += b - a;
      }
      const series = orderSeries({ sampler: "", file, times, metrics, columns: values, counters: metrics.map(() => false) }, node, problems);
      const grid = alignNode([series], node, problems, options);
      if (grid === undefined) continue;
      const labelKey = labels?.keyedByJob ? key : node;
      const labelled = labels?.byKey.get(labelKey);
      if (labels !== undefined) {
        used.add(labelKey);
        if (labelled === undefined) problems.add({ file: labels.file, kind: "unlabelled-node", message: `node ${node} has rows in ${path.basename(file)} but no label`, action: "read it as unlabelled" }, "unlabelled");
      }
      const label = labelled !== undefined ? { ...labelled.label } : unlabelled();
      const meta = eclipse?.get(node);
      if (meta !== undefined) {
        if (label.input === "") label.input = meta.input;
        if (label.intensity === "" && label.anomaly !== "none") label.intensity = meta.intensity;
      }
      runs.push({ nodeId: node, jobId: safeId(job), label, timestamps: grid.timestamps, metrics: grid.metrics, values: grid.values });
    }
    if (runs.length > 0) yield runs;
  }
}
