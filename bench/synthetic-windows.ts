/**
 * E2EWatch-like feature matrices for the tree benchmarks: windows x (11 statistics of
 * each metric), 5 classes with healthy the majority. Per row, a node-run state (latent
 * factors, an application) drives every metric; an anomaly shifts the level and spread
 * of a few metrics, overlapping between anomaly types and weaker on some applications,
 * so classes are separable only in part. About a fifth of the metrics are constant
 * (unused counters), a sixth are near-constant (rare spikes), and the 11 statistics of a
 * metric are strongly correlated with each other, as in real window features.
 */
import { Rng } from "../lib/models/random";

export interface SyntheticWindowsOptions {
  nRows: number;
  nFeatures: number;
  seed: number;
  /** Share of each class; the first is healthy. */
  classShares?: number[];
}

export interface SyntheticWindows {
  X: { nRows: number; columns: Float32Array[] };
  y: Uint8Array;
  names: string[];
}

const STATS = ["max", "min", "mean", "std", "skew", "kurt", "perc05", "perc25", "perc50", "perc75", "perc95"];
const N_APPS = 6;
const N_LATENT = 6;

class Gaussian {
  private spare = NaN;
  constructor(private readonly rng: Rng) {}
  next(): number {
    if (this.spare === this.spare) {
      const s = this.spare;
      this.spare = NaN;
      return s;
    }
    const u = 1 - this.rng.nextDouble();
    const v = this.rng.nextDouble();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}

type MetricKind = "informative" | "noise" | "constant" | "spiky";

export function syntheticWindows(o: SyntheticWindowsOptions): SyntheticWindows {
  const shares = o.classShares ?? [0.55, 0.15, 0.12, 0.1, 0.08];
  const K = shares.length;
  const nMetrics = Math.ceil(o.nFeatures / STATS.length);
  const setup = new Rng(o.seed, 1);
  const g = new Gaussian(setup);

  // Metric roles and parameters.
  const kinds: MetricKind[] = [];
  for (let m = 0; m < nMetrics; m++) {
    const u = setup.nextDouble();
    kinds.push(u < 0.2 ? "constant" : u < 0.36 ? "spiky" : u < 0.66 ? "informative" : "noise");
  }
  const loading = Array.from({ length: nMetrics }, () => Float64Array.from({ length: N_LATENT }, () => g.next() * 0.3));
  const appMean = Array.from({ length: N_APPS }, () => Float64Array.from({ length: nMetrics }, () => g.next()));
  const appScale = Array.from({ length: N_APPS }, () => Float64Array.from({ length: nMetrics }, () => 0.5 + setup.nextDouble()));
  // Anomaly c shifts informative metric m by shift[c][m] (level) and spread[c][m] (variability).
  const shift = Array.from({ length: K }, () => new Float64Array(nMetrics));
  const spread = Array.from({ length: K }, () => new Float64Array(nMetrics));
  for (let c = 1; c < K; c++) {
    for (let m = 0; m < nMetrics; m++) {
      if (kinds[m] !== "informative" || setup.nextDouble() > 0.5) continue;
      shift[c][m] = (setup.nextDouble() < 0.5 ? -1 : 1) * (1 + 2 * setup.nextDouble());
      spread[c][m] = setup.nextDouble() < 0.3 ? 0.5 * setup.nextDouble() : 0;
    }
  }
  // How strongly each application shows each anomaly (some hide it).
  const visibility = Array.from({ length: N_APPS }, () => Float64Array.from({ length: K }, () => 0.35 + 0.65 * setup.nextDouble()));
  const constValue = Float64Array.from({ length: nMetrics }, () => Math.round(setup.nextDouble() * 100));

  const n = o.nRows;
  const columns = Array.from({ length: o.nFeatures }, () => new Float32Array(n));
  const names: string[] = [];
  for (let f = 0; f < o.nFeatures; f++) names.push(`${STATS[f % STATS.length]}_m${Math.floor(f / STATS.length)}`);
  const y = new Uint8Array(n);
  const rng = new Rng(o.seed, 2);
  const rg = new Gaussian(rng);
  const z = new Float64Array(N_LATENT);
  const cum = shares.map((_, i) => shares.slice(0, i + 1).reduce((a, b) => a + b, 0));
  for (let r = 0; r < n; r++) {
    const u = rng.nextDouble() * cum[K - 1];
    let c = 0;
    while (c < K - 1 && u >= cum[c]) c++;
    y[r] = c;
    const a = rng.nextInt(N_APPS);
    for (let l = 0; l < N_LATENT; l++) z[l] = rg.next();
    const vis = visibility[a][c];
    for (let m = 0; m < nMetrics; m++) {
      const f0 = m * STATS.length;
      const kind = kinds[m];
      let level: number;
      let sd: number;
      if (kind === "constant") {
        level = constValue[m];
        sd = 0;
      } else if (kind === "spiky") {
        const spike = rng.nextDouble() < 0.01;
        level = spike ? 1 + Math.abs(rg.next()) * 10 : 0;
        sd = spike ? Math.abs(rg.next()) : 0;
      } else {
        let latent = 0;
        for (let l = 0; l < N_LATENT; l++) latent += loading[m][l] * z[l];
        level = appMean[a][m] + appScale[a][m] * (latent + 0.8 * rg.next()) + vis * shift[c][m];
        sd = Math.abs(0.5 + 0.15 * rg.next() + vis * spread[c][m]);
      }
      for (let s = 0; s < STATS.length && f0 + s < o.nFeatures; s++) {
        columns[f0 + s][r] = statValue(s, level, sd, kind === "constant" ? 0 : 0.05 * rg.next());
      }
    }
  }
  return { X: { nRows: n, columns }, y, names };
}

/** One statistic of a window whose samples have mean `level` and spread `sd`. */
function statValue(s: number, level: number, sd: number, jitter: number): number {
  switch (STATS[s]) {
    case "max": return level + 2 * sd + jitter;
    case "min": return level - 2 * sd + jitter;
    case "mean": return level + jitter;
    case "std": return sd + Math.abs(jitter);
    case "skew": return sd === 0 ? 0 : jitter * 4;
    case "kurt": return sd === 0 ? -3 : -1.2 + jitter * 4;
    case "perc05": return level - 1.6 * sd + jitter;
    case "perc25": return level - 0.7 * sd + jitter;
    case "perc50": return level + jitter;
    case "perc75": return level + 0.7 * sd + jitter;
    default: return level + 1.6 * sd + jitter;
  }
}
