/**
 * Models by name, so experiments and the command line can say `createModel("rf", ...)`
 * and read any saved model back with `modelFromJSON`.
 */
import { InputError } from "../util/errors";
import type { Classifier, ModelKind } from "./classifier";
import { GradientBoostingClassifier, type GradientBoostingParams } from "./gradient-boosting";
import { MlRandomForestModel, type MlRandomForestParams } from "./ml-rf";
import { RandomForestClassifier, type RandomForestParams } from "./random-forest";

export const MODEL_KINDS: readonly ModelKind[] = ["rf", "gbdt", "ml-rf"];

export interface ModelParams {
  rf: RandomForestParams;
  gbdt: GradientBoostingParams;
  "ml-rf": MlRandomForestParams;
}

/** A new, unfitted model of `kind` with hyper-parameters `params` (see each model's params type). */
export function createModel<K extends ModelKind>(kind: K, params?: ModelParams[K]): Classifier;
export function createModel(kind: string, params?: object): Classifier;
export function createModel(kind: string, params: object = {}): Classifier {
  switch (kind) {
    case "rf":
      return new RandomForestClassifier(params as RandomForestParams);
    case "gbdt":
      return new GradientBoostingClassifier(params as GradientBoostingParams);
    case "ml-rf":
      return new MlRandomForestModel(params as MlRandomForestParams);
    default:
      throw new InputError(`unknown model '${kind}' (known: ${MODEL_KINDS.join(", ")})`);
  }
}

/** A fitted model from its `toJSON()` form (as parsed from a file). */
export function modelFromJSON(json: unknown): Classifier {
  const kind = (json as { kind?: unknown } | null)?.kind;
  switch (kind) {
    case "rf":
      return RandomForestClassifier.fromJSON(json);
    case "gbdt":
      return GradientBoostingClassifier.fromJSON(json);
    case "ml-rf":
      return MlRandomForestModel.fromJSON(json);
    default:
      throw new InputError(`model JSON: unknown kind ${JSON.stringify(kind)} (known: ${MODEL_KINDS.join(", ")})`);
  }
}
