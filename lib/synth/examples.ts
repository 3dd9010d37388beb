/**
 * Example node-runs for looking at the model: one job of an application and input with an
 * anomaly on its nodes (all of them, as in the presets, or only the first), and the same
 * job without it (its healthy twin: same nodes, same schedule, same random streams for
 * everything but the anomaly).
 */
import { ANOMALY_TYPES, parseIntensity, type AnomalySpec } from "./anomalies";
import { APP_NAMES, INPUT_NAMES, inputSpec, type AppName, type InputName } from "./apps";
import { ECLIPSE_NODE, type NodeSpec } from "./node";
import { DEFAULT_SEED, PRESETS } from "./presets";
import { simulateJob, type JobPlan } from "./simulate";
import type { NodeRun } from "../telemetry/noderun";
import { InputError } from "../util/errors";

export interface ExampleOptions {
  app: AppName | string;
  input?: InputName | string;
  /** Anomaly type, or "none" (default "none"). */
  anomaly?: string;
  /** Intensity in label form (default: the first of the quick preset's intensities for the type). */
  intensity?: string;
  /**
   * Which nodes of the job run the anomaly: "all" (default, as the presets do) or "first"
   * (HPAS's single-node injection; the other nodes stay healthy but wait for the first).
   */
  anomalousNodes?: "all" | "first";
  /** Seconds from the first sample; omit both for a whole-run anomaly. */
  start?: number;
  end?: number;
  seed?: number;
  /** Main-loop length relative to the input's nominal run time (default: quick preset's). */
  runtimeScale?: number;
  node?: NodeSpec;
}

export interface ExampleRuns {
  /** The first node, with the anomaly (a healthy node when anomaly is "none"). */
  anomalous: NodeRun;
  /** The same node in the same job without the anomaly. */
  healthy: NodeRun;
  /** All nodes of the anomalous job. */
  job: NodeRun[];
}

export function exampleRuns(opts: ExampleOptions): ExampleRuns {
  const app = opts.app as AppName;
  if (!APP_NAMES.includes(app)) throw new InputError(`unknown application '${opts.app}' (known: ${APP_NAMES.join(", ")})`);
  const input = (opts.input ?? "small") as InputName;
  if (!INPUT_NAMES.includes(input)) throw new InputError(`unknown input '${opts.input}' (known: ${INPUT_NAMES.join(", ")})`);
  const type = opts.anomaly ?? "none";
  const anomalies: AnomalySpec[] = [];
  if (type !== "none") {
    if (!(ANOMALY_TYPES as readonly string[]).includes(type)) throw new InputError(`unknown anomaly '${type}' (known: none, ${ANOMALY_TYPES.join(", ")})`);
    const intensity = opts.intensity ?? PRESETS.quick.intensities[type as (typeof ANOMALY_TYPES)[number]][0];
    anomalies.push({ params: parseIntensity(type, intensity), start: opts.start ?? null, end: opts.end ?? null });
  }
  const placement = opts.anomalousNodes ?? "all";
  if (placement !== "all" && placement !== "first") throw new InputError(`anomalous nodes '${String(placement)}': expected all or first`);
  const onAll = placement === "all";
  const seed = opts.seed ?? DEFAULT_SEED;
  const nodes = inputSpec(app, input).nodes;
  const plan = (withAnomaly: boolean): JobPlan => ({
    index: 0,
    jobId: "1",
    app,
    input,
    nodes: Array.from({ length: nodes }, (_, k) => ({ cluster: k, anomalies: withAnomaly && (onAll || k === 0) ? anomalies : [] })),
    startEpoch: 1_520_208_000,
    runtimeScale: opts.runtimeScale ?? PRESETS.quick.runtimeScale,
  });
  const cluster = { node: opts.node ?? ECLIPSE_NODE, seed };
  const job = simulateJob(plan(true), cluster);
  const twin = simulateJob(plan(false), cluster);
  return { anomalous: job[0], healthy: twin[0], job };
}
