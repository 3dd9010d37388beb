/**
 * The default experiment against scikit-learn on the same data and the same splits:
 * issue 6's check ("--model rf --trees 100 --depth 10" against RandomForestClassifier,
 * and gradient boosting against HistGradientBoostingClassifier).
 *
 * For every fold of the default experiment (stratified k-fold over node-runs, the seed's
 * shuffle), the fold's feature selection and min-max scaling are fitted once, exactly as
 * `e2ewatch experiment` does; the scaled training and test matrices are written as
 * float32 files, and then both sides fit on the very same numbers: our `rf` and `gbdt`
 * in this process, scikit-learn (Debian's /usr/bin/python3, bench/trees_sklearn.py) in a
 * child process, with the same thread count. Which side goes first alternates by fold,
 * because the machine is shared. Reported: fit and predict seconds per fold, their sums
 * and ratios ours / scikit-learn, and the window-level macro-F1 of each fold and their
 * mean (the experiment's headline number, before filtering).
 *
 * usage: node dist/bench/experiment-vs-sklearn.js [--data data/quick] [--trees 100]
 *          [--depth 10] [--threads 2] [--seed 0] [--folds 5] [--models rf,gbdt] [--out FILE]
 *
 * The data set is generated (preset quick, seed 2021, as `npm run reproduce` does) when absent.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { datasetFeatures, experimentConfig, experimentSplits, fitSelection, modelParams } from "../lib/experiments";
import { MinMaxScaler } from "../lib/features/scaler";
import { selectColumns, takeRows } from "../lib/features/table";
import { rowsOf } from "../lib/evaluation/split";
import { confusionCounts, macroF1FromCounts } from "../lib/evaluation/metrics";
import { createModel } from "../lib/models/registry";
import { WorkerPool } from "../lib/parallel/pool";
import { DEFAULT_SEED, ensureDataset } from "../lib/synth";
import { fitSklearn } from "./sklearn-fit";

interface Options {
  data: string;
  trees: number;
  depth: number;
  threads: number;
  seed: number;
  folds: number;
  models: ("rf" | "gbdt")[];
  out?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { data: "data/quick", trees: 100, depth: 10, threads: 2, seed: 0, folds: 5, models: ["rf", "gbdt"] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--data") o.data = next();
    else if (a === "--trees") o.trees = Number(next());
    else if (a === "--depth") o.depth = Number(next());
    else if (a === "--threads") o.threads = Number(next());
    else if (a === "--seed") o.seed = Number(next());
    else if (a === "--folds") o.folds = Number(next());
    else if (a === "--models") o.models = next().split(",") as Options["models"];
    else if (a === "--out") o.out = next();
    else throw new Error(`unknown option ${a}`);
  }
  for (const m of o.models) if (m !== "rf" && m !== "gbdt") throw new Error(`--models: unknown model '${m}' (rf, gbdt)`);
  return o;
}

interface Side {
  fitSeconds: number;
  predictSeconds: number;
  macroF1: number;
  note?: string;
}

interface FoldResult {
  fold: string;
  trainWindows: number;
  testWindows: number;
  features: number;
  model: string;
  ours: Side;
  sklearn: Side;
}

function writeColumns(file: string, columns: ArrayLike<number>[]): void {
  const fd = fs.openSync(file, "w");
  for (const c of columns) fs.writeSync(fd, c instanceof Float32Array ? c : Float32Array.from(c));
  fs.closeSync(fd);
}

function macroF1(truth: Uint8Array, predicted: ArrayLike<number>, labels: string[]): number {
  // As the experiments score a run: scikit-learn's f1_score(average="macro") over the labels seen.
  return macroF1FromCounts(confusionCounts(truth, predicted, labels.length), labels.length);
}

function runSklearn(dir: string, model: "rf" | "hgb", params: object, threads: number, truth: Uint8Array, labels: string[]): Side {
  const r = fitSklearn(dir, model, params, threads);
  return { fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds, macroF1: macroF1(truth, r.predicted, labels), note: model === "hgb" ? `${r.nIter} rounds` : undefined };
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const load = (): string => os.loadavg().map((x) => x.toFixed(1)).join(" ");
  console.log(`default experiment vs scikit-learn: ${os.cpus().length} cores, ${o.threads} thread(s) each side, node ${process.version}, load at start ${load()}`);
  await ensureDataset("quick", o.data, { seed: DEFAULT_SEED, threads: o.threads });
  const config = experimentConfig({ model: "rf", trees: o.trees, depth: o.depth, seed: o.seed, threads: o.threads, folds: o.folds });
  const pool = new WorkerPool(o.threads === 1 ? 0 : o.threads);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-vs-sklearn-"));
  const results: FoldResult[] = [];
  try {
    const table = await datasetFeatures(o.data, config.features, { pool });
    const splits = experimentSplits("default", table, config);
    console.log(`${o.data}: ${table.nRows} windows x ${table.names.length} features, ${splits.length} folds`);
    for (let i = 0; i < splits.length; i++) {
      const split = splits[i];
      const trainRows = rowsOf(split.train, table.runIndex);
      const testRows = rowsOf(split.test, table.runIndex);
      // The fold's selection and scaling, as the experiment fits them.
      const { names } = await fitSelection(table, trainRows, config, { pool });
      const selected = selectColumns(table, names);
      const scaler = new MinMaxScaler().fit(selected, trainRows);
      const train = scaler.transformInPlace(takeRows(selected, trainRows));
      const test = scaler.transformInPlace(takeRows(selected, testRows));
      writeColumns(path.join(dir, "X_train.f32"), train.columns);
      writeColumns(path.join(dir, "X_test.f32"), test.columns);
      fs.writeFileSync(path.join(dir, "y_train.u8"), train.labelCode);
      fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ nTrain: train.nRows, nTest: test.nRows, nFeatures: names.length }));

      for (const kind of o.models) {
        const ours = async (): Promise<Side> => {
          const params = kind === "rf" ? modelParams(config) : modelParams(experimentConfig({ model: "gbdt", seed: o.seed, threads: o.threads }));
          const model = createModel(kind, params as object);
          let t = performance.now();
          await model.fit(train, train.labelCode, { nClasses: table.labels.length, pool });
          const fitSeconds = (performance.now() - t) / 1000;
          t = performance.now();
          const pred = model.predict(test);
          const predictSeconds = (performance.now() - t) / 1000;
          const note = kind === "gbdt" ? `${(model as unknown as { nIterations: number }).nIterations} rounds` : undefined;
          return { fitSeconds, predictSeconds, macroF1: macroF1(test.labelCode, pred, table.labels), note };
        };
        const theirs = (): Side =>
          kind === "rf"
            ? runSklearn(dir, "rf", { n_estimators: o.trees, max_depth: o.depth, n_jobs: o.threads, random_state: o.seed }, o.threads, test.labelCode, table.labels)
            : runSklearn(dir, "hgb", { random_state: o.seed }, o.threads, test.labelCode, table.labels);
        let a: Side;
        let b: Side;
        if (i % 2 === 0) {
          a = await ours();
          b = theirs();
        } else {
          b = theirs();
          a = await ours();
        }
        const r: FoldResult = { fold: split.heldOut, trainWindows: train.nRows, testWindows: test.nRows, features: names.length, model: kind, ours: a, sklearn: b };
        results.push(r);
        console.log(
          `  ${r.fold} ${kind.padEnd(4)} ${r.trainWindows}/${r.testWindows} windows, ${r.features} features: fit ${a.fitSeconds.toFixed(2)} s vs ${b.fitSeconds.toFixed(2)} s` +
            `, macro-F1 ${a.macroF1.toFixed(4)} vs ${b.macroF1.toFixed(4)}${a.note ? ` [ours ${a.note}, theirs ${b.note}]` : ""} (load ${load()})`,
        );
      }
    }
  } finally {
    await pool.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }

  const summary = o.models.map((kind) => {
    const rs = results.filter((r) => r.model === kind);
    const sum = (f: (r: FoldResult) => number): number => rs.reduce((s, r) => s + f(r), 0);
    const mean = (f: (r: FoldResult) => number): number => sum(f) / rs.length;
    return {
      model: kind,
      reference: kind === "rf" ? `RandomForestClassifier(n_estimators=${o.trees}, max_depth=${o.depth}, n_jobs=${o.threads})` : "HistGradientBoostingClassifier()",
      fitSeconds: { ours: sum((r) => r.ours.fitSeconds), sklearn: sum((r) => r.sklearn.fitSeconds) },
      fitRatio: sum((r) => r.ours.fitSeconds) / sum((r) => r.sklearn.fitSeconds),
      predictRatio: sum((r) => r.ours.predictSeconds) / sum((r) => r.sklearn.predictSeconds),
      meanMacroF1: { ours: mean((r) => r.ours.macroF1), sklearn: mean((r) => r.sklearn.macroF1) },
      macroF1Difference: mean((r) => r.ours.macroF1) - mean((r) => r.sklearn.macroF1),
    };
  });
  console.log("");
  for (const s of summary) {
    console.log(
      `${s.model.padEnd(4)} vs ${s.reference}: fit ${s.fitSeconds.ours.toFixed(1)} s / ${s.fitSeconds.sklearn.toFixed(1)} s = ${s.fitRatio.toFixed(2)}, predict ratio ${s.predictRatio.toFixed(2)}` +
        `, mean macro-F1 ${s.meanMacroF1.ours.toFixed(4)} / ${s.meanMacroF1.sklearn.toFixed(4)} (${s.macroF1Difference >= 0 ? "+" : ""}${s.macroF1Difference.toFixed(4)})`,
    );
  }
  console.log(`load at end ${load()}`);
  if (o.out !== undefined) fs.writeFileSync(o.out, `${JSON.stringify({ options: o, folds: results, summary }, null, 2)}\n`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
