/**
 * Follow mode: diagnosis of a growing LDMS store_csv folder while the job runs.
 *
 * Mechanics:
 * - Files: sampler files are found by header under the folder (as the batch reader
 *   finds them) when following starts and at every poll; each is read from where the
 *   previous read stopped (file-tail.ts), so a line is parsed once, and a last line still
 *   being written waits for its newline. Changes are noticed by `fs.watch` on the files
 *   and their folders (immediately, on local file systems) and by polling every
 *   `pollMs` (for file systems without change events, and to find new files).
 * - Nodes: a node is the row's ProducerName (its component_id when it has none), of the
 *   row's job (its job_id when set and not 0, else the run folder's name, as the batch
 *   reader names jobs). A node starts once every sampler of its run has sent it a
 *   usable sample (two for samplers with counters, which give rates), or after
 *   `graceSeconds` of data without one of them (reported; its metrics are then missing).
 * - Windows: a node's first grid second is where the batch reader's run would start;
 *   only the start is trimmed (the end of a live run is not known), so window k ends
 *   trim + window - 1 + k stride seconds later. Each window is diagnosed once, in order,
 *   as soon as every sampler of the node has a sample on or after its last second,
 *   with the values the batch reader would give it (live-ldms.ts). Counters are raw
 *   cumulative values in store_csv and are differenced here, as in the batch reader.
 * - Within one read, new diagnoses are emitted in time order (then job, then node).
 * - A node without samples for 10 window lengths while others go on has ended (its
 *   job finished): its state is dropped, so memory stays bounded over many jobs.
 * - Stops on `stop()` (the command line calls it on SIGINT) or after `idleSeconds`
 *   without any file growing.
 *
 * Features of a live window are computed from that window alone
 * (`latestWindowFeatures`): with "exact" numerics they equal a batch extraction's; with
 * "pandas" numerics they can differ from it in the last digits (README.md).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DEFAULT_MAX_GAP_SECONDS } from "../telemetry/grid";
import { findSamplerFiles, groupRuns, runName, safeId, type SamplerFile } from "../telemetry/ldms-files";
import { ProblemLog } from "../telemetry/problems";
import { firstLine, isLdmsHeader } from "../telemetry/sniff";
import { openSource } from "../telemetry/source";
import type { StreamFilter } from "../evaluation/filters";
import { InputError } from "../util/errors";
import { FileTail } from "./file-tail";
import { type FilterSpec, newFilter } from "./filters";
import { LiveRun, SamplerLayout, type LiveWindowConfig } from "./live-ldms";
import type { Diagnosis } from "./output";
import { listNames, type RuntimePredictor } from "./predictor";

/** A diagnosis made live: the CSV row's fields plus codes and what was imputed. */
export interface LiveDiagnosis extends Diagnosis {
  code: number;
  filteredCode?: number;
  /** Window index within the node's run (0 = first after the trim). */
  window: number;
}

export interface FollowOptions {
  filter?: FilterSpec;
  /** Milliseconds between polls (default 1000). */
  pollMs?: number;
  /** Stop after this many seconds without any file growing (default: never). */
  idleSeconds?: number;
  /** Also react to file-system change events (default true). */
  watch?: boolean;
  /** The batch reader's gap limit (default 5 s). */
  maxGapSeconds?: number;
  /** Seconds of a node's data after which it starts without a sampler that sent nothing (default 30). */
  graceSeconds?: number;
  problems?: ProblemLog;
  onDiagnosis: (d: LiveDiagnosis) => void;
  /** Warnings worth a line on stderr (imputed metrics, missing samplers). */
  onWarning?: (line: string) => void;
}

export interface FollowSummary {
  windows: number;
  nodes: number;
  lines: number;
  stoppedBy: "stop" | "idle";
}

interface Tail {
  tail: FileTail;
  sampler: string;
  file: string;
  /** The run (group of files) it belongs to, and that run's job name. */
  group: string;
  job: string;
  layout: SamplerLayout | undefined;
  /** store_csv's altheader option: the header is in another file. */
  altHeader: boolean;
}

/** The format of what a folder holds now; undefined while nothing is recognisable (files may come). */
function recognisedFormat(dir: string): string | undefined {
  try {
    return openSource(dir).format;
  } catch (e) {
    if (e instanceof InputError) return undefined;
    throw e;
  }
}

