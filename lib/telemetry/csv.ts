/**
 * A numeric CSV parser over raw bytes, built for telemetry files: millions of short
 * numeric cells, a few text columns (ids), no quoting. It makes one pass over the
 * bytes and parses each number as it walks past it, with no string per cell: cells
 * with up to 15 significant digits take an exact integer-and-power-of-ten path
 * (correctly rounded, so equal to `Number(text)`), others fall back to `Number()`.
 * Numeric columns land column-major in one Float64Array, which is what NodeRun wants.
 *
 * Faults are salvaged and reported, not fatal: a line with too few cells (typically
 * a truncated last line) is dropped, extra cells are ignored, a non-numeric cell
 * becomes NaN. All are recorded in the ProblemLog.
 */
import { InputError } from "../util/errors";
import { ProblemLog } from "./problems";

export interface ParsedCsv {
  header: string[];
  /** Number of data rows kept. */
  rows: number;
  /** Per column: parsed numbers (NaN for empty or bad cells); undefined for text columns. */
  numeric: (Float64Array | undefined)[];
  /** Per column: the cells as text for text columns; undefined otherwise. */
  text: (string[] | undefined)[];
  /** 1-based file line of each kept row. */
  lineOf: Int32Array;
  /** Per column: how many cells were not numbers (0 for text columns). */
  badCells: Int32Array;
}

export interface ParseOptions {
  /** File name for messages. */
  file: string;
  /** Header names whose cells are kept as text (ids). */
  textColumns?: ReadonlySet<string>;
  /** Where salvaged faults are recorded. */
  problems: ProblemLog;
  /**
   * Skip data lines that start with `#` (LDMS repeats its header after a restart) and
   * report them. Off by default: a contract file has no comments.
   */
  skipCommentLines?: boolean;
  /**
   * Drop a last line that has no final newline even when it has every cell. Writers
   * that always end lines (LDMS store_csv) leave such a line only when the file was
   * cut while being written, so its last cell may be cut short too.
   */
  dropUnterminatedLastLine?: boolean;
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const HASH = 35;
const LOWER_E = 101;
const UPPER_E = 69;

/** Exact powers of ten representable in a double (10^0 .. 10^22). */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Parses bytes [start, end) as a decimal number. Returns NaN when the cell is empty or
 * not a number. Digits beyond 15 significant ones take the slow, exact path.
 */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  const v = fastNumber(buf, start, end);
  return needsSlowPath ? slowParse(buf, start, end) : v;
}

/**
 * Set by fastNumber when the cell is outside its fast path, and by slowParse when the
 * cell is not a number at all. Flags rather than sentinel values: every double,
 * NaN payloads included, may be a parsed value.
 */
let needsSlowPath = false;
let notANumber = false;

/**
 * The exact fast path: `[+-]digits[.digits][(e|E)[+-]digits]` with at most 15
 * significant digits and a power of ten within 10^±22. Anything else sets
 * `needsSlowPath` (and returns NaN).
 */
function fastNumber(buf: Uint8Array, i: number, end: number): number {
  needsSlowPath = true;
  if (i === end) return NaN;
  let negative = false;
  let c = buf[i];
  if (c === MINUS) {
    negative = true;
    i++;
  } else if (c === PLUS) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  while (i < end) {
    c = buf[i] - ZERO;
    if (c < 0 || c > 9) break;
    any = true;
    if (mantissa !== 0 || c !== 0) digits++;
    mantissa = mantissa * 10 + c;
    i++;
  }
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end) {
      c = buf[i] - ZERO;
      if (c < 0 || c > 9) break;
      any = true;
      if (mantissa !== 0 || c !== 0) digits++;
      mantissa = mantissa * 10 + c;
      scale--;
      i++;
    }
  }
  if (!any) return NaN;
  if (i < end) {
    c = buf[i];
    if (c !== LOWER_E && c !== UPPER_E) return NaN;
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
      expNegative = buf[i] === MINUS;
      i++;
    }
    let exp = 0;
    let expDigits = 0;
    while (i < end) {
      c = buf[i] - ZERO;
      if (c < 0 || c > 9) return NaN;
      exp = exp * 10 + c;
      expDigits++;
      i++;
    }
    if (expDigits === 0 || expDigits > 4) return NaN;
    scale += expNegative ? -exp : exp;
  }
  if (digits > 15 || scale < -22 || scale > 22) return NaN;
  needsSlowPath = false;
  // Exact integer mantissa and exact power of ten: one correctly rounded operation.
  const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  return negative ? -value : value;
}

