/**
 * Data set presets and the plan of jobs they expand to.
 *
 * - `quick`: every application x input x anomaly condition once (each anomaly at two
 *   intensities) and three healthy jobs per application x input, runs of 3-11 minutes:
 *   198 jobs, 462 node-runs. Small enough for the three experiments to run in a few
 *   minutes on two cores.
 * - `paper`: the Eclipse experiment's shape, 54 repetitions of the same grid with runs of
 *   15-25 minutes: 10 692 jobs, 24 948 node-runs (~25 k as in the paper). Produced and
 *   consumed job by job.
 *
 * An anomalous job runs its HPAS process on every one of its nodes, and every node-run of
 * it carries the anomaly's label, as in the Eclipse data set: E2EWatch's published label
 * counts have only 26 % healthy node-runs (6 361 of 24 736), which one anomalous node per
 * multi-node job could not give, and the Eclipse runs released with Prodigy label all four
 * nodes of each anomalous job anomalous. Three healthy jobs per anomalous condition's one
 * keep the healthy share where Eclipse's was (27 %). lib/synth/README.md, section 4.
 * A job's index in the full plan fixes its seeds, so filtering by application or anomaly
 * leaves every remaining job byte-identical.
 */
import { ANOMALY_TYPES, parseIntensity, type AnomalySpec, type AnomalyType } from "./anomalies";
import { APP_NAMES, INPUT_NAMES, inputSpec, type AppName, type InputName } from "./apps";
import { Rng } from "./random";
import type { JobPlan } from "./simulate";
import { InputError } from "../util/errors";

export const PRESET_NAMES = ["quick", "paper"] as const;
/** Seed of the data sets `npm run reproduce` makes. */
export const DEFAULT_SEED = 2021;
export type PresetName = (typeof PRESET_NAMES)[number];

export interface PresetSpec {
  name: PresetName;
  description: string;
  /** How often the grid is repeated: jobs per (application, input, anomalous condition). */
  repetitions: number;
  /** Healthy jobs per (application, input) in each repetition of the grid. */
  healthyJobs: number;
  /** Main-loop length relative to each input's nominal run time. */
  runtimeScale: number;
  /** HPAS intensities per anomaly type, in label form (anomalies.ts). */
  intensities: Readonly<Record<AnomalyType, readonly string[]>>;
  /** Nodes in the cluster that jobs are placed on. */
  clusterNodes: number;
}

/** Two intensities per anomaly: one clearly harmful, one near what telemetry can resolve. */
const INTENSITIES: Readonly<Record<AnomalyType, readonly string[]>> = Object.freeze({
  cpuoccupy: ["u100", "u50"],
  cachecopy: ["cL1_m1", "cL2_m0.8"],
  membw: ["s32K", "s4K"],
  memleak: ["s10M_p0.2", "s1M_p0.2"],
});

export const PRESETS: Readonly<Record<PresetName, PresetSpec>> = Object.freeze({
  quick: {
    name: "quick",
    description: "6 apps x 3 inputs x (3 healthy jobs + 4 anomalies x 2 intensities, once each); runs of 3-11 min",
    repetitions: 1,
    healthyJobs: 3,
    runtimeScale: 0.4,
    intensities: INTENSITIES,
    clusterNodes: 32,
  },
  paper: {
    name: "paper",
    description: "Eclipse-like: the quick grid repeated 54 times, runs of 15-25 min (~25 k node-runs)",
    repetitions: 54,
    healthyJobs: 3,
    runtimeScale: 1.6,
    intensities: INTENSITIES,
    clusterNodes: 1488,
  },
});

export interface PlanOptions {
  seed: number;
  /** Keep only these applications (names as in APP_NAMES). */
  apps?: readonly string[];
  /** Keep only these anomaly types ("none" keeps the healthy jobs). */
  anomalies?: readonly string[];
  /**
   * Share of anomalous jobs (all their node-runs) whose anomaly runs for an interval
   * instead of the whole run (start 15-45 % into the run, lasting 30-50 % of it). Default 0.
   */
  intervalFraction?: number;
}

