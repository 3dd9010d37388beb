/**
 * Human- and spreadsheet-facing tables of one experiment's results (all models):
 * a CSV with one row per run and class, and a Markdown summary. The default
 * experiment's Markdown also sets our per-class F1 (mean ± std over folds) beside the
 * paper's published numbers and says which data set produced ours.
 */
import { InputError } from "../util/errors";
import { formatNumber } from "./results-json";
import { PAPER_F1, PAPER_MODELS, PAPER_RATES, PAPER_SETTING } from "./paper";
import type { ExperimentName, ExperimentResult, RunResult } from "./results";

const CSV_COLUMNS = ["experiment", "model", "heldOut", "class", "precision", "recall", "f1", "support", "macroF1", "weightedF1", "accuracy", "falseAlarmRate", "anomalyMissRate"];

function csvField(v: string | number): string {
  const s = typeof v === "number" ? formatNumber(v) : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function sameExperiment(results: ExperimentResult[]): ExperimentName {
  if (results.length === 0) throw new InputError("no results to tabulate");
  const experiment = results[0].experiment;
  const other = results.find((r) => r.experiment !== experiment);
  if (other !== undefined) throw new InputError(`results of "${other.experiment}" (model ${other.model}) mixed into a table of "${experiment}"`);
  return experiment;
}

/** CSV, one row per model × run × class, numbers as in the JSON files. */
export function experimentCsv(results: ExperimentResult[]): string {
  sameExperiment(results);
  const lines = [CSV_COLUMNS.join(",")];
  for (const result of results) {
    for (const run of result.runs) {
      for (const [label, s] of Object.entries(run.perClass)) {
        const row = [result.experiment, result.model, run.heldOut, label, s.precision, s.recall, s.f1, s.support, run.macroF1, run.weightedF1, run.accuracy, run.falseAlarmRate, run.anomalyMissRate];
        lines.push(row.map(csvField).join(","));
      }
    }
  }
  return lines.join("\n") + "\n";
}

const TITLES: Record<ExperimentName, [string, string]> = {
  default: ["Default diagnosis", "stratified k-fold over node-runs: every node-run is tested exactly once, by a model that never saw it"],
  "unknown-apps": ["Unknown applications", "each application held out in turn: trained on all others, tested on it"],
  "unknown-inputs": ["Unknown inputs", "each input held out in turn: trained on all others, tested on it"],
};

const f3 = (x: number): string => x.toFixed(3);
const pct = (x: number): string => `${Number((100 * x).toPrecision(3))} %`;
const cell = (s: string): string => s.replace(/\|/g, "\\|");

function table(header: string[], rows: string[][], align: ("l" | "r")[]): string {
  const sep = align.map((a) => (a === "r" ? "---:" : "---"));
  return [header, sep, ...rows].map((r) => `| ${r.map(cell).join(" | ")} |`).join("\n");
}

function runTable(result: ExperimentResult): string {
  const labels = result.runs[0].confusion.labels;
  const withCI = result.runs.some((r) => r.macroF1CI !== undefined);
  const header = ["held out", "macro-F1", ...(withCI ? ["95 % CI (node-runs)"] : []), "weighted F1", "false alarms", "anomaly miss", ...labels.map((l) => `F1 ${l}`)];
  const rows = result.runs.map((r: RunResult) => [
    r.heldOut,
    f3(r.macroF1),
    ...(withCI ? [r.macroF1CI ? `${f3(r.macroF1CI.low)}–${f3(r.macroF1CI.high)}` : "—"] : []),
    f3(r.weightedF1),
    pct(r.falseAlarmRate),
    pct(r.anomalyMissRate),
    ...labels.map((l) => (r.perClass[l].support > 0 ? f3(r.perClass[l].f1) : "—")),
  ]);
  return table(header, rows, ["l", ...header.slice(1).map(() => "r" as const)]);
}

function filterTable(result: ExperimentResult): string | null {
  if (!result.runs.every((r) => r.filtered !== undefined)) return null;
  const c = [...new Set(result.runs.map((r) => r.filtered!.majority.c))].join(", ");
  const header = ["held out", "macro-F1", "majority: macro-F1", "false alarms", "anomaly miss", "consecutive: macro-F1", "false alarms", "anomaly miss"];
  const rows = result.runs.map((r) => {
    const { majority: m, consecutive: k } = r.filtered!;
    return [r.heldOut, f3(r.macroF1), f3(m.macroF1), pct(m.falseAlarmRate), pct(m.anomalyMissRate), f3(k.macroF1), pct(k.falseAlarmRate), pct(k.anomalyMissRate)];
  });
  return `Window filters, C = ${c} (majority of the last C windows; alarm after C identical anomalous windows):\n\n` + table(header, rows, ["l", "r", "r", "r", "r", "r", "r", "r"]);
}

export function paperTable(results: ExperimentResult[]): string {
  const ours = results.map((r) => `${r.model} (ours)`);
  const header = ["class", ...ours, ...PAPER_MODELS.map((m) => `${m} (paper)`)];
  const labels = [...results[0].runs[0].confusion.labels];
  for (const l of Object.keys(PAPER_F1)) if (!labels.includes(l)) labels.push(l);
  const rows = labels.map((label) => [
    label === "none" ? "healthy (none)" : label,
    ...results.map((r) => {
      const s = r.summary.perClassF1[label];
      return s === undefined ? "—" : `${f3(s.mean)} ± ${f3(s.std)}`;
    }),
    ...PAPER_MODELS.map((m) => (PAPER_F1[label] ? f3(PAPER_F1[label][m]) : "—")),
  ]);
  for (const [key, name] of [["falseAlarmRate", "false-alarm rate"], ["anomalyMissRate", "anomaly-miss rate"]] as const) {
    rows.push([name, ...results.map((r) => pct(r.summary[key])), ...PAPER_MODELS.map((m) => (PAPER_RATES[key][m] === undefined ? "—" : pct(PAPER_RATES[key][m]!)))]);
  }
  const runs = [...new Set(results.map((r) => r.summary.runs))].join("/");
  return (
    `Per-class F1; ours as mean ± std over ${runs} folds (classes averaged over the folds that test them), ` +
    `rates as means over folds. Ours: ${datasetsText(results)}. Paper: ${PAPER_SETTING}.\n\n` +
    table(header, rows, ["l", ...header.slice(1).map(() => "r" as const)])
  );
}

function datasetsText(results: ExperimentResult[]): string {
  const datasets = [...new Set(results.map((r) => r.dataset))];
  return datasets.length === 1 ? `data set \`${datasets[0]}\`` : results.map((r) => `${r.model} on \`${r.dataset}\``).join(", ");
}

/** Markdown summary of one experiment's results (one or more models). */
export function experimentMarkdown(results: ExperimentResult[]): string {
  const experiment = sameExperiment(results);
  const [title, what] = TITLES[experiment];
  const parts = [`# ${title}`, `${what[0].toUpperCase()}${what.slice(1)}. Produced from ${datasetsText(results)}.`];
  parts.push(
    table(
      ["model", "runs", "macro-F1 (mean ± std)", "min", "max", "weighted F1", "false alarms", "anomaly miss", "features s", "selection s", "train s", "predict s"],
      results.map((r) => {
        const s = r.summary;
        const t = r.timing;
        return [r.model, String(s.runs), `${f3(s.macroF1)} ± ${f3(s.macroF1Std)}`, f3(s.macroF1Min), f3(s.macroF1Max), f3(s.weightedF1), pct(s.falseAlarmRate), pct(s.anomalyMissRate), t.featuresSeconds.toFixed(1), t.selectionSeconds === undefined ? "" : t.selectionSeconds.toFixed(1), t.trainSeconds.toFixed(1), t.predictSeconds.toFixed(1)];
      }),
      ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
    ),
  );
  if (experiment === "default") parts.push("## Beside the paper", paperTable(results));
  for (const result of results) {
    parts.push(`## ${result.model}: per run`, runTable(result));
    const filters = filterTable(result);
    if (filters !== null) parts.push(filters);
  }
  return parts.join("\n\n") + "\n";
}

/**
 * One row per experiment and model: the headline numbers without timings (which depend on
 * the machine), so the README's copy can be checked against the committed results.
 */
export function headlineMarkdown(all: Partial<Record<ExperimentName, ExperimentResult[]>>): string {
  const rows: string[][] = [];
  for (const experiment of Object.keys(TITLES) as ExperimentName[]) {
    for (const r of all[experiment] ?? []) {
      const s = r.summary;
      rows.push([TITLES[experiment][0].toLowerCase(), r.model, String(s.runs), `${f3(s.macroF1)} ± ${f3(s.macroF1Std)}`, `${f3(s.macroF1Min)}–${f3(s.macroF1Max)}`, f3(s.weightedF1), pct(s.falseAlarmRate), pct(s.anomalyMissRate)]);
    }
  }
  return table(["experiment", "model", "runs", "macro-F1 (mean ± std)", "min–max", "weighted F1", "false alarms", "anomaly miss"], rows, ["l", "l", "r", "r", "r", "r", "r", "r"]);
}
