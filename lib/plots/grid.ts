/**
 * Small multiples: Plotly's `layout.grid` with independent axes names panel i's axes
 * x, y (i = 0), x2, y2 (i = 1), ... Traces point at `x`/`y`, the layout sets `xaxis`/`yaxis`.
 */

export interface PanelAxes {
  /** For a trace: "x", "x2", ... */
  x: string;
  y: string;
  /** For the layout: "xaxis", "xaxis2", ... */
  xaxis: string;
  yaxis: string;
}

/** The axis names of panel `i` (0-based). */
export function panelAxes(i: number): PanelAxes {
  const n = i === 0 ? "" : String(i + 1);
  return { x: `x${n}`, y: `y${n}`, xaxis: `xaxis${n}`, yaxis: `yaxis${n}` };
}