/** Epoch second of the first job (2018-03-05, during Eclipse's early operation). */
const FIRST_EPOCH = 1_520_208_000;

/** The jobs of a preset, in generation order. */
export function buildPlan(preset: PresetName | PresetSpec, opts: PlanOptions): JobPlan[] {
  const spec = typeof preset === "string" ? presetSpec(preset) : preset;
  const apps = checkNames("application", opts.apps, APP_NAMES);
  const kinds = checkNames("anomaly", opts.anomalies, ["none", ...ANOMALY_TYPES]);
  const intervalFraction = opts.intervalFraction ?? 0;
  if (!(intervalFraction >= 0 && intervalFraction <= 1)) throw new InputError(`interval fraction must be in [0, 1], got ${intervalFraction}`);

  const conditions: { type: AnomalyType | "none"; intensity: string }[] = [];
  for (let h = 0; h < spec.healthyJobs; h++) conditions.push({ type: "none", intensity: "" });
  for (const type of ANOMALY_TYPES) for (const intensity of spec.intensities[type]) conditions.push({ type, intensity });

  const cells: { app: AppName; input: InputName; type: AnomalyType | "none"; intensity: string }[] = [];
  for (let r = 0; r < spec.repetitions; r++) for (const app of APP_NAMES) for (const input of INPUT_NAMES) for (const c of conditions) cells.push({ app, input, ...c });
  // A shuffled order keeps every prefix of the plan balanced and spreads jobs over time.
  const order = Rng.derive(opts.seed, "plan", "order").shuffled(cells.map((_, i) => i));

  const plan: JobPlan[] = [];
  let epoch = FIRST_EPOCH;
  for (let index = 0; index < order.length; index++) {
    const cell = cells[order[index]];
    const rng = Rng.derive(opts.seed, "plan", "job", index);
    const input = inputSpec(cell.app, cell.input);
    const cluster = rng.shuffled(Array.from({ length: spec.clusterNodes }, (_, i) => i)).slice(0, input.nodes);
    const nominal = input.runtime * spec.runtimeScale;
    const anomalies: AnomalySpec[] = [];
    if (cell.type !== "none") {
      const interval = rng.chance(intervalFraction);
      const start = interval ? Math.round(nominal * rng.range(0.15, 0.45)) : null;
      const end = interval ? Math.round(start! + nominal * rng.range(0.3, 0.5)) : null;
      anomalies.push({ params: parseIntensity(cell.type, cell.intensity), start, end });
    }
    const job: JobPlan = {
      index,
      jobId: String(1_000_001 + index),
      app: cell.app,
      input: cell.input,
      nodes: cluster.map((c) => ({ cluster: c, anomalies })),
      startEpoch: epoch,
      runtimeScale: spec.runtimeScale,
    };
    epoch += Math.round(nominal * 1.5 + rng.range(60, 900));
    if (apps.includes(cell.app) && kinds.includes(cell.type)) plan.push(job);
  }
  return plan;
}

export function presetSpec(name: string): PresetSpec {
  if (!(PRESET_NAMES as readonly string[]).includes(name)) throw new InputError(`unknown preset '${name}' (known: ${PRESET_NAMES.join(", ")})`);
  return PRESETS[name as PresetName];
}

function checkNames<T extends string>(what: string, given: readonly string[] | undefined, known: readonly T[]): T[] {
  if (given === undefined) return known.slice();
  for (const g of given) if (!(known as readonly string[]).includes(g)) throw new InputError(`unknown ${what} '${g}' (known: ${known.join(", ")})`);
  return known.filter((k) => given.includes(k));
}

/** Node-runs of a plan. */
export function planNodeRuns(plan: readonly JobPlan[]): number {
  return plan.reduce((s, j) => s + j.nodes.length, 0);
}
