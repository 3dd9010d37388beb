/**
 * Problems found while reading telemetry. Readers salvage what they can and record
 * every problem with what was done about it; nothing is dropped silently.
 */

export interface ReadProblem {
  file: string;
  /** 1-based line, when the problem is on one line. */
  line?: number;
  /** Short machine-readable kind, e.g. "truncated-line", "non-numeric", "duplicate-timestamp". */
  kind: string;
  /** What was wrong. */
  message: string;
  /** What the reader did: "dropped the line", "kept the first", "filled with NaN"... */
  action: string;
  /** How many times this happened when several are folded into one report. */
  count?: number;
}

/** Collects problems, folding repeats of one kind in one file (and column) into a count. */
export class ProblemLog {
  readonly problems: ReadProblem[] = [];
  private readonly folded = new Map<string, ReadProblem>();

  /** Records a problem; with `foldKey`, later problems with the same key only raise the count. */
  add(problem: ReadProblem, foldKey?: string): void {
    if (foldKey !== undefined) {
      const key = `${problem.file}\u0000${problem.kind}\u0000${foldKey}`;
      const seen = this.folded.get(key);
      if (seen !== undefined) {
        seen.count = (seen.count ?? 1) + 1;
        return;
      }
      this.folded.set(key, problem);
    }
    this.problems.push(problem);
  }
}

/** One line for a human: `file:line: message (action[, N times])`. */
export function formatProblem(p: ReadProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  const times = p.count !== undefined && p.count > 1 ? `, ${p.count} times` : "";
  return `${where}: ${p.message} (${p.action}${times})`;
}
