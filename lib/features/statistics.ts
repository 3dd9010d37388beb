/**
 * The 11 window statistics of E2EWatch and how features are named.
 *
 * Reference semantics are pandas 1.5 rolling windows with the default
 * `min_periods = window`: a window holding any missing sample (NaN, or ±inf, which
 * pandas turns into NaN) gives NaN for every statistic except skew and kurt, whose NaN
 * the reference fills with 0 and -3 (as for constant windows).
 */

export const STATISTICS = ["max", "min", "mean", "std", "skew", "kurt", "perc05", "perc25", "perc50", "perc75", "perc95"] as const;
export type Statistic = (typeof STATISTICS)[number];

/** The quantile of each percentile statistic, in STATISTICS order. */
export const PERCENTILES: ReadonlyArray<{ stat: Statistic; q: number }> = [
  { stat: "perc05", q: 0.05 },
  { stat: "perc25", q: 0.25 },
  { stat: "perc50", q: 0.5 },
  { stat: "perc75", q: 0.75 },
  { stat: "perc95", q: 0.95 },
];

/** `<stat>_<metric>`, as in E2EWatch (e.g. `perc95_MemFree::meminfo`). */
export function featureName(stat: string, metric: string): string {
  return `${stat}_${metric}`;
}

/** Splits a feature name into its statistic and metric; undefined when it is not `<stat>_<metric>`. */
export function parseFeatureName(name: string, stats: readonly string[] = STATISTICS): { stat: string; metric: string } | undefined {
  const cut = name.indexOf("_");
  if (cut <= 0) return undefined;
  const stat = name.slice(0, cut);
  return stats.includes(stat) ? { stat, metric: name.slice(cut + 1) } : undefined;
}

/** Feature names of a metric list, statistic-major (all `max_*`, then all `min_*`, ...), as the pandas reference orders them. */
export function featureNames(metrics: readonly string[], stats: readonly string[] = STATISTICS): string[] {
  const names: string[] = [];
  for (const s of stats) for (const m of metrics) names.push(featureName(s, m));
  return names;
}
