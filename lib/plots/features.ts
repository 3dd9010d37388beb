/**
 * Figures of the features and their selection (data in, Plotly spec out): how a feature
 * is distributed in healthy and anomalous windows, the KS p-values of every
 * (application, anomaly) pair as a heat map, how many features the FDR filter keeps per
 * pair, and a 2-D projection of the windows coloured by class.
 *
 * ```ts
 * const selector = new features.FeatureSelector({ exactPValues: true }).fit(table);
 * const top = plots.rankFeatures(selector.pairs, selector.names, { app: "sw4", anomaly: "membw", top: 6 });
 * plots.show(plots.featureDistributionFigure(table, top.map((r) => r.feature), { app: "sw4" }));
 * plots.show(plots.ksHeatmapFigure(selector.pairs, selector.names, { by: "metric" }));
 * ```
 */
import type { FeatureTable } from "../features/table";
import type { Figure, Trace } from "./figure";
import type { Projection } from "./projection";
import { panelAxes } from "./grid";
import { classColour } from "./colours";

export interface ClassSample {
  label: string;
  /** The feature's values in the windows of this class (NaN left out). */
  values: Float64Array;
}

export interface RowFilter {
  /** Only these rows (windows); default all. */
  rows?: ArrayLike<number>;
  /** Only windows of this application. */
  app?: string;
}

function filteredRows(table: FeatureTable, { rows, app }: RowFilter): Int32Array {
  const base = rows !== undefined ? Int32Array.from(rows) : Int32Array.from({ length: table.nRows }, (_, i) => i);
  return app === undefined ? base : base.filter((r) => table.runs[table.runIndex[r]].app === app);
}

/**
 * The values of one feature grouped by window class, classes in label order; classes
 * without windows are left out.
 * @throws Error naming a feature the table lacks.
 */
export function valuesByClass(table: FeatureTable, feature: string, filter: RowFilter = {}): ClassSample[] {
  const f = table.names.indexOf(feature);
  if (f < 0) throw new Error(`valuesByClass: no feature '${feature}' in the table`);
  const col = table.columns[f];
  const buckets = table.labels.map(() => [] as number[]);
  for (const r of filteredRows(table, filter)) {
    const v = col[r];
    if (v === v) buckets[table.labelCode[r]].push(v);
  }
  return table.labels.map((label, k) => ({ label, values: Float64Array.from(buckets[k]) })).filter((s) => s.values.length > 0);
}

