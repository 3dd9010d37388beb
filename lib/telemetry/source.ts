/**
 * One entry point for every telemetry source: give a path, get node-runs job by job.
 * The format is recognised from what is at the path (file contents, never file names
 * alone); SOURCE_FORMATS lists what is accepted, for help texts and error messages.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../util/errors";
import { ProblemLog } from "./problems";
import { METADATA_COLUMNS, readDataset, readJobCsv } from "./contract";
import { parseHeaderLine } from "./csv";
import type { GridOptions } from "./grid";
import { findHdfFiles, hdfLayout, readHdfJobs } from "./hdf-sources";
import { findSamplerFiles, groupRuns } from "./ldms-files";
import { readLdmsJobs } from "./ldms";
import type { NodeRun } from "./noderun";
import { isHdf5File } from "./pandas-hdf";
import { isRuntimeHeader, readRuntimeCsv } from "./runtime-csv";
import { firstLine, isLdmsHeader } from "./sniff";

export { firstLine } from "./sniff";

export type SourceFormat = "dataset" | "contract-csv" | "ldms" | "runtime-csv" | "e2ewatch-hdf" | "prodigy-hdf";

export interface SourceFormatInfo {
  format: SourceFormat;
  /** What to point the reader at. */
  accepts: string;
  /** Whether counters are differenced by the reader or read as stored. */
  counters: "differenced-by-reader" | "as-stored";
}

/** Every accepted format, in the order they are tried. */
export const SOURCE_FORMATS: readonly SourceFormatInfo[] = [
  { format: "dataset", accepts: "a data set folder: metadata.csv + telemetry/<job_id>.csv (DESIGN.md)", counters: "as-stored" },
  { format: "e2ewatch-hdf", accepts: "E2EWatch pandas HDF5: normal_data.hdf/anomaly_data.hdf + normal_labels.csv/anomaly_labels.csv (a folder or one .hdf file)", counters: "as-stored" },
  { format: "prodigy-hdf", accepts: "Prodigy pandas HDF5: prod_train_data.hdf + prod_train_label.csv (job_id, component_id)", counters: "as-stored" },
  { format: "ldms", accepts: "LDMS store_csv output: a run folder, its data/ folder, a folder of sampler files or one sampler file (header #Time,Time_usec,ProducerName,component_id,...)", counters: "differenced-by-reader" },
  { format: "contract-csv", accepts: "an E2EWatch per-job CSV: job_id,node_id,timestamp,<metric>::<sampler>... (one file, or a folder of them)", counters: "as-stored" },
  { format: "runtime-csv", accepts: "an E2EWatch runtime CSV: component_id (or node_id), timestamp in ms, metric columns", counters: "as-stored" },
];

/** One line listing the accepted formats, for error messages. */
export function acceptedFormats(): string {
  return SOURCE_FORMATS.map((f) => f.format).join(", ");
}

export interface TelemetrySource {
  path: string;
  format: SourceFormat;
  /** Node-runs grouped by job, read lazily (LDMS: run folder by run folder). */
  jobs(): AsyncGenerator<NodeRun[]>;
  /** Problems found so far (complete once `jobs()` has been consumed). */
  problems: ProblemLog;
}

export interface OpenOptions extends GridOptions {}

function isContractHeader(cells: string[]): boolean {
  return cells.includes("job_id") && cells.includes("node_id") && cells.includes("timestamp");
}

function isDatasetFolder(dir: string): boolean {
  const meta = path.join(dir, "metadata.csv");
  if (!fs.existsSync(meta)) return false;
  const header = parseHeaderLine(firstLine(meta));
  // A telemetry/ folder makes it ours even with a broken header (readMetadata then says what is wrong).
  return METADATA_COLUMNS.every((c) => header.includes(c)) || fs.existsSync(path.join(dir, "telemetry"));
}

/** Groups node-runs of one file by job id, in order of appearance. */
function byJob(runs: NodeRun[]): NodeRun[][] {
  const jobs = new Map<string, NodeRun[]>();
  for (const r of runs) {
    const list = jobs.get(r.jobId) ?? [];
    list.push(r);
    jobs.set(r.jobId, list);
  }
  return [...jobs.values()];
}

