#!/usr/bin/env node
/*
 * Kernel launcher for the e2ewatch notebooks (referenced by kernel.json beside it).
 *
 * 1. Rebuilds dist/ from lib/ (incremental tsc, about a second when nothing changed),
 *    so restarting the kernel always picks up edits to lib/.
 * 2. Starts tslab with the repository root as working directory. tslab compiles each
 *    cell with rootDir = its working directory; from the root, every notebook imports
 *    the compiled library the same way (`import { plots } from "./dist/lib"`) and
 *    reads data with root-relative paths (`data/quick`), wherever the notebook file is.
 *
 * A failed build does not stop the kernel (Jupyter would only say "kernel died"):
 * the compiler's messages go to dist/BUILD_FAILED.txt, and importing the library
 * then raises an error that quotes them in the notebook.
 */
"use strict";
const path = require("path");
const fs = require("fs");
const { spawnSync } = require("child_process");

const root = path.resolve(__dirname, "..", "..", "..");
const connectionFile = process.argv[2];
if (!connectionFile) {
  process.stderr.write("usage: launch.js <jupyter connection file>\n");
  process.exit(2);
}

const failedMarker = path.join(root, "dist", "BUILD_FAILED.txt");
const tsc = require.resolve("typescript/bin/tsc", { paths: [root] });
const build = spawnSync(process.execPath, [tsc, "-p", root], { encoding: "utf8" });
if (build.status === 0) {
  fs.rmSync(failedMarker, { force: true });
} else {
  const messages = `${build.stdout || ""}${build.stderr || ""}`.trim() || `tsc exited with ${build.status}`;
  fs.mkdirSync(path.dirname(failedMarker), { recursive: true });
  fs.writeFileSync(failedMarker, messages + "\n");
  process.stderr.write(`e2ewatch kernel: lib/ does not compile:\n${messages}\n`);
}

process.chdir(root);
process.argv = [process.argv[0], "tslab", "kernel", "--config-path", connectionFile];
require(require.resolve("tslab/dist/main.js", { paths: [root] })).main();
