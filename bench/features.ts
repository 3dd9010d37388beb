/**
 * Feature extraction speed against pandas, reading included, on one synthetic data set
 * (bench/features-data.ts). Per repetition, in one script run so that both sides see
 * similar machine load (the order alternates, and the files are read once untimed
 * before each measurement so that both find them in the page cache):
 *   pandas   scripts/reference/features.py --dataset (read_csv + rolling, timed inside Python)
 *   library  extractFeatures(dataset) into a float32 table (this process)
 *   cli      `e2ewatch features <dataset> --out <csv>` (a child process, CSV written)
 * and, as a correctness check, the worst relative error of the CLI's CSV against pandas.
 * Wall-clock ratios need idle cores; CPU-time ratios (all threads summed) say how much
 * work each side does and are steadier on a shared machine.
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

function cpuSeconds(u: NodeJS.CpuUsage): number {
  return (u.user + u.system) / 1e6;
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
  const ratios: Record<"library" | "cli" | "libraryCpu" | "cliCpu", number>[] = [];
  const warm = (): void => {
    for (const f of fs.readdirSync(path.join(dir, "telemetry"))) fs.readFileSync(path.join(dir, "telemetry", f));
  };
  try {
    for (let r = 0; r < repeat; r++) {
      const runPandas = (): PandasReport => {
        warm();
        const py = spawnSync("/usr/bin/python3", [REFERENCE, dir, "--dataset", "--time", "--compare", csv], { encoding: "utf8", maxBuffer: 1 << 24 });
        if (py.status !== 0) throw new Error(`pandas reference failed: ${py.stderr}`);
        return JSON.parse(py.stdout.trim().split("\n").pop()!) as PandasReport;
      };
      // Pandas goes first on odd runs; it then compares with the previous run's CSV
      // (the same bytes: output is deterministic).
      const pandasFirst = r % 2 === 1;
      const early = pandasFirst ? runPandas() : undefined;

      warm();
      let t = performance.now();
      const cpu = process.cpuUsage();
      const table = await extractFeatures(dir);
      const library = (performance.now() - t) / 1000;
      const libraryCpu = cpuSeconds(process.cpuUsage(cpu));

      warm();
      t = performance.now();
      const cli = spawnSync("/usr/bin/time", ["-f", "%U %S", process.execPath, CLI, "features", dir, "--out", csv, "--job-id", "--quiet"], { encoding: "utf8" });
      const cliSeconds = (performance.now() - t) / 1000;
      if (cli.status !== 0) throw new Error(`e2ewatch features failed: ${cli.stderr}`);
      const cliCpu = cli.stderr.trim().split("\n").pop()!.split(" ").reduce((s, x) => s + Number(x), 0);

      const pandas = early ?? runPandas();
      const ratio = { library: library / pandas.seconds, cli: cliSeconds / pandas.seconds, libraryCpu: libraryCpu / pandas.cpu_seconds, cliCpu: cliCpu / pandas.cpu_seconds };
      ratios.push(ratio);
      console.log(
        `run ${r + 1}${pandasFirst ? " (pandas first)" : ""}: pandas ${pandas.seconds.toFixed(2)} s (cpu ${pandas.cpu_seconds.toFixed(1)} s) | ` +
          `library ${library.toFixed(2)} s, ratio ${ratio.library.toFixed(3)} (cpu ${libraryCpu.toFixed(1)} s, ratio ${ratio.libraryCpu.toFixed(3)}) | ` +
          `cli with CSV ${cliSeconds.toFixed(2)} s, ratio ${ratio.cli.toFixed(3)} (cpu ${cliCpu.toFixed(1)} s, ratio ${ratio.cliCpu.toFixed(3)}) | load ${load()}`,
      );
      const c = pandas.compare;
      console.log(`       ${table.nRows} rows x ${table.names.length} features (${(featureTableBytes(table) / 1e6).toFixed(0)} MB float32); cli vs pandas: ${c.values} values, ${c.identical} identical, worst relative error ${c.worst_relative_error.toExponential(2)}`);
    }
  } finally {
    fs.rmSync(csv, { force: true });
  }
  const range = (k: keyof (typeof ratios)[number]): string => `${Math.min(...ratios.map((x) => x[k])).toFixed(3)}..${Math.max(...ratios.map((x) => x[k])).toFixed(3)}`;
  console.log(`ratio to pandas (goal <= 0.10), wall: library ${range("library")}, cli ${range("cli")}; cpu: library ${range("libraryCpu")}, cli ${range("cliCpu")}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
