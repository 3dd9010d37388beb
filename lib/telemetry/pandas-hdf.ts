/**
 * Reading pandas DataFrames stored in HDF5 "fixed" format (`DataFrame.to_hdf`'s
 * default), through h5wasm, without Python.
 *
 * Layout pandas writes under the frame's key (a group with `pandas_type = "frame"`):
 *   axis0                 column names
 *   axis1                 the row index, or for a MultiIndex `axis1_level<i>` (the
 *                         distinct values of level i, `name` attribute) and
 *                         `axis1_label<i>` (per row, the code into that level)
 *   block<i>_items        the columns held by block i
 *   block<i>_values       their values, shape [rows, items], one dtype per block;
 *                         `value_type = "datetime64"` marks nanosecond times; object
 *                         columns are pickled Python objects (not readable here)
 * Rows are read in ranges, so one node's rows can be taken without reading the file.
 */
import * as fs from "node:fs";
import { InputError } from "../util/errors";
import type { ProblemLog } from "./problems";

// h5wasm is an ES module; this package compiles to CommonJS, so it is loaded with a
// dynamic import (kept as `import()` by TypeScript's Node16 module setting).
// The few h5wasm shapes used here are declared locally: naming h5wasm's own types from
// a CommonJS file needs TypeScript's unstable `resolution-mode` import assertion.
interface H5Node {
  path: string;
  attrs: Record<string, { value: unknown }>;
}
interface H5Dataset extends H5Node {
  shape: number[] | null;
  dtype: unknown;
  value: unknown;
  slice(ranges: ([] | [number | null, number | null])[]): unknown;
}
interface H5Group extends H5Node {
  keys(): string[];
  get(name: string): unknown;
}
interface H5File extends H5Group {
  close(): unknown;
}
interface H5 {
  ready: Promise<unknown>;
  File: new (file: string, mode: "r") => H5File;
  Group: abstract new (...args: never[]) => H5Group;
  Dataset: abstract new (...args: never[]) => H5Dataset;
}
const importH5 = (): Promise<H5> => import("h5wasm/node") as unknown as Promise<H5>;

