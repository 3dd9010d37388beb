/** Shared test utilities: the repository root, running the CLI, and finding optional inputs. */
import * as path from "node:path";
import * as fs from "node:fs";
import * as os from "node:os";
import { spawnSync } from "node:child_process";

/** Repository root (tests compile to <root>/dist/test/). */
export const ROOT = path.resolve(__dirname, "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures");
export const CLI = path.join(ROOT, "dist", "lib", "cli", "main.js");

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built command line in a child process, as a user would. */
export function runCli(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): RunResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    input: options.input,
    encoding: "utf8",
    timeout: options.timeoutMs ?? 300000,
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A path under ../shared/data (the real telemetry samples beside the project), or
 * skips the calling test with a message when that folder is absent, as in a user's clone.
 */
export function sharedData(ctx: Mocha.Context, relative: string): string {
  const p = path.resolve(ROOT, "..", "shared", "data", relative);
  if (!fs.existsSync(p)) {
    console.log(`      (skipped: ${p} is absent; the real-data samples live beside the project, not in it)`);
    ctx.skip();
  }
  return p;
}

/** A fresh temporary folder, removed after the current test file by the caller's `after`. */
export function tempDir(prefix = "e2ewatch-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** True when `cmd args` runs and exits 0 (used to skip tests whose tool is missing). */
export function hasCommand(cmd: string, args: string[] = ["--version"]): boolean {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  return r.status === 0;
}
