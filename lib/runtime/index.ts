/** Runtime diagnosis: model bundles, the predictor, batch and follow-mode prediction, reports. */
export * from "./bundle";
export * from "./train";
export * from "./predictor";
export * from "./filters";
export * from "./batch";
export * from "./follow";
export * from "./report";
export * from "./output";
export { FileTail, type TailRead } from "./file-tail";
export { LiveRun, LiveSeries, SamplerLayout, type LiveSample } from "./live-ldms";
