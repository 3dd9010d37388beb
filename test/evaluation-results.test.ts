import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  evaluateRun,
  experimentCsv,
  experimentJson,
  experimentMarkdown,
  formatNumber,
  readExperimentResult,
  readResults,
  stableJson,
  summarizeRuns,
  validateExperimentResult,
  writeExperimentResults,
  type ExperimentName,
  type ExperimentResult,
  type RunResult,
} from "../lib/evaluation";
import { InputError } from "../lib/util/errors";
import { Random } from "../lib/util/random";
import { tempDir } from "./helpers";

const LABELS = ["none", "cachecopy", "cpuoccupy", "membw", "memleak"];

/** A split's predictions: node-runs of 8 windows, predictions right with probability `accuracy`. */
function fakeRun(heldOut: string, seed: number, accuracy = 0.85, classes = LABELS.length): RunResult {
  const rng = new Random(seed);
  const yTrue: number[] = [];
  const yPred: number[] = [];
  const runIndex: number[] = [];
  const windowEnd: number[] = [];
  for (let r = 0; r < 30; r++) {
    const cls = r % 2 === 0 ? 0 : 1 + rng.nextInt(classes - 1);
    for (let w = 0; w < 8; w++) {
      yTrue.push(cls);
      yPred.push(rng.nextFloat() < accuracy ? cls : rng.nextInt(LABELS.length));
      runIndex.push(seed * 1000 + r);
      windowEnd.push(w * 15);
    }
  }
  return evaluateRun(heldOut, yTrue, yPred, LABELS, { runIndex, windowEnd, bootstrap: { resamples: 200, seed }, filterWindows: 3, sizes: { trainRuns: 120, testRuns: 30, trainWindows: 960, testWindows: 240 } });
}

function fakeResult(experiment: ExperimentName, model: string, heldOut: string[], config: ExperimentResult["config"] = { folds: 5, seed: 1, window: 60 }): ExperimentResult {
  const runs = heldOut.map((h, i) => fakeRun(h, i + 1, model === "rf" ? 0.8 : 0.9, experiment === "unknown-apps" && i === 0 ? 3 : LABELS.length));
  return { experiment, model, dataset: "data/quick (synthetic, seed 1)", config, runs, summary: summarizeRuns(runs), timing: { featuresSeconds: 1.25, trainSeconds: 3.5, predictSeconds: 0.25 } };
}

const FOLDS = ["fold 0", "fold 1", "fold 2", "fold 3", "fold 4"];