/** Any other cell: empty and NaN spellings give NaN; text that is not a decimal sets `notANumber`. */
function slowParse(buf: Uint8Array, start: number, end: number): number {
  notANumber = false;
  const s = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1").trim();
  if (s === "") return NaN;
  const lower = s.toLowerCase();
  if (lower === "nan" || lower === "-nan" || lower === "na" || lower === "null" || lower === "none") return NaN;
  if (lower === "inf" || lower === "+inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  // Number() accepts hex, binary and "Infinity" spellings a CSV never means; only decimals here.
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    notANumber = true;
    return NaN;
  }
  return Number(s);
}

/** Splits a header line (a leading `#`, as in LDMS files, is dropped). */
export function parseHeaderLine(line: string): string[] {
  const cells = line.replace(/^\uFEFF/, "").replace(/\r$/, "").split(",").map((c) => c.trim());
  if (cells.length > 0 && cells[0].startsWith("#")) cells[0] = cells[0].slice(1).trim();
  return cells;
}

/** Counts the data lines after `from` (a last line without newline counts). */
function countLines(buf: Uint8Array, from: number): number {
  let lines = 0;
  let pos = from;
  for (;;) {
    const next = buf.indexOf(LF, pos);
    if (next === -1) break;
    lines++;
    pos = next + 1;
  }
  if (pos < buf.length) lines++;
  return lines;
}

/** Bytes that end a cell: comma, LF, CR. */
const ENDS_CELL = new Uint8Array(256);
ENDS_CELL[COMMA] = 1;
ENDS_CELL[LF] = 1;
ENDS_CELL[CR] = 1;

/**
 * Parses a whole CSV file's bytes. Throws InputError when there is no header.
 * `buf` is best given with a final newline (files read by this module are): without
 * one the bytes are copied once so the scanning loop never needs a bounds check.
 */