/** Linear-interpolated quantile of sorted values (type 7, as numpy's default). */
function quantileSorted(sorted: Float64Array, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export interface SharedHistogram {
  /** bins + 1 edges. */
  edges: Float64Array;
  /** Per sample, the share of its values in each bin (sums to 1). */
  shares: Float64Array[];
  /** Values below the first edge or above the last, counted in the edge bins. */
  clipped: number;
}

/**
 * Histograms of several samples on common bins between the `clip` and `1 - clip`
 * quantiles of all values pooled, so one outlier does not squash the rest; values
 * outside go to the edge bins (and are counted in `clipped`). A constant feature gets
 * one unit-wide range around its value.
 */
export function sharedHistogram(samples: readonly ClassSample[], { bins = 30, clip = 0.005 }: { bins?: number; clip?: number } = {}): SharedHistogram {
  if (!(Number.isInteger(bins) && bins >= 1)) throw new Error(`sharedHistogram: bins must be a whole number >= 1, got ${bins}`);
  if (!(clip >= 0 && clip < 0.5)) throw new Error(`sharedHistogram: clip must be in [0, 0.5), got ${clip}`);
  const pooled = new Float64Array(samples.reduce((n, s) => n + s.values.length, 0));
  let at = 0;
  for (const s of samples) {
    pooled.set(s.values, at);
    at += s.values.length;
  }
  pooled.sort();
  let lo = pooled.length > 0 ? quantileSorted(pooled, clip) : 0;
  let hi = pooled.length > 0 ? quantileSorted(pooled, 1 - clip) : 1;
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const edges = Float64Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  let clipped = 0;
  const shares = samples.map((s) => {
    const h = new Float64Array(bins);
    for (const v of s.values) {
      if (v < lo || v > hi) clipped++;
      const b = Math.min(bins - 1, Math.max(0, Math.floor((v - lo) / width)));
      h[b]++;
    }
    for (let b = 0; b < bins; b++) h[b] /= s.values.length;
    return h;
  });
  return { edges, shares, clipped };
}

export interface DistributionOptions extends RowFilter {
  bins?: number;
  clip?: number;
  /** Panels per row (default 3). */
  columns?: number;
  title?: string;
}

/**
 * One panel per feature: the share of each class's windows in each bin (healthy and
 * every anomaly overlaid as step lines), on bins shared by the classes.
 */
export function featureDistributionFigure(table: FeatureTable, features: readonly string[], options: DistributionOptions = {}): Figure {
  if (features.length === 0) throw new Error("featureDistributionFigure: no features to draw");
  const columns = Math.min(options.columns ?? 3, features.length);
  const rows = Math.ceil(features.length / columns);
  const data: Trace[] = [];
  const layout: Record<string, unknown> = {
    title: { text: options.title ?? `Feature distributions by window class${options.app !== undefined ? ` (${options.app})` : ""}` },
    grid: { rows, columns, pattern: "independent", xgap: 0.12, ygap: 0.3 },
    height: Math.max(350, 260 * rows),
    legend: { orientation: "h", y: -0.12 },
    margin: { l: 60, r: 20, t: 60, b: 60 },
  };
  const shown = new Set<string>();
  features.forEach((feature, i) => {
    const samples = valuesByClass(table, feature, options);
    const h = sharedHistogram(samples, { bins: options.bins, clip: options.clip });
    const centres = Array.from({ length: h.edges.length - 1 }, (_, b) => (h.edges[b] + h.edges[b + 1]) / 2);
    const axes = panelAxes(i);
    samples.forEach((s, k) => {
      data.push({
        type: "scatter",
        mode: "lines",
        name: s.label,
        legendgroup: s.label,
        showlegend: !shown.has(s.label),
        x: centres,
        y: h.shares[k],
        line: { shape: "hvh", width: 1.5, color: classColour(s.label, table.labels.indexOf(s.label)) },
        hovertemplate: `${s.label}: %{y:.3f} of ${s.values.length} windows at %{x:.4g}<extra></extra>`,
        xaxis: axes.x,
        yaxis: axes.y,
      });
      shown.add(s.label);
    });
    const note = h.clipped > 0 ? ` (${h.clipped} outer values in the edge bins)` : "";
    layout[axes.xaxis] = { title: { text: `${feature}${note}`, font: { size: 10 } }, tickfont: { size: 9 } };
    layout[axes.yaxis] = { title: { text: i % columns === 0 ? "share of windows" : "", font: { size: 10 } }, tickfont: { size: 9 }, rangemode: "tozero" };
  });
  return { data, layout };
}

/** What a KS figure needs of a selector's per-pair results (`FeatureSelector.pairs`). */
export interface KsPair {
  app: string;
  anomaly: string;
  statistic: ArrayLike<number>;
  pValue: ArrayLike<number>;
  /** 1 where the FDR filter kept the feature for this pair. */
  kept: ArrayLike<number>;
}

export interface FeatureRank {
  feature: string;
  /** Pairs whose FDR filter kept the feature. */
  pairsKept: number;
  /** Largest KS statistic over the pairs considered, and the pair it came from. */
  statistic: number;
  pValue: number;
  app: string;
  anomaly: string;
}

export interface RankOptions {
  /** Only pairs of this application. */
  app?: string;
  /** Only pairs of this anomaly. */
  anomaly?: string;
  /** Keep the first `top` features (default all). */
  top?: number;
  /** Keep only the best-ranked statistic of each metric (several statistics of one metric often tie). */
  distinctMetrics?: boolean;
}

/**
 * Features ordered by how many (application, anomaly) pairs keep them, then by their
 * largest KS statistic (D is exact for every feature; p-values may be bounds, see
 * FeatureSelector), then by name. `app` and `anomaly` restrict the pairs considered.
 */
export function rankFeatures(pairs: readonly KsPair[], names: readonly string[], { app, anomaly, top, distinctMetrics = false }: RankOptions = {}): FeatureRank[] {
  const chosen = pairs.filter((p) => (app === undefined || p.app === app) && (anomaly === undefined || p.anomaly === anomaly));
  if (chosen.length === 0) throw new Error(`rankFeatures: no (application, anomaly) pair matches${app !== undefined ? ` app '${app}'` : ""}${anomaly !== undefined ? ` anomaly '${anomaly}'` : ""}`);
  const ranks = names.map((feature, f): FeatureRank => {
    let best = chosen[0];
    let kept = 0;
    for (const p of chosen) {
      if (p.kept[f] === 1) kept++;
      if (p.statistic[f] > best.statistic[f]) best = p;
    }
    return { feature, pairsKept: kept, statistic: best.statistic[f], pValue: best.pValue[f], app: best.app, anomaly: best.anomaly };
  });
  ranks.sort((a, b) => b.pairsKept - a.pairsKept || b.statistic - a.statistic || (a.feature < b.feature ? -1 : 1));
  let list = ranks;
  if (distinctMetrics) {
    const seen = new Set<string>();
    list = ranks.filter((r) => {
      const metric = featureMetric(r.feature);
      if (seen.has(metric)) return false;
      seen.add(metric);
      return true;
    });
  }
  return top === undefined ? list : list.slice(0, top);
}

/** The metric of a feature name `<stat>_<metric>` (statistic names hold no underscore). */
export function featureMetric(feature: string): string {
  const cut = feature.indexOf("_");
  return cut < 0 ? feature : feature.slice(cut + 1);
}

export interface KsHeatmapOptions {
  /** One column per feature, or per metric (its smallest p-value over the statistics). Default "feature". */
  by?: "feature" | "metric";
  /** Columns shown: the `top` with the largest mean -log10 p over the pairs (default 40; 0 = all). */
  top?: number;
  /** Show exactly these columns (feature or metric names), in this order. */
  columns?: readonly string[];
  /** -log10 p above this is drawn as this (default 50), so a few tiny p-values do not wash out the rest. */
  cap?: number;
  title?: string;
}

/**
 * KS p-values as a heat map: one row per (application, anomaly) pair, one column per
 * feature or metric, colour -log10 p (capped). Hover gives the p-value, D and whether
 * the FDR filter kept the feature. The p-values are the selector's: exact when it was
 * made with `exactPValues: true`, otherwise bounds where they cannot change the selection.
 */
export function ksHeatmapFigure(pairs: readonly KsPair[], names: readonly string[], options: KsHeatmapOptions = {}): Figure {
  if (pairs.length === 0) throw new Error("ksHeatmapFigure: no (application, anomaly) pairs");
  const { by = "feature", top = 40, cap = 50 } = options;
  // Column groups: one feature each, or all features of one metric.
  const groups = new Map<string, number[]>();
  names.forEach((name, f) => {
    const key = by === "metric" ? featureMetric(name) : name;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [f]);
    else g.push(f);
  });
  const cell = (p: KsPair, key: string): { logp: number; pValue: number; statistic: number; kept: number; feature: string } => {
    let best = groups.get(key)![0];
    let kept = 0;
    for (const f of groups.get(key)!) {
      if (p.pValue[f] < p.pValue[best] || (p.pValue[f] === p.pValue[best] && p.statistic[f] > p.statistic[best])) best = f;
      kept += p.kept[f] === 1 ? 1 : 0;
    }
    const pv = p.pValue[best];
    return { logp: Math.min(cap, -Math.log10(Math.max(pv, 1e-300))), pValue: pv, statistic: p.statistic[best], kept, feature: names[best] };
  };
  let keys: string[];
  if (options.columns !== undefined) {
    for (const c of options.columns) if (!groups.has(c)) throw new Error(`ksHeatmapFigure: no ${by} '${c}'`);
    keys = [...options.columns];
  } else {
    const score = new Map([...groups.keys()].map((k) => [k, pairs.reduce((s, p) => s + cell(p, k).logp, 0) / pairs.length]));
    keys = [...groups.keys()].sort((a, b) => score.get(b)! - score.get(a)! || (a < b ? -1 : 1));
    if (top > 0) keys = keys.slice(0, top);
  }
  const cells = pairs.map((p) => keys.map((k) => cell(p, k)));
  const rowNames = pairs.map((p) => `${p.app} · ${p.anomaly}`);
  const keptText = (c: { kept: number }): string => (by === "metric" ? `${c.kept} of its features kept` : c.kept === 1 ? "kept" : "not kept");
  return {
    data: [
      {
        type: "heatmap",
        x: keys,
        y: rowNames,
        z: cells.map((row) => row.map((c) => c.logp)),
        text: cells.map((row) => row.map((c) => `${c.feature}<br>p = ${c.pValue.toExponential(2)}, D = ${c.statistic.toFixed(3)}<br>${keptText(c)}`)),
        hovertemplate: "%{y}<br>%{text}<extra></extra>",
        colorscale: "Viridis",
        zmin: 0,
        zmax: cap,
        colorbar: { title: { text: "-log10 p" } },
      },
    ],
    layout: {
      title: { text: options.title ?? `KS p-values, healthy vs anomalous windows, per (application, anomaly) pair (${keys.length} ${by === "metric" ? "metrics" : "features"})` },
      xaxis: { tickangle: -60, tickfont: { size: 8 }, automargin: true },
      yaxis: { autorange: "reversed", tickfont: { size: 9 }, automargin: true, dtick: 1 },
      height: Math.max(400, 22 * pairs.length + 220),
      margin: { l: 150, r: 30, t: 60, b: 200 },
    },
  };
}

