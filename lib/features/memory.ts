/**
 * What a feature table costs in memory, to plan experiments: columns take
 * rows x features x (4 or 8) bytes, row metadata 13 bytes a row (run index, window
 * end, label). The paper's preset (~2 M windows, 1716 features before selection, ~700
 * after) is in README.md with measured numbers.
 */
import type { FeatureStorage } from "./table";

export interface MemoryEstimate {
  rows: number;
  features: number;
  storage: FeatureStorage;
  columnBytes: number;
  rowBytes: number;
  totalBytes: number;
}

/** Bytes of a table of `rows` windows and `features` columns. */
export function featureTableMemory(rows: number, features: number, storage: FeatureStorage = "float32"): MemoryEstimate {
  const columnBytes = rows * features * (storage === "float32" ? 4 : 8);
  const rowBytes = rows * (4 + 8 + 1);
  return { rows, features, storage, columnBytes, rowBytes, totalBytes: columnBytes + rowBytes };
}
