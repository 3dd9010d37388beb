/**
 * `e2ewatch reproduce`: all three experiments with RF and GBDT on a generated data set,
 * tables and figures included. `npm run reproduce` runs it on the quick preset.
 */
import { EXPERIMENTS, type ExperimentName } from "../../evaluation/results";
import { experimentConfig } from "../../experiments/config";
import { reproduce } from "../../experiments/reproduce";
import { MODEL_KINDS } from "../../models/registry";
import type { ModelKind } from "../../models/classifier";
import { DEFAULT_SEED, PRESET_NAMES } from "../../synth/presets";
import { UsageError } from "../../util/errors";
import { choiceOption, listOption, numberOption, stringOption, type Verb } from "../verb";
import { EVALUATION_OPTIONS, PIPELINE_OPTIONS, evaluationOverrides, pipelineOverrides } from "./experiment-options";

export const reproduceVerb: Verb = {
  name: "reproduce",
  summary: "the paper's three experiments with RF and GBDT, tables and figures",
  usage: "[--preset quick|paper] [--results DIR] [--data DIR]",
  description: `
Generates the preset's data set into data/<preset> when absent (or made with other
settings), computes the features once, runs default (stratified 5-fold), unknown-apps and
unknown-inputs with each model, and writes <results>/<experiment>/<model>.json, CSV and
Markdown tables, <results>/README.md and figures in <results>/figures (HTML always, SVG and
PNG when Chromium is installed).`,
  options: {
    preset: { type: "string", value: "NAME", default: "quick", description: `data set preset: ${PRESET_NAMES.join(" or ")}` },
    results: { type: "string", value: "DIR", default: "results", description: "results folder" },
    data: { type: "string", value: "DIR", default: "data/<preset>", description: "data set folder" },
    "data-seed": { type: "string", value: "N", default: String(DEFAULT_SEED), description: "seed of the generated data set" },
    models: { type: "string", value: "LIST", multiple: true, default: "rf,gbdt", description: `models to run (${MODEL_KINDS.join(", ")})` },
    experiments: { type: "string", value: "LIST", multiple: true, default: EXPERIMENTS.join(","), description: "experiments to run" },
    images: { type: "string", value: "on|off", default: "on", description: "SVG/PNG figures when Chromium is present" },
    ...PIPELINE_OPTIONS,
    ...EVALUATION_OPTIONS,
    json: { type: "boolean", description: "print a JSON summary (files, macro-F1 per experiment and model, timings) on stdout" },
  },
  positionals: { min: 0, max: 0, name: "nothing" },
  async run(ctx) {
    const preset = choiceOption(ctx.values, "preset", PRESET_NAMES, "quick");
    const models = (listOption(ctx.values, "models") ?? ["rf", "gbdt"]) as ModelKind[];
    for (const m of models) if (!MODEL_KINDS.includes(m)) throw new UsageError(`--models: unknown model '${m}' (known: ${MODEL_KINDS.join(", ")})`);
    const experiments = (listOption(ctx.values, "experiments") ?? [...EXPERIMENTS]) as ExperimentName[];
    for (const e of experiments) if (!(EXPERIMENTS as readonly string[]).includes(e)) throw new UsageError(`--experiments: unknown experiment '${e}' (known: ${EXPERIMENTS.join(", ")})`);
    const config = { ...pipelineOverrides(ctx.values, models[0]), ...evaluationOverrides(ctx.values) };
    experimentConfig(config); // fail on bad values before any work
    const report = await reproduce({
      preset,
      results: stringOption(ctx.values, "results", "results"),
      data: stringOption(ctx.values, "data"),
      dataSeed: numberOption(ctx.values, "data-seed", DEFAULT_SEED, { integer: true, min: 0, max: 0xffffffff }),
      models,
      experiments,
      config,
      images: choiceOption(ctx.values, "images", ["on", "off"] as const, "on") === "on",
      onProgress: ctx.progress,
      log: ctx.log,
    });
    const rows = report.results.map((r) => ({ experiment: r.experiment, model: r.model, runs: r.runs.length, macroF1: r.summary.macroF1, macroF1Std: r.summary.macroF1Std }));
    if (ctx.values.json === true) {
      ctx.stdout.write(JSON.stringify({ dataset: report.dataset, generated: report.generated, summary: report.summaryFile, figures: report.figures, seconds: report.seconds, results: rows }, null, 2) + "\n");
    } else {
      for (const r of rows) ctx.stdout.write(`${r.experiment.padEnd(15)} ${r.model.padEnd(6)} macro-F1 ${r.macroF1.toFixed(3)} ± ${r.macroF1Std.toFixed(3)} (${r.runs} runs)\n`);
      ctx.stdout.write(`results in ${report.summaryFile}; ${report.figures.html.length} HTML and ${report.figures.images.length} image figures; ${report.seconds.total.toFixed(0)} s in all\n`);
    }
  },
};
