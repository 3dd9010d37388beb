/**
 * Puts the samplers of one node onto one 1 Hz grid (DESIGN.md: one row per node and
 * second), turning cumulative counters into per-second rates on the way.
 *
 * Policy (reported by `inspect`, see GRID_POLICY):
 * - Grid: whole seconds. The node's sampling phase (where in the second its samplers
 *   fire; LDMS samplers of one node fire within milliseconds of each other) is the
 *   circular mean of the fractional parts of all its timestamps; a sample at time t
 *   lands on second round(t - phase). Two samples of one sampler on one second: the
 *   one nearer the grid point is kept.
 * - Extent: the seconds every sampler covers, so every node-run of a collection has
 *   the same metrics (the features stage and `import` need that) even when one sampler
 *   started late or stopped early; what was cut is reported. Samplers are taken
 *   longest first; only one that does not overlap the others at all (a file from
 *   another time) is left out, and reported.
 * - Counters: the value at second g is (c(t_g) - c(t_prev)) / (t_g - t_prev), the
 *   counter's increase per second since its previous sample, using the actual sample
 *   times (LDMS steps are 1 s give or take a few ms; longer after a missed sample).
 *   The first sample of a counter has no predecessor, so the grid starts at the
 *   second sample of a counter-bearing sampler, as E2EWatch's published files start
 *   at the first difference. A counter that goes backwards was reset (reboot, wrap,
 *   a CPU going offline): that step's rate is unknown, becomes a missing second, and
 *   is filled like a gap below, never a negative rate.
 * - A sampler slower than 1 Hz (median step of k seconds) is reported, and its k - 1
 *   seconds between samples are filled like gaps (gap limits grow by k - 1).
 * - Gaps: a counter's rate over a gap of up to `maxGapSeconds` missing seconds is the
 *   mean rate over the gap, given to every second of it (the cumulative counter
 *   interpolated linearly); a level is interpolated linearly. Longer gaps stay NaN
 *   (the next sample of a counter still gets the mean rate since the last one), and are
 *   reported; windows over them are the features stage's business. Non-numeric cells
 *   are missing samples of their metric and follow the same rule.
 */
import type { ProblemLog } from "./problems";

export interface SamplerSeries {
  sampler: string;
  /** File(s) the rows came from, for messages. */
  file: string;
  /** Sample times in seconds, strictly increasing. */
  times: Float64Array;
  /** Bare metric names (no `::sampler`). */
  metrics: string[];
  /** Raw values per metric, aligned with `times`. */
  columns: Float64Array[];
  /** Per metric: cumulative counter? */
  counters: boolean[];
  /** Job id per sample ("" when none), when the source has one. */
  jobIds?: string[];
}

export interface GridOptions {
  /** Longest run of missing seconds that is filled (default 5). */
  maxGapSeconds?: number;
}

export const DEFAULT_MAX_GAP_SECONDS = 5;

export interface GriddedNode {
  /** Whole epoch seconds, one per row. */
  timestamps: Float64Array;
  /** `<metric>::<sampler>` names. */
  metrics: string[];
  values: Float64Array[];
  counters: boolean[];
  /** Samplers used, in order. */
  samplers: string[];
  /** Job id per second ("" when none) when some sampler carries job ids. */
  jobIds?: string[];
  /**
   * The grid second of the node's first raw sample (any sampler, before the extent was
   * cut), for anomaly intervals measured from the start of the collection.
   */
  firstSecond: number;
}

/** One paragraph for reports. */
export const GRID_POLICY =
  "Samplers of a node are put on one grid of whole seconds (a sample at t goes to round(t - phase), phase = the node's circular-mean sub-second offset; of two samples on one second the nearer is kept) over the span all samplers cover, so runs keep every metric (only a sampler that does not overlap the others is left out; cuts are reported). Counters become (c_t - c_prev)/(t - t_prev) with actual sample times; the grid starts at a counter's second sample (no rate before it), as E2EWatch's files start at the first difference; a counter going backwards is a reset whose step is treated as missing. Gaps of up to maxGapSeconds missing seconds are filled (levels linearly, counters with the mean rate over the gap); longer gaps stay NaN and are reported. A sampler slower than 1 Hz (step k s) has its k - 1 seconds between samples filled the same way and is reported.";

/**
 * A series in time order: rows sorted by time (stable), exact repeats of a time dropped
 * keeping the first row, rows without a time dropped; each fault reported.
 */
