/**
 * The e2ewatch library: one namespace per stage of the data flow (see DESIGN.md).
 * Notebooks import it as `import { plots, parallel } from "./dist/lib";`.
 */
import { assertBuildSucceeded } from "./util/freshness";

assertBuildSucceeded();

export * as evaluation from "./evaluation";
export * as experiments from "./experiments";
export * as features from "./features";
export * as parallel from "./parallel";
export * as models from "./models";
export * as plots from "./plots";
export * as runtime from "./runtime";
export * as synth from "./synth";
export * as telemetry from "./telemetry";
export { InputError, UsageError } from "./util/errors";
export type { ProgressEvent, ProgressFn } from "./util/progress";
