/**
 * Min-max scaling with scikit-learn 1.2's `MinMaxScaler` semantics: `fit` learns each
 * column's minimum and maximum (NaN ignored), `transform` maps x to
 * x * scale + offset with scale = (hi - lo) / (max - min) and offset = lo - min * scale.
 * A column whose range is below 10 machine epsilons (absolute, as scikit-learn) is
 * constant: its scale is (hi - lo) and its values map to lo. Values outside the fitted
 * range leave [lo, hi] unless `clip` is set; NaN stays NaN.
 *
 * Arithmetic is float64; the output column has the input's storage type (scikit-learn
 * computes float32 input in float32, so float32 results may differ in the last bit).
 */
import { InputError } from "../util/errors";
import type { FeatureColumn, FeatureTable } from "./table";

const EPS = 2 ** -52;

export interface MinMaxScalerOptions {
  featureRange?: [number, number];
  clip?: boolean;
}

export interface MinMaxScalerState {
  names: string[];
  dataMin: number[];
  dataMax: number[];
  scale: number[];
  offset: number[];
  featureRange: [number, number];
  clip: boolean;
}

export class MinMaxScaler {
  readonly featureRange: [number, number];
  readonly clip: boolean;
  /** Learned by `fit`. */
  names: string[] = [];
  dataMin: Float64Array = new Float64Array(0);
  dataMax: Float64Array = new Float64Array(0);
  scale: Float64Array = new Float64Array(0);
  offset: Float64Array = new Float64Array(0);

  constructor({ featureRange = [0, 1], clip = false }: MinMaxScalerOptions = {}) {
    if (!(featureRange[0] < featureRange[1])) throw new InputError(`MinMaxScaler: featureRange must be increasing, got [${featureRange.join(", ")}]`);
    this.featureRange = featureRange;
    this.clip = clip;
  }

  /** Learns the range of every column over `rows` (default: all rows). */
  fit(table: FeatureTable, rows?: ArrayLike<number>): this {
    const m = table.columns.length;
    this.names = [...table.names];
    this.dataMin = new Float64Array(m);
    this.dataMax = new Float64Array(m);
    this.scale = new Float64Array(m);
    this.offset = new Float64Array(m);
    const [lo, hi] = this.featureRange;
    for (let f = 0; f < m; f++) {
      const col = table.columns[f];
      let min = Infinity;
      let max = -Infinity;
      const n = rows === undefined ? table.nRows : rows.length;
      for (let i = 0; i < n; i++) {
        const v = col[rows === undefined ? i : rows[i]];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (min > max) min = max = NaN; // no finite value: scikit-learn gives NaN too
      let range = max - min;
      if (range < 10 * EPS) range = 1;
      this.dataMin[f] = min;
      this.dataMax[f] = max;
      this.scale[f] = (hi - lo) / range;
      this.offset[f] = lo - min * this.scale[f];
    }
    return this;
  }

  private checkColumns(table: FeatureTable): void {
    if (this.names.length === 0 && table.columns.length > 0) throw new Error("MinMaxScaler: call fit() before transform()");
    if (table.names.length !== this.names.length || table.names.some((n, i) => n !== this.names[i])) {
      throw new InputError(`MinMaxScaler: the table's ${table.names.length} features are not the ${this.names.length} it was fitted on`);
    }
  }

  /** A scaled copy of the columns; row metadata is shared. */
  transform(table: FeatureTable): FeatureTable {
    this.checkColumns(table);
    const columns = table.columns.map((col, f): FeatureColumn => this.scaleColumn(col, col instanceof Float32Array ? new Float32Array(table.nRows) : new Float64Array(table.nRows), f, table.nRows));
    return { ...table, columns };
  }

  /**
   * Scales the table's own columns in place and returns it: for a table the caller has
   * just copied (e.g. `takeRows` of the training rows), so that scaling a paper-scale
   * matrix does not need memory for a second copy.
   */
  transformInPlace(table: FeatureTable): FeatureTable {
    this.checkColumns(table);
    table.columns.forEach((col, f) => this.scaleColumn(col, col, f, table.nRows));
    return table;
  }

  private scaleColumn(col: FeatureColumn, out: FeatureColumn, f: number, n: number): FeatureColumn {
    const [lo, hi] = this.featureRange;
    const s = this.scale[f];
    const o = this.offset[f];
    for (let i = 0; i < n; i++) {
      let v = col[i] * s + o;
      if (this.clip) v = v < lo ? lo : v > hi ? hi : v;
      out[i] = v;
    }
    return out;
  }

  fitTransform(table: FeatureTable, rows?: ArrayLike<number>): FeatureTable {
    return this.fit(table, rows).transform(table);
  }

  /** Learned state as plain JSON (for model bundles). */
  toJSON(): MinMaxScalerState {
    return { names: this.names, dataMin: [...this.dataMin], dataMax: [...this.dataMax], scale: [...this.scale], offset: [...this.offset], featureRange: this.featureRange, clip: this.clip };
  }

  static fromJSON(state: MinMaxScalerState): MinMaxScaler {
    const s = new MinMaxScaler({ featureRange: state.featureRange, clip: state.clip });
    s.names = [...state.names];
    // JSON writes NaN (an all-missing column) as null.
    const numbers = (a: (number | null)[]): Float64Array => Float64Array.from(a, (v) => v ?? NaN);
    s.dataMin = numbers(state.dataMin);
    s.dataMax = numbers(state.dataMax);
    s.scale = numbers(state.scale);
    s.offset = numbers(state.offset);
    return s;
  }
}
