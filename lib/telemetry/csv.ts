/**
 * A numeric CSV parser over raw bytes, built for telemetry files: millions of short
 * numeric cells, a few text columns (ids), no quoting. Numbers are parsed without
 * making a string per cell; cells with up to 15 significant digits take an exact
 * integer-and-power-of-ten path (correctly rounded), others fall back to `Number()`.
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
}

export interface ParseOptions {
  /** File name for messages. */
  file: string;
  /** Header names whose cells are kept as text (ids). */
  textColumns?: ReadonlySet<string>;
  /** Where salvaged faults are recorded. */
  problems: ProblemLog;
}

const COMMA = 44;
const LF = 10;
const CR = 13;
const MINUS = 45;
const PLUS = 43;
const DOT = 46;
const ZERO = 48;
const NINE = 57;
const LOWER_E = 101;
const UPPER_E = 69;

/** Exact powers of ten representable in a double (10^0 .. 10^22). */
const POW10 = Float64Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/**
 * Parses bytes [start, end) as a decimal number. Returns NaN when the cell is empty or
 * not a number. Digits beyond 15 significant ones take the slow, exact path.
 */
export function parseNumber(buf: Uint8Array, start: number, end: number): number {
  let i = start;
  // Tolerate surrounding spaces, as pandas does.
  while (i < end && buf[i] === 32) i++;
  while (end > i && buf[end - 1] === 32) end--;
  if (i === end) return NaN;
  let negative = false;
  if (buf[i] === MINUS) {
    negative = true;
    i++;
  } else if (buf[i] === PLUS) i++;
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let any = false;
  while (i < end) {
    const c = buf[i];
    if (c < ZERO || c > NINE) break;
    any = true;
    if (mantissa !== 0 || c !== ZERO) digits++;
    mantissa = mantissa * 10 + (c - ZERO);
    i++;
  }
  if (i < end && buf[i] === DOT) {
    i++;
    while (i < end) {
      const c = buf[i];
      if (c < ZERO || c > NINE) break;
      any = true;
      if (mantissa !== 0 || c !== ZERO) digits++;
      mantissa = mantissa * 10 + (c - ZERO);
      scale--;
      i++;
    }
  }
  if (!any) return slowParse(buf, start, end);
  if (i < end && (buf[i] === LOWER_E || buf[i] === UPPER_E)) {
    i++;
    let expNegative = false;
    if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
      expNegative = buf[i] === MINUS;
      i++;
    }
    let exp = 0;
    let expDigits = 0;
    while (i < end && buf[i] >= ZERO && buf[i] <= NINE) {
      exp = exp * 10 + (buf[i] - ZERO);
      expDigits++;
      i++;
    }
    if (expDigits === 0) return NaN;
    scale += expNegative ? -exp : exp;
  }
  if (i !== end) return slowParse(buf, start, end);
  if (digits > 15 || scale < -22 || scale > 22) return slowParse(buf, start, end);
  // Exact integer mantissa and exact power of ten: one correctly rounded operation.
  const value = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  return negative ? -value : value;
}

function slowParse(buf: Uint8Array, start: number, end: number): number {
  const s = Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString("latin1").trim();
  if (s === "") return NaN;
  const lower = s.toLowerCase();
  if (lower === "nan") return NaN;
  if (lower === "inf" || lower === "+inf" || lower === "infinity") return Infinity;
  if (lower === "-inf" || lower === "-infinity") return -Infinity;
  const n = Number(s);
  return Number.isNaN(n) ? BAD_CELL : n;
}

/**
 * Marker for a cell that is not a number. It is a NaN with a payload that ordinary
 * arithmetic never produces, so callers can tell "bad text" from "empty"; both are
 * stored as NaN.
 */
const BAD_CELL = (() => {
  const f = new Float64Array(1);
  const u = new Uint32Array(f.buffer);
  u[0] = 0xbad;
  u[1] = 0x7ff80000;
  return f[0];
})();

function isBadCell(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  SCRATCH_F[0] = v;
  return SCRATCH_U[0] === 0xbad;
}
const SCRATCH_F = new Float64Array(1);
const SCRATCH_U = new Uint32Array(SCRATCH_F.buffer);

/** Splits a header line (a leading `#`, as in LDMS files, is dropped). */
export function parseHeaderLine(line: string): string[] {
  const cells = line.replace(/\r$/, "").split(",").map((c) => c.trim());
  if (cells.length > 0 && cells[0].startsWith("#")) cells[0] = cells[0].slice(1).trim();
  return cells;
}

