/**
 * The window filters of diagnosis, by name: `majority:C` (the most frequent label of a
 * node's last C windows) and `consecutive:C` (an alarm only after C identical anomalous
 * windows in a row). Semantics are lib/evaluation/filters.ts's; each node (node-run)
 * gets its own streaming filter, fed its windows in time order.
 */
import { ConsecutiveFilter, MajorityFilter, type StreamFilter } from "../evaluation/filters";
import { UsageError } from "../util/errors";

export type FilterKind = "majority" | "consecutive";

export interface FilterSpec {
  kind: FilterKind;
  /** Windows the filter looks at. */
  c: number;
}

/** Parses `majority:C` or `consecutive:C` (C a whole number >= 1). */
export function parseFilter(text: string): FilterSpec {
  const m = /^(majority|consecutive):(\d+)$/.exec(text.trim());
  const c = m === null ? NaN : Number(m[2]);
  if (m === null || !(c >= 1)) throw new UsageError(`--filter must be majority:C or consecutive:C with C a whole number >= 1, got '${text}'`);
  return { kind: m[1] as FilterKind, c };
}

export function filterName(spec: FilterSpec): string {
  return `${spec.kind}:${spec.c}`;
}

/** A fresh filter for one node's windows; label code 0 ("none") is healthy. */
export function newFilter(spec: FilterSpec): StreamFilter {
  return spec.kind === "majority" ? new MajorityFilter(spec.c) : new ConsecutiveFilter(spec.c, 0);
}

/** A whole sequence through a fresh filter. */
export function filterSequence(spec: FilterSpec, labels: Uint8Array): Uint8Array {
  const f = newFilter(spec);
  return labels.map((l) => f.push(l));
}
