/**
 * The options `experiment`, `reproduce` and `train` share: feature windows, selection,
 * model size, seed and threads, turned into an experiment configuration.
 */
import type { ConfigOverrides } from "../../experiments/config";
import { MODEL_KINDS } from "../../models/registry";
import type { ModelKind } from "../../models/classifier";
import { choiceOption, numberOption, type OptionSpec, type OptionValues } from "../verb";

export const PIPELINE_OPTIONS: Record<string, OptionSpec> = {
  trees: { type: "string", value: "N", description: "trees (rf, ml-rf) or boosting rounds (gbdt); default 250 for rf as in the paper, 100 for gbdt, 50 for ml-rf" },
  depth: { type: "string", value: "D", description: "maximum tree depth; default 10 for the forests (the paper), none for gbdt (31 leaves)" },
  window: { type: "string", value: "S", default: "60", description: "window length in seconds" },
  stride: { type: "string", value: "S", default: "15", description: "seconds between window ends" },
  trim: { type: "string", value: "S", default: "60", description: "seconds dropped at both ends of every node-run" },
  spectral: { type: "boolean", description: "add the spectral features (off by default)" },
  fdr: { type: "string", value: "RULE", default: "e2ewatch", description: "feature selection: e2ewatch (the paper's FDR variant), by (Benjamini-Yekutieli step-up) or off" },
  alpha: { type: "string", value: "A", default: "0.01", description: "FDR level of the feature selection" },
  seed: { type: "string", value: "N", default: "0", description: "seed of splits, models and bootstrap" },
  threads: { type: "string", value: "N", description: "worker threads (default E2EWATCH_THREADS or all cores)" },
};

export const EVALUATION_OPTIONS: Record<string, OptionSpec> = {
  folds: { type: "string", value: "K", default: "5", description: "folds of the default experiment" },
  group: { type: "string", value: "node|job", default: "node", description: "node: node-runs split freely (the paper); job: all nodes of a job on one side" },
  filter: { type: "string", value: "C", default: "5", description: "window C of the majority and consecutive filters" },
  bootstrap: { type: "string", value: "N", default: "1000", description: "node-run bootstrap resamples for the macro-F1 interval (0: off)" },
};

/** The configuration overrides the shared options ask for. */
export function pipelineOverrides(values: OptionValues, model: ModelKind): ConfigOverrides {
  const fdr = choiceOption(values, "fdr", ["e2ewatch", "by", "off"] as const, "e2ewatch");
  const overrides: ConfigOverrides = {
    model,
    trees: numberOption(values, "trees", undefined, { integer: true, min: 1 }) ?? null,
    depth: numberOption(values, "depth", undefined, { integer: true, min: 1 }) ?? null,
    features: {
      window: numberOption(values, "window", 60, { integer: true, min: 2 }),
      stride: numberOption(values, "stride", 15, { integer: true, min: 1 }),
      trim: numberOption(values, "trim", 60, { integer: true, min: 0 }),
      spectral: values.spectral === true,
    },
    selection: { enabled: fdr !== "off", rule: fdr === "off" ? "e2ewatch" : fdr, alpha: numberOption(values, "alpha", 0.01, { min: 1e-12, max: 0.999999 }) },
    seed: numberOption(values, "seed", 0, { integer: true, min: 0, max: 0xffffffff }),
    threads: numberOption(values, "threads", undefined, { integer: true, min: 0 }) ?? null,
  };
  return overrides;
}

export function evaluationOverrides(values: OptionValues): ConfigOverrides {
  return {
    folds: numberOption(values, "folds", 5, { integer: true, min: 2 }),
    group: choiceOption(values, "group", ["node", "job"] as const, "node"),
    filterWindow: numberOption(values, "filter", 5, { integer: true, min: 1 }),
    bootstrap: numberOption(values, "bootstrap", 1000, { integer: true, min: 0 }),
  };
}

export function modelOption(values: OptionValues, fallback: ModelKind = "rf"): ModelKind {
  return choiceOption(values, "model", MODEL_KINDS, fallback);
}
