/**
 * `e2ewatch experiment <default|unknown-apps|unknown-inputs>`: one of the paper's
 * experiments on a data set folder, results written per DESIGN.md's contract.
 */
import * as path from "node:path";
import { EXPERIMENTS, type ExperimentName } from "../../evaluation/results";
import { writeExperimentResults } from "../../evaluation/results-files";
import { experimentConfig } from "../../experiments/config";
import { datasetFeatures } from "../../experiments/feature-cache";
import { runExperiment } from "../../experiments/pipeline";
import { WorkerPool, defaultThreadCount } from "../../parallel/pool";
import { UsageError } from "../../util/errors";
import { stringOption, type Verb } from "../verb";
import { EVALUATION_OPTIONS, PIPELINE_OPTIONS, evaluationOverrides, modelOption, pipelineOverrides } from "./experiment-options";

export const experimentVerb: Verb = {
  name: "experiment",
  summary: "run one experiment (default, unknown-apps, unknown-inputs) on a data set",
  usage: "<default|unknown-apps|unknown-inputs> --data DIR [--model rf|gbdt|ml-rf] [--trees N --depth D] [--folds K] [--group node|job] [--results DIR]",
  description: `
default: stratified k-fold over node-runs (all folds, mean and spread); unknown-apps: each
application held out in turn; unknown-inputs: each input held out in turn. Features are
computed once per data set and feature setting and cached in <data>/.e2ewatch-cache/.
Writes <results>/<experiment>/<model>.json, results.csv and results.md.`,
  options: {
    data: { type: "string", value: "DIR", description: "data set folder (metadata.csv + telemetry/), e.g. data/quick" },
    model: { type: "string", value: "NAME", default: "rf", description: "rf (random forest), gbdt (gradient boosting) or ml-rf (ml-random-forest baseline)" },
    results: { type: "string", value: "DIR", default: "results", description: "results folder" },
    "input-unit": { type: "string", value: "U", default: "input", description: "unknown-inputs: hold out an input name across apps (input) or each app's input (app-input)" },
    ...PIPELINE_OPTIONS,
    ...EVALUATION_OPTIONS,
    json: { type: "boolean", description: "print the result JSON on stdout" },
  },
  positionals: { min: 1, max: 1, name: "experiment name (default, unknown-apps or unknown-inputs)" },
  async run(ctx) {
    const experiment = ctx.positionals[0];
    if (!(EXPERIMENTS as readonly string[]).includes(experiment)) throw new UsageError(`unknown experiment '${experiment}'; choose ${EXPERIMENTS.join(", ")}`);
    const data = stringOption(ctx.values, "data");
    if (data === undefined) throw new UsageError("--data DIR is required (a data set folder; 'e2ewatch generate' makes one)");
    const inputUnit = stringOption(ctx.values, "input-unit", "input");
    if (inputUnit !== "input" && inputUnit !== "app-input") throw new UsageError(`--input-unit must be input or app-input, got '${inputUnit}'`);
    const config = experimentConfig({ ...pipelineOverrides(ctx.values, modelOption(ctx.values)), ...evaluationOverrides(ctx.values), inputUnit });
    const results = stringOption(ctx.values, "results", "results");

    const pool = new WorkerPool(config.threads ?? defaultThreadCount());
    try {
      const t0 = performance.now();
      const table = await datasetFeatures(data, config.features, {
        pool,
        onProgress: ctx.progress,
        onSource: (source, file) => ctx.log(source === "cache" ? `features from cache ${file}` : `features computed${file ? ` (cached in ${file})` : ""}`),
      });
      const featuresSeconds = (performance.now() - t0) / 1000;
      ctx.log(`${table.nRows} windows x ${table.names.length} features from ${table.runs.length} node-runs in ${featuresSeconds.toFixed(1)} s`);
      const result = await runExperiment(experiment as ExperimentName, table, config, {
        pool,
        dataset: path.resolve(data),
        featuresSeconds,
        onProgress: ctx.progress,
        onSplit: (o, i, n) => ctx.log(`${o.run.heldOut} (${i + 1}/${n}): macro-F1 ${o.run.macroF1.toFixed(3)}, ${o.selected.length} features, selection ${o.selectionSeconds.toFixed(1)} s, train ${o.trainSeconds.toFixed(1)} s, predict ${o.predictSeconds.toFixed(2)} s`),
      });
      const { outcomes, ...plain } = result;
      void outcomes;
      const written = writeExperimentResults(results, plain);
      ctx.log(`wrote ${written.json}, ${written.csv}, ${written.markdown}`);
      if (ctx.values.json === true) ctx.stdout.write(JSON.stringify(plain, null, 2) + "\n");
      else ctx.stdout.write(`${experiment} ${config.model}: macro-F1 ${plain.summary.macroF1.toFixed(3)} ± ${plain.summary.macroF1Std.toFixed(3)} over ${plain.runs.length} runs (train ${plain.timing.trainSeconds.toFixed(1)} s)\n`);
    } finally {
      await pool.close();
    }
  },
};
