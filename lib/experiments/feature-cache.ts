/**
 * Features are computed once per data set and feature configuration, then reused by
 * every split, model and experiment. In one process the table is simply passed along;
 * across processes (several `e2ewatch experiment` calls, notebooks) it is cached on disk
 * in the data set folder, keyed by the feature settings and the data set's files, so an
 * edited or regenerated data set is never answered from a stale cache.
 *
 * File layout (little-endian): "E2EFT1\n", a uint32 length, a JSON header (names,
 * labels, runs, row count, storage), padding to 8 bytes, then runIndex (int32),
 * windowEnd (float64), labelCode (uint8), padding, and the feature columns one after the
 * other. Each column is read into its own array, so later stages can move columns to
 * worker threads independently.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { extractFeatures, type ExtractOptions } from "../features/extract";
import type { FeatureConfig } from "../features/config";
import type { FeatureStorage, FeatureTable, RunInfo } from "../features/table";
import { InputError } from "../util/errors";

const MAGIC = Buffer.from("E2EFT1\n", "latin1");
const CACHE_FORMAT = 1;
export const CACHE_FOLDER = ".e2ewatch-cache";

interface Header {
  format: number;
  key: string;
  names: string[];
  labels: string[];
  runs: RunInfo[];
  nRows: number;
  storage: FeatureStorage;
}

/**
 * A key that changes whenever the features could: the feature settings, the storage,
 * and the size and modification time of metadata.csv and of every telemetry file.
 */
export function featureCacheKey(dataset: string, config: FeatureConfig, storage: FeatureStorage): string {
  const hash = createHash("sha256");
  hash.update(JSON.stringify({ format: CACHE_FORMAT, config, storage }));
  const stamp = (file: string): void => {
    const st = fs.statSync(file);
    hash.update(`${path.relative(dataset, file)}:${st.size}:${st.mtimeMs}\n`);
  };
  stamp(path.join(dataset, "metadata.csv"));
  const telemetry = path.join(dataset, "telemetry");
  if (fs.existsSync(telemetry)) for (const f of fs.readdirSync(telemetry).sort()) stamp(path.join(telemetry, f));
  return hash.digest("hex").slice(0, 24);
}

function pad8(n: number): number {
  return (8 - (n % 8)) % 8;
}

/** Writes a table to `file` (replacing it atomically). */
export function writeFeatureTable(file: string, table: FeatureTable, key: string): void {
  const storage: FeatureStorage = table.columns.length > 0 && table.columns[0] instanceof Float64Array ? "float64" : "float32";
  const header: Header = { format: CACHE_FORMAT, key, names: table.names, labels: table.labels, runs: table.runs, nRows: table.nRows, storage };
  const json = Buffer.from(JSON.stringify(header), "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(json.length);
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w");
  try {
    let offset = 0;
    const put = (bytes: Uint8Array): void => {
      fs.writeSync(fd, bytes);
      offset += bytes.length;
    };
    const align = (): void => put(new Uint8Array(pad8(offset)));
    const bytesOf = (a: ArrayBufferView): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    put(MAGIC);
    put(len);
    put(json);
    align();
    put(bytesOf(table.runIndex.subarray(0, table.nRows)));
    align();
    put(bytesOf(table.windowEnd.subarray(0, table.nRows)));
    put(bytesOf(table.labelCode.subarray(0, table.nRows)));
    align();
    for (const c of table.columns) put(bytesOf(c.subarray(0, table.nRows)));
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}

/** Reads a table written by `writeFeatureTable`; undefined when the file is missing or not for `key`. */
export function readFeatureTable(file: string, key?: string): FeatureTable | undefined {
  if (!fs.existsSync(file)) return undefined;
  const fd = fs.openSync(file, "r");
  try {
    let offset = 0;
    const read = <T extends ArrayBufferView>(target: T): T => {
      const bytes = new Uint8Array(target.buffer, target.byteOffset, target.byteLength);
      let done = 0;
      while (done < bytes.length) {
        const n = fs.readSync(fd, bytes, done, bytes.length - done, offset + done);
        if (n === 0) throw new InputError("feature cache file is cut short", { file });
        done += n;
      }
      offset += bytes.length;
      return target;
    };
    const magic = read(Buffer.alloc(MAGIC.length));
    if (!magic.equals(MAGIC)) throw new InputError("not an e2ewatch feature cache file", { file });
    const length = read(Buffer.alloc(4)).readUInt32LE(0);
    const header = JSON.parse(read(Buffer.alloc(length)).toString("utf8")) as Header;
    if (header.format !== CACHE_FORMAT || (key !== undefined && header.key !== key)) return undefined;
    const skip = (): void => {
      offset += pad8(offset);
    };
    const n = header.nRows;
    skip();
    const runIndex = read(new Int32Array(n));
    skip();
    const windowEnd = read(new Float64Array(n));
    const labelCode = read(new Uint8Array(n));
    skip();
    const columns = header.names.map(() => read(header.storage === "float64" ? new Float64Array(n) : new Float32Array(n)));
    return { names: header.names, columns, nRows: n, runIndex, windowEnd, labelCode, labels: header.labels, runs: header.runs };
  } finally {
    fs.closeSync(fd);
  }
}

export interface DatasetFeaturesOptions extends ExtractOptions {
  /** Cache folder; default `<dataset>/.e2ewatch-cache`; null turns the cache off. */
  cacheDir?: string | null;
  /** Told where the features came from ("cache" or "computed") and the file. */
  onSource?: (source: "cache" | "computed", file: string | undefined) => void;
}

/**
 * The feature table of a data set folder: from the cache when it is current, otherwise
 * extracted (and cached when the folder is writable).
 */
export async function datasetFeatures(dataset: string, config: FeatureConfig, options: DatasetFeaturesOptions = {}): Promise<FeatureTable> {
  if (!fs.existsSync(path.join(dataset, "metadata.csv"))) throw new InputError("not a data set folder (no metadata.csv)", { file: dataset });
  const storage = options.storage ?? "float32";
  const cacheDir = options.cacheDir === undefined ? path.join(dataset, CACHE_FOLDER) : options.cacheDir;
  const key = featureCacheKey(dataset, config, storage);
  const file = cacheDir === null ? undefined : path.join(cacheDir, `features-${key}.bin`);
  if (file !== undefined) {
    const cached = readFeatureTable(file, key);
    if (cached !== undefined) {
      options.onSource?.("cache", file);
      return cached;
    }
  }
  const table = await extractFeatures(dataset, config, options);
  let written: string | undefined;
  if (file !== undefined) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      writeFeatureTable(file, table, key);
      written = file;
    } catch {
      written = undefined; // a read-only data set is fine: the features are simply not cached
    }
  }
  options.onSource?.("computed", written);
  return table;
}
