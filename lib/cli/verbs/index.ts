/** Every verb of the command line, in the order `--help` lists them. */
import type { Verb } from "../verb";
import { doctorVerb } from "./doctor";
import { featuresVerb } from "./features";

export const VERBS: Verb[] = [doctorVerb, featuresVerb];
