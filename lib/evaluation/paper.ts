/**
 * What the E2EWatch paper published for its default experiment (Aksar et al., Euro-Par
 * 2021; Eclipse, 60 s windows, fold 0 of a stratified 5-fold, feature selection on), as
 * quoted in DESIGN.md. Our default experiment's table sets its numbers beside these.
 */

export const PAPER_MODELS = ["LightGBM", "RF", "XGBoost"] as const;
export type PaperModel = (typeof PAPER_MODELS)[number];

export const PAPER_SETTING = "Eclipse (not public), 60 s windows, fold 0 of a stratified 5-fold, feature selection on; RF 250 trees, depth 10";

/** Published per-class F1; the paper's "healthy" is our "none". */
export const PAPER_F1: Readonly<Record<string, Readonly<Record<PaperModel, number>>>> = {
  none: { LightGBM: 0.999, RF: 0.998, XGBoost: 0.999 },
  cachecopy: { LightGBM: 0.934, RF: 0.842, XGBoost: 0.931 },
  cpuoccupy: { LightGBM: 0.738, RF: 0.695, XGBoost: 0.731 },
  membw: { LightGBM: 0.858, RF: 0.798, XGBoost: 0.853 },
  memleak: { LightGBM: 0.999, RF: 0.998, XGBoost: 0.999 },
};

/** Published rates as fractions (the paper gives percentages); XGBoost's were not given. */
export const PAPER_RATES: Readonly<Record<"falseAlarmRate" | "anomalyMissRate", Readonly<Partial<Record<PaperModel, number>>>>> = {
  falseAlarmRate: { LightGBM: 0.0009 / 100, RF: 0.03 / 100 },
  anomalyMissRate: { LightGBM: 0.065 / 100, RF: 0.12 / 100 },
};
