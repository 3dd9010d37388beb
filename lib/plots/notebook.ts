/**
 * Showing figures and tables in a tslab notebook. The first figure shown in a kernel
 * also carries the plotly.js bundle from `plotly.js-dist`, so executed notebooks
 * render without network access.
 */
import type { Figure } from "./figure";
import { displayHeight, figureFragment, plotlyScript, escapeHtml } from "./html";

let shown = 0;
let bundleSent = false;

interface TslabDisplay {
  html(s: string): void;
}

function tslabDisplay(): TslabDisplay {
  // tslab's display only works inside its kernel; say so plainly elsewhere.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: unknown };
  if (jupyter.lastWriteDisplayData == null) throw new Error("show() and showTable() need a tslab notebook kernel; outside notebooks use writeHtml()");
  return (require("tslab") as { display: TslabDisplay }).display;
}

/** Shows a figure as the cell's output, `height` tall (default: the layout's height, else 450px). */
export function show(figure: Figure, height = displayHeight(figure)): void {
  const display = tslabDisplay();
  const fragment = figureFragment(figure, { id: `e2ewatch-figure-${process.pid}-${++shown}`, height });
  display.html(bundleSent ? fragment : `${plotlyScript()}\n${fragment}`);
  bundleSent = true;
}

export type Cell = string | number | boolean | null | undefined;

/** An HTML table for rows of plain values; numbers are shown with `digits` significant digits. */
export function tableHtml(rows: Record<string, Cell>[], digits = 4): string {
  if (rows.length === 0) return "<p><em>(no rows)</em></p>";
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: Cell): string => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toPrecision(digits)) : escapeHtml(String(v ?? "")));
  const head = columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`).join("\n");
  return `<table class="e2ewatch-table">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody></table>`;
}

/** Shows rows as a table in the cell's output. */
export function showTable(rows: Record<string, Cell>[], digits = 4): void {
  tslabDisplay().html(tableHtml(rows, digits));
}
