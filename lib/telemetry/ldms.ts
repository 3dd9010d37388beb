/**
 * Reader for LDMS `store_csv` output: one CSV per sampler, header
 * `#Time,Time_usec,ProducerName,component_id,job_id,app_id,<metrics...>`, rows from
 * every node the store received. Produces node-runs on a 1 Hz grid (grid.ts) with
 * counters as per-second rates (counters.ts) and `per_core_*` columns dropped, as
 * E2EWatch's published files are.
 *
 * Which rows are one node: a node is its `ProducerName` (the ldmsd host that sampled
 * it). `component_id` is set per sampler in the sampler's configuration, and real
 * collections do give one host's samplers different ids (ldms-sw4lite: meminfo 1,
 * vmstat 2, procstat 3 on host `ubuntu-rog`), so it only splits a producer when one
 * sampler file carries several component ids for it (one aggregating producer
 * forwarding several nodes); then a node is `<ProducerName>:<component_id>`. Rows without
 * a ProducerName follow the same rule on their component ids alone (one id per sampler
 * file: one node, named by the id in the first sampler; several: one node per id).
 *
 * Jobs: rows carry `job_id`. When a node's rows name two or more non-zero job ids, the
 * node's grid is cut into one node-run per job (seconds with job 0 between jobs are
 * dropped); with one non-zero id the whole run is that job; with none (0, as in
 * collections made without a scheduler) the job is named after the run folder.
 *
 * Timestamps: `Time` in seconds with microseconds; when `Time` is whole seconds,
 * `Time_usec` is added; values in milli-, micro- or nanoseconds are recognised by size.
 * Rows out of time order are sorted, exact duplicate times keep the first row, a last
 * line without newline is dropped (store_csv always ends its lines; such a line was cut
 * while being written), lines starting with `#` after the header are skipped, columns
 * with no number in them (text) are dropped; all of it is reported.
 *
 * An LDMS source is read run folder by run folder, each whole: an hour of 1 Hz samples
 * of one node is a few MB per sampler (procstat with 20 per-core columns: ~5 MB).
 */
import { parseCsv, type ParsedCsv } from "./csv";
import { readFileOrThrow } from "./contract";
import { isCounter } from "./counters";
import { alignNode, orderSeries, toSeconds, type GridOptions, type SamplerSeries } from "./grid";
import { findSamplerFiles, groupRuns, runName, safeId, type LdmsRun, type SamplerFile } from "./ldms-files";
import { unlabelled, type NodeRun } from "./noderun";
import { ProblemLog } from "./problems";
import { firstLine, LDMS_ID_COLUMNS } from "./sniff";
import { InputError } from "../util/errors";

export interface LdmsReadOptions extends GridOptions {}

/** Id columns kept as text (times are numbers). */
const LDMS_TEXT_COLUMNS: ReadonlySet<string> = new Set([...LDMS_ID_COLUMNS].filter((c) => !/^(Time|DT)(_usec)?$/.test(c)));

interface ParsedSamplerFile {
  file: string;
  sampler: string;
  times: Float64Array;
  producers: string[] | undefined;
  components: string[] | undefined;
  jobs: string[] | undefined;
  metrics: string[];
  columns: Float64Array[];
}

