/**
 * The README against the code and the committed results: the set-up commands CI relies
 * on, every verb and notebook listed, and the results table equal to what
 * results/*\/*.json render to (so a new `npm run reproduce` cannot leave it stale).
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { VERBS } from "../lib/cli/verbs";
import { currentReadmeBlock, readmeResultsBlock } from "../scripts/readme-results";
import { ROOT } from "./helpers";

const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README", () => {
  it("gives the two set-up commands, and CI runs the test command it gives", () => {
    assert.match(readme, /^npm ci && npm run reproduce\b/m);
    assert.match(readme, /^npm test\b/m);
    const ci = fs.readFileSync(path.join(ROOT, ".ci", "run"), "utf8");
    assert.match(ci, /^npm test$/m);
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    assert.ok(pkg.scripts.reproduce.includes("reproduce"), pkg.scripts.reproduce);
  });

  it("lists every verb of the command line and every notebook", () => {
    for (const verb of VERBS) assert.ok(readme.includes(`| \`${verb.name}\` |`), `verb ${verb.name} missing from the README's table`);
    const notebooks = fs.readdirSync(path.join(ROOT, "notebooks")).filter((f) => f.endsWith(".ipynb"));
    assert.ok(notebooks.length > 0);
    for (const nb of notebooks) assert.ok(readme.includes(`\`${nb}\``), `${nb} missing from the README`);
  });

  it("shows the committed quick-preset results (npm run readme-results)", () => {
    const current = currentReadmeBlock(readme);
    assert.ok(current !== undefined, "results markers missing");
    assert.equal(current, readmeResultsBlock(path.join(ROOT, "results")));
  });
});
