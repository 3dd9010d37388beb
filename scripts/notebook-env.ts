/**
 * What the notebook scripts share: where the project kernel lives and an environment
 * in which Jupyter finds it (JUPYTER_PATH), without installing anything into the
 * user's Jupyter configuration.
 */
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import { InputError } from "../lib/util/errors";

/** Repository root (this file compiles to <root>/dist/scripts/). */
export const ROOT = path.resolve(__dirname, "..", "..");
export const KERNEL_NAME = "e2ewatch";
/** Folder that holds `kernels/e2ewatch/kernel.json`. */
export const KERNELS_PARENT = path.join(ROOT, "notebooks");

export function jupyterEnv(): NodeJS.ProcessEnv {
  const existing = process.env.JUPYTER_PATH;
  return { ...process.env, JUPYTER_PATH: existing ? `${KERNELS_PARENT}${path.delimiter}${existing}` : KERNELS_PARENT };
}

/** Fails with the install command when Jupyter's `subcommand` is missing. */
export function requireJupyter(subcommand: string, debianPackage: string): void {
  try {
    execFileSync("jupyter", [subcommand, "--version"], { stdio: "ignore", env: jupyterEnv() });
  } catch {
    throw new InputError(`'jupyter ${subcommand}' is not installed; run: apt-get install -y ${debianPackage} jupyter-client python3-ipykernel`);
  }
}