export function orderSeries(series: SamplerSeries, node: string, problems: ProblemLog): SamplerSeries {
  const { times, file, sampler } = series;
  const label = who(node, sampler);
  let order: number[] = [];
  let badTime = 0;
  for (let i = 0; i < times.length; i++) {
    if (Number.isNaN(times[i])) badTime++;
    else order.push(i);
  }
  if (badTime > 0) problems.add({ file, kind: "bad-timestamp", message: `${label}: ${badTime} row(s) without a valid time`, action: "dropped those rows" });
  let outOfOrder = 0;
  for (let k = 1; k < order.length; k++) if (times[order[k]] < times[order[k - 1]]) outOfOrder++;
  if (outOfOrder > 0) {
    order.sort((a, b) => times[a] - times[b] || a - b);
    problems.add({ file, kind: "out-of-order", message: `${label}: ${outOfOrder} row(s) earlier than the row before`, action: "sorted by time" });
  }
  const kept: number[] = [];
  for (const i of order) if (kept.length === 0 || times[kept[kept.length - 1]] !== times[i]) kept.push(i);
  if (kept.length < order.length) problems.add({ file, kind: "duplicate-timestamp", message: `${label}: ${order.length - kept.length} row(s) repeat the time of the row before`, action: "kept the first" });
  order = kept;
  if (order.length === times.length && outOfOrder === 0) return series;
  const pick = (src: Float64Array): Float64Array => {
    const out = new Float64Array(order.length);
    for (let k = 0; k < order.length; k++) out[k] = src[order[k]];
    return out;
  };
  const jobIds = series.jobIds;
  return { ...series, times: pick(times), columns: series.columns.map(pick), jobIds: jobIds === undefined ? undefined : order.map((i) => jobIds[i]) };
}

/**
 * Times in seconds whatever their unit, told by the size of the median: epoch seconds
 * are ~1.7e9, milliseconds ~1.7e12 (E2EWatch runtime CSVs), micro- and nanoseconds more.
 */
export function toSeconds(time: Float64Array): Float64Array {
  const valid = time.filter((t) => !Number.isNaN(t)).sort();
  const median = valid.length > 0 ? valid[valid.length >> 1] : 0;
  const scale = median > 1e17 ? 1e-9 : median > 1e14 ? 1e-6 : median > 1e11 ? 1e-3 : 1;
  return scale === 1 ? Float64Array.from(time) : time.map((t) => t * scale);
}

/** "node n, sampler s" for messages (series without a sampler name: "node n"). */
function who(node: string, sampler: string): string {
  return sampler === "" ? `node ${node}` : `node ${node}, sampler ${sampler}`;
}

interface Placed {
  series: SamplerSeries;
  /** Grid second of each kept sample. */
  grid: Float64Array;
  /** Row in `series` of each kept sample. */
  rows: Int32Array;
  first: number;
  last: number;
  /** First second the series can give a value for every metric (one later with counters). */
  usableFirst: number;
  /** The sampler's usual step in seconds (median); 1 for 1 Hz sampling. */
  step: number;
}

/** Circular mean of the sub-second parts of all sample times, in [0, 1). */
export function samplingPhase(series: SamplerSeries[]): number {
  let sx = 0;
  let sy = 0;
  for (const s of series) {
    for (let i = 0; i < s.times.length; i++) {
      const t = s.times[i];
      const a = 2 * Math.PI * (t - Math.floor(t));
      sx += Math.cos(a);
      sy += Math.sin(a);
    }
  }
  if (sx === 0 && sy === 0) return 0;
  const phase = Math.atan2(sy, sx) / (2 * Math.PI);
  return phase < 0 ? phase + 1 : phase;
}

function place(series: SamplerSeries, phase: number, problems: ProblemLog, node: string): Placed {
  const n = series.times.length;
  const grid = new Float64Array(n);
  const rows = new Int32Array(n);
  let k = 0;
  let collapsed = 0;
  for (let i = 0; i < n; i++) {
    const exact = series.times[i] - phase;
    const g = Math.round(exact);
    if (k > 0 && grid[k - 1] === g) {
      collapsed++;
      // Keep the sample nearer the grid point.
      if (Math.abs(exact - g) < Math.abs(series.times[rows[k - 1]] - phase - g)) rows[k - 1] = i;
      continue;
    }
    grid[k] = g;
    rows[k] = i;
    k++;
  }
  if (collapsed > 0) {
    problems.add({ file: series.file, kind: "two-samples-one-second", message: `${who(node, series.sampler)}: ${collapsed} sample(s) fell on a second that already had one`, action: "kept the sample nearer the whole second" });
  }
  const hasCounter = series.counters.some((c) => c);
  const first = k > 0 ? grid[0] : NaN;
  const steps = Float64Array.from({ length: Math.max(0, k - 1) }, (_, i) => grid[i + 1] - grid[i]).sort();
  const step = steps.length > 0 ? Math.max(1, steps[(steps.length - 1) >> 1]) : 1;
  if (step > 1) problems.add({ file: series.file, kind: "sampling-interval", message: `${who(node, series.sampler)}: sampled every ${step} s, not every second`, action: `filled the seconds between samples like gaps (levels interpolated, counters at the mean rate); gaps are counted beyond ${step} s` });
  return { series, grid: grid.subarray(0, k), rows: rows.subarray(0, k), first, last: k > 0 ? grid[k - 1] : NaN, usableFirst: hasCounter ? first + 1 : first, step };
}