/** Parses one sampler file; undefined (reported) when nothing in it can be used. */
function parseSamplerFile({ file, sampler, headerFile }: SamplerFile, problems: ProblemLog): ParsedSamplerFile | undefined {
  let parsed: ParsedCsv;
  try {
    if (headerFile === undefined) {
      parsed = parseCsv(readFileOrThrow(file), { file, textColumns: LDMS_TEXT_COLUMNS, problems, skipCommentLines: true, dropUnterminatedLastLine: true });
    } else {
      // Rows whose header is in another file: parse them behind it, then give line numbers of the rows' own file.
      const own = new ProblemLog();
      const header = Buffer.from(firstLine(headerFile) + "\n");
      parsed = parseCsv(Buffer.concat([header, readFileOrThrow(file)]), { file, textColumns: LDMS_TEXT_COLUMNS, problems: own, skipCommentLines: true, dropUnterminatedLastLine: true });
      for (const p of own.problems) problems.add(p.line === 1 ? { ...p, file: headerFile } : { ...p, line: p.line === undefined ? undefined : p.line - 1 });
    }
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    problems.add({ file, kind: "unreadable", message: e.message.replace(`${file}: `, "").replace(/^.*?:\d+: /, ""), action: "skipped this sampler file" });
    return undefined;
  }
  const h = parsed.header;
  const find = (...names: string[]): number => h.findIndex((c) => names.includes(c));
  const timeCol = find("Time");
  if (timeCol < 0 || parsed.rows === 0) {
    problems.add({ file, kind: "no-data", message: timeCol < 0 ? "no Time column" : "no data rows", action: "skipped this sampler file" });
    return undefined;
  }
  const usecCol = find("Time_usec");
  const times = timesOf(parsed.numeric[timeCol]!, usecCol >= 0 ? parsed.numeric[usecCol] : undefined);
  const metrics: string[] = [];
  const columns: Float64Array[] = [];
  let perCore = 0;
  const seen = new Set<string>();
  for (let c = 0; c < h.length; c++) {
    const name = h[c];
    if (LDMS_ID_COLUMNS.has(name)) continue;
    if (name.startsWith("per_core_")) {
      perCore++;
      continue;
    }
    if (name === "" || seen.has(name)) {
      problems.add({ file, line: 1, kind: "bad-column", message: name === "" ? `column ${c + 1} has no name` : `column ${name} appears twice`, action: "ignored the column" });
      continue;
    }
    seen.add(name);
    const values = parsed.numeric[c]!;
    if (parsed.badCells[c] > 0 && parsed.badCells[c] === parsed.rows) {
      problems.add({ file, kind: "text-column", message: `column ${name} holds no numbers`, action: "dropped the column" });
      continue;
    }
    metrics.push(name);
    columns.push(values);
  }
  if (perCore > 0) problems.add({ file, kind: "per-core-dropped", message: `${perCore} per_core_* column(s)`, action: "dropped them, as E2EWatch does" });
  if (metrics.length === 0) {
    problems.add({ file, kind: "no-metrics", message: "no metric columns besides the LDMS id columns", action: "skipped this sampler file" });
    return undefined;
  }
  const text = (...names: string[]): string[] | undefined => {
    const c = find(...names);
    return c < 0 ? undefined : parsed.text[c];
  };
  return { file, sampler, times, producers: text("ProducerName", "producer"), components: text("component_id", "CompId", "comp_id"), jobs: text("job_id", "jobid"), metrics, columns };
}

/** Seconds from `Time` (+ `Time_usec` when Time is whole seconds), with the unit recognised by size. */
function timesOf(time: Float64Array, usec: Float64Array | undefined): Float64Array {
  const out = toSeconds(time);
  const wholeSeconds = out.every((t, i) => Number.isNaN(t) || (Number.isInteger(t) && t === time[i]));
  if (usec !== undefined && wholeSeconds) {
    for (let i = 0; i < out.length; i++) if (usec[i] >= 0 && usec[i] < 1e6) out[i] += usec[i] / 1e6;
  }
  return out;
}

/** Node key of every row of every file, by the rule in the module comment. */
function nodeKeys(files: ParsedSamplerFile[], problems: ProblemLog): string[][] {
  // Component ids each file carries per producer ("" when the file names none).
  const perProducer = new Map<string, { sampler: string; file: string; components: Set<string> }[]>();
  for (const f of files) {
    const byProducer = new Map<string, Set<string>>();
    for (let r = 0; r < f.times.length; r++) {
      const p = f.producers?.[r] ?? "";
      const set = byProducer.get(p) ?? new Set<string>();
      set.add(f.components?.[r] ?? "");
      byProducer.set(p, set);
    }
    for (const [p, components] of byProducer) {
      const list = perProducer.get(p) ?? [];
      list.push({ sampler: f.sampler, file: f.file, components });
      perProducer.set(p, list);
    }
  }
  // Producers whose files carry one component id each are one node.
  const merged = new Map<string, string>();
  for (const [p, list] of perProducer) {
    if (list.some((x) => x.components.size > 1)) continue;
    const ids = list.map((x) => [...x.components][0]);
    const distinct = new Set(ids);
    const first = [...list].sort((a, b) => a.sampler.localeCompare(b.sampler))[0];
    const name = p !== "" ? p : [...first.components][0] || "node";
    merged.set(p, name);
    if (distinct.size > 1) {
      const who = p !== "" ? `host ${p}: samplers carry` : "samplers without a ProducerName carry";
      problems.add({ file: list[0].file, kind: "component-ids-differ", message: `${who} different component_id values (${list.map((x, i) => `${x.sampler} ${ids[i]}`).join(", ")})`, action: `read them as one node, ${name}${p !== "" ? ", by ProducerName" : " (one id per sampler file: one host's samplers)"}` });
    }
  }
  return files.map((f) =>
    Array.from({ length: f.times.length }, (_, r) => {
      const p = f.producers?.[r] ?? "";
      const name = merged.get(p);
      if (name !== undefined) return name;
      const c = f.components?.[r] ?? "";
      return p === "" ? c || "node" : `${p}:${c}`;
    }),
  );
}

