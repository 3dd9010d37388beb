/**
 * Results files as bytes: the same numbers always give the same file, so results can be
 * committed and diffed, and a rerun with the same seed is checked byte for byte.
 *
 * - Keys: the schema's fields in a fixed order (DESIGN.md's order, details after);
 *   unknown fields after them, alphabetically; `config` sorted alphabetically at every
 *   depth; per-class maps in label order.
 * - Numbers: integers as integers; other numbers rounded to 12 significant digits and
 *   written in JavaScript's shortest form; -0 as 0. NaN and infinities are refused (they
 *   are not JSON and mean a bug upstream).
 * - Layout: two-space indentation, arrays of plain values (labels, confusion rows) on
 *   one line, a final newline.
 *
 * The reader validates a file against the schema and returns it typed, or throws an
 * `InputError` naming the file and the field (e.g. `runs[2].perClass.none.f1`).
 */
import * as fs from "node:fs";
import { InputError } from "../util/errors";
import { EXPERIMENTS, type ExperimentResult } from "./results";

const KEY_ORDER = [
  "experiment", "model", "dataset", "config", "runs", "summary", "timing",
  "heldOut", "c", "macroF1", "macroF1Std", "macroF1Min", "macroF1Max", "weightedF1", "accuracy",
  "falseAlarmRate", "anomalyMissRate", "macroF1CI", "perClass", "perClassF1", "confusion", "filtered", "sizes",
  "majority", "consecutive", "labels", "matrix", "precision", "recall", "f1", "support", "mean", "std",
  "low", "high", "level", "resamples", "seed", "unit",
  "trainRuns", "testRuns", "trainWindows", "testWindows", "featuresSeconds", "trainSeconds", "predictSeconds",
];
const KEY_RANK = new Map(KEY_ORDER.map((k, i) => [k, i]));
/** Maps keyed by class label: written in insertion (label) order. */
const LABEL_MAPS = new Set(["perClass", "perClassF1"]);

type KeyMode = "schema" | "sorted" | "insertion";

/** Integers as they are, other numbers to 12 significant digits; refuses NaN and infinities. */
export function formatNumber(x: number, where = "value"): string {
  if (!Number.isFinite(x)) throw new Error(`${where} is ${x}; results hold finite numbers only`);
  if (Object.is(x, -0)) return "0";
  if (Number.isInteger(x)) return String(x);
  const rounded = Number(x.toPrecision(12));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}

function orderedKeys(obj: object, mode: KeyMode): string[] {
  const keys = Object.keys(obj);
  if (mode === "insertion") return keys;
  const alpha = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  if (mode === "sorted") return keys.sort(alpha);
  return keys.sort((a, b) => (KEY_RANK.get(a) ?? Infinity) - (KEY_RANK.get(b) ?? Infinity) || alpha(a, b));
}

function isPlain(v: unknown): boolean {
  return v === null || typeof v !== "object";
}

function write(value: unknown, mode: KeyMode, indent: string, where: string): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
      return formatNumber(value, where);
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new Error(`${where} is a ${typeof value}, which JSON cannot hold`);
  }
  const inner = indent + "  ";
  if (Array.isArray(value) || ArrayBuffer.isView(value)) {
    const items = Array.from(value as ArrayLike<unknown>);
    if (items.length === 0) return "[]";
    if (items.every(isPlain)) return `[${items.map((v, i) => write(v, mode, inner, `${where}[${i}]`)).join(", ")}]`;
    return `[\n${items.map((v, i) => inner + write(v, mode, inner, `${where}[${i}]`)).join(",\n")}\n${indent}]`;
  }
  const keys = orderedKeys(value, mode).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
  if (keys.length === 0) return "{}";
  const fields = keys.map((k) => {
    // config sorts its whole subtree; a label map's values are schema objects again.
    const childMode: KeyMode = mode === "sorted" || k === "config" ? "sorted" : mode === "schema" && LABEL_MAPS.has(k) ? "insertion" : "schema";
    return `${inner}${JSON.stringify(k)}: ${write((value as Record<string, unknown>)[k], childMode, inner, `${where}.${k}`)}`;
  });
  return `{\n${fields.join(",\n")}\n${indent}}`;
}

