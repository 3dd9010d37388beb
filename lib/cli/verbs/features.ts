/**
 * `e2ewatch features <source>`: windowed features of every node-run as CSV
 * (`node_id,timestamp,<stat>_<metric>...`), float64 values in shortest round-trip form.
 * Rows follow the source: jobs, nodes, windows in time order.
 */
import * as fs from "node:fs";
import { openSource } from "../../telemetry/source";
import { formatProblem } from "../../telemetry/problems";
import { InputError, UsageError } from "../../util/errors";
import { featureConfig } from "../../features/config";
import { configFeatureNames, type RunFeatureBlock } from "../../features/noderun-features";
import { featureJobs, checkMetrics, ColumnMapper } from "../../features/extract";
import { CsvBytes, featuresCsvHeader, writeFeatureRows } from "../../features/csv-output";
import { choiceOption, numberOption, stringOption, type Verb } from "../verb";

export const featuresVerb: Verb = {
  name: "features",
  summary: "compute windowed features (11 statistics per metric) of a telemetry source as CSV",
  usage: "<source> --out <csv> [--window 60] [--stride 15] [--trim 60] [--spectral] [--numerics pandas|exact] [--job-id]",
  description: `
<source> is anything the readers accept (a data set folder, one telemetry CSV, ...).
Each node-run loses --trim seconds at both ends, then every window of --window seconds
whose end is a multiple of --stride seconds after the first gives one row, stamped with
its last sample's time. Statistics follow pandas 1.5 rolling semantics (sample std,
bias-corrected skew and excess kurtosis, linear percentiles; skew 0 and kurt -3 where
undefined). Values are float64 in shortest round-trip form; missing ones are empty.
Runs on E2EWATCH_THREADS worker threads (default: all cores).`,
  options: {
    out: { type: "string", short: "o", value: "CSV", description: "file to write ('-' for stdout)" },
    window: { type: "string", value: "N", default: "60", description: "samples (seconds) per window" },
    stride: { type: "string", value: "N", default: "15", description: "samples between window ends" },
    trim: { type: "string", value: "N", default: "60", description: "samples dropped at both ends of each node-run" },
    spectral: { type: "boolean", description: "add spectral features (specdom, speccent, specent, specband1-4)" },
    numerics: { type: "string", value: "MODE", default: "pandas", description: "pandas: mean/std/skew/kurt equal pandas 1.5 bit for bit; exact: accurate per window (see lib/features/README.md)" },
    "job-id": { type: "boolean", description: "start each row with a job_id column" },
  },
  positionals: { min: 1, max: 1, name: "source" },
  async run(ctx) {
    const out = stringOption(ctx.values, "out");
    if (out === undefined) throw new UsageError("--out is required (a file, or '-' for stdout)");
    const config = featureConfig({
      window: numberOption(ctx.values, "window", 60, { integer: true, min: 1 }),
      stride: numberOption(ctx.values, "stride", 15, { integer: true, min: 1 }),
      trim: numberOption(ctx.values, "trim", 60, { integer: true, min: 0 }),
      spectral: ctx.values.spectral === true,
      numerics: choiceOption(ctx.values, "numerics", ["pandas", "exact"] as const, "pandas"),
    });
    const jobIdColumn = ctx.values["job-id"] === true;
    const sourcePath = ctx.positionals[0];
    const source = openSource(sourcePath);
    let fd: number;
    try {
      fd = out === "-" ? 1 : fs.openSync(out, "w");
    } catch (e) {
      throw new InputError(`cannot write: ${(e as Error).message}`, { file: out });
    }
    let metrics: string[] | undefined;
    let mapper: ColumnMapper | undefined;
    let rows = 0;
    let runs = 0;
    let short = 0;
    try {
      for await (const job of featureJobs(source, config, { onProgress: ctx.progress, task: { csv: { jobIdColumn } } })) {
        if (job.runs.length === 0) continue;
        if (metrics === undefined) {
          metrics = job.metrics[0];
          mapper = new ColumnMapper(configFeatureNames(metrics, config), config);
          fs.writeSync(fd, featuresCsvHeader(configFeatureNames(metrics, config), jobIdColumn));
        }
        const sameMetrics = job.metrics.every((m) => m.length === metrics!.length && m.every((x, i) => x === metrics![i]));
        if (sameMetrics) fs.writeSync(fd, job.csv!);
        else {
          // Rare: a node-run with other metrics; map its block onto the header's columns here.
          const text = new CsvBytes();
          for (let r = 0; r < job.runs.length; r++) {
            checkMetrics(metrics, job.metrics[r], { file: sourcePath, nodeId: job.runs[r].nodeId, jobId: job.runs[r].jobId }, job.problemLog);
            const index = mapper!.indexFor(job.metrics[r]);
            const count = job.counts[r];
            const values = new Float64Array(index.length * count);
            for (let f = 0; f < index.length; f++) {
              if (index[f] < 0) values.fill(NaN, f * count, (f + 1) * count);
              else values.set(job.values[r].subarray(index[f] * count, (index[f] + 1) * count), f * count);
            }
            const block: RunFeatureBlock = { count, values, windowEnd: job.windowEnds[r], anomalous: job.anomalous[r] };
            writeFeatureRows(text, job.runs[r].jobId, job.runs[r].nodeId, block, index.length, jobIdColumn);
          }
          fs.writeSync(fd, text.finish());
        }
        for (const c of job.counts) {
          rows += c;
          runs++;
          if (c === 0) short++;
        }
      }
    } catch (e) {
      // A failed run leaves no partial CSV that could pass for a complete one.
      if (fd !== 1) {
        fs.closeSync(fd);
        fs.rmSync(out, { force: true });
        fd = 1;
      }
      throw e;
    } finally {
      if (fd !== 1) fs.closeSync(fd);
    }
    if (metrics === undefined) throw new InputError("no node-runs in the source", { file: sourcePath });
    if (short > 0) source.problems.add({ file: sourcePath, kind: "short-run", message: `${short} node-run(s) shorter than trim + window + trim (${2 * config.trim + config.window} samples)`, action: "they have no windows" });
    for (const p of source.problems.problems) ctx.log(formatProblem(p));
    ctx.log(`${rows} windows of ${runs} node-runs, ${configFeatureNames(metrics, config).length} features each${out === "-" ? "" : ` -> ${out}`}`);
  },
};
