import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { figureJson, figureFragment, figurePage, tableHtml, writeHtml, show } from "../lib/plots";
import { tempDir } from "./helpers";

describe("plots: figures as HTML", () => {
  it("serializes typed arrays as plain arrays and cannot close a <script>", () => {
    const json = figureJson({ data: [{ type: "scatter", y: Float32Array.of(1.5, 2), name: "</script><b>" }], layout: {} });
    assert.ok(!json.includes("</script>"));
    const back = JSON.parse(json) as { data: { y: number[]; name: string }[] };
    assert.deepEqual(back.data[0].y, [1.5, 2]);
    assert.equal(back.data[0].name, "</script><b>");
  });

  it("draws into a uniquely named div, queueing until Plotly arrives", () => {
    const html = figureFragment({ data: [], layout: {} }, { id: "fig-7", height: "300px" });
    assert.match(html, /<div id="fig-7" class="e2ewatch-figure" style="width:100%;height:300px;">/);
    assert.match(html, /__e2ewatchPending/);
  });

  it("writes stand-alone pages, inline or with one shared plotly.js beside them", () => {
    const dir = tempDir();
    try {
      const inline = fs.readFileSync(writeHtml(path.join(dir, "a", "inline.html"), { data: [], layout: {} }), "utf8");
      assert.ok(inline.includes("plotly.js v"), "bundle inlined");
      const linked = fs.readFileSync(writeHtml(path.join(dir, "b", "linked.html"), { data: [], layout: {} }, { plotly: "sibling" }), "utf8");
      assert.ok(!linked.includes("plotly.js v"));
      assert.match(linked, /<script src="plotly.js"><\/script>/);
      assert.ok(fs.statSync(path.join(dir, "b", "plotly.js")).size > 1e6);
      assert.ok(!/src="https?:/.test(figurePage([{ data: [], layout: {} }])));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("renders tables with escaped text and rounded numbers", () => {
    const html = tableHtml([{ label: "<b>", f1: 0.912345678, n: 12 }, { label: "x", extra: true }]);
    assert.match(html, /<th>label<\/th><th>f1<\/th><th>n<\/th><th>extra<\/th>/);
    assert.match(html, /<td>&lt;b&gt;<\/td><td>0.9123<\/td><td>12<\/td><td><\/td>/);
    assert.match(tableHtml([]), /no rows/);
  });

  it("says plainly that show() needs a notebook kernel", () => {
    assert.throws(() => show({ data: [], layout: {} }), /need a tslab notebook kernel/);
  });
});
