/**
 * LDMS store_csv samples as they arrive, node by node, for follow mode.
 *
 * - `SamplerLayout`: the columns of one sampler file's header (id columns, metrics;
 *   `per_core_*` dropped as the batch reader does) and the parsing of one data line.
 *   A cell that is not a number is a missing sample (NaN), as in the batch reader; a
 *   line without a valid time is skipped and reported.
 * - `LiveSeries`: one sampler's raw samples of one node, in time order (a late line is
 *   put in its place, a repeated time keeps the first), with old samples dropped once
 *   no future window needs them.
 * - `LiveRun`: one node of one job. Its window ends are fixed from its first grid
 *   second (`origin`) the way batch windows are: window k ends at origin + trim +
 *   window - 1 + k stride. A window is complete when every sampler of the node has a
 *   sample on or after its last second; it is then put on the 1 Hz grid by the batch
 *   reader's own `alignNode` (counters to rates, gaps filled) from the samples of the
 *   window plus a margin before it, so its values are those of reading the recorded run.
 *
 * The sampling phase (where in the second a node's samplers fire) is estimated from the
 * samples of each gridded stretch rather than the whole run; LDMS samplers jitter by
 * milliseconds, so both put every sample on the same second.
 */
import { parseHeaderLine } from "../telemetry/csv";
import { isCounter } from "../telemetry/counters";
import { alignNode, type SamplerSeries } from "../telemetry/grid";
import { unlabelled, type NodeRun } from "../telemetry/noderun";
import { ProblemLog } from "../telemetry/problems";
import { LDMS_ID_COLUMNS } from "../telemetry/sniff";

/** One parsed data line of a sampler file. */
export interface LiveSample {
  /** Seconds (epoch, with the fraction). */
  t: number;
  producer: string;
  component: string;
  job: string;
  /** Values in the layout's metric order (NaN: missing). */
  values: Float64Array;
}

/** The columns of a store_csv header. */
export class SamplerLayout {
  readonly metrics: string[] = [];
  private readonly metricColumns: number[] = [];
  private readonly time: number;
  private readonly usec: number;
  private readonly producer: number;
  private readonly component: number;
  private readonly job: number;
  readonly width: number;

  constructor(headerLine: string) {
    const cells = parseHeaderLine(headerLine);
    this.width = cells.length;
    const find = (...names: string[]): number => cells.findIndex((c) => names.includes(c));
    this.time = find("Time");
    this.usec = find("Time_usec");
    this.producer = find("ProducerName", "producer");
    this.component = find("component_id", "CompId", "comp_id");
    this.job = find("job_id", "jobid");
    const seen = new Set<string>();
    cells.forEach((name, c) => {
      if (LDMS_ID_COLUMNS.has(name) || name.startsWith("per_core_") || name === "" || seen.has(name)) return;
      seen.add(name);
      this.metrics.push(name);
      this.metricColumns.push(c);
    });
  }

  get hasTime(): boolean {
    return this.time >= 0;
  }

  /** Parses a data line; a string says why it cannot be used. */
  parse(line: string): LiveSample | string {
    const cells = line.split(",");
    let t = Number(cells[this.time]);
    if (cells[this.time] === undefined || cells[this.time].trim() === "" || !Number.isFinite(t)) return "no valid time";
    // Units by size, as the batch reader (grid.ts toSeconds): ms, us, ns.
    if (t > 1e17) t *= 1e-9;
    else if (t > 1e14) t *= 1e-6;
    else if (t > 1e11) t *= 1e-3;
    else if (Number.isInteger(t) && this.usec >= 0) {
      const us = Number(cells[this.usec]);
      if (us >= 0 && us < 1e6) t += us / 1e6;
    }
    const text = (c: number): string => (c >= 0 ? (cells[c] ?? "").trim() : "");
    const values = new Float64Array(this.metrics.length);
    for (let m = 0; m < values.length; m++) {
      const cell = cells[this.metricColumns[m]];
      values[m] = cell === undefined || cell.trim() === "" ? NaN : Number(cell);
    }
    return { t, producer: text(this.producer), component: text(this.component), job: text(this.job), values };
  }

  /** Cells in a line differ from the header's count (the line is still used). */
  ragged(line: string): boolean {
    let n = 1;
    for (let i = line.indexOf(","); i >= 0; i = line.indexOf(",", i + 1)) n++;
    return n !== this.width;
  }
}

