/**
 * Benchmark: reading a large contract telemetry CSV with our byte-level parser versus
 * pandas' `read_csv` (C engine) on the same file. Prints both times and the ratio.
 *
 *   node dist/bench/csv-parse.js [--mb 150] [--keep]
 *
 * The file is generated here (deterministic, seeded) in the shape of an E2EWatch job
 * file: 16 nodes, ~130 metrics mixing large integer levels (MemFree-like), small
 * integer rates, constant zeros and fractional rates (counters divided by a time step
 * that is not exactly one second), then deleted unless --keep is given.
 * The reference run is `bench/csv_parse.py` under Debian's /usr/bin/python3.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import { parseCsv } from "../lib/telemetry/csv";
import { readJobCsv } from "../lib/telemetry/contract";
import { ProblemLog } from "../lib/telemetry/problems";
import { prng } from "./features-data";

const NODES = 16;
const METRICS = 130;

type Kind = "level" | "rate" | "zero" | "fraction";

function metricKinds(random: () => number): Kind[] {
  return Array.from({ length: METRICS }, () => {
    const r = random();
    return r < 0.35 ? "level" : r < 0.65 ? "rate" : r < 0.85 ? "zero" : "fraction";
  });
}

/** Writes the file and returns its size in bytes. */
export function writeBenchFile(file: string, targetBytes: number, seed = 1): number {
  const random = prng(seed);
  const kinds = metricKinds(random);
  const header = ["job_id", "node_id", "timestamp", ...kinds.map((k, i) => `m${i}_${k}::bench`)].join(",") + "\n";
  const fd = fs.openSync(file, "w");
  let bytes = 0;
  try {
    fs.writeSync(fd, header);
    bytes += header.length;
    // Estimate rows per node from one sample line, then write node by node.
    const level = kinds.map(() => 1e7 + Math.floor(random() * 9e7));
    const perNode = Math.max(1, Math.round(targetBytes / NODES / 900));
    for (let node = 0; node < NODES; node++) {
      const prefix = `4711,node${String(node).padStart(3, "0")},`;
      let chunk = "";
      for (let t = 0; t < perNode; t++) {
        let line = prefix + (1600000000 + t);
        for (let m = 0; m < METRICS; m++) {
          const kind = kinds[m];
          if (kind === "level") {
            level[m] += Math.floor((random() - 0.5) * 2000);
            line += "," + level[m];
          } else if (kind === "rate") {
            line += "," + (random() < 0.3 ? 0 : Math.floor(random() * 5000));
          } else if (kind === "zero") {
            line += ",0";
          } else {
            const v = Math.floor(random() * 500000) / (0.995 + random() * 0.01);
            line += "," + Number(v.toPrecision(15));
          }
        }
        chunk += line + "\n";
        if (chunk.length > 1 << 20) {
          bytes += fs.writeSync(fd, chunk);
          chunk = "";
        }
      }
      bytes += fs.writeSync(fd, chunk);
    }
  } finally {
    fs.closeSync(fd);
  }
  return bytes;
}

function best(repeats: number, fn: () => void): number {
  let bestSeconds = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = process.hrtime.bigint();
    fn();
    bestSeconds = Math.min(bestSeconds, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return bestSeconds;
}

function main(): void {
  const args = process.argv.slice(2);
  const mbIndex = args.indexOf("--mb");
  const mb = mbIndex >= 0 ? Number(args[mbIndex + 1]) : 150;
  const keep = args.includes("--keep");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-bench-"));
  const file = path.join(dir, "job.csv");
  try {
    const bytes = writeBenchFile(file, mb * 1e6);
    console.log(`file: ${(bytes / 1e6).toFixed(1)} MB, ${NODES} nodes, ${METRICS} metrics (${file})`);

    let rows = 0;
    const parseOnly = best(3, () => {
      const problems = new ProblemLog();
      const parsed = parseCsv(fs.readFileSync(file), { file, textColumns: new Set(["job_id", "node_id"]), problems });
      rows = parsed.rows;
    });
    const toRuns = best(3, () => {
      const { runs } = readJobCsv(file);
      if (runs.length !== NODES) throw new Error(`expected ${NODES} node-runs, got ${runs.length}`);
    });

    const py = spawnSync("/usr/bin/python3", [path.join(__dirname, "..", "..", "bench", "csv_parse.py"), file, "2"], { encoding: "utf8", maxBuffer: 1 << 20 });
    if (py.status !== 0) throw new Error(`pandas reference failed: ${py.stderr}`);
    const ref = JSON.parse(py.stdout.trim().split("\n").pop()!) as { seconds: number; rows: number; pandas: string };
    if (ref.rows !== rows) throw new Error(`row counts differ: ours ${rows}, pandas ${ref.rows}`);

    const mbps = (s: number): string => `${(bytes / 1e6 / s).toFixed(0)} MB/s`;
    console.log(`rows: ${rows}`);
    console.log(`pandas ${ref.pandas} read_csv:      ${ref.seconds.toFixed(3)} s  (${mbps(ref.seconds)})`);
    console.log(`parseCsv (bytes -> columns): ${parseOnly.toFixed(3)} s  (${mbps(parseOnly)})  ratio pandas/ours ${(ref.seconds / parseOnly).toFixed(2)}x`);
    console.log(`readJobCsv (-> NodeRun[]):   ${toRuns.toFixed(3)} s  (${mbps(toRuns)})  ratio pandas/ours ${(ref.seconds / toRuns).toFixed(2)}x`);
  } finally {
    if (!keep) fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