/** The rows of one node of one sampler (possibly from several files), as a time-ordered series. */
function seriesOf(sampler: string, parts: { f: ParsedSamplerFile; rows: number[] }[], node: string, problems: ProblemLog): SamplerSeries {
  const metrics: string[] = [];
  const index = new Map<string, number>();
  for (const { f } of parts) for (const m of f.metrics) if (!index.has(m)) index.set(m, metrics.push(m) - 1);
  const total = parts.reduce((n, p) => n + p.rows.length, 0);
  const times = new Float64Array(total);
  const jobs: string[] = new Array<string>(total);
  const columns = metrics.map(() => new Float64Array(total).fill(NaN));
  let k = 0;
  for (const { f, rows } of parts) {
    const slots = f.metrics.map((m) => index.get(m)!);
    for (const r of rows) {
      times[k] = f.times[r];
      jobs[k] = f.jobs?.[r] ?? "";
      for (let m = 0; m < slots.length; m++) columns[slots[m]][k] = f.columns[m][r];
      k++;
    }
  }
  const file = parts.map((p) => p.f.file).join(", ");
  return orderSeries({ sampler, file, times, metrics, columns, counters: metrics.map((m) => isCounter(m, sampler)), jobIds: jobs }, node, problems);
}

/** Reads one run: all its nodes and jobs. */
export function readLdmsRun(run: LdmsRun, problems: ProblemLog, options: LdmsReadOptions = {}, fallbackJobId = runName(run)): NodeRun[] {
  const files = run.files.map((f) => parseSamplerFile(f, problems)).filter((f): f is ParsedSamplerFile => f !== undefined);
  if (files.length === 0) return [];
  const keys = nodeKeys(files, problems);

  // node -> sampler -> parts
  const nodes = new Map<string, Map<string, { f: ParsedSamplerFile; rows: number[] }[]>>();
  files.forEach((f, i) => {
    const byNode = new Map<string, number[]>();
    keys[i].forEach((key, r) => {
      const list = byNode.get(key) ?? [];
      list.push(r);
      byNode.set(key, list);
    });
    for (const [node, rows] of byNode) {
      const samplers = nodes.get(node) ?? new Map<string, { f: ParsedSamplerFile; rows: number[] }[]>();
      const parts = samplers.get(f.sampler) ?? [];
      parts.push({ f, rows });
      samplers.set(f.sampler, parts);
      nodes.set(node, samplers);
    }
  });

  const allSamplers = [...new Set(files.map((f) => f.sampler))].sort();
  const runs: NodeRun[] = [];
  for (const node of [...nodes.keys()].sort()) {
    const samplers = nodes.get(node)!;
    const missing = allSamplers.filter((s) => !samplers.has(s));
    if (missing.length > 0) problems.add({ file: String(run.root), kind: "sampler-missing", message: `node ${node} has no rows from sampler(s) ${missing.join(", ")}`, action: "read the node without them" });
    const series = [...samplers].sort((a, b) => a[0].localeCompare(b[0])).map(([sampler, parts]) => seriesOf(sampler, parts, node, problems));
    const grid = alignNode(series, node, problems, options);
    if (grid === undefined) continue;
    for (const piece of splitByJob(grid.jobIds, grid.timestamps.length, node, run, problems)) {
      runs.push({
        nodeId: node,
        jobId: piece.jobId ?? fallbackJobId,
        label: unlabelled(),
        timestamps: grid.timestamps.slice(piece.start, piece.end),
        metrics: grid.metrics,
        values: grid.values.map((v) => (piece.start === 0 && piece.end === v.length ? v : v.slice(piece.start, piece.end))),
        sourceStart: grid.firstSecond,
      });
    }
  }
  return runs;
}