/** One sampler's samples of one node, in time order. */
export class LiveSeries {
  readonly counters: boolean[];
  private times: Float64Array = new Float64Array(256);
  private columns: Float64Array[];
  /** Samples held are [start, length). */
  private start = 0;
  private length = 0;

  constructor(
    readonly sampler: string,
    readonly file: string,
    readonly metrics: string[],
  ) {
    this.counters = metrics.map((m) => isCounter(m, sampler));
    this.columns = metrics.map(() => new Float64Array(256));
  }

  get count(): number {
    return this.length - this.start;
  }

  get lastTime(): number {
    return this.length > this.start ? this.times[this.length - 1] : NaN;
  }

  get firstTime(): number {
    return this.length > this.start ? this.times[this.start] : NaN;
  }

  /** Index of the first held sample at or after `t`. */
  private indexAtOrAfter(t: number): number {
    let lo = this.start;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * Adds a sample (values in this series' metric order). Returns "late" when it goes
   * before the last one (placed in order), "duplicate" when its time is already held
   * (dropped), "ok" otherwise.
   */
  add(t: number, values: ArrayLike<number>): "ok" | "late" | "duplicate" {
    if (this.length === this.times.length) this.grow();
    let at = this.length;
    if (this.length > this.start && t <= this.times[this.length - 1]) {
      at = this.indexAtOrAfter(t);
      if (at < this.length && this.times[at] === t) return "duplicate";
    }
    if (at < this.length) {
      this.times.copyWithin(at + 1, at, this.length);
      for (const c of this.columns) c.copyWithin(at + 1, at, this.length);
    }
    this.times[at] = t;
    for (let m = 0; m < this.columns.length; m++) this.columns[m][at] = values[m];
    this.length++;
    return at === this.length - 1 ? "ok" : "late";
  }

  private grow(): void {
    const held = this.length - this.start;
    // Drop the pruned prefix first; grow only when the held samples fill the buffer.
    const capacity = held * 2 > this.times.length ? this.times.length * 2 : this.times.length;
    const move = (a: Float64Array): Float64Array => {
      const out = new Float64Array(capacity);
      out.set(a.subarray(this.start, this.length));
      return out;
    };
    this.times = move(this.times);
    this.columns = this.columns.map(move);
    this.length = held;
    this.start = 0;
  }

  /** Sums of cos and sin of the held samples' sub-second phase angles (for the circular mean). */
  phaseSums(): [number, number] {
    let sx = 0;
    let sy = 0;
    for (let i = this.start; i < this.length; i++) {
      const a = 2 * Math.PI * (this.times[i] - Math.floor(this.times[i]));
      sx += Math.cos(a);
      sy += Math.sin(a);
    }
    return [sx, sy];
  }

  /** Forgets samples before `t`. */
  dropBefore(t: number): void {
    this.start = this.indexAtOrAfter(t);
  }

  /** The held samples from time `from` on, as the grid takes them (copies). */
  seriesFrom(from: number): SamplerSeries {
    const i = this.indexAtOrAfter(from);
    return {
      sampler: this.sampler,
      file: this.file,
      times: this.times.slice(i, this.length),
      metrics: this.metrics,
      columns: this.columns.map((c) => c.slice(i, this.length)),
      counters: this.counters,
    };
  }
}

export interface LiveWindowConfig {
  window: number;
  stride: number;
  trim: number;
  maxGapSeconds: number;
}

/** One node of one job, followed live. */
export class LiveRun {
  readonly series = new Map<string, LiveSeries>();
  /** The first grid second (as the batch reader's run would start), once known. */
  origin: number | undefined;
  /** Index of the next window to emit. */
  next = 0;
  /** Full metric names (`<metric>::<sampler>`) once started. */
  metrics: string[] = [];
  private newest = -Infinity;
  /** Layout of each file's samples mapped onto this node's series (by metric name). */
  private readonly slots = new Map<SamplerLayout, Int32Array>();

  constructor(
    readonly jobId: string,
    readonly nodeId: string,
  ) {}

  /** Adds a parsed sample of `sampler`; see `LiveSeries.add` for the result. */
  add(sampler: string, file: string, layout: SamplerLayout, sample: LiveSample): "ok" | "late" | "duplicate" | "unknown-metrics" {
    let series = this.series.get(sampler);
    if (series === undefined) {
      series = new LiveSeries(sampler, file, layout.metrics);
      this.series.set(sampler, series);
    }
    let slot = this.slots.get(layout);
    if (slot === undefined) {
      const at = new Map(layout.metrics.map((m, i) => [m, i]));
      slot = Int32Array.from(series.metrics, (m) => at.get(m) ?? -1);
      this.slots.set(layout, slot);
    }
    const values = Array.from(slot, (i) => (i < 0 ? NaN : sample.values[i]));
    const result = series.add(sample.t, values);
    if (sample.t > this.newest) this.newest = sample.t;
    return result === "ok" && layout.metrics.length !== series.metrics.length ? "unknown-metrics" : result;
  }

  /** Circular-mean sampling phase of the held samples, as grid.ts's `samplingPhase` computes it. */
  private phase(): number {
    let sx = 0;
    let sy = 0;
    for (const s of this.series.values()) {
      const [x, y] = s.phaseSums();
      sx += x;
      sy += y;
    }
    if (sx === 0 && sy === 0) return 0;
    const phase = Math.atan2(sy, sx) / (2 * Math.PI);
    return phase < 0 ? phase + 1 : phase;
  }

  /** Every listed sampler has `minSamples` samples (2 for counters: a rate needs two). */
  hasSamplesOf(samplers: Iterable<string>): boolean {
    for (const name of samplers) {
      const s = this.series.get(name);
      if (s === undefined || s.count < (s.counters.some((c) => c) ? 2 : 1)) return false;
    }
    return true;
  }

  /** Time of the newest sample received from any sampler, dropped or not (-Infinity before any). */
  latestTime(): number {
    return this.newest;
  }

  /** Seconds of data held, first sample to last, over all samplers. */
  spanSeconds(): number {
    let lo = Infinity;
    let hi = -Infinity;
    for (const s of this.series.values()) {
      if (s.count === 0) continue;
      lo = Math.min(lo, s.firstTime);
      hi = Math.max(hi, s.lastTime);
    }
    return hi > lo ? hi - lo : 0;
  }

  /**
   * Fixes the run's first grid second from the samples so far, as the batch reader
   * would; false (with the reason reported) when no second is covered by all samplers.
   */
  start(problems: ProblemLog, maxGapSeconds: number): boolean {
    const grid = alignNode([...this.series.values()].map((s) => s.seriesFrom(-Infinity)), this.nodeId, problems, { maxGapSeconds });
    if (grid === undefined) return false;
    this.origin = grid.timestamps[0];
    this.metrics = grid.metrics;
    return true;
  }

  /** Grid second of window k's last sample. */
  windowEnd(k: number, config: LiveWindowConfig): number {
    return this.origin! + config.trim + config.window - 1 + k * config.stride;
  }

  /** The last grid second every sampler has reached (-Infinity before any sample). */
  reachedSecond(): number {
    const phase = this.phase();
    let reached = Infinity;
    for (const s of this.series.values()) reached = Math.min(reached, s.count === 0 ? -Infinity : Math.round(s.lastTime - phase));
    return reached === Infinity ? -Infinity : reached;
  }

  /**
   * The samples of the window ending at grid second `end`, on the 1 Hz grid: `window`
   * seconds, NaN where a long gap leaves no value. Problems of the gridding (gaps,
   * resets) go to `problems`.
   */
  windowRun(end: number, config: LiveWindowConfig, problems: ProblemLog): NodeRun {
    const first = end - config.window + 1;
    // A margin before the window: counters need the sample before, gaps need their ends.
    const from = first - config.maxGapSeconds - 3;
    const grid = alignNode([...this.series.values()].map((s) => s.seriesFrom(from)), this.nodeId, problems, { maxGapSeconds: config.maxGapSeconds });
    const timestamps = new Float64Array(config.window);
    for (let i = 0; i < config.window; i++) timestamps[i] = first + i;
    const metrics = grid?.metrics ?? this.metrics;
    const values = metrics.map((_, m) => {
      const out = new Float64Array(config.window).fill(NaN);
      if (grid === undefined) return out;
      const lo = grid.timestamps[0];
      const hi = grid.timestamps[grid.timestamps.length - 1];
      for (let i = 0; i < config.window; i++) {
        const t = first + i;
        if (t >= lo && t <= hi) out[i] = grid.values[m][t - lo];
      }
      return out;
    });
    return { nodeId: this.nodeId, jobId: this.jobId, label: unlabelled(), timestamps, metrics, values };
  }

  /** Forgets samples no window from `k` on needs. */
  forgetBefore(k: number, config: LiveWindowConfig): void {
    const keepFrom = this.windowEnd(k, config) - config.window + 1 - config.maxGapSeconds - 5;
    for (const s of this.series.values()) s.dropBefore(keepFrom);
  }
}
