/**
 * Feature CSV: `[job_id,]node_id,timestamp,<stat>_<metric>...`, one row per window.
 * Numbers are written in their shortest round-trip form (JavaScript's `String(x)`), so a
 * reader that parses decimals exactly (pandas with `float_precision="round_trip"`,
 * Python's float()) gets back the very float64 computed; missing values are empty cells.
 *
 * Speed: formatting millions of numbers costs more than computing them, so rows are
 * written straight into a byte buffer (no string concatenation), and whole numbers,
 * about half of all features, take a digit loop instead of `String()`.
 */
import type { RunFeatureBlock } from "./noderun-features";

/** One number as a CSV cell. */
export function formatNumber(v: number): string {
  if (v === v) {
    if (v === Infinity) return "inf";
    if (v === -Infinity) return "-inf";
    return String(v);
  }
  return "";
}

/** A CSV cell for an id: quoted when it holds a comma, quote or newline. */
export function csvText(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The header line (with its newline). */
export function featuresCsvHeader(names: readonly string[], jobIdColumn: boolean): string {
  return [...(jobIdColumn ? ["job_id"] : []), "node_id", "timestamp", ...names.map(csvText)].join(",") + "\n";
}

const COMMA = 44;
const NEWLINE = 10;
const MINUS = 45;
const ZERO = 48;

/** A growing UTF-8 byte buffer for CSV text. */
export class CsvBytes {
  private buf = new Uint8Array(1 << 16);
  private n = 0;

  private reserve(k: number): void {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(2 * this.buf.length, this.n + k));
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** Appends an ASCII string (numbers' text). */
  private ascii(s: string): void {
    this.reserve(s.length);
    const b = this.buf;
    let n = this.n;
    for (let i = 0; i < s.length; i++) b[n++] = s.charCodeAt(i);
    this.n = n;
  }

  byte(c: number): void {
    this.reserve(1);
    this.buf[this.n++] = c;
  }

  /** Appends a number as `formatNumber` would. */
  number(v: number): void {
    if (v !== v) return;
    if (Number.isInteger(v) && Math.abs(v) < 9007199254740992 && !(v === 0 && 1 / v < 0)) {
      // Whole numbers below 2^53: digits by division, exact in float64.
      this.reserve(17);
      const b = this.buf;
      let n = this.n;
      let x = v;
      if (x < 0) {
        b[n++] = MINUS;
        x = -x;
      }
      const first = n;
      do {
        const q = Math.floor(x / 10);
        b[n++] = ZERO + (x - q * 10);
        x = q;
      } while (x > 0);
      for (let i = first, j = n - 1; i < j; i++, j--) {
        const t = b[i];
        b[i] = b[j];
        b[j] = t;
      }
      this.n = n;
      return;
    }
    this.ascii(formatNumber(v));
  }

  /** The text so far, as a fresh array (safe to move to another thread). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

const encoder = new TextEncoder();

/** Appends the rows of one node-run's windows. `nFeatures` = features in the block. */
export function writeFeatureRows(out: CsvBytes, jobId: string, nodeId: string, block: RunFeatureBlock, nFeatures: number, jobIdColumn: boolean): void {
  const prefix = encoder.encode((jobIdColumn ? csvText(jobId) + "," : "") + csvText(nodeId) + ",");
  const { count, values, windowEnd } = block;
  for (let k = 0; k < count; k++) {
    out.bytes(prefix);
    out.number(windowEnd[k]);
    for (let f = 0; f < nFeatures; f++) {
      out.byte(COMMA);
      out.number(values[f * count + k]);
    }
    out.byte(NEWLINE);
  }
}
