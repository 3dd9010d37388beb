/**
 * Figures as HTML: a fragment for notebooks and a stand-alone page for files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { figureJson, type Figure } from "./figure";
import { plotlyBundle } from "./bundle";

export interface FragmentOptions {
  /** Element id; must be unique in the page. */
  id: string;
  /** CSS height of the plot, e.g. "450px" (default: the layout's height, else 450px). */
  height?: string;
}

/** The CSS height a figure needs: its layout's height when it sets one, else 450px. */
export function displayHeight(figure: Figure): string {
  const h = figure.layout.height;
  return typeof h === "number" && h > 0 ? `${h}px` : "450px";
}

/**
 * A `<div>` and the script that draws the figure into it. Plotly must already be on the
 * page, or arrive later in the page (the drawing waits in a queue until it does).
 */
export function figureFragment(figure: Figure, { id, height = displayHeight(figure) }: FragmentOptions): string {
  return [
    `<div id="${id}" class="e2ewatch-figure" style="width:100%;height:${height};"></div>`,
    "<script>(function(){",
    `var fig=${figureJson(figure)};`,
    `function draw(){window.Plotly.newPlot(${JSON.stringify(id)},fig.data,fig.layout,{responsive:true,displaylogo:false});}`,
    "if(window.Plotly){draw();}else{(window.__e2ewatchPending=window.__e2ewatchPending||[]).push(draw);}",
    "})();</script>",
  ].join("\n");
}

/** An inline `<script>` that defines `window.Plotly` and then draws any figures that were waiting for it. */
export function plotlyScript(): string {
  return `<script>${plotlyBundle()}</script>\n<script>(window.__e2ewatchPending||[]).splice(0).forEach(function(f){f();});</script>`;
}

export interface PageOptions {
  title?: string;
  /**
   * "inline" puts the plotly.js bundle in the page (one self-contained file, ~10 MB);
   * "sibling" writes `plotly.js` once next to the page and links it (small pages
   * that still work offline when the folder is copied whole).
   */
  plotly?: "inline" | "sibling";
}

/** A stand-alone HTML page with one or more figures. */
export function figurePage(figures: Figure[], { title = "e2ewatch figure", plotly = "inline" }: PageOptions = {}): string {
  const head = plotly === "inline" ? plotlyScript() : `<script src="plotly.js"></script>`;
  const body = figures.map((f, i) => figureFragment(f, { id: `figure-${i}` })).join("\n");
  return `<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>\n${head}\n</head><body>\n${body}\n</body></html>\n`;
}

/** Writes figures to an HTML file (creating its folder); returns the path written. */
export function writeHtml(file: string, figures: Figure | Figure[], options: PageOptions = {}): string {
  const list = Array.isArray(figures) ? figures : [figures];
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (options.plotly === "sibling") {
    const lib = path.join(path.dirname(file), "plotly.js");
    if (!fs.existsSync(lib)) fs.writeFileSync(lib, plotlyBundle());
  }
  fs.writeFileSync(file, figurePage(list, options));
  return file;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}
