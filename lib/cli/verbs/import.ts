/**
 * `e2ewatch import <ldms-run-folder>... --app A --input I --anomaly X --out <dataset>`:
 * appends labelled node-runs to a data set in the contract format (creating it), so a
 * researcher's own LDMS collections can join an experiment.
 */
import { checkImportLabel, importRuns, type ImportLabel } from "../../telemetry/import";
import { DEFAULT_MAX_GAP_SECONDS } from "../../telemetry/grid";
import { formatProblem } from "../../telemetry/problems";
import { acceptedFormats } from "../../telemetry/source";
import { InputError, UsageError } from "../../util/errors";
import { numberOption, stringOption, type OptionValues, type Verb } from "../verb";

function required(values: OptionValues, name: string): string {
  const v = stringOption(values, name);
  if (v === undefined || v.trim() === "") throw new UsageError(`--${name} is required`);
  return v.trim();
}

export const importVerb: Verb = {
  name: "import",
  summary: "append labelled LDMS runs (or any telemetry source) to a data set",
  usage: "<run-folder>... --app A --input I --anomaly X [--intensity V] [--anomaly-start S --anomaly-end E] [--job J] --out <dataset>",
  description: [
    "Reads each run folder (LDMS store_csv output, found by header at any depth; other",
    `formats work too: ${acceptedFormats()}), labels every node-run with the given`,
    "application, input, anomaly and interval, checks that the nodes of a job have the",
    "same metrics, and appends the jobs to the data set (metadata.csv + telemetry/),",
    "creating it if needed. Nothing is written when a run fails to read or check.",
    "",
    "Job ids: the LDMS job_id of the samples when set, else the run folder's name",
    "(its parent's when the folder is called data); --job J puts every node-run given",
    "into one job J (several folders = several nodes of one job).",
    "--anomaly-start/--anomaly-end are seconds from the collection's first sample (as",
    "HPAS folder names ST<start>_ET<end> give them); they are stored relative to each",
    "node-run's first kept second.",
  ].join("\n"),
  options: {
    app: { type: "string", value: "A", description: "application name, e.g. sw4lite (required)" },
    input: { type: "string", value: "I", description: "input deck / problem setting (required)" },
    anomaly: { type: "string", value: "X", description: "anomaly type, 'none' for a healthy run (required)" },
    intensity: { type: "string", value: "V", description: "anomaly intensity as text, e.g. u95 or 10M" },
    "anomaly-start": { type: "string", value: "S", description: "anomaly start, seconds from the collection's first sample" },
    "anomaly-end": { type: "string", value: "E", description: "anomaly end, seconds from the collection's first sample" },
    job: { type: "string", value: "J", description: "job id for all node-runs given (letters, digits, . _ -)" },
    out: { type: "string", value: "DIR", description: "data set folder to append to or create (required)" },
    "max-gap": { type: "string", value: "S", default: String(DEFAULT_MAX_GAP_SECONDS), description: "longest run of missing seconds filled when aligning samples" },
    json: { type: "boolean", description: "print what was imported as JSON on stdout" },
  },
  positionals: { min: 1, max: Infinity, name: "one or more run folders" },
  async run(ctx) {
    const label: ImportLabel = {
      app: required(ctx.values, "app"),
      input: required(ctx.values, "input"),
      anomaly: required(ctx.values, "anomaly"),
      intensity: stringOption(ctx.values, "intensity")?.trim(),
      anomalyStart: numberOption(ctx.values, "anomaly-start", undefined, { min: 0 }),
      anomalyEnd: numberOption(ctx.values, "anomaly-end", undefined, { min: 0 }),
    };
    const out = required(ctx.values, "out");
    const jobId = stringOption(ctx.values, "job");
    if (jobId !== undefined && !/^[A-Za-z0-9._-]+$/.test(jobId)) throw new UsageError(`--job must use letters, digits, '.', '_' or '-', got '${jobId}'`);
    try {
      checkImportLabel(label);
    } catch (e) {
      if (e instanceof InputError) throw new UsageError(e.message);
      throw e;
    }
    const maxGapSeconds = numberOption(ctx.values, "max-gap", DEFAULT_MAX_GAP_SECONDS, { integer: true, min: 0 });
    const result = await importRuns(ctx.positionals, out, { label, jobId, maxGapSeconds, onProgress: ctx.progress });
    for (const p of result.problems) ctx.log(`note: ${formatProblem(p)}`);
    for (const w of result.warnings) ctx.log(`warning: ${w}`);
    if (ctx.values.json === true) {
      ctx.stdout.write(JSON.stringify(result, null, 2) + "\n");
      return;
    }
    ctx.stdout.write(`${result.created ? "created" : "appended to"} ${result.dataset}\n`);
    for (const j of result.jobs) ctx.stdout.write(`  job ${j.jobId}: ${j.nodes.length} node(s) (${j.nodes.join(", ")}), ${j.samples} samples from ${j.sources.join(", ")}\n`);
  },
};
