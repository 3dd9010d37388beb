/**
 * Evaluation: metrics with scikit-learn semantics, node-run splits, the bootstrap
 * interval, E2EWatch's window filters, and the results files (DESIGN.md, "Splits" and
 * "Metrics and results").
 */
export * from "./metrics";
export * from "./bootstrap";
export * from "./filters";
export * from "./filtered";
export * from "./split";
export * from "./kfold";
export * from "./group-kfold";
export * from "./leave-group-out";
export * from "./results";
export * from "./results-json";
export * from "./results-tables";
export * from "./results-files";
export * from "./paper";
