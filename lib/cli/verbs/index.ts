/** Every verb of the command line, in the order `--help` lists them. */
import type { Verb } from "../verb";
import { doctorVerb } from "./doctor";
import { experimentVerb } from "./experiment";
import { featuresVerb } from "./features";
import { generateVerb } from "./generate";
import { importVerb } from "./import";
import { inspectVerb } from "./inspect";
import { predictVerb } from "./predict";
import { reproduceVerb } from "./reproduce";
import { trainVerb } from "./train";

export const VERBS: Verb[] = [generateVerb, inspectVerb, importVerb, featuresVerb, experimentVerb, reproduceVerb, trainVerb, predictVerb, doctorVerb];
