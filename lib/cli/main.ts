#!/usr/bin/env node
/**
 * The `e2ewatch` command line: `e2ewatch <verb> [options]`.
 * Exit codes: 0 success, 1 bad input or failed work, 2 bad command line.
 */
import { parseArgs } from "node:util";
import { VERBS } from "./verbs";
import { COMMON_OPTIONS, type Verb, type OptionSpec } from "./verb";
import { stderrProgress } from "./progress";
import { UsageError, InputError, oneLine } from "../util/errors";
import { silentProgress } from "../util/progress";
import { checkoutRoot, staleSources } from "../util/freshness";

const PROGRAM = "e2ewatch";

export function verbHelp(verb: Verb): string {
  const options = { ...verb.options, ...COMMON_OPTIONS };
  const rows = Object.entries(options).map(([name, spec]) => [optionLabel(name, spec), optionText(spec)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  const lines = [`Usage: ${PROGRAM} ${verb.name} ${verb.usage}`.trimEnd(), "", verb.summary];
  if (verb.description !== undefined) lines.push("", verb.description.trim());
  lines.push("", "Options:", ...rows.map(([label, text]) => `  ${label.padEnd(width)}  ${text}`));
  return lines.join("\n") + "\n";
}

export function programHelp(): string {
  const width = Math.max(...VERBS.map((v) => v.name.length));
  return [
    `Usage: ${PROGRAM} <verb> [options]`,
    "",
    "Diagnose performance anomalies on HPC compute nodes from monitoring telemetry (E2EWatch).",
    "",
    "Verbs:",
    ...VERBS.map((v) => `  ${v.name.padEnd(width)}  ${v.summary}`),
    "",
    `Run '${PROGRAM} <verb> --help' for a verb's options.`,
    "",
  ].join("\n");
}

function optionLabel(name: string, spec: OptionSpec): string {
  const short = spec.short !== undefined ? `-${spec.short}, ` : "    ";
  return `${short}--${name}${spec.type === "string" ? ` ${spec.value ?? "VALUE"}` : ""}`;
}

function optionText(spec: OptionSpec): string {
  const extras = [spec.default !== undefined ? `default ${spec.default}` : "", spec.multiple ? "repeatable" : ""].filter(Boolean);
  return spec.description + (extras.length > 0 ? ` (${extras.join("; ")})` : "");
}

/** Runs the command line and returns the exit code (never calls process.exit). */
export async function main(argv: string[], stdout: NodeJS.WriteStream = process.stdout, stderr: NodeJS.WriteStream = process.stderr): Promise<number> {
  const [verbName, ...rest] = argv;
  if (verbName === undefined || verbName === "--help" || verbName === "-h" || verbName === "help") {
    stdout.write(programHelp());
    return verbName === undefined ? 2 : 0;
  }
  if (verbName === "--version" || verbName === "-V") {
    stdout.write(`${require("../../../package.json").version}\n`);
    return 0;
  }
  const verb = VERBS.find((v) => v.name === verbName);
  try {
    if (verb === undefined) throw new UsageError(`unknown verb '${verbName}'; run '${PROGRAM} --help' for the list`);
    return await runVerb(verb, rest, stdout, stderr);
  } catch (e) {
    return reportError(verb?.name, e, stderr);
  }
}

async function runVerb(verb: Verb, args: string[], stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): Promise<number> {
  const options = { ...verb.options, ...COMMON_OPTIONS };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(Object.entries(options).map(([name, s]) => [name, parseSpec(s)])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    // Node's messages are long and name internals; keep the gist, on one line.
    throw new UsageError(cleanParseError(e instanceof Error ? e.message : String(e)));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  if (values.help === true) {
    stdout.write(verbHelp(verb));
    return 0;
  }
  const { min, max, name } = verb.positionals;
  if (parsed.positionals.length < min) throw new UsageError(`missing ${name}; usage: ${PROGRAM} ${verb.name} ${verb.usage}`);
  if (parsed.positionals.length > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}'; usage: ${PROGRAM} ${verb.name} ${verb.usage}`);

  const quiet = values.quiet === true;
  const reporter = quiet ? { progress: silentProgress, stop: () => {} } : stderrProgress(stderr);
  warnIfStale(quiet, stderr);
  try {
    await verb.run({
      values,
      positionals: parsed.positionals,
      stdout,
      stderr,
      progress: reporter.progress,
      log: (line) => {
        if (quiet) return;
        reporter.stop();
        stderr.write(line + "\n");
      },
    });
  } finally {
    reporter.stop();
  }
  return 0;
}

/** parseArgs rejects keys that are present but undefined, so only set what is given. */
function parseSpec(spec: OptionSpec): { type: "string" | "boolean"; short?: string; multiple?: boolean } {
  const out: { type: "string" | "boolean"; short?: string; multiple?: boolean } = { type: spec.type };
  if (spec.short !== undefined) out.short = spec.short;
  if (spec.multiple) out.multiple = true;
  return out;
}

function cleanParseError(message: string): string {
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `unknown option '${unknown[1]}'; see --help`;
  const missing = /Option '([^']+)' argument missing/.exec(message);
  if (missing) return `option '${missing[1].replace(/^-\w, /, "")}' needs a value`;
  return message.split(".")[0];
}

function warnIfStale(quiet: boolean, stderr: NodeJS.WritableStream): void {
  if (quiet) return;
  const root = checkoutRoot();
  if (root === undefined) return;
  const stale = staleSources(root);
  if (stale.length > 0) stderr.write(`warning: ${stale[0]}${stale.length > 1 ? ` and ${stale.length - 1} more` : ""} changed since the last build; run 'npm run build'\n`);
}

function reportError(verb: string | undefined, e: unknown, stderr: NodeJS.WritableStream): number {
  const prefix = verb === undefined ? PROGRAM : `${PROGRAM} ${verb}`;
  if (e instanceof UsageError || e instanceof InputError) {
    stderr.write(`${prefix}: ${e.message}\n`);
    return e.exitCode;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const code = (err as NodeJS.ErrnoException).code;
  if (code === "ENOENT" || code === "EACCES" || code === "EISDIR" || code === "ENOTDIR") {
    // File-system errors are bad input as far as a user is concerned.
    stderr.write(`${prefix}: ${oneLine(err.message)}\n`);
    return 1;
  }
  stderr.write(`${prefix}: internal error: ${oneLine(err.message)}\n`);
  if (process.env.E2EWATCH_DEBUG) stderr.write(`${err.stack}\n`);
  else stderr.write(`(set E2EWATCH_DEBUG=1 for the stack trace)\n`);
  return 1;
}

if (require.main === module) {
  let finished = false;
  // If the event loop drains while a verb still awaits something, Node would exit with
  // code 0 as if the run had succeeded; say so and fail instead.
  process.on("exit", () => {
    if (finished) return;
    process.stderr.write(`${PROGRAM}: internal error: the run stopped before it finished (a promise never settled)\n`);
    process.exitCode = 1;
  });
  main(process.argv.slice(2)).then((code) => {
    finished = true;
    process.exitCode = code;
  });
}
