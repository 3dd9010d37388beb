/**
 * A Plotly figure as plain data: what every figure builder in `lib/plots` returns, so
 * builders are tested on their data and rendered by whichever host is at hand (a
 * notebook, an HTML file, headless Chromium for SVG/PNG).
 */

/** One Plotly trace (`{ type: "scatter", x, y, ... }`); see plotly.js' reference. */
export type Trace = Record<string, unknown>;

export interface Figure {
  data: Trace[];
  layout: Record<string, unknown>;
}

/**
 * Serializes a figure for embedding inside an HTML `<script>`: typed arrays become
 * plain arrays, and `</` is escaped so no string in the data can close the script.
 */
export function figureJson(figure: Figure): string {
  const json = JSON.stringify(figure, (_key, value: unknown) => (ArrayBuffer.isView(value) && !(value instanceof DataView) ? Array.from(value as unknown as ArrayLike<number>) : value));
  return json.replace(/<\//g, "<\\/");
}