let h5: Promise<H5> | undefined;
async function loadH5(): Promise<H5> {
  h5 ??= importH5().then(async (m) => {
    await m.ready;
    return m;
  });
  return h5;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

/** True when the file starts with the HDF5 signature (at 0, or after a user block of 512 * 2^k bytes). */
export function isHdf5File(file: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, "r");
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(8);
    for (const offset of [0, 512, 1024, 2048, 4096]) {
      if (fs.readSync(fd, buf, 0, 8, offset) < 8) return false;
      if (buf.equals(HDF5_SIGNATURE)) return true;
    }
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

/** An id field of every row: distinct labels and, per row, the index of its label. */
export interface RowLabels {
  labels: string[];
  codes: Int32Array;
}

interface BlockRef {
  dataset: H5Dataset;
  items: number;
  datetime: boolean;
}

export class PandasFrame {
  readonly file: string;
  readonly key: string;
  readonly rows: number;
  /** Names of the index levels ("" for an unnamed level). */
  readonly indexNames: string[];
  /** Data columns in frame order. */
  readonly columns: string[];
  private readonly group: H5Group;
  private readonly where = new Map<string, { block: BlockRef; position: number }>();
  /** Columns pandas stored as pickled objects (text): listed, not readable. */
  readonly objectColumns: string[] = [];

  constructor(file: string, key: string, group: H5Group) {
    this.file = file;
    this.key = key;
    this.group = group;
    const variety = attr(group, "axis1_variety");
    if (variety === "multi") {
      const levels = Number(attr(group, "axis1_nlevels"));
      this.indexNames = Array.from({ length: levels }, (_, i) => nameOf(dataset(group, `axis1_level${i}`, file)));
      this.rows = dataset(group, "axis1_label0", file).shape?.[0] ?? 0;
    } else {
      const axis = dataset(group, "axis1", file);
      this.indexNames = [nameOf(axis)];
      this.rows = axis.shape?.[0] ?? 0;
    }
    this.columns = strings(dataset(group, "axis0", file).value);
    const blocks = Number(attr(group, "nblocks") ?? 0);
    for (let b = 0; b < blocks; b++) {
      const items = strings(dataset(group, `block${b}_items`, file).value);
      const values = dataset(group, `block${b}_values`, file);
      const shape = values.shape ?? [];
      if (shape.length !== 2 || typeof values.dtype !== "string" || !/^[<>|]?[iufb]\d?$|^<?[dfqlhbBHILQ]$/.test(values.dtype)) {
        this.objectColumns.push(...items);
        continue;
      }
      const block: BlockRef = { dataset: values, items: items.length, datetime: String(attr(values, "value_type") ?? "").startsWith("datetime64") };
      items.forEach((name, position) => this.where.set(name, { block, position }));
    }
  }

  /** True when the column holds numbers this reader can read. */
  isNumeric(column: string): boolean {
    return this.where.has(column);
  }

  /** Rows [start, end) of the named numeric columns, one Float64Array each (times in seconds). */
  readColumns(names: string[], start: number, end: number): Float64Array[] {
    const n = end - start;
    const out = names.map(() => new Float64Array(n));
    const byBlock = new Map<BlockRef, { position: number; target: number }[]>();
    names.forEach((name, target) => {
      const w = this.where.get(name);
      if (w === undefined) throw new InputError(`column '${name}' is not numeric`, { file: this.file });
      const list = byBlock.get(w.block) ?? [];
      list.push({ position: w.position, target });
      byBlock.set(w.block, list);
    });
    for (const [block, wanted] of byBlock) {
      const raw = block.dataset.slice([[start, end], []]) as ArrayLike<number | bigint>;
      const scale = block.datetime ? 1e-9 : 1;
      const stride = block.items;
      for (const { position, target } of wanted) {
        const col = out[target];
        for (let r = 0; r < n; r++) col[r] = Number(raw[r * stride + position]) * scale;
      }
    }
    return out;
  }

  /** Per-row labels of an index level or a column (numbers are written as text). */
  rowLabels(field: string): RowLabels | undefined {
    const level = this.indexNames.indexOf(field);
    if (level >= 0) {
      if (this.indexNames.length > 1) {
        const values = dataset(this.group, `axis1_level${level}`, this.file);
        const labels = labelsOf(values.value, values);
        const codes = Int32Array.from(dataset(this.group, `axis1_label${level}`, this.file).value as ArrayLike<number>);
        return { labels, codes };
      }
      const axis = dataset(this.group, "axis1", this.file);
      return encode(labelsOf(axis.value, axis));
    }
    if (this.where.has(field)) {
      const [values] = this.readColumns([field], 0, this.rows);
      return encode(Array.from(values, (v) => (Number.isNaN(v) ? "" : String(v))));
    }
    return undefined;
  }

  /** Per-row values of a numeric index level or column (times in seconds), or undefined. */
  rowNumbers(field: string): Float64Array | undefined {
    const level = this.indexNames.indexOf(field);
    if (level >= 0) {
      const source = this.indexNames.length > 1 ? dataset(this.group, `axis1_level${level}`, this.file) : dataset(this.group, "axis1", this.file);
      const scale = String(attr(source, "kind") ?? "").startsWith("datetime64") ? 1e-9 : 1;
      const raw = source.value;
      if (typeof raw === "string" || !ArrayBuffer.isView(raw)) return undefined;
      const values = Float64Array.from(raw as unknown as ArrayLike<number | bigint>, (v) => Number(v) * scale);
      if (this.indexNames.length === 1) return values;
      const codes = dataset(this.group, `axis1_label${level}`, this.file).value as ArrayLike<number>;
      return Float64Array.from(codes, (c) => (c < 0 ? NaN : values[c]));
    }
    if (this.where.has(field)) return this.readColumns([field], 0, this.rows)[0];
    return undefined;
  }
}

function attr(obj: { attrs: Record<string, { value: unknown }> }, name: string): unknown {
  const a = obj.attrs[name];
  if (a === undefined) return undefined;
  const v = a.value;
  return typeof v === "bigint" ? Number(v) : v;
}

function dataset(group: H5Group, name: string, file: string): H5Dataset {
  const d = group.get(name) as H5Dataset | null;
  if (d === null || typeof d !== "object" || !("shape" in d) || !("slice" in d)) throw new InputError(`pandas frame ${group.path} lacks '${name}' (not a fixed-format DataFrame)`, { file });
  return d as H5Dataset;
}

/** A level's name; pandas pickles None, which h5wasm shows as the bytes "N.". */
function nameOf(d: H5Dataset): string {
  const n = attr(d, "name");
  return typeof n === "string" && n !== "N." ? n : "";
}

function strings(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((v) => String(v));
  if (typeof value === "string") return [value];
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number>, (v) => String(v));
  return [];
}

function labelsOf(value: unknown, source: H5Dataset): string[] {
  const scale = String(attr(source, "kind") ?? "").startsWith("datetime64") ? 1e-9 : 1;
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => String(Number(v) * scale));
  return strings(value).map((s) => s.trim());
}

function encode(values: string[]): RowLabels {
  const index = new Map<string, number>();
  const labels: string[] = [];
  const codes = new Int32Array(values.length);
  values.forEach((v, i) => {
    let c = index.get(v);
    if (c === undefined) index.set(v, (c = labels.push(v) - 1));
    codes[i] = c;
  });
  return { labels, codes };
}

/** An open HDF5 file and the pandas frames in it (groups with `pandas_type = "frame"`). */
export interface PandasHdf {
  frames: PandasFrame[];
  close(): void;
}

/** Opens a pandas HDF5 file. Non-frame objects are reported and skipped. */
export async function openPandasHdf(file: string, problems: ProblemLog): Promise<PandasHdf> {
  const m = await loadH5();
  let handle: H5File;
  try {
    handle = new m.File(file, "r");
  } catch (e) {
    throw new InputError(`cannot open as HDF5: ${(e as Error).message}`, { file });
  }
  const frames: PandasFrame[] = [];
  const visit = (group: H5Group, depth: number): void => {
    for (const key of group.keys()) {
      const child = group.get(key);
      if (child === null || !(child instanceof m.Group)) continue;
      const type = attr(child, "pandas_type");
      if (type === "frame") frames.push(new PandasFrame(file, child.path, child));
      else if (type === "frame_table") problems.add({ file, kind: "table-format", message: `${child.path} is a pandas table-format frame`, action: "skipped it (only fixed format is read; rewrite with to_hdf(..., format='fixed'))" });
      else if (type === undefined && depth < 4) visit(child, depth + 1);
    }
  };
  try {
    visit(handle, 0);
  } catch (e) {
    handle.close();
    throw e;
  }
  return { frames, close: () => handle.close() };
}