describe("evaluation: run results and summaries", () => {
  it("builds a run result from predictions, with interval, filters and sizes", () => {
    const run = fakeRun("fold 0", 1);
    assert.deepEqual(Object.keys(run.perClass), LABELS);
    assert.equal(run.confusion.matrix.flat().reduce((a, b) => a + b, 0), 240);
    assert.ok(run.macroF1CI!.low <= run.macroF1 && run.macroF1 <= run.macroF1CI!.high);
    assert.equal(run.filtered!.majority.c, 3);
    assert.equal(run.filtered!.consecutive.confusion.matrix.flat().reduce((a, b) => a + b, 0), 240);
    assert.throws(() => evaluateRun("x", [0], [0], LABELS, { bootstrap: {} }), /needs each window's node-run/);
    assert.throws(() => evaluateRun("x", [0], [0], LABELS, { filterWindows: 3, runIndex: [0] }), /node-run and end time/);
  });

  it("summarizes: mean, sample std, min, max; class means only over runs that test the class", () => {
    const runs = [fakeRun("a", 1), fakeRun("b", 2), fakeRun("c", 3, 0.85, 2)]; // run c tests none and cachecopy only
    const s = summarizeRuns(runs);
    const m = runs.map((r) => r.macroF1);
    const mean = (m[0] + m[1] + m[2]) / 3;
    assert.equal(s.runs, 3);
    assert.ok(Math.abs(s.macroF1 - mean) < 1e-15);
    assert.ok(Math.abs(s.macroF1Std - Math.sqrt(m.reduce((a, x) => a + (x - mean) ** 2, 0) / 2)) < 1e-15);
    assert.equal(s.macroF1Min, Math.min(...m));
    assert.equal(s.macroF1Max, Math.max(...m));
    assert.equal(s.perClassF1.none.runs, 3);
    assert.equal(s.perClassF1.membw.runs, 2);
    assert.ok(Math.abs(s.perClassF1.membw.mean - (runs[0].perClass.membw.f1 + runs[1].perClass.membw.f1) / 2) < 1e-15);
    assert.ok(s.filtered !== undefined);
    assert.equal(summarizeRuns([runs[0]]).macroF1Std, 0);
    assert.throws(() => summarizeRuns([]), InputError);
    const other = evaluateRun("d", [0], [0], ["none", "x"]);
    assert.throws(() => summarizeRuns([runs[0], other]), /has labels \[none, x\]/);
  });
});

describe("evaluation: results files", () => {
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("formats numbers: integers as such, 12 significant digits, no -0, no NaN", () => {
    assert.equal(formatNumber(42), "42");
    assert.equal(formatNumber(-0), "0");
    assert.equal(formatNumber(2 / 3), "0.666666666667");
    assert.equal(formatNumber(0.1 + 0.2), "0.3");
    assert.equal(formatNumber(9e-6), "0.000009");
    assert.equal(formatNumber(1.5e-9), "1.5e-9");
    assert.throws(() => formatNumber(NaN, "runs[0].macroF1"), /runs\[0\]\.macroF1 is NaN/);
    assert.throws(() => stableJson({ a: Infinity }), /result\.a is Infinity/);
  });

  it("writes the same bytes for the same numbers, whatever the key order in memory", () => {
    const a = fakeResult("default", "rf", FOLDS, { seed: 1, folds: 5, model: { trees: 250, depth: 10 } });
    const b: ExperimentResult = JSON.parse(JSON.stringify(a));
    // Rebuild b with every object's keys reversed and a float that differs in the last bits.
    const reverse = (v: unknown): unknown => (Array.isArray(v) ? v.map(reverse) : v !== null && typeof v === "object" ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, reverse(x)])) : v);
    const c = reverse(b) as ExperimentResult;
    // perClass maps keep label order; restore it after the reversal.
    for (const run of c.runs) run.perClass = Object.fromEntries(LABELS.map((l) => [l, run.perClass[l]]));
    c.runs[0].macroF1 = a.runs[0].macroF1 * (1 + 2 ** -52);
    c.summary.perClassF1 = Object.fromEntries(Object.keys(a.summary.perClassF1).map((l) => [l, c.summary.perClassF1[l]]));
    for (const run of c.runs) for (const f of [run.filtered!.majority, run.filtered!.consecutive]) f.perClass = Object.fromEntries(LABELS.map((l) => [l, f.perClass[l]]));
    assert.equal(experimentJson(c), experimentJson(a));
    const text = experimentJson(a);
    assert.match(text, /^\{\n  "experiment": "default",\n  "model": "rf",\n  "dataset": .*\n  "config": \{\n    "folds": 5,\n    "model": \{\n      "depth": 10,\n      "trees": 250\n    \},\n    "seed": 1\n  \},\n  "runs": \[\n    \{\n      "heldOut": "fold 0",\n      "macroF1": /);
    assert.match(text, /"labels": \["none", "cachecopy", "cpuoccupy", "membw", "memleak"\]/);
    assert.ok(text.endsWith("}\n"));
    // Reading and writing again changes nothing.
    const file = path.join(dir, "x.json");
    fs.writeFileSync(file, text);
    assert.equal(experimentJson(readExperimentResult(file)), text);
  });

  it("writes <experiment>/<model>.json and rewrites the experiment's CSV and Markdown from all models", () => {
    const rf = writeExperimentResults(dir, fakeResult("default", "rf", FOLDS));
    assert.equal(rf.json, path.join(dir, "default", "rf.json"));
    let csv = fs.readFileSync(rf.csv, "utf8").trim().split("\n");
    assert.equal(csv[0], "experiment,model,heldOut,class,precision,recall,f1,support,macroF1,weightedF1,accuracy,falseAlarmRate,anomalyMissRate");
    assert.equal(csv.length, 1 + 5 * LABELS.length);
    const gbdt = writeExperimentResults(dir, fakeResult("default", "gbdt", FOLDS));
    csv = fs.readFileSync(gbdt.csv, "utf8").trim().split("\n");
    assert.equal(csv.length, 1 + 2 * 5 * LABELS.length);
    assert.ok(csv[1].startsWith("default,gbdt,fold 0,none,"));
    const md = fs.readFileSync(gbdt.markdown, "utf8");
    assert.match(md, /^# Default diagnosis\n/);
    assert.match(md, /data set `data\/quick \(synthetic, seed 1\)`/);
    assert.match(md, /\| class \| gbdt \(ours\) \| rf \(ours\) \| LightGBM \(paper\) \| RF \(paper\) \| XGBoost \(paper\) \|/);
    const healthyRow = md.split("\n").find((l) => l.startsWith("| healthy (none) |"))!;
    const ours = readResults(dir).default!;
    assert.deepEqual(ours.map((r) => r.model), ["gbdt", "rf"]);
    const f = ours[0].summary.perClassF1.none;
    assert.equal(healthyRow, `| healthy (none) | ${f.mean.toFixed(3)} ± ${f.std.toFixed(3)} | ${ours[1].summary.perClassF1.none.mean.toFixed(3)} ± ${ours[1].summary.perClassF1.none.std.toFixed(3)} | 0.999 | 0.998 | 0.999 |`);
    assert.match(md, /\| false-alarm rate \| [^|]+ \| [^|]+ \| 0\.0009 % \| 0\.03 % \| — \|/);
    assert.match(md, /## rf: per run/);
    assert.match(md, /Window filters, C = 3/);
    assert.match(md, /95 % CI \(node-runs\)/);
  });

  it("tabulates unknown applications without the paper's table, marking untested classes", () => {
    const r = fakeResult("unknown-apps", "rf", ["ExaMiniMD", "LAMMPS", "sw4"]);
    const md = experimentMarkdown([r]);
    assert.match(md, /^# Unknown applications\n/);
    assert.doesNotMatch(md, /paper/);
    const row = md.split("\n").find((l) => l.startsWith("| ExaMiniMD |"))!;
    assert.match(row, /\| — \| — \|$/); // the first run tests none, cachecopy, cpuoccupy only
    assert.throws(() => experimentMarkdown([r, fakeResult("default", "rf", FOLDS)]), /mixed into a table of "unknown-apps"/);
    assert.throws(() => experimentCsv([]), /no results/);
  });

  it("quotes CSV fields that need it", () => {
    const r = fakeResult("unknown-inputs", "rf", ['deck "A", large', "B"]);
    const line = experimentCsv([r]).split("\n")[1];
    assert.ok(line.startsWith('unknown-inputs,rf,"deck ""A"", large",none,'), line);
  });

  it("validates results files, naming the file and the field", () => {
    const good = JSON.parse(experimentJson(fakeResult("default", "rf", FOLDS)));
    const bad = (mutate: (v: any) => void, pattern: RegExp): void => {
      const v = JSON.parse(JSON.stringify(good));
      mutate(v);
      assert.throws(() => validateExperimentResult(v, "res/default/rf.json"), (e: unknown) => e instanceof InputError && pattern.test(e.message) && e.message.startsWith("res/default/rf.json: "));
    };
    validateExperimentResult(good, "ok.json");
    bad((v) => (v.experiment = "other"), /experiment: expected one of default, unknown-apps, unknown-inputs/);
    bad((v) => (v.runs[2].perClass.none.f1 = 1.5), /runs\[2\]\.perClass\.none\.f1: expected at most 1, got 1\.5/);
    bad((v) => (v.runs[1].perClass.membw.support += 1), /runs\[1\]\.perClass\.membw\.support: is \d+ but the confusion row sums to \d+/);
    bad((v) => delete v.runs[0].perClass.memleak, /runs\[0\]\.perClass: keys/);
    bad((v) => (v.runs[0].confusion.matrix[1] = [1, 2]), /runs\[0\]\.confusion\.matrix\[1\]: expected 5 counts, got 2/);
    bad((v) => (v.runs[0].macroF1CI.low = 0.99), /runs\[0\]\.macroF1CI: low 0\.99 is above high/);
    bad((v) => (v.runs[3].filtered.majority.c = 0), /runs\[3\]\.filtered\.majority\.c: expected at least 1/);
    bad((v) => (v.summary.runs = 4), /summary\.runs: is 4 but there are 5 runs/);
    bad((v) => delete v.timing.trainSeconds, /timing\.trainSeconds: expected a number, got nothing/);
    bad((v) => (v.runs = []), /runs: expected at least one run/);
    const file = path.join(dir, "broken.json");
    fs.writeFileSync(file, "{ not json");
    assert.throws(() => readExperimentResult(file), (e: unknown) => e instanceof InputError && e.message.startsWith(`${file}: not JSON`));
    assert.throws(() => writeExperimentResults(dir, { ...fakeResult("default", "rf", FOLDS), model: "../x" }), /cannot be a file name/);
  });
});
