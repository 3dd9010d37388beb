/**
 * Errors that reach a user. Every message is one line and names what was wrong
 * (file, line, value), so the command line can print it as-is and exit non-zero.
 */

export interface Where {
  /** File the problem was found in. */
  file?: string;
  /** 1-based line number in that file. */
  line?: number;
}

/** Bad input: a file, a value or a data set that cannot be used. Exit code 1. */
export class InputError extends Error {
  readonly file?: string;
  readonly line?: number;
  readonly exitCode: number = 1;

  constructor(message: string, where: Where = {}) {
    super(formatWhere(where) + oneLine(message));
    this.name = "InputError";
    this.file = where.file;
    this.line = where.line;
  }
}

/** A command line that cannot be parsed: unknown verb or option, missing argument. Exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  readonly exitCode: number = 2;

  constructor(message: string) {
    super(oneLine(message));
  }
}

function formatWhere({ file, line }: Where): string {
  if (file === undefined) return "";
  return line === undefined ? `${file}: ` : `${file}:${line}: `;
}

/** Collapses whitespace so a message always fits one terminal line. */
export function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, " ").trim();
}
