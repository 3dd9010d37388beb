/**
 * Feature extraction speed against pandas, reading included, on one synthetic data set
 * (bench/features-data.ts). Per repetition, in one script run so that both sides see
 * the same machine load:
 *   pandas   scripts/reference/features.py --dataset (read_csv + rolling, timed inside Python)
 *   library  extractFeatures(dataset) into a float32 table (this process)
 *   cli      `e2ewatch features <dataset> --out <csv>` (a child process, CSV written)
 * and, as a correctness check, the worst relative error of the CLI's CSV against pandas.
 *
 *   node dist/bench/features.js [--runs 300] [--repeat 2] [--dir <folder>]
 * Threads: E2EWATCH_THREADS (default: all cores). The goal is ratio <= 0.10.
 */
import * as os from "node:os";
import * as path from "node:path";
import * as fs from "node:fs";
import { spawnSync } from "node:child_process";
import { parseArgs } from "node:util";
import { DEFAULT_BENCH_DATASET, writeBenchDataset } from "./features-data";
import { extractFeatures } from "../lib/features/extract";
import { featureTableBytes } from "../lib/features/table";
import { defaultThreadCount } from "../lib/parallel/pool";

const ROOT = path.resolve(__dirname, "..", "..");
const REFERENCE = path.join(ROOT, "scripts", "reference", "features.py");
const CLI = path.join(ROOT, "dist", "lib", "cli", "main.js");

interface PandasReport {
  seconds: number;
  cpu_seconds: number;
  rows: number;
  compare: { rows: number; values: number; identical: number; worst_relative_error: number; worst_at: unknown };
}

function load(): string {
  return os.loadavg().map((l) => l.toFixed(2)).join(" ");
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { runs: { type: "string" }, repeat: { type: "string" }, dir: { type: "string" } } });
  const spec = { ...DEFAULT_BENCH_DATASET, runs: Number(values.runs ?? DEFAULT_BENCH_DATASET.runs) };
  const repeat = Number(values.repeat ?? 2);
  const dir = values.dir ?? path.join(os.tmpdir(), `e2ewatch-bench-features-${spec.runs}`);
  const made = writeBenchDataset(dir, spec);
  const bytes = fs.readdirSync(path.join(dir, "telemetry")).reduce((s, f) => s + fs.statSync(path.join(dir, "telemetry", f)).size, 0);
  console.log(`data set ${dir}: ${made.runs} node-runs, ${made.samples} samples x ${spec.metrics} metrics, ${(bytes / 1e6).toFixed(0)} MB of CSV`);
  console.log(`threads ${defaultThreadCount()} (of ${os.availableParallelism()} cores), load average ${load()}`);
  const csv = path.join(os.tmpdir(), `e2ewatch-bench-features-${process.pid}.csv`);
  const ratios: { library: number; cli: number }[] = [];
  try {
    for (let r = 0; r < repeat; r++) {
      let t = performance.now();
      const table = await extractFeatures(dir);
      const library = (performance.now() - t) / 1000;

      t = performance.now();
      const cli = spawnSync(process.execPath, [CLI, "features", dir, "--out", csv, "--job-id", "--quiet"], { encoding: "utf8" });
      const cliSeconds = (performance.now() - t) / 1000;
      if (cli.status !== 0) throw new Error(`e2ewatch features failed: ${cli.stderr}`);

      const py = spawnSync("/usr/bin/python3", [REFERENCE, dir, "--dataset", "--time", "--compare", csv], { encoding: "utf8", maxBuffer: 1 << 24 });
      if (py.status !== 0) throw new Error(`pandas reference failed: ${py.stderr}`);
      const pandas = JSON.parse(py.stdout.trim().split("\n").pop()!) as PandasReport;

      ratios.push({ library: library / pandas.seconds, cli: cliSeconds / pandas.seconds });
      console.log(
        `run ${r + 1}: pandas ${pandas.seconds.toFixed(2)} s | library ${library.toFixed(2)} s (ratio ${(library / pandas.seconds).toFixed(3)}, ` +
          `${table.nRows} rows x ${table.names.length} features, ${(featureTableBytes(table) / 1e6).toFixed(0)} MB float32) | ` +
          `cli with CSV ${cliSeconds.toFixed(2)} s (ratio ${(cliSeconds / pandas.seconds).toFixed(3)}) | load ${load()}`,
      );
      const c = pandas.compare;
      console.log(`       cli vs pandas: ${c.values} values, ${c.identical} identical, worst relative error ${c.worst_relative_error.toExponential(2)}`);
    }
  } finally {
    fs.rmSync(csv, { force: true });
  }
  const best = (k: "library" | "cli"): number => Math.min(...ratios.map((x) => x[k]));
  const worst = (k: "library" | "cli"): number => Math.max(...ratios.map((x) => x[k]));
  console.log(`ratio to pandas (goal <= 0.10): library ${best("library").toFixed(3)}..${worst("library").toFixed(3)}, cli ${best("cli").toFixed(3)}..${worst("cli").toFixed(3)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
