/**
 * Static figures (SVG, PNG) drawn by plotly.js itself in headless Chromium, so they
 * look exactly like the interactive ones.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Figure } from "./figure";
import { figurePage } from "./html";
import { withOfflinePage } from "./browser";

export type ImageFormat = "svg" | "png";

export interface ImageOptions {
  width?: number;
  height?: number;
  /** PNG pixel ratio (2 gives sharp images on high-density screens). */
  scale?: number;
}

/** Renders figures to images in one browser session; returns SVG text or PNG bytes per figure. */
export async function figuresToImages(figures: Figure[], format: ImageFormat, { width = 900, height = 500, scale = 1 }: ImageOptions = {}): Promise<(string | Buffer)[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-figure-"));
  const page = path.join(dir, "page.html");
  try {
    fs.writeFileSync(page, figurePage(figures, { plotly: "inline" }));
    return await withOfflinePage(async (p) => {
      await p.goto(`file://${page}`);
      // Browser-side code is passed as text: the library is compiled without DOM types.
      await p.waitForFunction(`document.querySelectorAll(".e2ewatch-figure .main-svg").length >= ${figures.length}`, undefined, { timeout: 60000 });
      const options = JSON.stringify({ format, width, height, scale });
      const urls = (await p.evaluate(`Promise.all(Array.from({ length: ${figures.length} }, (_, i) => window.Plotly.toImage(document.getElementById("figure-" + i), ${options})))`)) as string[];
      return urls.map((url) => decodeDataUrl(url, format));
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function decodeDataUrl(url: string, format: ImageFormat): string | Buffer {
  const comma = url.indexOf(",");
  const header = url.slice(0, comma);
  const payload = url.slice(comma + 1);
  if (format === "png") return Buffer.from(payload, "base64");
  return header.endsWith(";base64") ? Buffer.from(payload, "base64").toString("utf8") : decodeURIComponent(payload);
}

/** Writes one figure as `file` (.svg or .png by its extension); returns the path. */
export async function writeImage(file: string, figure: Figure, options: ImageOptions = {}): Promise<string> {
  const ext = path.extname(file).slice(1).toLowerCase();
  if (ext !== "svg" && ext !== "png") throw new Error(`writeImage: ${file} must end in .svg or .png`);
  const [image] = await figuresToImages([figure], ext, options);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, image);
  return file;
}