/** The canonical JSON text of any results value (see the module comment). */
export function stableJson(value: unknown): string {
  return write(value, "schema", "", "result") + "\n";
}

/** Canonical JSON of an experiment result, as written to `<model>.json`. */
export function experimentJson(result: ExperimentResult): string {
  return stableJson(result);
}

/** Checks a parsed results value field by field, naming the first bad one. */
class Validator {
  constructor(private readonly file: string) {}

  fail(path: string, message: string): never {
    throw new InputError(`${path}: ${message}`, { file: this.file });
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (v === null || typeof v !== "object" || Array.isArray(v)) this.fail(path, `expected an object, got ${describe(v)}`);
    return v as Record<string, unknown>;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${describe(v)}`);
    return v;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== "string") this.fail(path, `expected a string, got ${describe(v)}`);
    return v;
  }

  number(v: unknown, path: string, range: { min?: number; max?: number; integer?: boolean } = {}): number {
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(path, `expected a number, got ${describe(v)}`);
    if (range.integer && !Number.isInteger(v)) this.fail(path, `expected an integer, got ${v}`);
    if (range.min !== undefined && v < range.min) this.fail(path, `expected at least ${range.min}, got ${v}`);
    if (range.max !== undefined && v > range.max) this.fail(path, `expected at most ${range.max}, got ${v}`);
    return v;
  }

  score(v: unknown, path: string): number {
    return this.number(v, path, { min: 0, max: 1 });
  }

  count(v: unknown, path: string): number {
    return this.number(v, path, { min: 0, integer: true });
  }
}

function describe(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "string" ? JSON.stringify(v.length > 40 ? v.slice(0, 40) + "..." : v) : typeof v === "object" ? "an object" : String(v);
}

/** Window metrics of a run or of a filtered run; returns the labels. */
function checkWindowMetrics(c: Validator, m: Record<string, unknown>, path: string): string[] {
  for (const k of ["macroF1", "weightedF1", "accuracy", "falseAlarmRate", "anomalyMissRate"]) c.score(m[k], `${path}.${k}`);
  const confusion = c.object(m.confusion, `${path}.confusion`);
  const labels = c.array(confusion.labels, `${path}.confusion.labels`).map((l, i) => c.string(l, `${path}.confusion.labels[${i}]`));
  if (new Set(labels).size !== labels.length || labels.length === 0) c.fail(`${path}.confusion.labels`, "expected distinct labels");
  const matrix = c.array(confusion.matrix, `${path}.confusion.matrix`);
  if (matrix.length !== labels.length) c.fail(`${path}.confusion.matrix`, `expected ${labels.length} rows, got ${matrix.length}`);
  const perClass = c.object(m.perClass, `${path}.perClass`);
  const keys = Object.keys(perClass);
  if (keys.join("\u0000") !== labels.join("\u0000")) c.fail(`${path}.perClass`, `keys [${keys.join(", ")}] differ from confusion.labels [${labels.join(", ")}]`);
  labels.forEach((label, t) => {
    const row = c.array(matrix[t], `${path}.confusion.matrix[${t}]`);
    if (row.length !== labels.length) c.fail(`${path}.confusion.matrix[${t}]`, `expected ${labels.length} counts, got ${row.length}`);
    const rowSum = row.reduce<number>((s, v, p) => s + c.count(v, `${path}.confusion.matrix[${t}][${p}]`), 0);
    const scores = c.object(perClass[label], `${path}.perClass.${label}`);
    for (const k of ["precision", "recall", "f1"]) c.score(scores[k], `${path}.perClass.${label}.${k}`);
    const support = c.count(scores.support, `${path}.perClass.${label}.support`);
    if (support !== rowSum) c.fail(`${path}.perClass.${label}.support`, `is ${support} but the confusion row sums to ${rowSum}`);
  });
  return labels;
}

function checkRun(c: Validator, v: unknown, path: string): string[] {
  const run = c.object(v, path);
  c.string(run.heldOut, `${path}.heldOut`);
  const labels = checkWindowMetrics(c, run, path);
  if (run.macroF1CI !== undefined) {
    const ci = c.object(run.macroF1CI, `${path}.macroF1CI`);
    const low = c.score(ci.low, `${path}.macroF1CI.low`);
    const high = c.score(ci.high, `${path}.macroF1CI.high`);
    if (low > high) c.fail(`${path}.macroF1CI`, `low ${low} is above high ${high}`);
    c.number(ci.level, `${path}.macroF1CI.level`, { min: 0, max: 1 });
    c.number(ci.resamples, `${path}.macroF1CI.resamples`, { min: 1, integer: true });
    c.number(ci.seed, `${path}.macroF1CI.seed`, { integer: true });
  }
  if (run.filtered !== undefined) {
    const filtered = c.object(run.filtered, `${path}.filtered`);
    for (const name of ["majority", "consecutive"]) {
      const f = c.object(filtered[name], `${path}.filtered.${name}`);
      c.number(f.c, `${path}.filtered.${name}.c`, { min: 1, integer: true });
      const fLabels = checkWindowMetrics(c, f, `${path}.filtered.${name}`);
      if (fLabels.join("\u0000") !== labels.join("\u0000")) c.fail(`${path}.filtered.${name}.confusion.labels`, "differ from the run's labels");
    }
  }
  if (run.sizes !== undefined) {
    const sizes = c.object(run.sizes, `${path}.sizes`);
    for (const k of ["trainRuns", "testRuns", "trainWindows", "testWindows"]) c.count(sizes[k], `${path}.sizes.${k}`);
  }
  return labels;
}

/**
 * Checks that a parsed value is an experiment result and returns it typed.
 * @param file named in error messages
 * @throws InputError naming the file and the first bad field
 */
export function validateExperimentResult(value: unknown, file: string): ExperimentResult {
  const c = new Validator(file);
  const top = c.object(value, "result");
  const experiment = c.string(top.experiment, "experiment");
  if (!(EXPERIMENTS as readonly string[]).includes(experiment)) c.fail("experiment", `expected one of ${EXPERIMENTS.join(", ")}, got ${describe(experiment)}`);
  c.string(top.model, "model");
  c.string(top.dataset, "dataset");
  c.object(top.config, "config");
  const runs = c.array(top.runs, "runs");
  if (runs.length === 0) c.fail("runs", "expected at least one run");
  const labels = runs.map((run, i) => checkRun(c, run, `runs[${i}]`));
  labels.forEach((l, i) => {
    if (l.join("\u0000") !== labels[0].join("\u0000")) c.fail(`runs[${i}].confusion.labels`, "differ from runs[0]'s labels");
  });
  const summary = c.object(top.summary, "summary");
  c.number(summary.runs, "summary.runs", { min: 1, integer: true });
  if (summary.runs !== runs.length) c.fail("summary.runs", `is ${summary.runs} but there are ${runs.length} runs`);
  for (const k of ["macroF1", "macroF1Min", "macroF1Max", "weightedF1", "falseAlarmRate", "anomalyMissRate"]) c.score(summary[k], `summary.${k}`);
  c.number(summary.macroF1Std, "summary.macroF1Std", { min: 0 });
  const perClassF1 = c.object(summary.perClassF1, "summary.perClassF1");
  for (const [label, s] of Object.entries(perClassF1)) {
    if (!labels[0].includes(label)) c.fail(`summary.perClassF1.${label}`, "is not one of the runs' labels");
    const cs = c.object(s, `summary.perClassF1.${label}`);
    c.score(cs.mean, `summary.perClassF1.${label}.mean`);
    c.number(cs.std, `summary.perClassF1.${label}.std`, { min: 0 });
    c.number(cs.runs, `summary.perClassF1.${label}.runs`, { min: 1, max: runs.length, integer: true });
  }
  const timing = c.object(top.timing, "timing");
  for (const k of ["featuresSeconds", "trainSeconds", "predictSeconds"]) c.number(timing[k], `timing.${k}`, { min: 0 });
  return value as ExperimentResult;
}

/** Reads and validates `<model>.json`. */
export function readExperimentResult(file: string): ExperimentResult {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(`cannot read results: ${(e as Error).message}`, { file });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new InputError(`not JSON: ${(e as Error).message}`, { file });
  }
  return validateExperimentResult(value, file);
}
