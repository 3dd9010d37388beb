/**
 * One entry point for every telemetry source: give a path, get node-runs job by job.
 * The format is recognised from what is at the path.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../util/errors";
import { ProblemLog } from "./problems";
import { readDataset, readJobCsv } from "./contract";
import type { NodeRun } from "./noderun";

export type SourceFormat = "dataset" | "contract-csv";

export interface TelemetrySource {
  path: string;
  format: SourceFormat;
  /** Node-runs grouped by job, read lazily. */
  jobs(): AsyncGenerator<NodeRun[]>;
  /** Problems found so far (complete once `jobs()` has been consumed). */
  problems: ProblemLog;
}

/** The first line of a file, without reading all of it. */
export function firstLine(file: string): string {
  const fd = fs.openSync(file, "r");
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const end = text.indexOf("\n");
    return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, "");
  } finally {
    fs.closeSync(fd);
  }
}

/** Recognises the format at `p` and opens it. Unknown or missing paths are InputErrors. */
export function openSource(p: string): TelemetrySource {
  if (!fs.existsSync(p)) throw new InputError("no such file or folder", { file: p });
  const problems = new ProblemLog();
  const stat = fs.statSync(p);
  if (stat.isDirectory()) {
    if (fs.existsSync(path.join(p, "metadata.csv"))) {
      return {
        path: p,
        format: "dataset",
        problems,
        async *jobs() {
          yield* readDataset(p, problems);
        },
      };
    }
    throw new InputError("not a telemetry source: a data set folder has metadata.csv", { file: p });
  }
  const header = firstLine(p);
  if (/^job_id,node_id,timestamp,/.test(header)) {
    return {
      path: p,
      format: "contract-csv",
      problems,
      async *jobs() {
        const { runs } = readJobCsv(p, undefined, problems);
        // A bare telemetry file has no labels; one file may still hold several jobs.
        const byJob = new Map<string, NodeRun[]>();
        for (const r of runs) {
          const list = byJob.get(r.jobId) ?? [];
          list.push(r);
          byJob.set(r.jobId, list);
        }
        yield* byJob.values();
      },
    };
  }
  throw new InputError(`unknown telemetry format (header starts '${header.slice(0, 60)}')`, { file: p, line: 1 });
}
