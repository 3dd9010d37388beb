/**
 * Feature selection as in E2EWatch (DESIGN.md, "Feature selection"): for every
 * (application, anomaly) pair of the training windows, a two-sample KS test per feature
 * between the application's healthy windows and its windows of that anomaly, then a
 * false-discovery filter at alpha = 0.01 over the features; the selected features are
 * the union over pairs. `fit` sees only the rows it is given (the training rows).
 *
 * Per feature, missing values (NaN) are left out of both samples; a pair with fewer than
 * one value on either side keeps nothing for that feature (its p-value is 1).
 *
 * Speed without changing the result: D is always computed exactly, but the exact
 * p-value is only needed where it can decide a threshold. Every threshold lies in
 * [alpha/m, alpha]. When 2 exp(-2 n_e D^2) (n_e = n_a n_b / (n_a + n_b)) is 1000 times
 * below alpha/m, the p-value is certainly below every threshold (the Dvoretzky-Kiefer-
 * Wolfowitz-Massart bound holds for kstwo, and the exact two-sample tail stays within a
 * small constant of it), and when n_e D^2 < 1.5 with both samples >= 100 it is near
 * K(1.22) = 0.1, ten times alpha. Such features keep that estimate (flag `exact` 0) and
 * their rank: the kept set is the same as with every p-value exact (both rules only
 * compare p-values with thresholds, and the estimates stay on the correct side of all
 * of them). `exactPValues: true` computes them all. (The second shortcut is used only
 * while 2 exp(-2 n_e D^2) > 10 alpha, i.e. n_e D^2 < 1.5 at alpha = 0.01.)
 */
import { InputError } from "../util/errors";
import { ksPValue, ksStatisticSorted } from "./ks";
import { type FdrRule, fdrFilter, smallestThreshold } from "./fdr";
import { type FeatureTable, selectColumns } from "./table";
import type { WorkerPool } from "../parallel/pool";
import type { ProgressFn } from "../util/progress";

export interface SelectorOptions {
  /** False-discovery level (default 0.01). */
  alpha?: number;
  /** "e2ewatch" (default) or "by" (Benjamini-Yekutieli step-up); see fdr.ts. */
  rule?: FdrRule;
  /** The healthy class (default "none"). */
  healthy?: string;
  /** Compute every p-value exactly instead of only those near a threshold (slower, same selection). */
  exactPValues?: boolean;
}

/** What `fit` found for one (application, anomaly) pair. */
export interface PairResult {
  app: string;
  anomaly: string;
  healthyWindows: number;
  anomalousWindows: number;
  /** KS statistic per feature. */
  statistic: Float64Array;
  /** p-value per feature (exact where `exact` is 1, an estimate on the right side of every threshold where 0). */
  pValue: Float64Array;
  exact: Uint8Array;
  /** 1 where the FDR filter kept the feature for this pair. */
  kept: Uint8Array;
}

export interface SelectorState {
  options: Required<SelectorOptions>;
  names: string[];
  selected: string[];
}

/** The values of `col` at `rows`, NaN dropped, sorted; returns the count. */
function sortedSample(col: ArrayLike<number>, rows: Int32Array, into: Float64Array): number {
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = col[rows[i]];
    if (v === v) into[n++] = v;
  }
  into.subarray(0, n).sort();
  return n;
}

/** The training windows of one application: its healthy rows and its rows of each anomaly. */
export interface AppGroup {
  app: string;
  healthyRows: Int32Array;
  anomalies: { anomaly: string; rows: Int32Array }[];
}

/** Groups the training rows by application (sorted) and anomaly (sorted); applications without both sides are left out. */
export function groupTrainingRows(table: FeatureTable, trainRows: ArrayLike<number> | undefined, healthy: string): AppGroup[] {
  const rows = trainRows === undefined ? Int32Array.from({ length: table.nRows }, (_, i) => i) : Int32Array.from(trainRows);
  const healthyCode = table.labels.indexOf(healthy);
  const byApp = new Map<string, { healthy: number[]; anomalous: Map<number, number[]> }>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const app = table.runs[table.runIndex[r]].app;
    let entry = byApp.get(app);
    if (entry === undefined) byApp.set(app, (entry = { healthy: [], anomalous: new Map() }));
    const code = table.labelCode[r];
    if (code === healthyCode) entry.healthy.push(r);
    else {
      let list = entry.anomalous.get(code);
      if (list === undefined) entry.anomalous.set(code, (list = []));
      list.push(r);
    }
  }
  const groups: AppGroup[] = [];
  for (const app of [...byApp.keys()].sort()) {
    const { healthy: h, anomalous } = byApp.get(app)!;
    if (h.length === 0 || anomalous.size === 0) continue;
    const codes = [...anomalous.keys()].sort((a, b) => (table.labels[a] < table.labels[b] ? -1 : 1));
    groups.push({ app, healthyRows: Int32Array.from(h), anomalies: codes.map((c) => ({ anomaly: table.labels[c], rows: Int32Array.from(anomalous.get(c)!) })) });
  }
  return groups;
}