/** A node silent for this many window lengths while others send data has ended. */
const STALE_WINDOWS = 10;

/** Problems of the per-window gridding that are artefacts of gridding a stretch, not faults. */
const STRETCH_ARTEFACTS = new Set(["edges-trimmed"]);

export class LdmsFollower {
  readonly problems: ProblemLog;
  private readonly tails = new Map<string, Tail>();
  private readonly runs = new Map<string, LiveRun>();
  private readonly groups = new Map<LiveRun, string>();
  private readonly filters = new Map<LiveRun, StreamFilter>();
  private readonly config: LiveWindowConfig;
  private readonly grace: number;
  private windows = 0;
  private lines = 0;
  /** Nodes forgotten after their data stopped. */
  private ended = 0;
  private stopRequested = false;
  private stoppedByIdle = false;
  private wake: (() => void) | undefined;
  private warnedNoFiles = false;

  constructor(
    readonly root: string,
    readonly predictor: RuntimePredictor,
    private readonly options: FollowOptions,
  ) {
    if (!fs.existsSync(root)) throw new InputError("no such file or folder", { file: root });
    const stat = fs.statSync(root);
    if (stat.isFile() && stat.size > 0 && !isLdmsHeader(firstLine(root))) {
      throw new InputError("--follow reads LDMS store_csv output (header #Time,Time_usec,ProducerName,component_id,...); this file is not one", { file: root, line: 1 });
    }
    if (stat.isDirectory()) {
      const format = recognisedFormat(root);
      if (format !== undefined && format !== "ldms") throw new InputError(`--follow reads LDMS store_csv output; this folder is a ${format} source (predict it without --follow)`, { file: root });
    }
    this.problems = options.problems ?? new ProblemLog();
    const f = predictor.features;
    this.config = { window: f.window, stride: f.stride, trim: f.trim, maxGapSeconds: options.maxGapSeconds ?? DEFAULT_MAX_GAP_SECONDS };
    this.grace = options.graceSeconds ?? 30;
  }

  /** Nodes (of jobs) whose state is held now. */
  get nodesHeld(): number {
    return this.runs.size;
  }

  /** Finds sampler files not followed yet. Returns how many were added. */
  discover(): number {
    const found = findSamplerFiles(this.root, new ProblemLog());
    const fresh = found.filter((f) => !this.tails.has(f.file));
    if (fresh.length === 0) {
      if (this.tails.size === 0 && !this.warnedNoFiles) {
        this.warnedNoFiles = true;
        this.options.onWarning?.(`no LDMS sampler files under ${this.root} yet; waiting for them`);
      }
      return 0;
    }
    // Job names per run folder, made unique as the batch reader makes them.
    const used = new Set<string>();
    const names = new Map<string, { group: string; job: string }>();
    for (const run of groupRuns(this.root, found)) {
      const base = runName(run);
      let job = base;
      for (let k = 2; used.has(job); k++) job = `${base}-${k}`;
      used.add(job);
      for (const f of run.files) names.set(f.file, { group: run.root, job });
    }
    for (const f of fresh) this.follow(f, names.get(f.file)!);
    return fresh.length;
  }

  private follow(f: SamplerFile, where: { group: string; job: string }): void {
    const layout = f.headerFile === undefined ? undefined : new SamplerLayout(firstLine(f.headerFile));
    this.tails.set(f.file, { tail: new FileTail(f.file), sampler: f.sampler, file: f.file, group: where.group, job: where.job, layout, altHeader: layout !== undefined });
  }

  /** Samplers of a run folder. */
  private samplersOf(group: string): Set<string> {
    const out = new Set<string>();
    for (const t of this.tails.values()) if (t.group === group) out.add(t.sampler);
    return out;
  }