/**
 * Aligns one node's samplers (see the module comment for the policy). Returns undefined,
 * with the reason reported, when no second is covered by the samplers.
 */
export function alignNode(series: SamplerSeries[], node: string, problems: ProblemLog, options: GridOptions = {}): GriddedNode | undefined {
  const maxGap = options.maxGapSeconds ?? DEFAULT_MAX_GAP_SECONDS;
  const nonEmpty = series.filter((s) => s.times.length > 0);
  if (nonEmpty.length === 0) return undefined;
  const phase = samplingPhase(nonEmpty);
  const placed = nonEmpty.map((s) => place(s, phase, problems, node));
  const firstSecond = Math.min(...placed.map((p) => p.first));

  // Longest span first; keep every sampler that leaves a common second.
  const bySpan = [...placed].sort((a, b) => b.last - b.usableFirst - (a.last - a.usableFirst) || a.series.sampler.localeCompare(b.series.sampler));
  let lo = -Infinity;
  let hi = Infinity;
  const kept: Placed[] = [];
  for (const p of bySpan) {
    const newLo = Math.max(lo, p.usableFirst);
    const newHi = Math.min(hi, p.last);
    if (kept.length === 0 || newHi >= newLo) {
      kept.push(p);
      lo = newLo;
      hi = newHi;
    } else {
      problems.add({ file: p.series.file, kind: "sampler-left-out", message: `${who(node, p.series.sampler)}: covers seconds ${p.first}..${p.last}, which do not overlap the other samplers' ${lo}..${hi}`, action: "left this sampler out of the node-run" });
    }
  }
  if (!(hi >= lo)) {
    problems.add({ file: kept[0].series.file, kind: "too-short", message: `node ${node}: no second has a value from every sampler (a counter needs two samples)`, action: "skipped the node" });
    return undefined;
  }
  // Report edges cut because not every sampler covered them (the first counter
  // difference is policy, not a cut).
  const firstDifference = kept.some((p) => p.usableFirst > p.first) ? 1 : 0;
  const cutStart = lo - Math.min(...kept.map((p) => p.first)) - firstDifference;
  const cutEnd = Math.max(...kept.map((p) => p.last)) - hi;
  if (cutStart > 0 || cutEnd > 0) {
    problems.add({ file: kept[0].series.file, kind: "edges-trimmed", message: `node ${node}: samplers start and stop at different seconds`, action: `kept ${lo}..${hi}, the seconds every sampler covers: ${cutStart} s cut at the start, ${cutEnd} s at the end` });
  }

  kept.sort((a, b) => a.series.sampler.localeCompare(b.series.sampler));
  const length = hi - lo + 1;
  const timestamps = new Float64Array(length);
  for (let i = 0; i < length; i++) timestamps[i] = lo + i;
  const metrics: string[] = [];
  const values: Float64Array[] = [];
  const counters: boolean[] = [];
  for (const p of kept) {
    const s = p.series;
    let resets = 0;
    // A sampler slower than 1 Hz has step - 1 empty seconds between samples by design.
    const limit = maxGap + p.step - 1;
    for (let m = 0; m < s.metrics.length; m++) {
      const column = new Float64Array(length).fill(NaN);
      if (s.counters[m]) resets += fillCounter(p, m, lo, column, limit);
      else fillLevel(p, m, lo, column, limit);
      // Counter resets leave missing steps; fill them like gaps.
      if (s.counters[m]) fillShortGaps(column, limit);
      // A series without a sampler name (E2EWatch runtime CSVs) carries full names.
      metrics.push(s.sampler === "" ? s.metrics[m] : `${s.metrics[m]}::${s.sampler}`);
      values.push(column);
      counters.push(s.counters[m]);
    }
    if (resets > 0) problems.add({ file: s.file, kind: "counter-reset", message: `${who(node, s.sampler)}: counters went backwards ${resets} time(s)`, action: "treated each such step as a missing second (filled like a gap), never a negative rate" });
  }
  for (const p of kept) {
    const limit = maxGap + p.step - 1;
    const gaps = missingSeconds(p, lo, hi, p.step - 1, limit);
    if (gaps.count === 0) continue;
    const filled = `filled ${gaps.count - gaps.longCount} gap(s) of up to ${limit} s (levels interpolated, counters at the mean rate)`;
    problems.add({ file: p.series.file, kind: "gap", message: `${who(node, p.series.sampler)}: ${gaps.seconds} second(s) without a sample in ${gaps.count} gap(s), longest ${gaps.longest} s`, action: gaps.longCount === 0 ? filled : `${filled}; left ${gaps.longCount} longer gap(s), ${gaps.longSeconds} s, as NaN` });
  }
  return { timestamps, metrics, values, counters, samplers: kept.map((p) => p.series.sampler), jobIds: jobIdsPerSecond(kept, lo, length), firstSecond };
}