/**
 * KS statistics and p-values of every (application, anomaly) pair for `columns` (no FDR
 * yet), in group order. Exported as a worker task for `fitParallel`.
 */
export function testColumns(columns: ArrayLike<number>[], groups: AppGroup[], options: Required<SelectorOptions>, totalFeatures: number): PairResult[] {
  const m = columns.length;
  const { alpha, exactPValues } = options;
  const tiny = smallestThreshold(Math.max(m, totalFeatures), alpha) / 1000;
  const large = 10 * alpha;
  const results: PairResult[] = [];
  for (const { app, healthyRows, anomalies } of groups) {
    const found = anomalies.map(({ anomaly, rows }): PairResult => ({ app, anomaly, healthyWindows: healthyRows.length, anomalousWindows: rows.length, statistic: new Float64Array(m), pValue: new Float64Array(m), exact: new Uint8Array(m), kept: new Uint8Array(0) }));
    const a = new Float64Array(healthyRows.length);
    const b = new Float64Array(Math.max(...anomalies.map((p) => p.rows.length)));
    for (let f = 0; f < m; f++) {
      const col = columns[f];
      const na = sortedSample(col, healthyRows, a); // shared by the application's anomalies
      anomalies.forEach(({ rows }, j) => {
        const pair = found[j];
        const nb = sortedSample(col, rows, b);
        if (na === 0 || nb === 0) {
          pair.pValue[f] = 1;
          pair.exact[f] = 1;
          return;
        }
        const d = ksStatisticSorted(a, na, b, nb);
        const bound = 2 * Math.exp(-2 * ((na * nb) / (na + nb)) * d * d);
        pair.statistic[f] = d;
        if (!exactPValues && bound < tiny) pair.pValue[f] = bound;
        else if (!exactPValues && Math.min(na, nb) >= 100 && bound > large) pair.pValue[f] = Math.min(1, bound);
        else {
          const r = ksPValue(na, nb, d);
          pair.statistic[f] = r.statistic;
          pair.pValue[f] = r.pValue;
          pair.exact[f] = 1;
        }
      });
    }
    results.push(...found);
  }
  return results;
}

/** Concatenates per-pair results of consecutive column chunks (same groups, same order). */
function concatPairs(parts: PairResult[][]): PairResult[] {
  return parts[0].map((first, p) => {
    const join = <T extends Float64Array | Uint8Array>(pick: (r: PairResult) => T, make: (n: number) => T): T => {
      const pieces = parts.map((part) => pick(part[p]));
      const out = make(pieces.reduce((n, x) => n + x.length, 0));
      let at = 0;
      for (const x of pieces) {
        out.set(x, at);
        at += x.length;
      }
      return out;
    };
    return { ...first, statistic: join((r) => r.statistic, (n) => new Float64Array(n)), pValue: join((r) => r.pValue, (n) => new Float64Array(n)), exact: join((r) => r.exact, (n) => new Uint8Array(n)) };
  });
}

export class FeatureSelector {
  readonly options: Required<SelectorOptions>;
  /** Learned by `fit`: the table's feature names and the union of kept ones (in table order). */
  names: string[] = [];
  selected: string[] = [];
  pairs: PairResult[] = [];

  constructor({ alpha = 0.01, rule = "e2ewatch", healthy = "none", exactPValues = false }: SelectorOptions = {}) {
    if (!(alpha > 0 && alpha < 1)) throw new InputError(`FeatureSelector: alpha must be in (0, 1), got ${alpha}`);
    this.options = { alpha, rule, healthy, exactPValues };
  }

  /**
   * Learns the selection from the windows at `trainRows` (default: all rows). Pairs are
   * (run.app, window label) for every label other than the healthy one, ordered by
   * application then anomaly name.
   */
  fit(table: FeatureTable, trainRows?: ArrayLike<number>): this {
    this.names = [];
    this.pairs = [];
    this.addPValues(table, trainRows);
    return this.select();
  }