  /**
   * Reads what the files hold now (finding new files first when `discover`), and emits
   * every window that became complete. Returns the bytes read.
   */
  step(discover = true): number {
    if (discover) this.discover();
    let bytes = 0;
    const touched = new Set<LiveRun>();
    for (const t of this.tails.values()) {
      const read = t.tail.read();
      bytes += read.bytes;
      if (read.restarted) {
        this.problems.add({ file: t.file, kind: "file-restarted", message: "the file became shorter (truncated or replaced)", action: "read it again from the start" });
        // A file with its own header starts again with one; an altheader file's header is elsewhere.
        if (!t.altHeader) t.layout = undefined;
      }
      read.lines.forEach((line, i) => this.take(t, line, read.firstLine + i, touched));
    }
    const made: LiveDiagnosis[] = [];
    for (const run of touched) this.advance(run, made);
    if (touched.size > 0) this.forgetEnded(touched);
    made.sort((a, b) => a.timestamp - b.timestamp || (a.jobId < b.jobId ? -1 : a.jobId > b.jobId ? 1 : 0) || (a.nodeId < b.nodeId ? -1 : a.nodeId > b.nodeId ? 1 : 0));
    for (const d of made) this.options.onDiagnosis(d);
    return bytes;
  }

  /**
   * Forgets nodes whose data stopped (their job ended): no sample for `STALE_WINDOWS`
   * windows' time while other nodes went on. Their unfinished windows would never
   * complete, and a monitor running for weeks must not keep every job's state.
   */
  private forgetEnded(touched: Set<LiveRun>): void {
    let newest = -Infinity;
    for (const run of touched) newest = Math.max(newest, run.latestTime());
    const limit = newest - STALE_WINDOWS * this.config.window;
    for (const [key, run] of this.runs) {
      if (run.latestTime() >= limit) continue;
      this.runs.delete(key);
      this.groups.delete(run);
      this.filters.delete(run);
      this.ended++;
    }
  }

  /** One line of a sampler file. */
  private take(t: Tail, line: string, lineNo: number, touched: Set<LiveRun>): void {
    if (line.trim() === "") return;
    if (t.layout === undefined) {
      if (isLdmsHeader(line)) t.layout = new SamplerLayout(line);
      else this.problems.add({ file: t.file, line: lineNo, kind: "no-header", message: "data before an LDMS header line", action: "skipped the line" }, "no-header");
      return;
    }
    if (line.startsWith("#")) return; // a repeated header or a comment, as the batch reader skips them
    this.lines++;
    const sample = t.layout.parse(line);
    if (typeof sample === "string") {
      this.problems.add({ file: t.file, line: lineNo, kind: "bad-line", message: sample, action: "skipped the line" }, "bad-line");
      return;
    }
    if (t.layout.ragged(line)) this.problems.add({ file: t.file, line: lineNo, kind: "ragged-line", message: "the line's cell count differs from the header's", action: "read the cells the header names; missing ones are missing samples" }, "ragged");
    const node = sample.producer || sample.component || "node";
    const job = sample.job !== "" && sample.job !== "0" ? safeId(sample.job) : t.job;
    const key = `${job}\u0000${node}`;
    let run = this.runs.get(key);
    if (run === undefined) {
      run = new LiveRun(job, node);
      this.runs.set(key, run);
      this.groups.set(run, t.group);
    }
    const result = run.add(t.sampler, t.file, t.layout, sample);
    if (result === "duplicate") this.problems.add({ file: t.file, line: lineNo, kind: "duplicate-timestamp", message: `node ${node}: a sample repeats the time of one already read`, action: "kept the first" }, `dup-${node}`);
    else if (result === "late") this.problems.add({ file: t.file, line: lineNo, kind: "out-of-order", message: `node ${node}: a sample earlier than the one before`, action: "put it in time order (too late for windows already diagnosed)" }, `late-${node}`);
    else if (result === "unknown-metrics") this.problems.add({ file: t.file, kind: "metrics-differ", message: `node ${node}: sampler ${t.sampler} files name different metrics`, action: "kept the first file's metrics" }, `metrics-${node}`);
    touched.add(run);
  }