/**
 * Levels: each sample on its second, and linear interpolation over gaps of up to
 * `maxGap` seconds between valid samples (also ones just outside the grid's extent).
 */
function fillLevel(p: Placed, m: number, lo: number, column: Float64Array, maxGap: number): void {
  const src = p.series.columns[m];
  let prevK = -1;
  for (let k = 0; k < p.grid.length; k++) {
    const v = src[p.rows[k]];
    if (Number.isNaN(v)) continue;
    const i = p.grid[k] - lo;
    if (prevK >= 0) {
      const j = p.grid[prevK] - lo;
      if (i - j - 1 <= maxGap) {
        const a = src[p.rows[prevK]];
        for (let x = Math.max(j + 1, 0); x < i && x < column.length; x++) column[x] = a + ((v - a) * (x - j)) / (i - j);
      }
    }
    if (i >= 0 && i < column.length) column[i] = v;
    prevK = k;
  }
}

/**
 * Counters: the rate since the previous valid sample on each sample's second, and on
 * the seconds of a short gap before it. Returns the number of resets.
 */
function fillCounter(p: Placed, m: number, lo: number, column: Float64Array, maxGap: number): number {
  const src = p.series.columns[m];
  const times = p.series.times;
  let resets = 0;
  let prevK = -1;
  for (let k = 0; k < p.grid.length; k++) {
    const c = src[p.rows[k]];
    if (Number.isNaN(c)) continue;
    if (prevK >= 0) {
      const prevC = src[p.rows[prevK]];
      const from = p.grid[prevK] - lo + 1;
      const to = p.grid[k] - lo;
      let rate: number;
      if (c < prevC) {
        resets++;
        rate = NaN;
      } else {
        rate = (c - prevC) / (times[p.rows[k]] - times[p.rows[prevK]]);
      }
      const gapStart = to - from <= maxGap ? from : to;
      for (let i = Math.max(0, gapStart); i <= to && i < column.length; i++) column[i] = rate;
    }
    prevK = k;
  }
  return resets;
}

/** Linear interpolation over interior NaN runs of at most `maxGap` values (missing rates after a reset). */
function fillShortGaps(column: Float64Array, maxGap: number): void {
  let lastValid = -1;
  for (let i = 0; i < column.length; i++) {
    if (Number.isNaN(column[i])) continue;
    const run = i - lastValid - 1;
    if (run > 0 && run <= maxGap && lastValid >= 0) {
      const a = column[lastValid];
      const b = column[i];
      for (let j = lastValid + 1; j < i; j++) column[j] = a + ((b - a) * (j - lastValid)) / (i - lastValid);
    }
    lastValid = i;
  }
}

/** Runs of seconds in [lo, hi] without a sample of this sampler, longer than `expected` (its step - 1). */
function missingSeconds(p: Placed, lo: number, hi: number, expected: number, maxGap: number): { count: number; seconds: number; longest: number; longCount: number; longSeconds: number } {
  const out = { count: 0, seconds: 0, longest: 0, longCount: 0, longSeconds: 0 };
  let prev = lo - 1;
  const visit = (g: number): void => {
    const run = g - prev - 1;
    if (run > expected) {
      out.count++;
      out.seconds += run;
      out.longest = Math.max(out.longest, run);
      if (run > maxGap) {
        out.longCount++;
        out.longSeconds += run;
      }
    }
    prev = g;
  };
  for (let k = 0; k < p.grid.length; k++) {
    const g = p.grid[k];
    if (g < lo) continue;
    if (g > hi) break;
    visit(g);
  }
  visit(hi + 1);
  return out;
}

/** Job id per grid second from the first sampler that has a non-empty, non-zero one there. */
function jobIdsPerSecond(kept: Placed[], lo: number, length: number): string[] | undefined {
  let ids: string[] | undefined;
  for (const p of kept) {
    const src = p.series.jobIds;
    if (src === undefined) continue;
    for (let k = 0; k < p.grid.length; k++) {
      const i = p.grid[k] - lo;
      if (i < 0 || i >= length) continue;
      const id = src[p.rows[k]];
      if (id === "" || id === "0") continue;
      if (ids === undefined) ids = new Array<string>(length).fill("");
      if (ids[i] === "") ids[i] = id;
    }
  }
  return ids;
}