  /**
   * Tests the features of `table` and adds them to those already tested, without
   * selecting yet: for tables too large to hold at once, extract the features in
   * chunks of columns (`extractFeatures(..., { features: chunk })`), call this on each
   * chunk with the same training rows, drop the chunk, then call `select()`. The FDR
   * then sees all features together, exactly as `fit` on the whole table would.
   * `totalFeatures` (all chunks together) keeps the p-value shortcuts exact-safe.
   */
  addPValues(table: FeatureTable, trainRows?: ArrayLike<number>, totalFeatures = table.columns.length): this {
    const found = testColumns(table.columns, groupTrainingRows(table, trainRows, this.options.healthy), this.options, totalFeatures);
    return this.addPairs(table.names, found);
  }

  /**
   * As `fit`, with the features tested in chunks on the pool's worker threads (each
   * chunk's columns are copied to its worker). Same result as `fit`.
   */
  async fitParallel(table: FeatureTable, trainRows: ArrayLike<number> | undefined, pool: WorkerPool, onProgress?: ProgressFn): Promise<this> {
    this.names = [];
    this.pairs = [];
    const groups = groupTrainingRows(table, trainRows, this.options.healthy);
    const m = table.columns.length;
    const chunk = Math.max(1, Math.ceil(m / Math.max(1, 4 * pool.size)));
    const starts = Array.from({ length: Math.ceil(m / chunk) }, (_, i) => i * chunk);
    let done = 0;
    const parts = await Promise.all(
      starts.map((from) =>
        pool.run<PairResult[]>(__filename, "testColumns", [table.columns.slice(from, from + chunk), groups, this.options, m]).then((r) => {
          onProgress?.({ stage: "feature selection", done: ++done, total: starts.length });
          return r;
        }),
      ),
    );
    if (parts.length > 0) this.addPairs(table.names, concatPairs(parts));
    return this.select();
  }

  /** Appends the per-pair results of the features `names` (tested together) to those already held. */
  private addPairs(names: readonly string[], found: PairResult[]): this {
    const offset = this.names.length;
    this.names.push(...names);
    const grow = <T extends Float64Array | Uint8Array>(a: T, b: T, make: (n: number) => T): T => {
      const out = make(a.length + b.length);
      out.set(a);
      out.set(b, a.length);
      return out;
    };
    const key = (p: { app: string; anomaly: string }): string => `${p.app}\u0000${p.anomaly}`;
    const known = new Map(this.pairs.map((p) => [key(p), p]));
    for (const p of found) {
      let mine = known.get(key(p));
      if (mine === undefined) {
        // A pair this chunk is the first to see: earlier features had no such windows.
        mine = { ...p, statistic: new Float64Array(offset), pValue: new Float64Array(offset).fill(1), exact: new Uint8Array(offset).fill(1), kept: new Uint8Array(0) };
        this.pairs.push(mine);
        known.set(key(p), mine);
      }
      mine.statistic = grow(mine.statistic, p.statistic, (n) => new Float64Array(n));
      mine.pValue = grow(mine.pValue, p.pValue, (n) => new Float64Array(n));
      mine.exact = grow(mine.exact, p.exact, (n) => new Uint8Array(n));
    }
    for (const mine of this.pairs) {
      if (mine.pValue.length < this.names.length) {
        const missing = this.names.length - mine.pValue.length;
        mine.statistic = grow(mine.statistic, new Float64Array(missing), (n) => new Float64Array(n));
        mine.pValue = grow(mine.pValue, new Float64Array(missing).fill(1), (n) => new Float64Array(n));
        mine.exact = grow(mine.exact, new Uint8Array(missing).fill(1), (n) => new Uint8Array(n));
      }
    }
    this.pairs.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return this;
  }

  /** Applies the FDR filter per pair to everything tested so far; the union is `selected`. */
  select(): this {
    const union = new Uint8Array(this.names.length);
    for (const pair of this.pairs) {
      pair.kept = fdrFilter(pair.pValue, this.options.alpha, this.options.rule);
      for (let f = 0; f < union.length; f++) union[f] |= pair.kept[f];
    }
    this.selected = this.names.filter((_, f) => union[f] === 1);
    return this;
  }

  /** The table with only the selected features (columns shared, not copied). */
  transform(table: FeatureTable): FeatureTable {
    if (this.names.length === 0) throw new Error("FeatureSelector: call fit() before transform()");
    return selectColumns(table, this.selected);
  }

  fitTransform(table: FeatureTable, trainRows?: ArrayLike<number>): FeatureTable {
    return this.fit(table, trainRows).transform(table);
  }

  /** Settings and the selection as plain JSON (per-pair p-values are not kept). */
  toJSON(): SelectorState {
    return { options: this.options, names: this.names, selected: this.selected };
  }

  static fromJSON(state: SelectorState): FeatureSelector {
    const s = new FeatureSelector(state.options);
    s.names = [...state.names];
    s.selected = [...state.selected];
    return s;
  }
}
