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
