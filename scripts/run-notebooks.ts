/**
 * `npm run notebooks [-- <notebook.ipynb>...] [--out DIR]`: executes notebooks top to
 * bottom in fresh e2ewatch kernels with Jupyter nbconvert, writes executed copies to
 * results/notebooks/ (or --out), and exits non-zero if any cell of any notebook fails.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { spawn, execFileSync } from "node:child_process";
import { parseArgs } from "node:util";
import { ROOT, KERNEL_NAME, jupyterEnv, requireJupyter } from "./notebook-env";
import { InputError, UsageError } from "../lib/util/errors";

interface Outcome {
  notebook: string;
  ok: boolean;
  seconds: number;
  /** The end of nbconvert's output on failure: the failing cell and its error. */
  detail: string;
}

function runOne(notebook: string, outDir: string, timeoutSeconds: number): Promise<Outcome> {
  const started = Date.now();
  const args = [
    "nbconvert", "--to", "notebook", "--execute",
    `--ExecutePreprocessor.kernel_name=${KERNEL_NAME}`,
    `--ExecutePreprocessor.timeout=${timeoutSeconds}`,
    "--output-dir", outDir, notebook,
  ];
  return new Promise((resolve) => {
    const child = spawn("jupyter", args, { env: jupyterEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let log = "";
    child.stdout.on("data", (d: Buffer) => (log += d.toString()));
    child.stderr.on("data", (d: Buffer) => (log += d.toString()));
    child.on("close", (code) => {
      const seconds = (Date.now() - started) / 1000;
      resolve({ notebook, ok: code === 0, seconds, detail: code === 0 ? "" : log.trim().split("\n").slice(-25).join("\n") });
    });
  });
}

export async function runNotebooks(notebooks: string[], outDir: string, timeoutSeconds = 1800): Promise<Outcome[]> {
  requireJupyter("nbconvert", "jupyter-nbconvert");
  fs.mkdirSync(outDir, { recursive: true });
  const outcomes: Outcome[] = [];
  for (const nb of notebooks) {
    process.stderr.write(`notebook ${path.relative(ROOT, nb)} ...\n`);
    const outcome = await runOne(nb, outDir, timeoutSeconds);
    outcomes.push(outcome);
    process.stderr.write(`notebook ${path.relative(ROOT, nb)}: ${outcome.ok ? "ok" : "FAILED"} in ${outcome.seconds.toFixed(1)} s\n`);
    if (!outcome.ok) process.stderr.write(outcome.detail + "\n");
    const executed = path.join(outDir, path.basename(nb));
    // Executed copies are ours: trust them so their figures' scripts run when opened.
    if (outcome.ok && fs.existsSync(executed)) {
      try {
        execFileSync("jupyter", ["trust", executed], { stdio: "ignore", env: jupyterEnv() });
      } catch {
        // `jupyter trust` comes with jupyter-notebook; without it the copies are merely untrusted.
      }
    }
  }
  return outcomes;
}

async function cli(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: "string" }, timeout: { type: "string" } } });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message.split("\n")[0] : String(e));
  }
  const outDir = path.resolve(parsed.values.out ?? path.join(ROOT, "results", "notebooks"));
  const timeout = Number(parsed.values.timeout ?? 1800);
  if (!Number.isInteger(timeout) || timeout < 1) throw new UsageError(`--timeout must be a whole number of seconds >= 1, got '${parsed.values.timeout}'`);
  let notebooks = parsed.positionals.map((p) => path.resolve(p));
  if (notebooks.length === 0) {
    const dir = path.join(ROOT, "notebooks");
    notebooks = fs.readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => path.join(dir, f));
  }
  for (const nb of notebooks) if (!fs.existsSync(nb)) throw new InputError(`no such notebook`, { file: nb });
  if (notebooks.length === 0) throw new InputError("no notebooks to run");
  const outcomes = await runNotebooks(notebooks, outDir, timeout);
  const failed = outcomes.filter((o) => !o.ok);
  const total = outcomes.reduce((s, o) => s + o.seconds, 0);
  process.stderr.write(`${outcomes.length - failed.length}/${outcomes.length} notebooks ran in ${total.toFixed(1)} s; executed copies in ${path.relative(process.cwd(), outDir) || "."}\n`);
  if (failed.length > 0) process.stderr.write(`failed: ${failed.map((o) => path.basename(o.notebook)).join(", ")}\n`);
  return failed.length > 0 ? 1 : 0;
}

if (require.main === module) {
  cli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      process.stderr.write(`run-notebooks: ${e.message}\n`);
      process.exitCode = (e as InputError | UsageError).exitCode ?? 1;
    },
  );
}