/**
 * How many features the FDR filter keeps for each (application, anomaly) pair, with
 * the union over pairs (what the model sees) and all features as reference lines.
 */
export function selectionCountsFigure(pairs: readonly KsPair[], { selected, total, title }: { selected: number; total: number; title?: string }): Figure {
  const apps = [...new Set(pairs.map((p) => p.app))];
  const anomalies = [...new Set(pairs.map((p) => p.anomaly))].sort();
  const count = (p: KsPair): number => {
    let n = 0;
    for (let f = 0; f < p.kept.length; f++) n += p.kept[f] === 1 ? 1 : 0;
    return n;
  };
  const data: Trace[] = anomalies.map((anomaly, i) => ({
    type: "bar",
    name: anomaly,
    x: apps,
    y: apps.map((app) => {
      const p = pairs.find((q) => q.app === app && q.anomaly === anomaly);
      return p === undefined ? null : count(p);
    }),
    marker: { color: classColour(anomaly, i) },
  }));
  const line = (y: number, text: string, dash: string): Trace => ({ type: "scatter", mode: "lines", name: text, x: apps, y: apps.map(() => y), line: { dash, color: "black", width: 1.5 } });
  data.push(line(selected, `union over pairs: ${selected}`, "dash"), line(total, `all features: ${total}`, "dot"));
  return {
    data,
    layout: {
      title: { text: title ?? `Features kept by the KS/FDR filter per (application, anomaly): ${selected} of ${total} in the union` },
      barmode: "group",
      yaxis: { title: { text: "features kept" }, rangemode: "tozero" },
      legend: { orientation: "h", y: -0.2 },
    },
  };
}

