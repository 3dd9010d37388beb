/**
 * The results folder on disk (DESIGN.md):
 *
 *   <results>/<experiment>/<model>.json   one ExperimentResult (canonical JSON)
 *   <results>/<experiment>/results.csv    every model's runs × classes
 *   <results>/<experiment>/results.md     every model's Markdown summary
 *
 * Writing one model's result rewrites the experiment's CSV and Markdown from all
 * `<model>.json` files in its folder, so running RF and then GBDT leaves one table with
 * both. Models are listed by name.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { InputError } from "../util/errors";
import { EXPERIMENTS, type ExperimentName, type ExperimentResult } from "./results";
import { experimentJson, readExperimentResult, validateExperimentResult } from "./results-json";
import { experimentCsv, experimentMarkdown } from "./results-tables";

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export interface WrittenFiles {
  json: string;
  csv: string;
  markdown: string;
}

/** Reads and validates every `<model>.json` of one experiment folder, by model name; [] when the folder is absent. */
export function readExperimentFolder(dir: string): ExperimentResult[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .sort()
    .map((f) => readExperimentResult(path.join(dir, f)));
}

/** Every experiment's results under a results folder, experiments in the order default, unknown-apps, unknown-inputs. */
export function readResults(resultsDir: string): Partial<Record<ExperimentName, ExperimentResult[]>> {
  const all: Partial<Record<ExperimentName, ExperimentResult[]>> = {};
  for (const experiment of EXPERIMENTS) {
    const results = readExperimentFolder(path.join(resultsDir, experiment));
    if (results.length > 0) all[experiment] = results;
  }
  return all;
}

/**
 * Writes `<dir>/<experiment>/<model>.json` and rewrites the experiment's `results.csv`
 * and `results.md` from all models' files.
 * @throws InputError when the result does not validate or the model name is not a safe file name.
 */
export function writeExperimentResults(dir: string, result: ExperimentResult): WrittenFiles {
  if (!MODEL_NAME.test(result.model)) throw new InputError(`model name "${result.model}" cannot be a file name (letters, digits, ".", "_", "-")`);
  const folder = path.join(dir, result.experiment);
  const json = path.join(folder, `${result.model}.json`);
  const text = experimentJson(result);
  validateExperimentResult(JSON.parse(text), json);
  fs.mkdirSync(folder, { recursive: true });
  fs.writeFileSync(json, text);
  const all = readExperimentFolder(folder);
  const csv = path.join(folder, "results.csv");
  const markdown = path.join(folder, "results.md");
  fs.writeFileSync(csv, experimentCsv(all));
  fs.writeFileSync(markdown, experimentMarkdown(all));
  return { json, csv, markdown };
}
