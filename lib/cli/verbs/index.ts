/** Every verb of the command line, in the order `--help` lists them. */
import type { Verb } from "../verb";
import { doctorVerb } from "./doctor";
import { inspectVerb } from "./inspect";
import { importVerb } from "./import";

export const VERBS: Verb[] = [doctorVerb, inspectVerb, importVerb];
