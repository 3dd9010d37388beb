/**
 * E2EWatch's two window filters over one node's sequence of window predictions, in time
 * order. Each comes twice: a batch function over a whole sequence, written straight from
 * the definition, and a small stateful class that takes one prediction at a time (for a
 * runtime predictor, one instance per node). Feeding the class window by window gives
 * exactly the batch result; the tests check it.
 *
 * Majority of the last C windows (`majorityFilter`, `MajorityFilter`):
 *   out[t] is the most frequent label among seq[max(0, t-C+1) .. t]. The first C-1
 *   windows use the windows seen so far (the first window passes through unchanged).
 *   Ties: if the previous output is among the tied labels it stays (a change of label
 *   needs a strict majority); otherwise the tied label seen most recently wins.
 *
 * C identical consecutive anomalous windows (`consecutiveFilter`, `ConsecutiveFilter`):
 *   out[t] = seq[t] when seq[t] is anomalous and seq[t-C+1 .. t] are all equal to it;
 *   otherwise out[t] is healthy. So an alarm is raised at the C-th identical anomalous
 *   window, lasts while the prediction stays the same, and drops back to healthy at the
 *   first different prediction; the first C-1 windows of a node are always healthy, and
 *   an anomaly that flickers between two types never alarms.
 *
 * C = 1 makes both filters the identity. Labels are codes 0..255 (Uint8Array).
 * The filters see a node's windows as a sequence; gaps in time are not considered.
 */
import { InputError } from "../util/errors";

function checkWindow(c: number): void {
  if (!Number.isInteger(c) || c < 1) throw new InputError(`filter window C must be a positive integer, got ${c}`);
}

function checkLabel(label: number): void {
  if (!Number.isInteger(label) || label < 0 || label > 255) throw new InputError(`filter labels are codes 0..255, got ${label}`);
}

/** Majority of the last `c` windows over a whole sequence (see the module comment). */
export function majorityFilter(seq: ArrayLike<number>, c: number): Uint8Array {
  checkWindow(c);
  const out = new Uint8Array(seq.length);
  for (let t = 0; t < seq.length; t++) {
    checkLabel(seq[t]);
    const from = Math.max(0, t - c + 1);
    const counts = new Map<number, number>();
    for (let i = from; i <= t; i++) counts.set(seq[i], (counts.get(seq[i]) ?? 0) + 1);
    const best = Math.max(...counts.values());
    const tied = [...counts].filter(([, n]) => n === best).map(([label]) => label);
    if (tied.length === 1) out[t] = tied[0];
    else if (t > 0 && tied.includes(out[t - 1])) out[t] = out[t - 1];
    else {
      let i = t;
      while (!tied.includes(seq[i])) i--;
      out[t] = seq[i];
    }
  }
  return out;
}

/** Alarm only after `c` identical consecutive anomalous windows (see the module comment). */
export function consecutiveFilter(seq: ArrayLike<number>, c: number, healthy: number): Uint8Array {
  checkWindow(c);
  checkLabel(healthy);
  const out = new Uint8Array(seq.length).fill(healthy);
  for (let t = 0; t < seq.length; t++) {
    checkLabel(seq[t]);
    if (seq[t] === healthy || t < c - 1) continue;
    let same = true;
    for (let i = t - c + 1; i < t && same; i++) same = seq[i] === seq[t];
    if (same) out[t] = seq[t];
  }
  return out;
}

/** A window filter for one node that takes one prediction at a time. */
export interface StreamFilter {
  /** Takes the next window's predicted label, returns the filtered label for it. */
  push(label: number): number;
  /** Forgets the history, as for a new node-run. */
  reset(): void;
}

/** Incremental majority of the last C windows: O(C) per window, no allocation. */
export class MajorityFilter implements StreamFilter {
  private readonly ring: Uint8Array;
  private readonly counts = new Int32Array(256);
  private pushed = 0;
  private previous = -1;

  constructor(readonly c: number) {
    checkWindow(c);
    this.ring = new Uint8Array(c);
  }

  push(label: number): number {
    checkLabel(label);
    const c = this.c;
    const slot = this.pushed % c;
    if (this.pushed >= c) this.counts[this.ring[slot]]--;
    this.ring[slot] = label;
    this.counts[label]++;
    this.pushed++;
    const size = Math.min(this.pushed, c);
    let best = 0;
    for (let k = 0; k < size; k++) best = Math.max(best, this.counts[this.ring[k]]);
    let out: number;
    if (this.previous >= 0 && this.counts[this.previous] === best) out = this.previous;
    else {
      // Newest to oldest: the first label with the best count is the most recent of the tied.
      out = label;
      for (let back = 0; back < size; back++) {
        const l = this.ring[(slot - back + c) % c];
        if (this.counts[l] === best) {
          out = l;
          break;
        }
      }
    }
    this.previous = out;
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.pushed = 0;
    this.previous = -1;
  }
}

/** Incremental "alarm after C identical consecutive anomalous windows": O(1) per window. */
export class ConsecutiveFilter implements StreamFilter {
  private last = -1;
  private run = 0;

  constructor(readonly c: number, readonly healthy: number) {
    checkWindow(c);
    checkLabel(healthy);
  }

  push(label: number): number {
    checkLabel(label);
    if (label === this.last) this.run++;
    else {
      this.last = label;
      this.run = 1;
    }
    return label !== this.healthy && this.run >= this.c ? label : this.healthy;
  }

  reset(): void {
    this.last = -1;
    this.run = 0;
  }
}
