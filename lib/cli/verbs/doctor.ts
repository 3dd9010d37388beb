/**
 * `e2ewatch doctor`: checks that this machine can do what the toolkit needs (worker
 * threads, a fresh build, Jupyter for notebooks, Chromium for static figures) and says
 * how to fix what is missing.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { probeWorkers } from "../../parallel/probe";
import { defaultThreadCount } from "../../parallel/pool";
import { checkoutRoot, staleSources } from "../../util/freshness";
import type { Verb } from "../verb";

interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** Optional checks only limit some features; required ones break the toolkit. */
  required: boolean;
}

function commandVersion(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 20000 }).trim().split("\n")[0];
  } catch {
    return undefined;
  }
}

export async function runChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split(".")[0]);
  checks.push({ name: "node", ok: major >= 20, detail: `v${process.versions.node}${major >= 20 ? "" : " (need 20 or newer)"}`, required: true });

  const arrays = [0, 1, 2, 3].map((k) => Float64Array.from({ length: 1000 }, (_, i) => i * (k + 1)));
  const probe = await probeWorkers(arrays, undefined, 2);
  const expected = arrays.map((_, k) => 499500 * (k + 1));
  const workersOk = probe.sums.every((s, i) => s === expected[i]) && probe.threads.every((t) => t !== 0);
  checks.push({ name: "worker threads", ok: workersOk, detail: `4 tasks ran on threads ${[...new Set(probe.threads)].join(", ")}; ${defaultThreadCount()} threads by default`, required: true });

  const root = checkoutRoot();
  if (root !== undefined) {
    const stale = staleSources(root);
    checks.push({ name: "build", ok: stale.length === 0, detail: stale.length === 0 ? "dist/ is up to date with lib/" : `${stale.length} source file(s) newer than dist/: run 'npm run build'`, required: true });
  }

  const jupyter = commandVersion("jupyter", ["nbconvert", "--version"]);
  checks.push({ name: "jupyter nbconvert", ok: jupyter !== undefined, detail: jupyter !== undefined ? `nbconvert ${jupyter}` : "missing: apt-get install -y jupyter-nbconvert jupyter-client python3-ipykernel (needed for notebooks)", required: false });

  const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
  checks.push({ name: "chromium", ok: chromium !== undefined, detail: chromium ?? "missing: apt-get install -y chromium (needed for SVG/PNG figures; HTML figures work without it)", required: false });
  return checks;
}

export const doctorVerb: Verb = {
  name: "doctor",
  summary: "check this machine: worker threads, build, Jupyter, Chromium",
  usage: "[--json]",
  options: { json: { type: "boolean", description: "print the checks as JSON on stdout" } },
  positionals: { min: 0, max: 0, name: "nothing" },
  async run(ctx) {
    const checks = await runChecks();
    if (ctx.values.json === true) {
      ctx.stdout.write(JSON.stringify({ checks }, null, 2) + "\n");
    } else {
      for (const c of checks) ctx.stdout.write(`${c.ok ? "ok  " : c.required ? "FAIL" : "warn"}  ${c.name.padEnd(18)} ${c.detail}\n`);
    }
    const failed = checks.filter((c) => c.required && !c.ok);
    if (failed.length > 0) throw new Error(`required check failed: ${failed.map((c) => c.name).join(", ")}`);
  },
};
