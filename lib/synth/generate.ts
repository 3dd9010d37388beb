/**
 * Writes a synthetic data set in the contract format (DESIGN.md, "Data set on disk"), job
 * by job, with a small manifest (`synth-manifest.json`) saying what made it. Jobs are
 * simulated and formatted on worker threads (lib/parallel) and written in plan order, so
 * the bytes are the same whatever the thread count; memory stays bounded by a few jobs in
 * flight.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { WorkerPool, defaultThreadCount } from "../parallel/pool";
import { DatasetWriter, formatJob, type FormattedJob } from "../telemetry/contract";
import { InputError } from "../util/errors";
import type { ProgressFn } from "../util/progress";
import { ECLIPSE_NODE } from "./node";
import { buildPlan, DEFAULT_SEED, planNodeRuns, presetSpec, type PresetName } from "./presets";
import { simulateJob, type JobPlan } from "./simulate";

/** Bumped whenever the model changes what a seed produces; part of the manifest. */
export const GENERATOR_VERSION = 2;
export const MANIFEST_FILE = "synth-manifest.json";

export interface GenerateOptions {
  seed?: number;
  /** Keep only these applications. */
  apps?: readonly string[];
  /** Keep only these anomaly types (`none` for healthy jobs). */
  anomalies?: readonly string[];
  /** Share of anomalous jobs (all their node-runs) with an anomaly interval instead of a whole-run anomaly. */
  intervalFraction?: number;
  /** Worker threads (default: E2EWATCH_THREADS or all cores; 0 = this thread). */
  threads?: number;
  onProgress?: ProgressFn;
}

/** What made a data set; a data set is reused only when all of it matches. */
export interface Manifest {
  generator: "e2ewatch-synth";
  version: number;
  preset: PresetName;
  seed: number;
  apps: string[] | null;
  anomalies: string[] | null;
  intervalFraction: number;
  jobs: number;
  nodeRuns: number;
  seconds: number;
}

export interface DatasetSummary {
  dir: string;
  manifest: Manifest;
  /** Wall time of the generation, s (0 when an existing data set was reused). */
  wallSeconds: number;
  bytes: number;
}

function settings(preset: PresetName, opts: GenerateOptions): Pick<Manifest, "preset" | "seed" | "apps" | "anomalies" | "intervalFraction"> {
  const seed = opts.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new InputError(`seed must be a whole number in [0, 2^32), got ${seed}`);
  return { preset, seed, apps: opts.apps ? [...opts.apps] : null, anomalies: opts.anomalies ? [...opts.anomalies] : null, intervalFraction: opts.intervalFraction ?? 0 };
}

/** A simulated job as it crosses threads: its telemetry file already formatted (bytes, moved by transfer). */
interface SimulatedJob {
  job: FormattedJob;
  nodeRuns: number;
  seconds: number;
}

/**
 * Simulates one job and formats its telemetry file: the worker task. Formatting the CSV
 * text is most of the cost of writing, so it happens here, on the worker, and the main
 * thread only writes bytes.
 */
export function simulateAndFormatJob(job: JobPlan & { seed: number }): SimulatedJob {
  const runs = simulateJob(job, { node: ECLIPSE_NODE, seed: job.seed });
  let seconds = 0;
  for (const r of runs) seconds += r.timestamps.length;
  return { job: formatJob(runs), nodeRuns: runs.length, seconds };
}

export interface WritePlanOptions {
  threads?: number;
  onProgress?: ProgressFn;
  /** Progress stage name. */
  stage?: string;
}

/**
 * Simulates the jobs of a plan and writes them into `dir` in plan order (the data set
 * folder must not hold a data set yet). Returns the node-runs and node-seconds written.
 */