export interface ProjectionFigureOptions {
  title?: string;
  /** Hover text of a projected row (an index into the table's rows). */
  text?: (row: number) => string;
}

/** The projected windows, one trace per class, axes labelled with the variance each component explains. */
export function projectionFigure(projection: Projection, labels: readonly string[], labelCode: ArrayLike<number>, options: ProjectionFigureOptions = {}): Figure {
  if (projection.scores.length < 2) throw new Error("projectionFigure: the projection needs two components");
  const [x, y] = projection.scores;
  const members = labels.map(() => [] as number[]);
  projection.rows.forEach((row, i) => members[labelCode[row]].push(i));
  const data: Trace[] = [];
  labels.forEach((label, k) => {
    const idx = members[k];
    if (idx.length === 0) return;
    data.push({
      type: "scatter",
      mode: "markers",
      name: `${label} (${idx.length})`,
      x: Float64Array.from(idx, (i) => x[i]),
      y: Float64Array.from(idx, (i) => y[i]),
      ...(options.text !== undefined ? { text: idx.map((i) => options.text!(projection.rows[i])), hovertemplate: "%{text}<extra>" + label + "</extra>" } : {}),
      marker: { size: 4, opacity: 0.6, color: classColour(label, k) },
    });
  });
  const pct = (k: number): string => `${(100 * projection.explained[k]).toFixed(1)} %`;
  return {
    data,
    layout: {
      title: { text: options.title ?? `Windows on the first two principal components (${projection.rows.length} windows)` },
      xaxis: { title: { text: `PC1 (${pct(0)} of the variance)` }, zeroline: false },
      yaxis: { title: { text: `PC2 (${pct(1)} of the variance)` }, zeroline: false },
      legend: { itemsizing: "constant" },
    },
  };
}
