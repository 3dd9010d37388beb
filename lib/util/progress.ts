/**
 * Progress reporting for long work. Library functions take an optional
 * `onProgress` callback and call it with counts; how progress is shown (a bar on a
 * terminal, periodic lines in a log, nothing in a test) is the caller's choice.
 */

export interface ProgressEvent {
  /** What is being done, e.g. "features" or "tree 12/250". */
  stage: string;
  /** Units done so far (node-runs, jobs, trees...). */
  done: number;
  /** Units in all; 0 when unknown. */
  total: number;
}

export type ProgressFn = (event: ProgressEvent) => void;

/** A callback that ignores everything: the default for library calls. */
export const silentProgress: ProgressFn = () => {};
