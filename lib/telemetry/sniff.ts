/**
 * Cheap looks at a file before reading it: its first line, and whether that line is an
 * LDMS store_csv header. Format recognition goes by content, never by file name.
 */
import * as fs from "node:fs";
import { parseHeaderLine } from "./csv";

/** The first line of a file (without reading all of it), "" for an empty or unreadable file. */
export function firstLine(file: string): string {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return "";
  }
  try {
    const buf = Buffer.alloc(64 * 1024);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString("utf8");
    const end = text.indexOf("\n");
    return (end === -1 ? text : text.slice(0, end)).replace(/\r$/, "").replace(/^\uFEFF/, "");
  } catch {
    return "";
  } finally {
    fs.closeSync(fd);
  }
}

/** Names of LDMS store_csv id columns, in the spellings LDMS versions have used. */
export const LDMS_ID_COLUMNS: ReadonlySet<string> = new Set(["Time", "Time_usec", "DT", "DT_usec", "ProducerName", "producer", "component_id", "CompId", "comp_id", "job_id", "jobid", "app_id", "appid"]);

/**
 * True when a header line is an LDMS store_csv header: the first cell is `#Time` (or
 * `Time`) and a node id column (`ProducerName`, `component_id` or the older `CompId`)
 * follows among the first few cells.
 */
export function isLdmsHeader(line: string): boolean {
  if (!/^\s*#?\s*Time\s*,/.test(line)) return false;
  const cells = parseHeaderLine(line).slice(0, 8);
  return cells.some((c) => c === "ProducerName" || c === "component_id" || c === "CompId");
}
