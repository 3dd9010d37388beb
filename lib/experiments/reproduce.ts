/**
 * `reproduce`: the paper's three experiments end to end on a generated data set. It
 * generates the preset's data set when absent (or made with other settings), computes
 * the features once, runs default / unknown-apps / unknown-inputs with the random
 * forest and gradient boosting, and writes results, tables and figures.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureDataset } from "../synth/generate";
import { DEFAULT_SEED, type PresetName } from "../synth/presets";
import { EXPERIMENTS, type ExperimentName, type ExperimentResult } from "../evaluation/results";
import { writeExperimentResults, readResults } from "../evaluation/results-files";
import type { ModelKind } from "../models/classifier";
import { WorkerPool, defaultThreadCount } from "../parallel/pool";
import type { ProgressFn } from "../util/progress";
import { experimentConfig, type ConfigOverrides } from "./config";
import { datasetFeatures } from "./feature-cache";
import { runExperiment } from "./pipeline";
import type { FeatureSelector } from "../features/selector";
import { resultFigures, writeFigures, type WrittenFigures } from "./figures";
import { resultsSummaryMarkdown } from "./summary";

export interface ReproduceOptions {
  preset: PresetName;
  /** Where results go (default "results"). */
  results: string;
  /** Data set folder (default "data/<preset>"). */
  data?: string;
  /** Generator seed (default the generator's). */
  dataSeed?: number;
  models?: ModelKind[];
  experiments?: ExperimentName[];
  /** Overrides of the experiment configuration (seed, folds, ...). */
  config?: ConfigOverrides;
  /** Write SVG/PNG figures when Chromium is present (default true). */
  images?: boolean;
  onProgress?: ProgressFn;
  log?: (line: string) => void;
}

export interface ReproduceReport {
  dataset: string;
  generated: boolean;
  results: ExperimentResult[];
  figures: WrittenFigures;
  summaryFile: string;
  seconds: { data: number; features: number; experiments: number; figures: number; total: number };
}

export async function reproduce(options: ReproduceOptions): Promise<ReproduceReport> {
  const log = options.log ?? (() => {});
  const t0 = performance.now();
  const since = (t: number): number => (performance.now() - t) / 1000;
  const dataDir = options.data ?? path.join("data", options.preset);
  const dataSeed = options.dataSeed ?? DEFAULT_SEED;
  const config = experimentConfig(options.config);
  const threads = config.threads ?? defaultThreadCount();

  log(`data set: ${dataDir} (preset ${options.preset}, seed ${dataSeed})`);
  const data = await ensureDataset(options.preset, dataDir, { seed: dataSeed, threads, onProgress: options.onProgress });
  const dataSeconds = since(t0);
  log(data.generated ? `generated ${dataDir} in ${dataSeconds.toFixed(1)} s` : `reusing ${dataDir} (made with the same settings)`);

  const pool = new WorkerPool(threads);
  const results: ExperimentResult[] = [];
  try {
    const tf = performance.now();
    const table = await datasetFeatures(dataDir, config.features, {
      pool,
      onProgress: options.onProgress,
      onSource: (source, file) => log(source === "cache" ? `features: from cache ${file}` : `features: computed${file ? `, cached in ${file}` : ""}`),
    });
    const featuresSeconds = since(tf);
    log(`features: ${table.nRows} windows x ${table.names.length} features of ${table.runs.length} node-runs in ${featuresSeconds.toFixed(1)} s`);

    const te = performance.now();
    // RF and GBDT see the same splits; their feature selections are fitted once.
    const selections = new Map<string, FeatureSelector>();
    const describe = `synthetic '${options.preset}' preset, seed ${dataSeed} (${dataDir})`;
    for (const experiment of options.experiments ?? [...EXPERIMENTS]) {
      for (const model of options.models ?? (["rf", "gbdt"] as ModelKind[])) {
        const started = performance.now();
        const result = await runExperiment(experiment, table, { ...config, model }, { pool, dataset: describe, featuresSeconds, onProgress: options.onProgress, selections });
        const { outcomes, ...plain } = result;
        void outcomes;
        writeExperimentResults(options.results, plain);
        results.push(plain);
        log(`${experiment} ${model}: macro-F1 ${plain.summary.macroF1.toFixed(3)} over ${plain.runs.length} runs in ${since(started).toFixed(1)} s (selection ${(plain.timing.selectionSeconds ?? 0).toFixed(1)} s, train ${plain.timing.trainSeconds.toFixed(1)} s, predict ${plain.timing.predictSeconds.toFixed(1)} s)`);
      }
    }
    const experimentsSeconds = since(te);

    const tg = performance.now();
    const figures = await writeFigures(path.join(options.results, "figures"), resultFigures(readResults(options.results)), { images: options.images ?? true });
    if (figures.imagesSkipped) log(`figures: HTML only (${figures.imagesSkipped})`);
    const figuresSeconds = since(tg);

    const summaryFile = path.join(options.results, "README.md");
    fs.writeFileSync(summaryFile, resultsSummaryMarkdown(readResults(options.results), { images: figures.images.length > 0 }));
    return { dataset: dataDir, generated: data.generated, results, figures, summaryFile, seconds: { data: dataSeconds, features: featuresSeconds, experiments: experimentsSeconds, figures: figuresSeconds, total: since(t0) } };
  } finally {
    await pool.close();
  }
}
