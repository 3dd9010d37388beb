/**
 * In a checkout, the CLI and the notebooks run the compiled `dist/`. This tells when
 * `lib/` was edited after the last build, so nobody silently runs old code.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root when running from a checkout's `dist/`, else undefined (installed package). */
export function checkoutRoot(): string | undefined {
  // This file compiles to <root>/dist/lib/util/freshness.js.
  const root = path.resolve(__dirname, "..", "..", "..");
  return fs.existsSync(path.join(root, "lib")) && fs.existsSync(path.join(root, "tsconfig.json")) ? root : undefined;
}

/** Source files under `lib/` newer than the last build, relative to the root; empty when up to date. */
export function staleSources(root: string): string[] {
  let built: number;
  try {
    built = fs.statSync(path.join(root, "dist", ".tsbuildinfo")).mtimeMs;
  } catch {
    return ["(no build yet)"];
  }
  const stale: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && fs.statSync(full).mtimeMs > built) stale.push(path.relative(root, full));
    }
  };
  walk(path.join(root, "lib"));
  return stale;
}

/**
 * The notebook kernel's launcher rebuilds `dist/` and, when `lib/` does not compile,
 * leaves the compiler's messages in `dist/BUILD_FAILED.txt` (see
 * notebooks/kernels/e2ewatch/launch.js). Importing the library then fails with them,
 * instead of silently running the previous build.
 */
export function assertBuildSucceeded(): void {
  const root = checkoutRoot();
  if (root === undefined) return;
  const marker = path.join(root, "dist", "BUILD_FAILED.txt");
  if (!fs.existsSync(marker)) return;
  const first = fs.readFileSync(marker, "utf8").split("\n").find((l) => l.trim() !== "") ?? "";
  throw new Error(`lib/ does not compile, so dist/ is out of date: ${first} (all messages in dist/BUILD_FAILED.txt)`);
}
