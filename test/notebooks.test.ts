import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { ROOT, tempDir, hasCommand } from "./helpers";
import { findChromium, withOfflinePage } from "../lib/plots";

const RUNNER = path.join(ROOT, "dist", "scripts", "run-notebooks.js");

function notebook(cells: string[]): object {
  return {
    cells: cells.map((src, i) => ({ cell_type: "code", id: `c${i}`, metadata: {}, execution_count: null, outputs: [], source: src })),
    metadata: { kernelspec: { name: "e2ewatch", display_name: "TypeScript (e2ewatch)", language: "typescript" } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

function runNotebooks(args: string[]): { code: number; stderr: string } {
  const r = spawnSync(process.execPath, [RUNNER, ...args], { cwd: ROOT, encoding: "utf8", timeout: 600000 });
  return { code: r.status ?? -1, stderr: r.stderr };
}

describe("notebook runner (npm run notebooks)", function () {
  let dir: string;
  before(function () {
    if (!hasCommand("jupyter", ["nbconvert", "--version"])) {
      console.log("      (skipped: Jupyter nbconvert is not installed; .ci/run installs it from Debian)");
      this.skip();
    }
    dir = tempDir();
  });
  after(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("fails when a cell raises, naming the notebook", () => {
    const nb = path.join(dir, "raises.ipynb");
    fs.writeFileSync(nb, JSON.stringify(notebook(["const x = 1;", 'throw new Error("boom from a cell");', "const never = 2;"])));
    const r = runNotebooks([nb, "--out", path.join(dir, "out")]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /raises\.ipynb: FAILED/);
    assert.match(r.stderr, /boom from a cell/);
  });

  it("fails when a cell does not compile", () => {
    const nb = path.join(dir, "typo.ipynb");
    fs.writeFileSync(nb, JSON.stringify(notebook(['const n: number = "not a number";'])));
    assert.equal(runNotebooks([nb, "--out", path.join(dir, "out")]).code, 1);
  });

  it("executes the first notebook with a Plotly figure that renders offline", async function () {
    const out = path.join(dir, "ok");
    const source = path.join(ROOT, "notebooks", "00-getting-started.ipynb");
    const r = runNotebooks([source, "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const executed = JSON.parse(fs.readFileSync(path.join(out, "00-getting-started.ipynb"), "utf8")) as { cells: { outputs?: { data?: Record<string, string[] | string> }[] }[] };
    const html = executed.cells.flatMap((c) => c.outputs ?? []).flatMap((o) => {
      const h = o.data?.["text/html"];
      return h === undefined ? [] : [Array.isArray(h) ? h.join("") : h];
    });
    assert.ok(html.some((h) => h.includes("plotly.js v")), "the plotly.js bundle is embedded, not fetched");
    assert.ok(html.some((h) => h.includes("e2ewatch-figure")), "a figure is in the output");
    assert.ok(!html.some((h) => /<script[^>]+src=["']https?:/.test(h)), "no script comes from the network");

    if (findChromium() === undefined) {
      console.log("      (render check skipped: no Chromium; .ci/run installs Debian's chromium)");
      return;
    }
    // Render the executed notebook as a page with the network cut off: the figure must draw.
    const conv = spawnSync("jupyter", ["nbconvert", "--to", "html", "--output-dir", out, path.join(out, "00-getting-started.ipynb")], { encoding: "utf8" });
    assert.equal(conv.status, 0, conv.stderr);
    const page = path.join(out, "00-getting-started.html");
    const traces = await withOfflinePage(async (p) => {
      await p.goto(`file://${page}`);
      await p.waitForFunction('document.querySelector(".e2ewatch-figure .main-svg") !== null', undefined, { timeout: 60000 });
      return p.evaluate('document.querySelectorAll(".e2ewatch-figure .scatterlayer .trace").length');
    });
    assert.equal(traces, 2);
  });
});