/** CSV files in a folder whose header is the contract or the runtime layout. */
function csvFilesIn(dir: string): { contract: string[]; runtime: string[] } {
  const contract: string[] = [];
  const runtime: string[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (!/\.csv$/i.test(name) || !fs.statSync(file).isFile()) continue;
    const cells = parseHeaderLine(firstLine(file));
    if (isContractHeader(cells)) contract.push(file);
    else if (isRuntimeHeader(cells)) runtime.push(file);
  }
  return { contract, runtime };
}

/** Recognises the format at `p` and opens it. Unknown or missing paths are InputErrors. */
export function openSource(p: string, options: OpenOptions = {}): TelemetrySource {
  if (!fs.existsSync(p)) throw new InputError("no such file or folder", { file: p });
  const problems = new ProblemLog();
  const source = (format: SourceFormat, jobs: () => AsyncGenerator<NodeRun[]>): TelemetrySource => ({ path: p, format, problems, jobs });
  const stat = fs.statSync(p);

  if (stat.isDirectory()) {
    if (isDatasetFolder(p)) {
      return source("dataset", async function* () {
        yield* readDataset(p, problems);
      });
    }
    const hdf = findHdfFiles(p);
    if (hdf.length > 0) return source(hdfLayout(hdf), () => readHdfJobs(hdf, problems, options));
    // LDMS: found by header anywhere below; discovery problems are reported when read.
    const discovery = new ProblemLog();
    if (groupRuns(p, findSamplerFiles(p, discovery)).length > 0) return ldmsSource(p, problems, options);
    const csvs = csvFilesIn(p);
    if (csvs.contract.length > 0) {
      return source("contract-csv", async function* () {
        for (const file of csvs.contract) yield* byJob(readJobCsv(file, undefined, problems).runs);
      });
    }
    if (csvs.runtime.length > 0) {
      return source("runtime-csv", async function* () {
        for (const file of csvs.runtime) yield* readRuntimeCsv(file, problems, options);
      });
    }
    throw new InputError(`no telemetry found in this folder (accepted: ${acceptedFormats()}; see 'e2ewatch inspect --help')`, { file: p });
  }

  if (stat.size === 0) throw new InputError("empty file: no header", { file: p, line: 1 });
  if (isHdf5File(p)) return source(hdfLayout([p]), () => readHdfJobs([p], problems, options));
  const header = firstLine(p);
  const cells = parseHeaderLine(header);
  if (path.basename(p) === "metadata.csv" && METADATA_COLUMNS.every((c) => cells.includes(c))) {
    const dir = path.dirname(p);
    return source("dataset", async function* () {
      yield* readDataset(dir, problems);
    });
  }
  if (isLdmsHeader(header)) return ldmsSource(p, problems, options);
  if (isContractHeader(cells)) {
    return source("contract-csv", async function* () {
      // A bare telemetry file has no labels; one file may still hold several jobs.
      yield* byJob(readJobCsv(p, undefined, problems).runs);
    });
  }
  if (isRuntimeHeader(cells)) {
    return source("runtime-csv", async function* () {
      yield* readRuntimeCsv(p, problems, options);
    });
  }
  const shown = /^[\x20-\x7e]*$/.test(header.slice(0, 60)) ? `header starts '${header.slice(0, 60)}'` : "not text";
  throw new InputError(`unknown telemetry format (${shown}); accepted: ${acceptedFormats()}`, { file: p, line: 1 });
}

function ldmsSource(p: string, problems: ProblemLog, options: OpenOptions): TelemetrySource {
  return {
    path: p,
    format: "ldms",
    problems,
    async *jobs() {
      let any = false;
      for (const job of readLdmsJobs(p, problems, options)) {
        any = true;
        yield job;
      }
      if (!any) {
        const reason = problems.problems.find((x) => x.kind !== "not-a-sampler-file");
        throw new InputError(`no numeric data: no sampler file gave a usable sample${reason !== undefined ? ` (${reason.message}: ${reason.file})` : ""}`, { file: p });
      }
    },
  };
}
