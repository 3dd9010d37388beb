/**
 * Generator throughput. Measures the `quick` preset's wall time, and the `paper`
 * preset's throughput on a slice of its plan (the first jobs, whose mix of applications
 * and inputs is that of the whole plan, as the plan is shuffled), then extrapolates the
 * full preset's time and size from the slice (said so in the output). Ratios are against
 * the simulation alone in this process, the reference the writing pipeline is compared to.
 *
 *   npx tsc -p . && node dist/bench/generate.js [--jobs 48] [--threads N]
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildPlan, DEFAULT_SEED, ECLIPSE_NODE, generateDataset, planNodeRuns, simulateJob, writePlan } from "../lib/synth";
import { defaultThreadCount } from "../lib/parallel/pool";

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function main(): Promise<void> {
  const jobs = arg("jobs", 48);
  const threads = arg("threads", defaultThreadCount());
  const seed = DEFAULT_SEED;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "e2ewatch-bench-generate-"));
  const cpus = os.cpus();
  console.log(`machine: ${cpus.length} x ${cpus[0]?.model ?? "?"}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}; threads ${threads}`);
  try {
    // quick preset, end to end
    let t = Date.now();
    const quick = await generateDataset("quick", path.join(tmp, "quick"), { seed, threads });
    const quickSeconds = (Date.now() - t) / 1000;
    console.log(`quick: ${quick.manifest.nodeRuns} node-runs, ${quick.manifest.seconds} node-seconds, ${(quick.bytes / 1e6).toFixed(1)} MB in ${quickSeconds.toFixed(1)} s`);

    // paper preset: a slice of the plan
    const full = buildPlan("paper", { seed });
    const slice = full.slice(0, jobs);
    const sliceRuns = planNodeRuns(slice);

    t = Date.now();
    let seconds = 0;
    for (const job of slice) for (const r of simulateJob(job, { node: ECLIPSE_NODE, seed })) seconds += r.timestamps.length;
    const simOnly = (Date.now() - t) / 1000;

    t = Date.now();
    const inline = await writePlan(slice, seed, path.join(tmp, "paper-inline"), { threads: 0 });
    const inlineSeconds = (Date.now() - t) / 1000;

    t = Date.now();
    const pooled = await writePlan(slice, seed, path.join(tmp, "paper-pool"), { threads });
    const pooledSeconds = (Date.now() - t) / 1000;

    const rate = (s: number): number => sliceRuns / s;
    console.log(`paper slice: ${slice.length} of ${full.length} jobs, ${sliceRuns} node-runs, ${seconds} node-seconds (${(seconds / sliceRuns).toFixed(0)} s per node-run), ${(pooled.bytes / 1e6).toFixed(0)} MB`);
    console.log(`  simulate only, this thread:      ${rate(simOnly).toFixed(2)} node-runs/s (reference, 1.00)`);
    console.log(`  simulate + write, this thread:   ${rate(inlineSeconds).toFixed(2)} node-runs/s (${(simOnly / inlineSeconds).toFixed(2)} x reference)`);
    console.log(`  simulate + write, ${threads} worker(s): ${rate(pooledSeconds).toFixed(2)} node-runs/s (${(simOnly / pooledSeconds).toFixed(2)} x reference), ${(pooled.bytes / 1e6 / pooledSeconds).toFixed(1)} MB/s`);
    const total = planNodeRuns(full);
    console.log(
      `paper, extrapolated from the slice: ${total} node-runs in about ${(total / rate(pooledSeconds) / 60).toFixed(0)} min, about ${((pooled.bytes / sliceRuns) * total / 1e9).toFixed(1)} GB on disk`,
    );
    if (inline.nodeRuns !== pooled.nodeRuns) throw new Error("thread counts wrote different data sets");
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
