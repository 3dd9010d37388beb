/**
 * What every command-line verb is made of, and the conventions they share: options
 * declared once (so `--help` and parsing cannot disagree), one-line errors, progress on
 * stderr, machine-readable output on stdout when asked.
 */
import type { ProgressFn } from "../util/progress";
import { UsageError } from "../util/errors";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** May be given more than once (values collected in order). */
  multiple?: boolean;
  /** Placeholder shown in help, e.g. "DIR". */
  value?: string;
  /** Default shown in help; applied by the verb, not the parser. */
  default?: string;
  description: string;
}

export type OptionValues = Record<string, string | boolean | string[] | undefined>;

export interface VerbContext {
  values: OptionValues;
  positionals: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Progress for long work: a bar on a terminal, periodic lines otherwise, nothing with --quiet. */
  progress: ProgressFn;
  /** Prints one informational line on stderr unless --quiet. */
  log: (line: string) => void;
}

export interface Verb {
  name: string;
  /** One line for the verb list. */
  summary: string;
  /** Argument synopsis after the verb, e.g. "<source> [--json]". */
  usage: string;
  /** Paragraphs shown by `--help` after the synopsis. */
  description?: string;
  options: Record<string, OptionSpec>;
  /** Allowed number of positional arguments. */
  positionals: { min: number; max: number; name: string };
  /** Does the work; throws InputError/UsageError for bad input. */
  run(ctx: VerbContext): Promise<void>;
}

/** Options every verb accepts. */
export const COMMON_OPTIONS: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", description: "show this help and exit" },
  quiet: { type: "boolean", short: "q", description: "no progress or informational lines on stderr" },
};

export function stringOption(values: OptionValues, name: string, fallback: string): string;
export function stringOption(values: OptionValues, name: string): string | undefined;
export function stringOption(values: OptionValues, name: string, fallback?: string): string | undefined {
  const v = values[name];
  if (v === undefined) return fallback;
  if (typeof v !== "string") throw new UsageError(`--${name} needs a value`);
  return v;
}

/** A comma- or repeat-separated list option: `--apps a,b --apps c` gives [a, b, c]. */
export function listOption(values: OptionValues, name: string): string[] | undefined {
  const v = values[name];
  if (v === undefined) return undefined;
  const parts = (Array.isArray(v) ? v : [String(v)]).flatMap((s) => s.split(","));
  const list = parts.map((s) => s.trim()).filter((s) => s !== "");
  if (list.length === 0) throw new UsageError(`--${name} needs at least one value`);
  return list;
}

export interface NumberRule {
  integer?: boolean;
  min?: number;
  max?: number;
}

/** Parses a numeric option, with a one-line error naming the option and the bad value. */
export function numberOption(values: OptionValues, name: string, fallback: number, rule?: NumberRule): number;
export function numberOption(values: OptionValues, name: string, fallback: undefined, rule?: NumberRule): number | undefined;
export function numberOption(values: OptionValues, name: string, fallback: number | undefined, rule: NumberRule = {}): number | undefined {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  const kind = rule.integer ? "a whole number" : "a number";
  const bounds = [rule.min !== undefined ? `>= ${rule.min}` : "", rule.max !== undefined ? `<= ${rule.max}` : ""].filter(Boolean).join(" and ");
  const wanted = bounds ? `${kind} ${bounds}` : kind;
  if (raw.trim() === "" || !Number.isFinite(n) || (rule.integer && !Number.isInteger(n)) || (rule.min !== undefined && n < rule.min) || (rule.max !== undefined && n > rule.max)) {
    throw new UsageError(`--${name} must be ${wanted}, got '${raw}'`);
  }
  return n;
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(values: OptionValues, name: string, choices: readonly T[], fallback: T): T {
  const raw = stringOption(values, name);
  if (raw === undefined) return fallback;
  if (!(choices as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${choices.join(", ")}, got '${raw}'`);
  return raw as T;
}
