/**
 * Tree models for window classification: a random forest and gradient boosting grown on
 * quantile-binned features with worker threads, the `ml-random-forest` baseline, and a
 * registry that makes any of them by name or from saved JSON.
 */
export * from "./classifier";
export * from "./registry";
export { RandomForestClassifier, type RandomForestParams, type MaxFeatures } from "./random-forest";
export { GradientBoostingClassifier, type GradientBoostingParams } from "./gradient-boosting";
export { MlRandomForestModel, type MlRandomForestParams } from "./ml-rf";
export { QuantileBinner, type BinnedMatrix, type BinnerParams } from "./binning";
export { TreeEnsemble } from "./ensemble";
