/**
 * One configuration object for every experiment, with the paper's defaults (DESIGN.md,
 * "What the paper reported"): 60 s windows every 15 s with 60 s trimmed, KS + E2EWatch's
 * FDR filter at 0.01, min-max scaling, a random forest of 250 trees of depth 10,
 * stratified 5-fold over node-runs. Every value can be overridden.
 */
import { featureConfig, type FeatureConfig } from "../features/config";
import type { FdrRule } from "../features/fdr";
import type { ModelKind } from "../models/classifier";
import { MODEL_KINDS } from "../models/registry";
import type { GradientBoostingParams } from "../models/gradient-boosting";
import type { RandomForestParams } from "../models/random-forest";
import type { MlRandomForestParams } from "../models/ml-rf";
import { InputError } from "../util/errors";

export interface ExperimentConfig {
  features: FeatureConfig;
  selection: {
    /** Off: every feature goes to the model. */
    enabled: boolean;
    alpha: number;
    rule: FdrRule;
  };
  model: ModelKind;
  /**
   * Trees (RF, ml-rf) or boosting rounds (GBDT); null = the model's default here: 250
   * for RF (the paper), 100 for GBDT (LightGBM's default), 50 for ml-rf (its own).
   */
  trees: number | null;
  /** Maximum depth; null = 10 for the forests (the paper), no limit for GBDT (31 leaves, LightGBM's default). */
  depth: number | null;
  /** Folds of the default experiment. */
  folds: number;
  /** "node": node-runs split freely (the paper); "job": all nodes of a job on one side. */
  group: "node" | "job";
  /** Leave-one-input-out unit: the input name across applications, or each (app, input). */
  inputUnit: "input" | "app-input";
  seed: number;
  /** Window C of the majority and consecutive filters (our choice; the paper gives none). */
  filterWindow: number;
  /** Node-run bootstrap resamples for the macro-F1 interval; 0 turns it off. */
  bootstrap: number;
  /** Worker threads (null: E2EWATCH_THREADS or all cores). */
  threads: number | null;
}

export const DEFAULT_CONFIG: Readonly<ExperimentConfig> = Object.freeze({
  features: featureConfig(),
  selection: { enabled: true, alpha: 0.01, rule: "e2ewatch" as FdrRule },
  model: "rf" as ModelKind,
  trees: null,
  depth: null,
  folds: 5,
  group: "node" as const,
  inputUnit: "input" as const,
  seed: 0,
  filterWindow: 5,
  bootstrap: 1000,
  threads: null,
});

export type ConfigOverrides = Partial<Omit<ExperimentConfig, "features" | "selection">> & {
  features?: Partial<FeatureConfig>;
  selection?: Partial<ExperimentConfig["selection"]>;
};

/** Defaults filled in and every field checked (InputError naming the field). */
export function experimentConfig(overrides: ConfigOverrides = {}): ExperimentConfig {
  const c: ExperimentConfig = {
    ...DEFAULT_CONFIG,
    ...overrides,
    features: featureConfig({ ...DEFAULT_CONFIG.features, ...overrides.features }),
    selection: { ...DEFAULT_CONFIG.selection, ...overrides.selection },
  };
  const whole = (name: string, v: unknown, min: number): void => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new InputError(`experiment config: ${name} must be a whole number >= ${min}, got ${String(v)}`);
  };
  if (!MODEL_KINDS.includes(c.model)) throw new InputError(`experiment config: model must be one of ${MODEL_KINDS.join(", ")}, got '${c.model}'`);
  if (c.trees !== null) whole("trees", c.trees, 1);
  if (c.depth !== null) whole("depth", c.depth, 1);
  whole("folds", c.folds, 2);
  whole("seed", c.seed, 0);
  whole("filterWindow", c.filterWindow, 1);
  whole("bootstrap", c.bootstrap, 0);
  if (c.threads !== null) whole("threads", c.threads, 0);
  if (c.group !== "node" && c.group !== "job") throw new InputError(`experiment config: group must be node or job, got '${c.group}'`);
  if (c.inputUnit !== "input" && c.inputUnit !== "app-input") throw new InputError(`experiment config: inputUnit must be input or app-input, got '${c.inputUnit}'`);
  if (!(c.selection.alpha > 0 && c.selection.alpha < 1)) throw new InputError(`experiment config: selection alpha must be in (0, 1), got ${c.selection.alpha}`);
  if (c.selection.rule !== "e2ewatch" && c.selection.rule !== "by") throw new InputError(`experiment config: selection rule must be e2ewatch or by, got '${c.selection.rule}'`);
  return c;
}

/** The model's hyper-parameters for this configuration (seeded; threads passed through). */
export function modelParams(c: ExperimentConfig): RandomForestParams | GradientBoostingParams | MlRandomForestParams {
  const threads = c.threads ?? undefined;
  switch (c.model) {
    case "rf":
      return { nEstimators: c.trees ?? 250, maxDepth: c.depth ?? 10, seed: c.seed, threads };
    case "gbdt":
      return { maxIter: c.trees ?? 100, maxDepth: c.depth, seed: c.seed, threads };
    case "ml-rf":
      return { nEstimators: c.trees ?? 50, maxDepth: c.depth ?? 10, seed: c.seed };
  }
}