/** Row ranges of one node's grid per job (see the module comment). */
function splitByJob(jobIds: string[] | undefined, length: number, node: string, run: LdmsRun, problems: ProblemLog): { start: number; end: number; jobId?: string }[] {
  const distinct = new Set((jobIds ?? []).filter((j) => j !== ""));
  if (jobIds === undefined || distinct.size === 0) return [{ start: 0, end: length }];
  if (distinct.size === 1) return [{ start: 0, end: length, jobId: safeId([...distinct][0]) }];
  const pieces: { start: number; end: number; jobId: string }[] = [];
  let start = 0;
  for (let i = 1; i <= length; i++) {
    if (i < length && jobIds[i] === jobIds[start]) continue;
    if (jobIds[start] !== "") pieces.push({ start, end: i, jobId: safeId(jobIds[start]) });
    start = i;
  }
  // One node-run per (job, node): keep the longest piece of a job that comes back.
  const best = new Map<string, { start: number; end: number; jobId: string }>();
  for (const p of pieces) {
    const prev = best.get(p.jobId);
    if (prev === undefined || p.end - p.start > prev.end - prev.start) best.set(p.jobId, p);
  }
  if (best.size < pieces.length) problems.add({ file: run.root, kind: "job-interrupted", message: `node ${node}: a job's samples come in several pieces`, action: "kept the longest piece of each job" });
  problems.add({ file: run.root, kind: "several-jobs", message: `node ${node}: samples name ${distinct.size} jobs`, action: "made one node-run per job; seconds without a job dropped" });
  return [...best.values()].sort((a, b) => a.start - b.start);
}

/** Finds the runs under `root` (see ldms-files.ts). */
export function ldmsRuns(root: string, problems: ProblemLog): LdmsRun[] {
  return groupRuns(root, findSamplerFiles(root, problems));
}

/**
 * All node-runs under `root`, job by job. Runs without job ids in their samples become
 * one job each, named after the run folder (made unique if two share a name) and
 * yielded as soon as the run is read; node-runs with LDMS job ids are held to the end,
 * because the same id in several runs (one folder per node) makes one job.
 */
export function* readLdmsJobs(root: string, problems: ProblemLog, options: LdmsReadOptions = {}): Generator<NodeRun[]> {
  const byJob = new Map<string, NodeRun[]>();
  const usedNames = new Set<string>();
  for (const run of ldmsRuns(root, problems)) {
    // Folder-named jobs must not collide with each other.
    const base = runName(run);
    let name = base;
    for (let k = 2; usedNames.has(name); k++) name = `${base}-${k}`;
    usedNames.add(name);
    const nodeRuns = readLdmsRun(run, problems, options, name);
    const named = nodeRuns.filter((r) => r.jobId === name);
    if (named.length > 0) yield named;
    for (const r of nodeRuns) {
      if (r.jobId === name) continue;
      const list = byJob.get(r.jobId) ?? [];
      if (list.some((x) => x.nodeId === r.nodeId)) {
        problems.add({ file: run.root, kind: "duplicate-node", message: `node ${r.nodeId} of job ${r.jobId} appears in two runs`, action: "kept the first" });
        continue;
      }
      list.push(r);
      byJob.set(r.jobId, list);
    }
  }
  for (const [jobId, runs] of byJob) {
    if (usedNames.has(jobId)) {
      problems.add({ file: root, kind: "job-id-clash", message: `LDMS job id ${jobId} is also the name of a run folder read as a job`, action: `renamed the LDMS job to ${jobId}-job` });
      for (const r of runs) r.jobId = `${jobId}-job`;
    }
    yield runs;
  }
}

/** `readLdmsJobs` collected into an array. */
export function readLdms(root: string, problems: ProblemLog, options: LdmsReadOptions = {}): NodeRun[][] {
  return [...readLdmsJobs(root, problems, options)];
}
