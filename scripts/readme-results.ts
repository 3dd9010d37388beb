/**
 * Keeps the README's results block in step with the committed quick-preset results:
 * renders the headline table and the default experiment's table beside the paper from
 * `results/<experiment>/<model>.json` and writes them between the README's
 * `<!-- results:begin -->` and `<!-- results:end -->` markers.
 *
 * usage: npm run readme-results [-- --check]   (--check: exit 1 when the README is stale)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readResults } from "../lib/evaluation/results-files";
import { headlineMarkdown, paperTable } from "../lib/evaluation/results-tables";

const ROOT = path.resolve(__dirname, "..", "..");
const BEGIN = "<!-- results:begin (npm run readme-results) -->";
const END = "<!-- results:end -->";

/** The block as it should read for the results in `resultsDir`. */
export function readmeResultsBlock(resultsDir: string): string {
  const all = readResults(resultsDir);
  if (all.default === undefined) throw new Error(`${resultsDir}: no default experiment results`);
  return [BEGIN, headlineMarkdown(all), paperTable(all.default), END].join("\n\n");
}

/** The README's current block, or undefined when the markers are missing. */
export function currentReadmeBlock(readme: string): string | undefined {
  const a = readme.indexOf(BEGIN);
  const b = readme.indexOf(END);
  return a < 0 || b < a ? undefined : readme.slice(a, b + END.length);
}

function main(): void {
  const check = process.argv.includes("--check");
  const readmeFile = path.join(ROOT, "README.md");
  const readme = fs.readFileSync(readmeFile, "utf8");
  const current = currentReadmeBlock(readme);
  if (current === undefined) throw new Error(`${readmeFile}: markers '${BEGIN}' ... '${END}' not found`);
  const wanted = readmeResultsBlock(path.join(ROOT, "results"));
  if (current === wanted) {
    console.log("README results block is up to date");
    return;
  }
  if (check) {
    console.error(`${readmeFile}: results block differs from results/*/*.json; run 'npm run readme-results'`);
    process.exitCode = 1;
    return;
  }
  fs.writeFileSync(readmeFile, readme.replace(current, wanted));
  console.log(`updated the results block of ${readmeFile}`);
}

if (require.main === module) {
  try {
    main();
  } catch (e) {
    console.error(`readme-results: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
}
