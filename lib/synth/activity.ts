/**
 * What happened on one node, second by second, before the kernel turns it into /proc
 * values: CPU time by kind, events, and changes of memory. Sample k is taken at time k
 * (seconds from the node-run's first sample); bin k holds what happened in (k-1, k].
 * Amounts given over an interval are spread over the bins in proportion to overlap, so
 * every total is kept exactly.
 */

/** Quantities accumulated per bin (CPU-seconds, events, kB). */
export const BIN_FIELDS = [
  // CPU-seconds
  "user",
  "sys",
  "iowait",
  // events
  "contextSwitches",
  "forks",
  "execFaults",
  "zeroPageFaults",
  "majorFaults",
  "churnKb",
  "pgactivate",
  // memory level changes, kB
  "anonKb",
  "leakKb",
  "fileInactiveKb",
  "fileActivateKb",
  "shmemKb",
  "mappedKb",
  "slabKb",
  "pageTablesKb",
  "committedKb",
  "threads",
  "writeKb",
] as const;
export type BinField = (typeof BIN_FIELDS)[number];

/** Quantities observed at a sampling instant. */
export const INSTANT_FIELDS = ["running", "blocked", "transientKb"] as const;
export type InstantField = (typeof INSTANT_FIELDS)[number];

export class NodeActivity {
  readonly length: number;
  readonly bins: Record<BinField, Float64Array>;
  readonly instants: Record<InstantField, Float64Array>;

  constructor(length: number) {
    this.length = length;
    this.bins = Object.fromEntries(BIN_FIELDS.map((f) => [f, new Float64Array(length)])) as Record<BinField, Float64Array>;
    this.instants = Object.fromEntries(INSTANT_FIELDS.map((f) => [f, new Float64Array(length)])) as Record<InstantField, Float64Array>;
  }

  /** Adds `amount` spread evenly over [a, b); an empty interval puts it in the bin holding `a`. */
  spread(field: BinField, a: number, b: number, amount: number): void {
    if (amount === 0) return;
    const arr = this.bins[field];
    const n = this.length;
    if (!(b > a)) {
      arr[clampIndex(Math.ceil(a), n)] += amount;
      return;
    }
    const rate = amount / (b - a);
    let k = Math.max(0, Math.ceil(a));
    if (k >= n) {
      arr[n - 1] += amount;
      return;
    }
    // The part before sample 0 (if any) is put in bin 0.
    if (a < 0) arr[0] += rate * (Math.min(b, 0) - a);
    let lo = Math.max(a, 0);
    for (; k < n && lo < b; k++) {
      const hi = Math.min(b, k);
      if (hi > lo) arr[k] += rate * (hi - lo);
      lo = Math.max(lo, hi);
    }
    if (lo < b) arr[n - 1] += rate * (b - lo);
  }

  /** Adds `value` at every sampling instant k with a <= k < b. */
  during(field: InstantField, a: number, b: number, value: number): void {
    if (value === 0) return;
    const arr = this.instants[field];
    const end = Math.min(this.length, Math.ceil(b));
    for (let k = Math.max(0, Math.ceil(a)); k < end; k++) arr[k] += value;
  }

  /** Calls `f(k)` for every sampling instant k with a <= k < b. */
  eachInstant(a: number, b: number, f: (k: number) => void): void {
    const end = Math.min(this.length, Math.ceil(b));
    for (let k = Math.max(0, Math.ceil(a)); k < end; k++) f(k);
  }
}

function clampIndex(k: number, n: number): number {
  return k < 0 ? 0 : k >= n ? n - 1 : k;
}
