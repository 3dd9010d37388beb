/**
 * The notebooks as files: what `npm run notebooks` cannot see but a reader and git
 * care about. Each is stored clean (no outputs), runs on the project kernel, starts
 * with a title and its parameters, imports the compiled library, and shows a figure.
 * Executing them is `npm run notebooks` (and .ci/run).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ROOT } from "./helpers";

interface NotebookCell {
  cell_type: string;
  id?: string;
  source: string[] | string;
  outputs?: unknown[];
  execution_count?: number | null;
}

interface Notebook {
  cells: NotebookCell[];
  metadata: { kernelspec?: { name?: string } };
  nbformat: number;
  nbformat_minor: number;
}

const DIR = path.join(ROOT, "notebooks");
const files = fs.readdirSync(DIR).filter((f) => f.endsWith(".ipynb")).sort();
const text = (c: NotebookCell): string => (Array.isArray(c.source) ? c.source.join("") : c.source);

describe("notebooks: the files", () => {
  it("has the getting-started notebook and the six experiment notebooks, numbered in order", () => {
    assert.deepEqual(files.map((f) => f.slice(0, 3)), ["00-", "01-", "02-", "03-", "04-", "05-", "06-"]);
  });

  for (const file of files) {
    describe(file, () => {
      const nb = JSON.parse(fs.readFileSync(path.join(DIR, file), "utf8")) as Notebook;
      const code = nb.cells.filter((c) => c.cell_type === "code");

      it("is nbformat 4.5 on the e2ewatch kernel, with unique cell ids and no outputs", () => {
        assert.equal(nb.nbformat, 4);
        assert.ok(nb.nbformat_minor >= 5);
        assert.equal(nb.metadata.kernelspec?.name, "e2ewatch");
        const ids = nb.cells.map((c) => c.id);
        assert.ok(ids.every((id) => typeof id === "string" && id !== ""), "every cell has an id");
        assert.equal(new Set(ids).size, ids.length, "cell ids are unique");
        for (const c of code) {
          assert.deepEqual(c.outputs, [], `outputs stripped in ${c.id}`);
          assert.equal(c.execution_count, null, `execution count cleared in ${c.id}`);
        }
      });

      it("opens with a Markdown title, then the parameters in the first code cell", () => {
        assert.equal(nb.cells[0].cell_type, "markdown");
        assert.match(text(nb.cells[0]), /^# /);
        assert.match(text(code[0]), /^\/\/ Parameters/);
      });

      it("imports the compiled library, shows a figure, and names no machine's paths", () => {
        const all = code.map(text).join("\n");
        assert.match(all, /from "\.\/dist\/lib"/);
        assert.match(all, /plots\.show\(/);
        assert.doesNotMatch(all, /\/work\/|\/home\/|\/tmp\//);
      });

      it("is listed in notebooks/README.md and in the README's table", () => {
        assert.ok(fs.readFileSync(path.join(DIR, "README.md"), "utf8").includes(file));
        assert.ok(fs.readFileSync(path.join(ROOT, "README.md"), "utf8").includes(`\`${file}\``));
      });
    });
  }
});