  /** Starts a node when it can, then diagnoses its completed windows in order. */
  private advance(run: LiveRun, out: LiveDiagnosis[]): void {
    const where = `node ${run.nodeId} of job ${run.jobId}`;
    if (run.origin === undefined) {
      const expected = this.samplersOf(this.groups.get(run)!);
      const ready = run.hasSamplesOf(expected);
      if (!ready && run.spanSeconds() < this.grace) return;
      if (!ready) {
        const absent = [...expected].filter((s) => !run.hasSamplesOf([s]));
        this.problems.add({ file: this.root, kind: "sampler-missing", message: `${where} has no samples from sampler(s) ${absent.join(", ")} after ${this.grace} s`, action: "followed the node without them" });
        this.options.onWarning?.(`warning: ${where} has no samples from ${absent.join(", ")} after ${this.grace} s; following it without them`);
      }
      if (!run.start(this.problems, this.config.maxGapSeconds)) return;
      const imputed = this.predictor.checkMetrics(run.metrics, where, this.root);
      if (imputed.length > 0) this.options.onWarning?.(`warning: ${where} lacks ${imputed.length} metric(s) the model needs (${listNames(imputed)}); using their training medians`);
      if (this.options.filter !== undefined) this.filters.set(run, newFilter(this.options.filter));
    }
    const reached = run.reachedSecond();
    const scratch = new ProblemLog();
    for (let end = run.windowEnd(run.next, this.config); end <= reached; end = run.windowEnd(run.next, this.config)) {
      const window = run.windowRun(end, this.config, scratch);
      const p = this.predictor.predictWindow(window, where)!;
      const code = p.label[0];
      const filter = this.filters.get(run);
      const filteredCode = filter?.push(code);
      const labels = this.predictor.labels;
      out.push({ jobId: run.jobId, nodeId: run.nodeId, timestamp: end, label: labels[code], confidence: p.confidence[0], code, filteredCode, filtered: filteredCode === undefined ? undefined : labels[filteredCode], window: run.next });
      run.next++;
      this.windows++;
    }
    for (const p of scratch.problems) if (!STRETCH_ARTEFACTS.has(p.kind)) this.problems.add(p, `${p.kind}-${run.jobId}-${run.nodeId}`);
    run.forgetBefore(run.next, this.config);
  }

  /** Follows until `stop()` or `idleSeconds` without growth. */
  async run(): Promise<FollowSummary> {
    const pollMs = this.options.pollMs ?? 1000;
    const watchers = new Map<string, fs.FSWatcher>();
    let lastGrowth = Date.now();
    let pending = false;
    let failure: unknown;
    const watch = (p: string, isFolder: boolean): void => {
      if (this.options.watch === false || watchers.has(p)) return;
      try {
        // A name appearing in a folder ("rename") may be a new file: look for files then too.
        const w = fs.watch(p, { persistent: false }, (event) => schedule(isFolder && event === "rename"));
        w.on("error", () => w.close());
        watchers.set(p, w);
      } catch {
        // A path that cannot be watched is still polled.
      }
    };
    const watchAll = (): void => {
      watch(fs.statSync(this.root).isDirectory() ? this.root : path.dirname(this.root), true);
      for (const t of this.tails.values()) {
        watch(t.file, false);
        watch(path.dirname(t.file), true);
      }
    };
    const work = (discover: boolean): void => {
      if (this.stopRequested || failure !== undefined) return;
      try {
        const before = this.tails.size;
        if (this.step(discover) > 0) lastGrowth = Date.now();
        if (this.tails.size !== before) watchAll();
      } catch (e) {
        failure = e;
        this.stop();
      }
    };
    let discoverNext = false;
    const schedule = (discover: boolean): void => {
      discoverNext ||= discover;
      if (pending) return;
      pending = true;
      setImmediate(() => {
        pending = false;
        const d = discoverNext;
        discoverNext = false;
        work(d);
      });
    };
    work(true);
    watchAll();
    const timer = setInterval(() => {
      work(true);
      const idle = this.options.idleSeconds;
      if (idle !== undefined && Date.now() - lastGrowth >= idle * 1000) {
        this.stoppedByIdle = true;
        this.stop();
      }
    }, pollMs);
    await new Promise<void>((resolve) => {
      this.wake = resolve;
      if (this.stopRequested || failure !== undefined) resolve();
    }).finally(() => {
      clearInterval(timer);
      for (const w of watchers.values()) w.close();
    });
    if (failure !== undefined) throw failure;
    return { windows: this.windows, nodes: this.runs.size + this.ended, lines: this.lines, stoppedBy: this.stoppedByIdle ? "idle" : "stop" };
  }

  /** Ends `run()` after the work in progress. */
  stop(): void {
    this.stopRequested = true;
    this.wake?.();
  }
}
