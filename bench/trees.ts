/**
 * Tree models against scikit-learn 1.2 (Debian's /usr/bin/python3) on the same matrices.
 *
 * For each size, E2EWatch-like windows (bench/synthetic-windows.ts) are written to a temp
 * folder as float32 column-major files that both sides read. Each repetition fits our
 * `rf` and `gbdt` and scikit-learn's RandomForestClassifier and
 * HistGradientBoostingClassifier, alternating which side goes first (the machine is
 * shared, so timings are noisy); the report gives medians, ratios ours / scikit-learn and
 * accuracy / macro-F1 on a held-out test share. Then `ml-random-forest` against our
 * forest on a small matrix, and one run at the paper's scale (>= 1 M rows x 700
 * features, a few trees only) with the process's peak memory.
 *
 * With `--threads 1` both sides run on one thread: a per-core comparison that a busy
 * machine distorts less (OpenMP threads that spin while waiting suffer most from load).
 *
 * usage: node dist/bench/trees.js [--sizes 20000x300,100000x300] [--reps 3] [--threads 2]
 *          [--mlrf 1000x50] [--scale 1000000x700] [--scale-trees 4] [--skip-scale] [--out FILE]
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createModel } from "../lib/models/registry";
import type { ModelKind } from "../lib/models/classifier";
import { accuracy, macroF1, median } from "./bench-metrics";
import { fitSklearn } from "./sklearn-fit";
import { syntheticWindows } from "./synthetic-windows";

const SEED = 7;

interface Options {
  sizes: [number, number][];
  /** Threads each side (ours: worker threads, 1 meaning the calling thread; scikit-learn: n_jobs and OpenMP). */
  threads: number;
  reps: number;
  mlrf: [number, number];
  scale: [number, number];
  scaleTrees: number;
  skipScale: boolean;
  out?: string;
  /** Internal: run one scale model in this (child) process and print its result as JSON. */
  scaleChild?: keyof typeof SCALE_MODELS;
}

/** Our thread setting for `--threads`: one thread is the calling thread (no workers). */
function ourThreads(o: Options): number {
  return o.threads === 1 ? 0 : o.threads;
}

function parseSize(s: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(s);
  if (m === null) throw new Error(`bad size '${s}' (want ROWSxFEATURES)`);
  return [Number(m[1]), Number(m[2])];
}

function parseArgs(argv: string[]): Options {
  const o: Options = { sizes: [[20000, 300], [100000, 300]], threads: 2, reps: 3, mlrf: [1000, 50], scale: [1000000, 700], scaleTrees: 4, skipScale: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = (): string => argv[++i];
    if (a === "--sizes") o.sizes = next().split(",").filter((x) => x !== "none").map(parseSize);
    else if (a === "--reps") o.reps = Number(next());
    else if (a === "--threads") o.threads = Number(next());
    else if (a === "--mlrf") o.mlrf = parseSize(next());
    else if (a === "--scale") o.scale = parseSize(next());
    else if (a === "--scale-trees") o.scaleTrees = Number(next());
    else if (a === "--skip-scale") o.skipScale = true;
    else if (a === "--out") o.out = next();
    else if (a === "--scale-child") o.scaleChild = next() as keyof typeof SCALE_MODELS;
    else throw new Error(`unknown option ${a}`);
  }
  return o;
}

interface Split {
  dir: string;
  train: { nRows: number; columns: Float32Array[] };
  test: { nRows: number; columns: Float32Array[] };
  yTrain: Uint8Array;
  yTest: Uint8Array;
}

/** Generates train + test windows (test = a fifth of all rows) and writes them for Python. */
function prepare(nTrain: number, nFeatures: number): Split {
  const nTest = Math.round(nTrain / 4);
  const d = syntheticWindows({ nRows: nTrain + nTest, nFeatures, seed: SEED });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-trees-"));
  const train = { nRows: nTrain, columns: d.X.columns.map((c) => c.slice(0, nTrain)) };
  const test = { nRows: nTest, columns: d.X.columns.map((c) => c.slice(nTrain)) };
  writeColumns(path.join(dir, "X_train.f32"), train.columns);
  writeColumns(path.join(dir, "X_test.f32"), test.columns);
  const yTrain = d.y.slice(0, nTrain);
  fs.writeFileSync(path.join(dir, "y_train.u8"), yTrain);
  fs.writeFileSync(path.join(dir, "meta.json"), JSON.stringify({ nTrain, nTest, nFeatures }));
  return { dir, train, test, yTrain, yTest: d.y.slice(nTrain) };
}

function writeColumns(file: string, columns: Float32Array[]): void {
  const fd = fs.openSync(file, "w");
  for (const c of columns) fs.writeSync(fd, c);
  fs.closeSync(fd);
}

interface Run {
  fitSeconds: number;
  predictSeconds: number;
  accuracy: number;
  macroF1: number;
  note?: string;
}

