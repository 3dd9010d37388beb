/**
 * `npm run jupyter [-- <jupyter notebook options>]`: opens the notebooks interactively
 * with the project's TypeScript kernel (found through JUPYTER_PATH; nothing is
 * installed into the user's Jupyter). Needs Debian's jupyter-notebook package.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { ROOT, jupyterEnv, requireJupyter } from "./notebook-env";

function main(): void {
  try {
    requireJupyter("notebook", "jupyter-notebook");
  } catch (e) {
    process.stderr.write(`jupyter: ${(e as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const args = ["notebook", `--notebook-dir=${path.join(ROOT, "notebooks")}`, ...process.argv.slice(2)];
  const child = spawn("jupyter", args, { env: jupyterEnv(), stdio: "inherit" });
  child.on("close", (code) => (process.exitCode = code ?? 1));
}

main();
