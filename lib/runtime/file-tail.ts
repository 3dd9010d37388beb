/**
 * Reading a file that another process keeps appending to (an LDMS store_csv file being
 * written): each `read()` returns the lines completed since the previous call. A last
 * line without its newline is held back until it is completed (store_csv ends every
 * line; a missing newline means the writer is mid-line). Bytes are kept as bytes until a
 * line is complete, so a multi-byte character split across two writes stays intact.
 * A file that shrinks was truncated or replaced: it is read again from the start.
 */
import * as fs from "node:fs";

export interface TailRead {
  lines: string[];
  /** 1-based line number of `lines[0]` in the file. */
  firstLine: number;
  /** The file shrank since the last read and was read again from its start. */
  restarted: boolean;
  /** Bytes read by this call (0: no growth). */
  bytes: number;
}

const CHUNK = 1 << 20;

export class FileTail {
  private offset = 0;
  private partial: Buffer = Buffer.alloc(0);
  private linesDone = 0;

  constructor(readonly file: string) {}

  /** Lines completed since the last call; a file that vanished reads as no growth. */
  read(): TailRead {
    let fd: number;
    try {
      fd = fs.openSync(this.file, "r");
    } catch {
      return { lines: [], firstLine: this.linesDone + 1, restarted: false, bytes: 0 };
    }
    try {
      const size = fs.fstatSync(fd).size;
      let restarted = false;
      if (size < this.offset) {
        this.offset = 0;
        this.partial = Buffer.alloc(0);
        this.linesDone = 0;
        restarted = true;
      }
      const firstLine = this.linesDone + 1;
      const lines: string[] = [];
      let bytes = 0;
      while (this.offset < size) {
        const buf = Buffer.allocUnsafe(Math.min(CHUNK, size - this.offset));
        const n = fs.readSync(fd, buf, 0, buf.length, this.offset);
        if (n === 0) break;
        this.offset += n;
        bytes += n;
        this.split(buf.subarray(0, n), lines);
      }
      this.linesDone += lines.length;
      return { lines, firstLine, restarted, bytes };
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Appends the complete lines of `partial + chunk` to `out` and keeps the rest. */
  private split(chunk: Buffer, out: string[]): void {
    const data = this.partial.length > 0 ? Buffer.concat([this.partial, chunk]) : chunk;
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      const end = nl > start && data[nl - 1] === 13 ? nl - 1 : nl;
      out.push(data.toString("utf8", start, end));
      start = nl + 1;
    }
    this.partial = Buffer.from(data.subarray(start));
  }
}