async function runOurs(kind: ModelKind, params: object, s: Split): Promise<Run> {
  const model = createModel(kind, params);
  let t = performance.now();
  await model.fit(s.train, s.yTrain);
  const fitSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const pred = model.predict(s.test);
  const predictSeconds = (performance.now() - t) / 1000;
  const note = kind === "gbdt" ? `${(model as unknown as { nIterations: number }).nIterations} rounds kept` : undefined;
  return { fitSeconds, predictSeconds, accuracy: accuracy(s.yTest, pred), macroF1: macroF1(s.yTest, pred), note };
}

function runSklearn(model: "rf" | "hgb", params: object, s: Split, threads: number): Run {
  const r = fitSklearn(s.dir, model, params, threads);
  return { fitSeconds: r.fitSeconds, predictSeconds: r.predictSeconds, accuracy: accuracy(s.yTest, r.predicted), macroF1: macroF1(s.yTest, r.predicted), note: model === "hgb" ? `${r.nIter} rounds run` : undefined };
}

interface Comparison {
  size: string;
  model: string;
  reference: string;
  ours: Run[];
  theirs: Run[];
  fitRatio: number;
  predictRatio: number;
  macroF1Difference: number;
  accuracyDifference: number;
}

function summarise(size: string, model: string, reference: string, ours: Run[], theirs: Run[]): Comparison {
  const med = (runs: Run[], key: keyof Run): number => median(runs.map((r) => r[key] as number));
  return {
    size,
    model,
    reference,
    ours,
    theirs,
    fitRatio: med(ours, "fitSeconds") / med(theirs, "fitSeconds"),
    predictRatio: med(ours, "predictSeconds") / med(theirs, "predictSeconds"),
    macroF1Difference: med(ours, "macroF1") - med(theirs, "macroF1"),
    accuracyDifference: med(ours, "accuracy") - med(theirs, "accuracy"),
  };
}

function printComparison(c: Comparison): void {
  const med = (runs: Run[], key: keyof Run): number => median(runs.map((r) => r[key] as number));
  const f = (x: number, d = 2): string => x.toFixed(d);
  console.log(
    `${c.size.padEnd(12)} ${c.model.padEnd(5)} vs ${c.reference.padEnd(22)} fit ${f(med(c.ours, "fitSeconds"))} s / ${f(med(c.theirs, "fitSeconds"))} s = ${f(c.fitRatio)}` +
      `   predict ${f(med(c.ours, "predictSeconds"), 3)} s / ${f(med(c.theirs, "predictSeconds"), 3)} s = ${f(c.predictRatio)}` +
      `   macro-F1 ${f(med(c.ours, "macroF1"), 4)} / ${f(med(c.theirs, "macroF1"), 4)} (${c.macroF1Difference >= 0 ? "+" : ""}${f(c.macroF1Difference, 4)})` +
      `   accuracy ${f(med(c.ours, "accuracy"), 4)} / ${f(med(c.theirs, "accuracy"), 4)}` +
      (c.ours[0].note !== undefined ? `   [ours: ${c.ours.map((r) => r.note).join(", ")}; theirs: ${c.theirs.map((r) => r.note).join(", ")}]` : ""),
  );
  console.log(`${"".padEnd(12)} fit times ours ${c.ours.map((r) => f(r.fitSeconds)).join(" ")}; theirs ${c.theirs.map((r) => f(r.fitSeconds)).join(" ")}`);
}

async function compareWithSklearn(o: Options, results: Comparison[]): Promise<void> {
  const pairs = [
    { kind: "rf" as const, ours: { nEstimators: 100, maxDepth: 10, seed: SEED, threads: ourThreads(o) }, sk: "rf" as const, skParams: { n_estimators: 100, max_depth: 10, n_jobs: o.threads, random_state: SEED }, name: "sklearn RandomForest" },
    { kind: "gbdt" as const, ours: { seed: SEED, threads: ourThreads(o) }, sk: "hgb" as const, skParams: { random_state: SEED }, name: "sklearn HistGradBoost" },
  ];
  for (const [nRows, nFeatures] of o.sizes) {
    const size = `${nRows}x${nFeatures}`;
    const s = prepare(nRows, nFeatures);
    try {
      const runs = pairs.map(() => ({ ours: [] as Run[], theirs: [] as Run[] }));
      for (let rep = 0; rep < o.reps; rep++) {
        for (let i = 0; i < pairs.length; i++) {
          const p = pairs[i];
          // Alternate who goes first, so slow phases of the shared machine hit both sides.
          if (rep % 2 === 0) {
            runs[i].ours.push(await runOurs(p.kind, p.ours, s));
            runs[i].theirs.push(runSklearn(p.sk, p.skParams, s, o.threads));
          } else {
            runs[i].theirs.push(runSklearn(p.sk, p.skParams, s, o.threads));
            runs[i].ours.push(await runOurs(p.kind, p.ours, s));
          }
          console.error(`  ${size} ${p.kind} repetition ${rep + 1}/${o.reps}: ours ${runs[i].ours[rep].fitSeconds.toFixed(2)} s, scikit-learn ${runs[i].theirs[rep].fitSeconds.toFixed(2)} s (load ${os.loadavg()[0].toFixed(1)})`);
        }
      }
      pairs.forEach((p, i) => {
        const c = summarise(size, p.kind, p.name, runs[i].ours, runs[i].theirs);
        results.push(c);
        printComparison(c);
      });
    } finally {
      fs.rmSync(s.dir, { recursive: true, force: true });
    }
  }
}

