/**
 * `e2ewatch train --data DIR`: the experiments' pipeline fitted on every window of a
 * data set, written as one model bundle for `e2ewatch predict`.
 */
import { experimentConfig } from "../../experiments/config";
import { WorkerPool, defaultThreadCount } from "../../parallel/pool";
import { writeBundle } from "../../runtime/bundle";
import { trainBundle } from "../../runtime/train";
import { UsageError } from "../../util/errors";
import { choiceOption, stringOption, type Verb } from "../verb";
import { PIPELINE_OPTIONS, modelOption, pipelineOverrides } from "./experiment-options";

export const trainVerb: Verb = {
  name: "train",
  summary: "train a model on a whole data set and write a model bundle for 'predict'",
  usage: "--data DIR [--model rf|gbdt|ml-rf] [--out bundle.json] [--trees N --depth D] [--window S --stride S --trim S]",
  description: `
Features of every window of the data set (cached in <data>/.e2ewatch-cache/ as for
experiments), KS/FDR feature selection, min-max scaling and the model, all fitted on all
windows. The bundle is one JSON file with everything diagnosis needs: feature settings,
metric list and which metrics are counters, selected features, scaler, model, label
names, training medians (for --allow-missing) and a summary of the training data.
The same data and options give the same file, byte for byte.`,
  options: {
    data: { type: "string", value: "DIR", description: "data set folder (metadata.csv + telemetry/), e.g. data/quick" },
    model: { type: "string", value: "NAME", default: "rf", description: "rf (random forest), gbdt (gradient boosting) or ml-rf (ml-random-forest baseline)" },
    out: { type: "string", short: "o", value: "FILE", default: "bundle.json", description: "model bundle to write" },
    numerics: { type: "string", value: "MODE", default: "pandas", description: "feature numerics: pandas (bit-identical to pandas 1.5) or exact (per window; live windows then equal recorded ones exactly)" },
    ...PIPELINE_OPTIONS,
    json: { type: "boolean", description: "print the bundle's training summary as JSON on stdout" },
  },
  positionals: { min: 0, max: 0, name: "nothing" },
  async run(ctx) {
    const data = stringOption(ctx.values, "data");
    if (data === undefined) throw new UsageError("--data DIR is required (a data set folder; 'e2ewatch generate' makes one)");
    const out = stringOption(ctx.values, "out", "bundle.json");
    const overrides = pipelineOverrides(ctx.values, modelOption(ctx.values));
    const numerics = choiceOption(ctx.values, "numerics", ["pandas", "exact"] as const, "pandas");
    const config = experimentConfig({ ...overrides, features: { ...overrides.features, numerics } });
    const pool = new WorkerPool(config.threads ?? defaultThreadCount());
    try {
      const result = await trainBundle(data, config, {
        pool,
        onProgress: ctx.progress,
        onSource: (source, file) => ctx.log(source === "cache" ? `features from cache ${file}` : `features computed${file ? ` (cached in ${file})` : ""}`),
      });
      writeBundle(out, result.bundle);
      const b = result.bundle;
      const windows = Object.values(b.training.windows).reduce((s, n) => s + n, 0);
      const runs = Object.values(b.training.nodeRuns).reduce((s, n) => s + n, 0);
      ctx.log(`features ${result.featuresSeconds.toFixed(1)} s, training ${result.trainSeconds.toFixed(1)} s`);
      if (ctx.values.json === true) ctx.stdout.write(JSON.stringify({ bundle: out, ...b.training, selected: b.selected.length, metrics: b.metrics.length, labels: b.labels }, null, 2) + "\n");
      else ctx.stdout.write(`wrote ${out}: ${config.model}, ${b.selected.length} features from ${b.metrics.length} metrics, classes ${b.labels.join(", ")}; trained on ${windows} windows of ${runs} node-runs\n`);
    } finally {
      await pool.close();
    }
  },
};
