/**
 * `results/README.md`: every experiment's tables on one page, with the figures, so a
 * reader sees the latest results without running anything.
 */
import { EXPERIMENTS, type ExperimentName, type ExperimentResult } from "../evaluation/results";
import { experimentMarkdown } from "../evaluation/results-tables";
import { resultFigures } from "./figures";

/** Demotes Markdown headings by one level, so an experiment's page nests under this one. */
function demote(markdown: string): string {
  return markdown.replace(/^(#+) /gm, "#$1 ");
}

export function resultsSummaryMarkdown(all: Partial<Record<ExperimentName, ExperimentResult[]>>, { images }: { images: boolean }): string {
  const figures = Object.keys(resultFigures(all));
  const parts = [
    "# Results",
    "Written by `e2ewatch reproduce` (see the README for the command); each experiment's folder holds one JSON file per model (the results contract of DESIGN.md), `results.csv` and `results.md`. Figures are in `figures/`: interactive HTML (open in a browser; `plotly.js` sits beside them) and, when Chromium was available, SVG and PNG.",
  ];
  for (const experiment of EXPERIMENTS) {
    const results = all[experiment];
    if (results === undefined) continue;
    parts.push(demote(experimentMarkdown(results)).trim());
    const mine = figures.filter((f) => f.startsWith(`${experiment}-`));
    if (mine.length > 0) {
      parts.push(mine.map((f) => (images ? `![${f}](figures/${f}.svg)` : `[${f}](figures/${f}.html)`)).join("\n"));
    }
  }
  return parts.join("\n\n") + "\n";
}
