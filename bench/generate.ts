/**
 * Generator throughput. Measures the `quick` preset's wall time, and the `paper`
 * preset's throughput on a slice of its plan (the first jobs, whose mix of applications
 * and inputs is that of the whole plan, as the plan is shuffled), then extrapolates the
 * full preset's time and size from the slice (said so in the output). Ratios are against
 * the simulation alone in this process, the reference the writing pipeline is compared
 * to; the CSV formatter is also compared with a plain per-cell string formatter (what the
 * writer did before it built bytes), on the same simulated jobs.
 *
 *   npx tsc -p . && node dist/bench/generate.js [--jobs 96] [--threads N]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPlan, DEFAULT_SEED, ECLIPSE_NODE, generateDataset, planNodeRuns, simulateJob, writePlan } from "../lib/synth";
import { defaultThreadCount } from "../lib/parallel/pool";
import { formatValue, ID_COLUMNS, jobCsvBytes, type NodeRun } from "../lib/telemetry";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** One string per row, one concatenation per cell: the straightforward way to write the file. */
function perCellCsv(runs: NodeRun[]): string {
  const lines = [[...ID_COLUMNS, ...runs[0].metrics].join(",")];
  for (const r of runs) {
    const prefix = `${r.jobId},${r.nodeId},`;
    for (let t = 0; t < r.timestamps.length; t++) {
      let line = prefix + formatValue(r.timestamps[t]);
      for (let m = 0; m < r.values.length; m++) line += "," + formatValue(r.values[m][t]);
      lines.push(line);
    }
  }
  return lines.join("\n") + "\n";
}

function seconds(since: bigint): number {
  return Number(process.hrtime.bigint() - since) / 1e9;
}

/** Wall time and CPU time (all threads of the process) of a step, s. */
async function timed<T>(f: () => T | Promise<T>): Promise<{ result: T; wall: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  const result = await f();
  const wall = seconds(t);
  const c = process.cpuUsage(cpu0);
  return { result, wall, cpu: (c.user + c.system) / 1e6 };
}

async function main(): Promise<void> {
  const jobs = arg("jobs", 96);
  const threads = arg("threads", defaultThreadCount());
  const seed = DEFAULT_SEED;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-bench-generate-"));
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}; threads ${threads}`);
  try {
    // quick preset, end to end
    let t = process.hrtime.bigint();
    const quick = await generateDataset("quick", path.join(tmp, "quick"), { seed, threads });
    const quickSeconds = seconds(t);
    console.log(`quick: ${quick.manifest.nodeRuns} node-runs, ${quick.manifest.seconds} node-seconds, ${(quick.bytes / 1e6).toFixed(1)} MB in ${quickSeconds.toFixed(1)} s`);

    // paper preset: a slice of the plan, after a few jobs to warm this thread up
    const full = buildPlan("paper", { seed });
    const slice = full.slice(0, jobs);
    const sliceRuns = planNodeRuns(slice);
    for (const job of full.slice(jobs, jobs + 6)) simulateJob(job, { node: ECLIPSE_NODE, seed });

    let nodeSeconds = 0;
    const simulated: NodeRun[][] = [];
    const sim = await timed(() => {
      for (const job of slice) {
        const runs = simulateJob(job, { node: ECLIPSE_NODE, seed });
        for (const r of runs) nodeSeconds += r.timestamps.length;
        // Keep a few jobs to time the formatters on.
        if (simulated.length < 12) simulated.push(runs);
      }
    });

    t = process.hrtime.bigint();
    let bytes = 0;
    for (const runs of simulated) bytes += jobCsvBytes(runs).length;
    const byteFormat = seconds(t);
    t = process.hrtime.bigint();
    for (const runs of simulated) perCellCsv(runs);
    const cellFormat = seconds(t);

    const inline = await timed(() => writePlan(slice, seed, path.join(tmp, "paper-inline"), { threads: 0 }));
    const pooled = await timed(() => writePlan(slice, seed, path.join(tmp, "paper-pool"), { threads }));

    // Wall-clock rates are what a user waits for; CPU time per node-run (all threads) moves
    // less when other processes share the cores.
    const line = (what: string, m: { wall: number; cpu: number }): string =>
      `  ${what.padEnd(32)} ${(sliceRuns / m.wall).toFixed(1).padStart(6)} node-runs/s (${(sim.wall / m.wall).toFixed(2)} x reference), ${((1000 * m.cpu) / sliceRuns).toFixed(1)} CPU-ms per node-run (${(sim.cpu / m.cpu).toFixed(2)} x)`;
    console.log(`paper slice: ${slice.length} of ${full.length} jobs, ${sliceRuns} node-runs, ${nodeSeconds} node-seconds (${(nodeSeconds / sliceRuns).toFixed(0)} s per node-run), ${(pooled.result.bytes / 1e6).toFixed(0)} MB`);
    console.log(line("simulate only, this thread:", sim) + " (reference)");
    console.log(line("simulate + write, this thread:", inline));
    console.log(line(`simulate + write, ${threads} worker(s):`, pooled) + `, ${(pooled.result.bytes / 1e6 / pooled.wall).toFixed(1)} MB/s`);
    console.log(
      `  CSV text of ${simulated.length} jobs (${(bytes / 1e6).toFixed(0)} MB): byte writer ${(bytes / 1e6 / byteFormat).toFixed(0)} MB/s, per-cell strings ${(bytes / 1e6 / cellFormat).toFixed(0)} MB/s (${(cellFormat / byteFormat).toFixed(1)} x faster)`,
    );
    const total = planNodeRuns(full);
    console.log(
      `paper, extrapolated from the slice: ${total} node-runs in about ${(total / (sliceRuns / pooled.wall) / 60).toFixed(0)} min, about ${((pooled.result.bytes / sliceRuns) * total / 1e9).toFixed(1)} GB on disk`,
    );
    if (inline.result.nodeRuns !== pooled.result.nodeRuns) throw new Error("thread counts wrote different data sets");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
