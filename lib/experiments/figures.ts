/**
 * The figures `reproduce` writes for a results folder: interactive HTML always (with
 * one shared plotly.js beside the pages, so they stay small and work offline), SVG
 * (and PNG) when a Chromium is installed.
 */
import * as path from "node:path";
import type { ExperimentResult, ExperimentName } from "../evaluation/results";
import type { Figure } from "../plots/figure";
import { writeHtml } from "../plots/html";
import { findChromium } from "../plots/browser";
import { figuresToImages } from "../plots/export";
import { confusionFigure, heldOutF1Figure, perClassF1Figure, pooledConfusion, runSpreadFigure } from "../plots/results";
import * as fs from "node:fs";

/** Named figures of all experiments' results. */
export function resultFigures(all: Partial<Record<ExperimentName, ExperimentResult[]>>): Record<string, Figure> {
  const figures: Record<string, Figure> = {};
  const def = all.default ?? [];
  if (def.length > 0) {
    figures["default-per-class-f1"] = perClassF1Figure(def);
    figures["default-macro-f1-spread"] = runSpreadFigure(def);
    for (const r of def) figures[`default-confusion-${r.model}`] = confusionFigure(pooledConfusion(r), `Confusion matrix, default experiment, ${r.model}, all folds (rows: true class)`);
  }
  for (const experiment of ["unknown-apps", "unknown-inputs"] as const) {
    for (const r of all[experiment] ?? []) figures[`${experiment}-f1-${r.model}`] = heldOutF1Figure(r);
  }
  return figures;
}

export interface WrittenFigures {
  html: string[];
  images: string[];
  /** Why no images were written, when none were. */
  imagesSkipped?: string;
}

/** Writes every figure as `<dir>/<name>.html`, plus `.svg` and `.png` when Chromium is present. */
export async function writeFigures(dir: string, figures: Record<string, Figure>, { images = true }: { images?: boolean } = {}): Promise<WrittenFigures> {
  fs.mkdirSync(dir, { recursive: true });
  const names = Object.keys(figures);
  const html = names.map((n) => writeHtml(path.join(dir, `${n}.html`), figures[n], { title: n, plotly: "sibling" }));
  if (!images) return { html, images: [], imagesSkipped: "images turned off" };
  if (findChromium() === undefined) return { html, images: [], imagesSkipped: "no Chromium (apt-get install -y chromium)" };
  const list = names.map((n) => figures[n]);
  const written: string[] = [];
  for (const format of ["svg", "png"] as const) {
    const rendered = await figuresToImages(list, format, { width: 900, height: 500 });
    rendered.forEach((image, i) => {
      const file = path.join(dir, `${names[i]}.${format}`);
      fs.writeFileSync(file, image);
      written.push(file);
    });
  }
  return { html, images: written };
}