async function compareWithMlRf(o: Options, results: Comparison[]): Promise<void> {
  const [nRows, nFeatures] = o.mlrf;
  const s = prepare(nRows, nFeatures);
  fs.rmSync(s.dir, { recursive: true, force: true });
  const params = { nEstimators: 20, maxDepth: 10, seed: SEED };
  const theirs = [await runOurs("ml-rf", params, s)];
  const ours = [await runOurs("rf", { ...params, threads: ourThreads(o) }, s)];
  const c = summarise(`${nRows}x${nFeatures}`, "rf", "ml-random-forest (20 trees)", ours, theirs);
  results.push(c);
  printComparison(c);
}

interface ScaleRun {
  size: string;
  model: string;
  generateSeconds: number;
  binSeconds: number;
  fitSeconds: number;
  predictSeconds: number;
  predictRows: number;
  rssAfterDataMB: number;
  peakRssMB: number;
  trainAccuracy: number;
}

const SCALE_MODELS = {
  rf: (o: Options) => ({ label: `rf, ${o.scaleTrees} trees, depth 10`, params: { nEstimators: o.scaleTrees, maxDepth: 10, seed: SEED, threads: ourThreads(o) } }),
  gbdt: (o: Options) => ({ label: "gbdt, 2 rounds x 5 classes", params: { maxIter: 2, earlyStopping: false, seed: SEED, threads: ourThreads(o) } }),
};

/** One model at the paper's scale, in this process (run as a child, so its peak memory is its own). */
async function scaleChild(o: Options, kind: keyof typeof SCALE_MODELS): Promise<ScaleRun> {
  const [nRows, nFeatures] = o.scale;
  const { label, params } = SCALE_MODELS[kind](o);
  let t = performance.now();
  const d = syntheticWindows({ nRows, nFeatures, seed: SEED });
  const generateSeconds = (performance.now() - t) / 1000;
  const rssAfterDataMB = process.memoryUsage().rss / 2 ** 20;
  const model = createModel(kind, params);
  t = performance.now();
  let binSeconds = NaN;
  await model.fit(d.X, d.y, {
    onProgress: (e) => {
      if (e.stage !== "binning" && Number.isNaN(binSeconds)) binSeconds = (performance.now() - t) / 1000;
    },
  });
  const fitSeconds = (performance.now() - t) / 1000;
  const sample = { nRows: 100000, columns: d.X.columns.map((c) => c.subarray(0, 100000)) };
  t = performance.now();
  const pred = model.predict(sample);
  const predictSeconds = (performance.now() - t) / 1000;
  return { size: `${nRows}x${nFeatures}`, model: label, generateSeconds, binSeconds, fitSeconds, predictSeconds, predictRows: sample.nRows, rssAfterDataMB, peakRssMB: process.resourceUsage().maxRSS / 1024, trainAccuracy: accuracy(d.y.subarray(0, sample.nRows), pred) };
}

async function scaleRuns(o: Options): Promise<ScaleRun[]> {
  const out: ScaleRun[] = [];
  for (const kind of Object.keys(SCALE_MODELS)) {
    const args = [__filename, "--scale-child", kind, "--scale", o.scale.join("x"), "--scale-trees", String(o.scaleTrees), "--threads", String(o.threads)];
    const r = spawnSync(process.execPath, args, { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 16 * 1024 * 1024 });
    if (r.status !== 0) throw new Error(`scale run of ${kind} failed (exit ${r.status})`);
    const run = JSON.parse(r.stdout.trim().split("\n").pop()!) as ScaleRun;
    out.push(run);
    console.log(
      `${run.size} ${run.model}: data ${run.generateSeconds.toFixed(1)} s (RSS ${run.rssAfterDataMB.toFixed(0)} MB), fit ${run.fitSeconds.toFixed(1)} s (binning ${run.binSeconds.toFixed(1)} s), ` +
        `predict ${run.predictRows} rows ${run.predictSeconds.toFixed(2)} s, peak RSS ${run.peakRssMB.toFixed(0)} MB (this model's process)`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  if (o.scaleChild !== undefined) {
    console.log(JSON.stringify(await scaleChild(o, o.scaleChild)));
    return;
  }
  console.log(`trees benchmark: ${os.cpus().length} cores, ${o.threads} thread(s) each side, node ${process.version}, load at start ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  const comparisons: Comparison[] = [];
  await compareWithSklearn(o, comparisons);
  await compareWithMlRf(o, comparisons);
  const scale = o.skipScale ? [] : await scaleRuns(o);
  console.log(`load at end ${os.loadavg().map((x) => x.toFixed(1)).join(" ")}`);
  if (o.out !== undefined) fs.writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), comparisons, scale }, null, 2));
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
