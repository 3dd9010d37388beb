/**
 * Shows library progress events on stderr: a live bar on a terminal (cli-progress),
 * and on a pipe or log file a plain line per stage at most every few seconds plus one
 * when the stage completes, so CI logs show that long work is moving.
 */
import { SingleBar, Presets } from "cli-progress";
import type { ProgressEvent, ProgressFn } from "../util/progress";

export interface ProgressReporter {
  progress: ProgressFn;
  /** Ends any bar in flight; call before printing results. */
  stop: () => void;
}

export function stderrProgress(stream: NodeJS.WriteStream = process.stderr, lineIntervalMs = 5000): ProgressReporter {
  return stream.isTTY ? barProgress(stream) : lineProgress(stream, lineIntervalMs);
}

function barProgress(stream: NodeJS.WriteStream): ProgressReporter {
  let bar: SingleBar | undefined;
  let stage = "";
  const stop = (): void => {
    bar?.stop();
    bar = undefined;
  };
  const progress = (e: ProgressEvent): void => {
    if (bar === undefined || e.stage !== stage) {
      stop();
      stage = e.stage;
      bar = new SingleBar({ stream, format: `${e.stage.padEnd(18)} {bar} {value}/{total} {percentage}% eta {eta_formatted}`, hideCursor: false, clearOnComplete: false }, Presets.shades_classic);
      bar.start(Math.max(e.total, 1), e.done);
    } else {
      if (e.total > 0) bar.setTotal(e.total);
      bar.update(e.done);
    }
    if (e.total > 0 && e.done >= e.total) stop();
  };
  return { progress, stop };
}

function lineProgress(stream: NodeJS.WritableStream, intervalMs: number): ProgressReporter {
  let stage = "";
  let last = 0;
  const started = new Map<string, number>();
  const progress = (e: ProgressEvent): void => {
    const now = Date.now();
    if (!started.has(e.stage)) started.set(e.stage, now);
    const finished = e.total > 0 && e.done >= e.total;
    if (e.stage === stage && !finished && now - last < intervalMs) return;
    stage = e.stage;
    last = now;
    const pct = e.total > 0 ? ` (${Math.floor((100 * e.done) / e.total)}%)` : "";
    const secs = ((now - started.get(e.stage)!) / 1000).toFixed(1);
    stream.write(`${e.stage}: ${e.done}${e.total > 0 ? "/" + e.total : ""}${pct} ${secs}s\n`);
  };
  return { progress, stop: () => {} };
}
