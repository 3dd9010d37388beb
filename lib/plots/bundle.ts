/**
 * The Plotly library itself, read from the installed `plotly.js-dist` package: figures
 * never load it from a CDN, so they render offline and in CI.
 */
import * as fs from "node:fs";

let cached: string | undefined;

/** The plotly.js browser bundle's source (read once per process). */
export function plotlyBundle(): string {
  if (cached === undefined) {
    const file = require.resolve("plotly.js-dist");
    cached = fs.readFileSync(file, "utf8");
    // The bundle is embedded in inline <script> tags; it must not close one early.
    if (/<\/script/i.test(cached)) cached = cached.replace(/<\/script/gi, "<\\/script");
  }
  return cached;
}

/** The plotly.js version of the bundle, e.g. "4.1.1". */
export function plotlyVersion(): string {
  return (require("plotly.js-dist/package.json") as { version: string }).version;
}
