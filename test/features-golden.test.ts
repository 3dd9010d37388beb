import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { readJobCsv } from "../lib/telemetry/contract";
import { featureConfig } from "../lib/features/config";
import { configFeatureNames, nodeRunFeatures } from "../lib/features/noderun-features";
import { FIXTURES } from "./helpers";

const DIR = path.join(FIXTURES, "features");

interface Case {
  name: string;
  window: number;
  stride: number;
  trim: number;
  what: string;
}

/** Rows of a fixture CSV as text cells; numbers are parsed exactly with Number(). */
function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = fs.readFileSync(file, "utf8").trimEnd().split("\n");
  return { header: lines[0].split(","), rows: lines.slice(1).filter((l) => l !== "").map((l) => l.split(",")) };
}

const cell = (s: string): number => (s === "" ? NaN : Number(s));

/**
 * Relative error with an explicit rule near zero: |a - b| / max(|a|, |b|), and 0 when
 * both are 0 or both NaN. There is no absolute floor: a value pandas computes as 1e-17
 * must come out as 1e-17 here, because the kernels repeat pandas' operations.
 */
export function relativeError(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

export const GOLDEN_TOLERANCE = 1e-9;

describe("features: golden fixtures from pandas 1.5.3", () => {
  const { cases } = JSON.parse(fs.readFileSync(path.join(DIR, "cases.json"), "utf8")) as { cases: Case[] };
  let worst = 0;
  let compared = 0;
  let identical = 0;

  for (const c of cases) {
    it(`${c.name}: ${c.what}`, () => {
      const config = featureConfig({ window: c.window, stride: c.stride, trim: c.trim });
      const { runs } = readJobCsv(path.join(DIR, `${c.name}.input.csv`));
      const expected = readCsv(path.join(DIR, `${c.name}.expected.csv`));
      const metrics = runs[0].metrics;
      const names = configFeatureNames(metrics, config);
      assert.deepEqual(expected.header, ["node_id", "timestamp", ...names]);
      let row = 0;
      let caseWorst = 0;
      for (const run of runs) {
        const block = nodeRunFeatures(run, config);
        for (let k = 0; k < block.count; k++, row++) {
          const exp = expected.rows[row];
          assert.ok(exp !== undefined, `${c.name}: more rows than pandas`);
          assert.equal(exp[0], run.nodeId);
          assert.equal(block.windowEnd[k], cell(exp[1]), `${c.name} row ${row} timestamp`);
          for (let f = 0; f < names.length; f++) {
            const ours = block.values[f * block.count + k];
            const theirs = cell(exp[2 + f]);
            const err = relativeError(ours, theirs);
            compared++;
            if (Object.is(ours, theirs) || (ours === theirs)) identical++;
            caseWorst = Math.max(caseWorst, err);
            assert.ok(err <= GOLDEN_TOLERANCE, `${c.name} row ${row} ${names[f]}: ours ${ours}, pandas ${theirs}, relative error ${err}`);
          }
        }
      }
      assert.equal(row, expected.rows.length, `${c.name}: pandas has ${expected.rows.length} rows, we have ${row}`);
      worst = Math.max(worst, caseWorst);
    });
  }

  after(() => {
    console.log(`      golden: ${compared} values, ${identical} bit-identical, worst relative error ${worst.toExponential(2)}`);
  });
});

describe("features: pandas' drift on badly conditioned windows, and the exact mode", () => {
  interface Exact {
    case: string;
    metric: string;
    window: number;
    std: number;
    skew: number;
    kurt: number;
  }
  const exact = JSON.parse(fs.readFileSync(path.join(DIR, "exact.json"), "utf8")) as Exact[];
  const { cases } = JSON.parse(fs.readFileSync(path.join(DIR, "cases.json"), "utf8")) as { cases: Case[] };

  /** Feature values of a fixture case under a numerics mode, by name and window. */
  function features(name: string, numerics: "pandas" | "exact"): (feature: string, k: number) => number {
    const c = cases.find((x) => x.name === name)!;
    const config = featureConfig({ window: c.window, stride: c.stride, trim: c.trim, numerics });
    const run = readJobCsv(path.join(DIR, `${name}.input.csv`)).runs[0];
    const block = nodeRunFeatures(run, config);
    const names = configFeatureNames(run.metrics, config);
    return (feature, k) => block.values[names.indexOf(feature) * block.count + k];
  }

  /**
   * Error against rational arithmetic: relative for std; for skew and kurt relative to
   * max(|exact|, 1), i.e. absolute near zero, since they are unitless and a skew of
   * 1e-6 known to 1e-15 is as good as it gets.
   */
  function error(stat: "std" | "skew" | "kurt", ours: number, want: number): number {
    if (ours === want) return 0;
    return Math.abs(ours - want) / Math.max(Math.abs(want), stat === "std" ? 0 : 1);
  }

  it("exact mode: std, skew and kurt within 1e-12 of rational arithmetic on every window", () => {
    const get = { huge: features("huge", "exact"), spikes: features("spikes", "exact") } as Record<string, (f: string, k: number) => number>;
    let worst = 0;
    for (const e of exact) {
      for (const stat of ["std", "skew", "kurt"] as const) {
        const err = error(stat, get[e.case](`${stat}_${e.metric}`, e.window), e[stat]);
        worst = Math.max(worst, err);
        assert.ok(err <= 1e-12, `${e.case} ${stat}_${e.metric} window ${e.window}: error ${err}`);
      }
    }
    console.log(`      exact mode vs rational arithmetic: ${exact.length} windows, worst error ${worst.toExponential(2)}`);
  });

  it("pandas mode reproduces pandas' drift (documented, not fixed): spikes leaving, 1e11 counters, level jumps", () => {
    const pandas = { huge: features("huge", "pandas"), spikes: features("spikes", "pandas") } as Record<string, (f: string, k: number) => number>;
    const worst = new Map<string, number>();
    for (const e of exact) {
      for (const stat of ["std", "skew", "kurt"] as const) {
        const key = `${e.case} ${stat}_${e.metric}`;
        worst.set(key, Math.max(worst.get(key) ?? 0, error(stat, pandas[e.case](`${stat}_${e.metric}`, e.window), e[stat])));
      }
    }
    // A window of small integers after a 3.5e11 spike: pandas' variance is a negative residue, std 0.
    assert.ok(worst.get("spikes std_noisy::x")! >= 0.99);
    // Raw counters ~2.4e11: skew and kurt from raw power sums are meaningless.
    assert.ok(worst.get("huge skew_user_raw::procstat")! > 1e3);
    // MemFree-like levels moving by kB are fine in pandas too.
    assert.ok(worst.get("huge skew_MemFree::meminfo")! < 1e-9);
    console.log(`      pandas vs rational arithmetic, worst per metric: ${[...worst].filter(([, v]) => v > 1e-9).map(([k, v]) => `${k} ${v.toExponential(1)}`).join(", ")}`);
  });

  it("on realistic metrics the two modes differ only by pandas' running-sum drift (<= 1e-7; MemFree's std ~2.5e-8)", () => {
    const c = cases.find((x) => x.name === "nodes")!;
    const runs = readJobCsv(path.join(DIR, "nodes.input.csv")).runs;
    let worst = 0;
    for (const run of runs) {
      const a = nodeRunFeatures(run, featureConfig({ window: c.window, stride: c.stride, trim: c.trim, numerics: "pandas" }));
      const b = nodeRunFeatures(run, featureConfig({ window: c.window, stride: c.stride, trim: c.trim, numerics: "exact" }));
      for (let i = 0; i < a.values.length; i++) worst = Math.max(worst, Math.abs(a.values[i] - b.values[i]) / Math.max(Math.abs(a.values[i]), 1));
    }
    assert.ok(worst <= 1e-7, `worst ${worst}`);
    console.log(`      pandas vs exact mode on the 'nodes' case: worst ${worst.toExponential(2)} (relative, absolute below 1)`);
  });
});