/** Parses a whole CSV file's bytes. Throws InputError when there is no header. */
export function parseCsv(buf: Buffer, { file, textColumns = new Set(), problems }: ParseOptions): ParsedCsv {
  let headerEnd = buf.indexOf(LF);
  if (headerEnd === -1) headerEnd = buf.length;
  const headerLine = Buffer.from(buf.buffer, buf.byteOffset, headerEnd).toString("utf8");
  if (headerLine.trim() === "") throw new InputError("empty file or empty header line", { file, line: 1 });
  const header = parseHeaderLine(headerLine);
  const nCols = header.length;
  const isText = header.map((h) => textColumns.has(h));

  // Count lines first so columns are allocated once.
  let lines = 0;
  for (let i = headerEnd + 1; i < buf.length; i++) if (buf[i] === LF) lines++;
  if (buf.length > headerEnd + 1 && buf[buf.length - 1] !== LF) lines++;

  const numeric: (Float64Array | undefined)[] = isText.map((t) => (t ? undefined : new Float64Array(lines)));
  const text: (string[] | undefined)[] = isText.map((t) => (t ? [] : undefined));
  const lineOf = new Int32Array(lines);
  const cellStart = new Int32Array(nCols + 1);
  const cellEnd = new Int32Array(nCols + 1);
  const badInColumn = new Int32Array(nCols);
  const lastText: string[] = new Array<string>(nCols).fill("");
  const lastTextStart = new Int32Array(nCols).fill(-1);
  const lastTextLen = new Int32Array(nCols);

  let row = 0;
  let lineNo = 1;
  let pos = headerEnd + 1;
  while (pos < buf.length) {
    lineNo++;
    let lineEnd = buf.indexOf(LF, pos);
    const missingNewline = lineEnd === -1;
    if (missingNewline) lineEnd = buf.length;
    let contentEnd = lineEnd;
    if (contentEnd > pos && buf[contentEnd - 1] === CR) contentEnd--;
    if (contentEnd === pos) {
      pos = lineEnd + 1;
      continue; // blank line
    }
    // Split the line into cells.
    let n = 0;
    let s = pos;
    for (let i = pos; i <= contentEnd; i++) {
      if (i === contentEnd || buf[i] === COMMA) {
        if (n < nCols + 1) {
          cellStart[n] = s;
          cellEnd[n] = i;
        }
        n++;
        s = i + 1;
      }
    }
    if (n < nCols) {
      problems.add({ file, line: lineNo, kind: "short-line", message: `${n} of ${nCols} cells${missingNewline ? " and no final newline (truncated)" : ""}`, action: "dropped the line" });
      pos = lineEnd + 1;
      continue;
    }
    if (n > nCols) problems.add({ file, line: lineNo, kind: "long-line", message: `${n} cells where the header has ${nCols}`, action: "ignored the extra cells" }, "long");
    for (let c = 0; c < nCols; c++) {
      const col = numeric[c];
      if (col !== undefined) {
        const v = parseNumber(buf, cellStart[c], cellEnd[c]);
        if (Number.isNaN(v) && isBadCell(v)) {
          if (badInColumn[c]++ === 0) {
            const cell = Buffer.from(buf.buffer, buf.byteOffset + cellStart[c], cellEnd[c] - cellStart[c]).toString("utf8");
            problems.add({ file, line: lineNo, kind: "non-numeric", message: `column ${header[c]}: '${cell.slice(0, 40)}' is not a number`, action: "read as missing (NaN)" }, header[c]);
          } else {
            problems.add({ file, line: lineNo, kind: "non-numeric", message: "", action: "" }, header[c]);
          }
          col[row] = NaN;
        } else {
          col[row] = v;
        }
      } else {
        // Id columns repeat the same value for many rows: reuse the previous string.
        const len = cellEnd[c] - cellStart[c];
        const prev = lastTextStart[c];
        if (prev < 0 || lastTextLen[c] !== len || buf.compare(buf, cellStart[c], cellEnd[c], prev, prev + len) !== 0) {
          lastText[c] = Buffer.from(buf.buffer, buf.byteOffset + cellStart[c], len).toString("utf8").trim();
          lastTextStart[c] = cellStart[c];
          lastTextLen[c] = len;
        }
        text[c]!.push(lastText[c]);
      }
    }
    lineOf[row] = lineNo;
    row++;
    pos = lineEnd + 1;
  }
  return {
    header,
    rows: row,
    numeric: numeric.map((col) => (col === undefined ? undefined : row === col.length ? col : col.slice(0, row))),
    text,
    lineOf: row === lineOf.length ? lineOf : lineOf.slice(0, row),
  };
}
