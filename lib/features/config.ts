/**
 * How node-runs become windows and features. Defaults are DESIGN.md's: drop 60 s at
 * both ends, 60 s windows every 15 s, the 11 statistics, no spectral features.
 * Telemetry is 1 Hz, so seconds and samples are the same count here (as in pandas'
 * reference, which counts rows).
 */
import { InputError } from "../util/errors";

export interface FeatureConfig {
  /** Samples per window (seconds at 1 Hz). */
  window: number;
  /** Samples between the ends of consecutive windows. */
  stride: number;
  /** Samples dropped at both ends of every node-run before windowing. */
  trim: number;
  /** Adds the spectral features of `spectral.ts` (off by default, as in DESIGN.md). */
  spectral: boolean;
  /**
   * "pandas" (default): mean, std, skew and kurt repeat pandas 1.5's running sums
   * operation by operation, so they equal pandas' values bit for bit, including pandas'
   * rounding drift on badly conditioned windows. "exact": the same estimators from each
   * window alone, accurate to a few units in the last place (see README.md).
   */
  numerics: "pandas" | "exact";
}

export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({ window: 60, stride: 15, trim: 60, spectral: false, numerics: "pandas" as const });

/** Fills defaults and checks every field; bad values are InputErrors naming the field. */
export function featureConfig(partial: Partial<FeatureConfig> = {}): FeatureConfig {
  const config = { ...DEFAULT_FEATURE_CONFIG, ...partial };
  const whole = (name: keyof FeatureConfig, min: number): void => {
    const v = config[name];
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) throw new InputError(`feature config: ${name} must be a whole number >= ${min}, got ${String(v)}`);
  };
  whole("window", 1);
  whole("stride", 1);
  whole("trim", 0);
  if (typeof config.spectral !== "boolean") throw new InputError(`feature config: spectral must be true or false, got ${String(config.spectral)}`);
  if (config.numerics !== "pandas" && config.numerics !== "exact") throw new InputError(`feature config: numerics must be "pandas" or "exact", got ${String(config.numerics)}`);
  return config;
}
