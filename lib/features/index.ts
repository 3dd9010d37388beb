/**
 * Windowed features of node-runs (DESIGN.md, "Windows and features" and "Feature
 * selection"): extraction with pandas 1.5 rolling semantics on worker threads, the
 * feature table, KS/FDR selection and min-max scaling. See README.md in this folder.
 */
export * from "./config";
export * from "./statistics";
export * from "./windows";
export * from "./table";
export { nodeRunFeatures, configFeatureNames, configStatistics, type RunFeatureBlock } from "./noderun-features";
export { extractFeatures, featureJobs, type ExtractOptions, type FeatureSource } from "./extract";
export * from "./latest";
export { SPECTRAL_STATISTICS } from "./spectral";
export { ksTwoSample, ksTwoSampleSorted, ksPValue, ksStatisticSorted, KS_EXACT_MAX_N, type KsResult } from "./ks";
export { kolmogorovSf, smirnovSf } from "./kolmogorov";
export * from "./fdr";
export * from "./selector";
export * from "./scaler";
export { featuresCsvHeader, formatNumber } from "./csv-output";
export { featureTableMemory, type MemoryEstimate } from "./memory";