export function parseCsv(input: Uint8Array, options: ParseOptions): ParsedCsv {
  const { file, textColumns = new Set<string>(), problems } = options;
  const unterminated = input.length > 0 && input[input.length - 1] !== LF;
  let buf: Uint8Array;
  if (unterminated) {
    buf = new Uint8Array(input.length + 1);
    buf.set(input);
    buf[input.length] = LF;
  } else {
    // A plain Uint8Array view keeps the hot loop monomorphic whatever subclass came in.
    buf = new Uint8Array(input.buffer, input.byteOffset, input.length);
  }
  const n = buf.length;
  let headerEnd = buf.indexOf(LF);
  if (headerEnd === -1) headerEnd = n;
  const headerLine = Buffer.from(buf.buffer, buf.byteOffset, headerEnd).toString("utf8");
  if (headerLine.trim() === "") throw new InputError("empty file or empty header line", { file, line: 1 });
  const header = parseHeaderLine(headerLine);
  const nCols = header.length;
  const isText = header.map((h) => textColumns.has(h));

  const capacity = countLines(buf, Math.min(n, headerEnd + 1));
  // Numeric columns share one column-major block: column c lives in slot slotOf[c].
  const slotOf = new Int32Array(nCols).fill(-1);
  let nSlots = 0;
  for (let c = 0; c < nCols; c++) if (!isText[c]) slotOf[c] = nSlots++;
  const block = new Float64Array(nSlots * capacity);
  const text: (string[] | undefined)[] = isText.map((t) => (t ? new Array<string>(capacity) : undefined));
  const lineOf = new Int32Array(capacity);
  const badCells = new Int32Array(nCols);
  const lastText: string[] = new Array<string>(nCols).fill("");
  const lastTextStart = new Int32Array(nCols).fill(-1);
  const lastTextLen = new Int32Array(nCols);

  let row = 0;
  let lineNo = 1;
  let pos = headerEnd + 1;
  while (pos < n) {
    lineNo++;
    const first = buf[pos];
    if (first === LF || (first === CR && buf[pos + 1] === LF)) {
      pos += first === LF ? 1 : 2;
      continue; // blank line
    }
    if (first === HASH && options.skipCommentLines) {
      problems.add({ file, line: lineNo, kind: "comment-line", message: "line starts with '#' (a repeated header?)", action: "skipped the line" }, "comment");
      pos = buf.indexOf(LF, pos) + 1;
      continue;
    }
    // One pass over the line: each numeric cell is parsed while its bytes are walked
    // (the common "[-]digits[.digits]" shape, inlined here because this loop is the
    // reading cost); any other shape re-reads the cell through parseNumber's paths.
    // The buffer ends with LF, so scanning to a cell end needs no bounds check.
    let c = 0;
    let s = pos;
    let e = pos;
    for (;;) {
      const slot = c < nCols ? slotOf[c] : -1;
      e = s;
      if (slot >= 0) {
        let negative = false;
        let b = buf[e];
        if (b === MINUS) {
          negative = true;
          b = buf[++e];
        }
        // Digits accumulate into a double, exact while there are at most 15 of them
        // (leading zeros included: a longer cell re-reads through fastNumber, which
        // counts significant digits only).
        let mantissa = 0;
        const intStart = e;
        let d = b - ZERO;
        while (d >= 0 && d <= 9) {
          mantissa = mantissa * 10 + d;
          d = buf[++e] - ZERO;
        }
        let seen = e - intStart;
        let scale = 0;
        b = d + ZERO;
        if (b === DOT) {
          const fracStart = e + 1;
          d = buf[++e] - ZERO;
          while (d >= 0 && d <= 9) {
            mantissa = mantissa * 10 + d;
            d = buf[++e] - ZERO;
          }
          scale = fracStart - e;
          seen -= scale;
          b = d + ZERO;
        }
        let v: number;
        if (ENDS_CELL[b] === 1 && seen > 0 && seen <= 15) {
          v = scale === 0 ? mantissa : mantissa / POW10[-scale];
          if (negative) v = -v;
        } else {
          while (ENDS_CELL[buf[e]] === 0) e++;
          v = fastNumber(buf, s, e);
          if (needsSlowPath) {
            v = slowParse(buf, s, e);
            if (notANumber) {
              if (badCells[c]++ === 0) {
                const cell = Buffer.from(buf.buffer, buf.byteOffset + s, e - s).toString("utf8");
                problems.add({ file, line: lineNo, kind: "non-numeric", message: `column ${header[c]}: '${cell.slice(0, 40)}' is not a number`, action: "read as missing (NaN)" }, header[c]);
              } else {
                problems.add({ file, line: lineNo, kind: "non-numeric", message: "", action: "" }, header[c]);
              }
              v = NaN;
            }
          }
        }
        block[slot * capacity + row] = v;
      } else {
        while (ENDS_CELL[buf[e]] === 0) e++;
        if (c < nCols) {
          // Id columns repeat the same value for many rows: reuse the previous string.
          const len = e - s;
          const prev = lastTextStart[c];
          let same = prev >= 0 && lastTextLen[c] === len;
          for (let k = 0; same && k < len; k++) if (buf[prev + k] !== buf[s + k]) same = false;
          if (!same) {
            lastText[c] = Buffer.from(buf.buffer, buf.byteOffset + s, len).toString("utf8").trim();
            lastTextStart[c] = s;
            lastTextLen[c] = len;
          }
          // Written at `row`; a dropped line's entry is overwritten by the next kept one.
          text[c]![row] = lastText[c];
        }
      }
      c++;
      if (buf[e] !== COMMA) break;
      s = e + 1;
    }
    // e is at the line's CR or LF (a lone CR also ends the line).
    pos = buf[e] === CR && buf[e + 1] === LF ? e + 2 : e + 1;
    const lastLine = pos >= n && unterminated;
    if (c < nCols) {
      problems.add({ file, line: lineNo, kind: "short-line", message: `${c} of ${nCols} cells${lastLine ? " and no final newline (truncated)" : ""}`, action: "dropped the line" });
      continue;
    }
    if (lastLine && options.dropUnterminatedLastLine) {
      problems.add({ file, line: lineNo, kind: "short-line", message: "last line has no final newline (cut while being written)", action: "dropped the line" });
      continue;
    }
    if (c > nCols) problems.add({ file, line: lineNo, kind: "long-line", message: `${c} cells where the header has ${nCols}`, action: "ignored the extra cells" }, "long");
    lineOf[row] = lineNo;
    row++;
  }
  for (const t of text) if (t !== undefined) t.length = row;
  const numeric: (Float64Array | undefined)[] = header.map((_, col) => {
    const slot = slotOf[col];
    return slot < 0 ? undefined : block.subarray(slot * capacity, slot * capacity + row);
  });
  return { header, rows: row, numeric, text, lineOf: row === lineOf.length ? lineOf : lineOf.slice(0, row), badCells };
}
