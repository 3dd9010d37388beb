/**
 * A 2-D (or k-D) principal-component projection of feature windows, to see whether the
 * classes separate before any model is trained.
 *
 * Method: each column is centred (and, by default, divided by its sample standard
 * deviation, so the projection does not just follow the features with the largest
 * units); missing values (NaN) are replaced by the column mean, i.e. 0 after centring;
 * constant columns contribute nothing. The covariance matrix (n-1 denominator) is
 * formed here over typed arrays and handed to ml-pca's eigen-decomposition
 * (`isCovarianceMatrix`): for thousands of windows and hundreds of features that is a
 * few seconds, where ml-pca's own SVD of the data takes tens. Each component's sign is
 * fixed so that its largest loading is positive, so the picture does not flip between
 * runs or machines.
 *
 * ```ts
 * const p = plots.pcaProjection(table.columns, { maxRows: 4000 });
 * plots.show(plots.projectionFigure(p, table.labels, table.labelCode));
 * ```
 */
import { Matrix } from "ml-matrix";
import { PCA } from "ml-pca";
import { Random } from "../util/random";

export interface ProjectionOptions {
  /** Rows (windows) to project; default all. */
  rows?: ArrayLike<number>;
  /** Components to keep (default 2). */
  components?: number;
  /** Divide each column by its standard deviation after centring (default true). */
  standardize?: boolean;
  /** At most this many rows, drawn without replacement with `seed` (default: no limit). */
  maxRows?: number;
  seed?: number;
}

export interface Projection {
  /** The projected rows: as given (default all), or ascending when subsampled by `maxRows`. */
  rows: Int32Array;
  /** `scores[k][i]`: row `rows[i]` on component k. */
  scores: Float64Array[];
  /** Share of the total variance each kept component explains. */
  explained: number[];
  /** `loadings[k][f]`: weight of column f in component k (unit length). */
  loadings: Float64Array[];
}

/** Ascending rows, at most `maxRows` of them drawn without replacement. */
function chooseRows(all: Int32Array, maxRows: number | undefined, seed: number): Int32Array {
  if (maxRows === undefined || all.length <= maxRows) return all;
  const picked = new Random(seed).shuffle(Int32Array.from(all)).subarray(0, maxRows);
  return Int32Array.from(picked).sort();
}

/**
 * Principal components of `columns` at the chosen rows (see the module comment).
 * @throws Error when there are fewer than two rows or no columns.
 */
export function pcaProjection(columns: readonly ArrayLike<number>[], options: ProjectionOptions = {}): Projection {
  const { components = 2, standardize = true, seed = 0 } = options;
  const p = columns.length;
  if (p === 0) throw new Error("pcaProjection: no feature columns");
  const all = options.rows !== undefined ? Int32Array.from(options.rows) : Int32Array.from({ length: columns[0].length }, (_, i) => i);
  const rows = chooseRows(all, options.maxRows, seed);
  const n = rows.length;
  if (n < 2) throw new Error(`pcaProjection: need at least two rows, got ${n}`);
  if (!(Number.isInteger(components) && components >= 1 && components <= p)) throw new Error(`pcaProjection: components must be 1..${p}, got ${components}`);

  // Centred (and scaled) copies of the columns at the chosen rows; NaN becomes 0 (the mean).
  const z = columns.map((col) => {
    const out = new Float64Array(n);
    let sum = 0;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const v = col[rows[i]];
      out[i] = v;
      if (v === v) {
        sum += v;
        count++;
      }
    }
    const mean = count > 0 ? sum / count : 0;
    let ss = 0;
    for (let i = 0; i < n; i++) {
      const v = out[i] === out[i] ? out[i] - mean : 0;
      out[i] = v;
      ss += v * v;
    }
    const sd = Math.sqrt(ss / (n - 1));
    if (standardize) {
      const inv = sd > 0 ? 1 / sd : 0;
      for (let i = 0; i < n; i++) out[i] *= inv;
    }
    return out;
  });

  // Covariance over typed arrays: the hot loop (p^2 n / 2 multiply-adds).
  const cov = new Matrix(p, p);
  for (let a = 0; a < p; a++) {
    const za = z[a];
    for (let b = a; b < p; b++) {
      const zb = z[b];
      let acc = 0;
      for (let i = 0; i < n; i++) acc += za[i] * zb[i];
      acc /= n - 1;
      cov.set(a, b, acc);
      cov.set(b, a, acc);
    }
  }
  const pca = new PCA(cov, { isCovarianceMatrix: true });
  const vectors = pca.getEigenvectors();
  const eigen = pca.getEigenvalues();
  const total = eigen.reduce((s, v) => s + Math.max(0, v), 0);

  const loadings: Float64Array[] = [];
  const scores: Float64Array[] = [];
  const explained: number[] = [];
  for (let k = 0; k < components; k++) {
    const w = Float64Array.from({ length: p }, (_, f) => vectors.get(f, k));
    let big = 0;
    for (let f = 1; f < p; f++) if (Math.abs(w[f]) > Math.abs(w[big])) big = f;
    if (w[big] < 0) for (let f = 0; f < p; f++) w[f] = -w[f];
    const s = new Float64Array(n);
    for (let f = 0; f < p; f++) {
      const wf = w[f];
      if (wf === 0) continue;
      const zf = z[f];
      for (let i = 0; i < n; i++) s[i] += wf * zf[i];
    }
    loadings.push(w);
    scores.push(s);
    explained.push(total > 0 ? Math.max(0, eigen[k]) / total : 0);
  }
  return { rows, scores, explained, loadings };
}