export async function writePlan(plan: readonly JobPlan[], seed: number, dir: string, opts: WritePlanOptions = {}): Promise<{ nodeRuns: number; seconds: number; bytes: number }> {
  if (fs.existsSync(path.join(dir, "metadata.csv"))) throw new InputError("already holds a data set; remove it or choose another --out", { file: dir });
  const writer = new DatasetWriter(dir);
  const pool = new WorkerPool(Math.min(opts.threads ?? defaultThreadCount(), plan.length));
  const total = planNodeRuns(plan);
  const stage = opts.stage ?? "generate";
  const progress = opts.onProgress ?? (() => {});
  let nodeRuns = 0;
  let seconds = 0;
  progress({ stage, done: 0, total });
  try {
    // A window of jobs in flight: enough to keep every worker busy, few enough to bound memory.
    const window = Math.max(2, 2 * pool.size);
    const inflight: Promise<SimulatedJob>[] = [];
    const write = (result: SimulatedJob): void => {
      writer.addFormattedJob(result.job);
      nodeRuns += result.nodeRuns;
      seconds += result.seconds;
      progress({ stage, done: nodeRuns, total });
    };
    for (const job of plan) {
      inflight.push(pool.run(__filename, "simulateAndFormatJob", [{ ...job, seed }]));
      if (inflight.length >= window) write(await inflight.shift()!);
    }
    while (inflight.length > 0) write(await inflight.shift()!);
  } finally {
    await pool.close();
  }
  let bytes = fs.statSync(path.join(dir, "metadata.csv")).size;
  for (const f of fs.readdirSync(path.join(dir, "telemetry"))) bytes += fs.statSync(path.join(dir, "telemetry", f)).size;
  return { nodeRuns, seconds, bytes };
}

/**
 * Generates a preset into `dir` (created; must not hold a data set already) and writes
 * the manifest beside metadata.csv.
 */
export async function generateDataset(preset: PresetName, dir: string, opts: GenerateOptions = {}): Promise<DatasetSummary> {
  presetSpec(preset);
  const s = settings(preset, opts);
  const plan = buildPlan(preset, { seed: s.seed, apps: s.apps ?? undefined, anomalies: s.anomalies ?? undefined, intervalFraction: s.intervalFraction });
  if (plan.length === 0) throw new InputError("the filters leave no job to generate");
  const started = Date.now();
  const written = await writePlan(plan, s.seed, dir, { threads: opts.threads, onProgress: opts.onProgress, stage: `generate ${preset}` });
  const manifest: Manifest = { generator: "e2ewatch-synth", version: GENERATOR_VERSION, ...s, jobs: plan.length, nodeRuns: written.nodeRuns, seconds: written.seconds };
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + "\n");
  return { dir, manifest, wallSeconds: (Date.now() - started) / 1000, bytes: written.bytes };
}

/** The manifest of a generated data set, or undefined when `dir` has none (or an unreadable one). */
export function readManifest(dir: string): Manifest | undefined {
  try {
    const m = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), "utf8")) as Manifest;
    return m.generator === "e2ewatch-synth" ? m : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Makes sure `dir` holds the preset generated with these settings: reuses it when its
 * manifest matches (same generator version, preset, seed and filters), regenerates it when
 * it was made by the generator with other settings, and refuses to touch a folder the
 * generator did not make. Generation goes to a sibling folder renamed into place at the
 * end, so an interrupted run never leaves a half data set behind `dir`.
 */
export async function ensureDataset(preset: PresetName, dir: string, opts: GenerateOptions = {}): Promise<DatasetSummary & { generated: boolean }> {
  const s = settings(preset, opts);
  const existing = readManifest(dir);
  if (existing !== undefined && sameSettings(existing, s)) {
    return { dir, manifest: existing, wallSeconds: 0, bytes: 0, generated: false };
  }
  if (fs.existsSync(dir) && existing === undefined && fs.readdirSync(dir).length > 0) {
    throw new InputError("exists and was not made by the generator (no synth-manifest.json); refusing to overwrite it", { file: dir });
  }
  const partial = `${dir}.partial`;
  fs.rmSync(partial, { recursive: true, force: true });
  const summary = await generateDataset(preset, partial, opts);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(partial, dir);
  return { ...summary, dir, generated: true };
}

function sameSettings(m: Manifest, s: ReturnType<typeof settings>): boolean {
  const list = (x: string[] | null): string => (x === null ? "*" : [...x].sort().join(","));
  return m.version === GENERATOR_VERSION && m.preset === s.preset && m.seed === s.seed && list(m.apps) === list(s.apps) && list(m.anomalies) === list(s.anomalies) && (m.intervalFraction ?? 0) === s.intervalFraction;
}
