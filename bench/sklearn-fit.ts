/**
 * The scikit-learn side of the tree benchmarks: runs bench/trees_sklearn.py (Debian's
 * /usr/bin/python3) on matrices a benchmark wrote to `dir` (see that script for the
 * files) and returns its timings and test predictions.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const PYTHON = "/usr/bin/python3";
const SKLEARN_SCRIPT = path.resolve(__dirname, "..", "..", "bench", "trees_sklearn.py");

export interface SklearnFit {
  fitSeconds: number;
  predictSeconds: number;
  /** Boosting rounds run (HistGradientBoosting), 0 for the forest. */
  nIter: number;
  predicted: Int32Array;
}

/** Fits RandomForestClassifier ("rf") or HistGradientBoostingClassifier ("hgb") with `params` on `threads` threads. */
export function fitSklearn(dir: string, model: "rf" | "hgb", params: object, threads: number): SklearnFit {
  const predFile = path.join(dir, `pred_${model}.i32`);
  const r = spawnSync(PYTHON, [SKLEARN_SCRIPT, dir, model, JSON.stringify(params), predFile], {
    encoding: "utf8",
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
    maxBuffer: 16 * 1024 * 1024,
  });
  if (r.status !== 0) throw new Error(`scikit-learn run failed: ${r.stderr}`);
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { fitSeconds: number; predictSeconds: number; nIter: number };
  const bytes = fs.readFileSync(predFile);
  // Copy out: small files share Node's buffer pool, so .buffer is not only this file.
  const predicted = new Int32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { ...out, predicted };
}
