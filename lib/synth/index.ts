/**
 * The synthetic HPC telemetry generator: node, application and HPAS anomaly models that
 * stand in for the unpublished Eclipse data set. See lib/synth/README.md for the model and
 * its calibration.
 */
export * from "./anomalies";
export * from "./apps";
export * from "./examples";
export * from "./generate";
export * from "./metrics";
export * from "./node";
export * from "./presets";
export { simulateJob, runLabel, nominalJobSeconds, type JobPlan, type NodePlan, type Cluster } from "./simulate";
export { Rng, deriveSeed } from "./random";
