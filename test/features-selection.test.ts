import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { benjaminiYekutieli, e2ewatchFdr } from "../lib/features/fdr";
import { FeatureSelector } from "../lib/features/selector";
import { WorkerPool } from "../lib/parallel/pool";
import { MinMaxScaler } from "../lib/features/scaler";
import { ksTwoSample } from "../lib/features/ks";
import { FeatureTableBuilder, type FeatureTable } from "../lib/features/table";
import { FIXTURES } from "./helpers";
import { mulberry } from "./features-support";

const DIR = path.join(FIXTURES, "features");
type Cell = number | null;

interface SelectionFixture {
  features: number;
  rows: { app: string; label: string; values: Cell[] }[];
  pairs: { app: string; anomaly: string; pvalue: number[]; e2ewatch: number[]; by: number[] }[];
  union_e2ewatch: number[];
  union_by: number[];
}

/** A table with one node-run per (application, label) group, rows in fixture order. */
function tableOf(rows: { app: string; label: string; values: Cell[] }[], nFeatures: number, storage: "float32" | "float64" = "float64"): FeatureTable {
  const names = Array.from({ length: nFeatures }, (_, f) => `f${f}`);
  const b = new FeatureTableBuilder(names, storage);
  const identity = Int32Array.from(names, (_, f) => f);
  for (const r of rows) {
    const values = Float64Array.from(r.values, (v) => (v === null ? NaN : v));
    // One window per row: the block is feature-major with count 1.
    b.append({ nodeId: `${r.app}-${r.label}`, jobId: "j", app: r.app, input: "", anomaly: r.label, intensity: "" }, 1, values, new Float64Array([0]), new Uint8Array([r.label === "none" ? 0 : 1]), identity);
  }
  return b.finish();
}


describe("features: FDR rules", () => {
  it("E2EWatch's rule judges each rank alone; Benjamini-Yekutieli steps up", () => {
    // m = 4, alpha = 0.05. E2EWatch thresholds 0.0125, 0.01667, 0.02045, 0.024;
    // BY thresholds 0.006, 0.012, 0.018, 0.024.
    const p = [0.5, 0.019, 0.005, 0.018];
    assert.deepEqual([...e2ewatchFdr(p, 0.05)], [0, 1, 1, 0]); // rank 2 (0.018) fails, rank 3 (0.019) passes
    assert.deepEqual([...benjaminiYekutieli(p, 0.05)], [0, 0, 1, 0]);
    // BY keeps a prefix: a later passing rank rescues an earlier failing one.
    const q = [0.0055, 0.0119, 0.0185, 0.024];
    assert.deepEqual([...benjaminiYekutieli(q, 0.05)], [1, 1, 1, 1]);
    assert.deepEqual([...e2ewatchFdr(q, 0.05)], [1, 1, 1, 1]);
    // Ties are ranked by index, NaN counts as 1.
    assert.deepEqual([...e2ewatchFdr([0.02, 0.02, NaN], 0.05)], [0, 1, 0]); // thresholds 0.0167, 0.0222
  });
});

describe("features: KS/FDR feature selection", () => {
  const fx = (JSON.parse(fs.readFileSync(path.join(DIR, "ks.json"), "utf8")) as { selection: SelectionFixture }).selection;
  const table = tableOf(fx.rows, fx.features);

  for (const rule of ["e2ewatch", "by"] as const) {
    it(`matches scipy p-values and a Python ${rule} filter, pair by pair and in the union`, () => {
      const exact = new FeatureSelector({ rule, exactPValues: true }).fit(table);
      assert.deepEqual(
        exact.pairs.map((p) => `${p.app}/${p.anomaly}`),
        fx.pairs.map((p) => `${p.app}/${p.anomaly}`),
      );
      let worst = 0;
      exact.pairs.forEach((pair, i) => {
        const want = fx.pairs[i];
        for (let f = 0; f < fx.features; f++) {
          const err = Math.abs(pair.pValue[f] - want.pvalue[f]) / want.pvalue[f];
          worst = Math.max(worst, err);
          assert.ok(err <= 1e-9, `${pair.app}/${pair.anomaly} f${f}: ${pair.pValue[f]} vs scipy ${want.pvalue[f]}`);
        }
        assert.deepEqual([...pair.kept], rule === "by" ? want.by : want.e2ewatch, `${pair.app}/${pair.anomaly}`);
      });
      const union = rule === "by" ? fx.union_by : fx.union_e2ewatch;
      assert.deepEqual(exact.selected, table.names.filter((_, f) => union[f] === 1));
      // The fast path (p-values only where they can matter) selects the same features.
      const fast = new FeatureSelector({ rule }).fit(table);
      assert.deepEqual(fast.selected, exact.selected);
      console.log(`      ${rule}: ${exact.selected.length} of ${fx.features} kept, worst p-value error ${worst.toExponential(2)}`);
    });
  }

  it("learns from the training rows only, and transform shares columns", () => {
    const train = Int32Array.from({ length: table.nRows }, (_, i) => i).filter((i) => i % 3 !== 0);
    const s1 = new FeatureSelector().fit(table, train);
    // Scramble every value outside the training rows: the selection must not move.
    const scrambled: FeatureTable = { ...table, columns: table.columns.map((c) => c.map((v, i) => (i % 3 === 0 ? 1e6 * Math.sin(i) : v)) as Float64Array) };
    const s2 = new FeatureSelector().fit(scrambled, train);
    assert.deepEqual(s2.selected, s1.selected);
    assert.notDeepEqual(new FeatureSelector().fit(scrambled).selected, s1.selected);
    const out = s1.transform(table);
    assert.deepEqual(out.names, s1.selected);
    assert.equal(out.columns[0], table.columns[table.names.indexOf(s1.selected[0])]);
    assert.equal(out.runIndex, table.runIndex);
    const restored = FeatureSelector.fromJSON(JSON.parse(JSON.stringify(s1.toJSON())));
    assert.deepEqual(restored.transform(table).names, s1.selected);
  });

  it("asymptotic regime (> 10000 windows): the fast path keeps exactly what exact p-values keep", () => {
    const rand = mulberry(3);
    const normal = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const nFeatures = 30;
    const rows: { app: string; label: string; values: Cell[] }[] = [];
    for (const [label, n, shift] of [["none", 12000, 0], ["membw", 900, 1], ["cachecopy", 400, -1]] as const) {
      for (let i = 0; i < n; i++) rows.push({ app: "hacc", label, values: Array.from({ length: nFeatures }, (_, f) => Math.round((normal() + shift * (f / nFeatures) ** 2 * 0.6) * 1000) / 1000) });
    }
    const big = tableOf(rows, nFeatures, "float32");
    const exact = new FeatureSelector({ exactPValues: true }).fit(big);
    const fast = new FeatureSelector().fit(big);
    assert.deepEqual(fast.selected, exact.selected);
    const shortcuts = fast.pairs.reduce((s, p) => s + p.exact.filter((e) => e === 0).length, 0);
    assert.ok(shortcuts > 0, "expected some p-values to be settled by the bounds");
    assert.ok(exact.selected.length > 0 && exact.selected.length < nFeatures, `kept ${exact.selected.length}`);
    // Exact p-values are the validated ks_2samp on the stored (float32) values.
    const col = big.columns[nFeatures - 1];
    const healthy: number[] = [];
    const membw: number[] = [];
    for (let r = 0; r < big.nRows; r++) (big.labels[big.labelCode[r]] === "none" ? healthy : big.labels[big.labelCode[r]] === "membw" ? membw : []).push(col[r]);
    const pair = exact.pairs.find((p) => p.anomaly === "membw")!;
    assert.equal(pair.pValue[nFeatures - 1], ksTwoSample(healthy, membw).pValue);
    console.log(`      asymptotic: ${exact.selected.length} of ${nFeatures} kept; ${shortcuts} p-values settled by bounds`);
  });
});

describe("features: MinMaxScaler against scikit-learn 1.2.1", () => {
  const fx = JSON.parse(fs.readFileSync(path.join(DIR, "scaler.json"), "utf8")) as {
    train: Cell[][];
    test: Cell[][];
    scalers: { feature_range: [number, number]; clip: boolean; train_out: Cell[][]; test_out: Cell[][]; scale: number[]; min: number[] }[];
  };
  const asTable = (m: Cell[][]): FeatureTable => {
    const n = m[0].length;
    return tableOf(m.map((row) => ({ app: "a", label: "none", values: row })), n);
  };
  for (const s of fx.scalers) {
    it(`range [${s.feature_range.join(", ")}]${s.clip ? ", clip" : ""}: constant and sub-epsilon columns, NaN, unseen values`, () => {
      const scaler = new MinMaxScaler({ featureRange: s.feature_range, clip: s.clip });
      const train = asTable(fx.train);
      const test = asTable(fx.test);
      scaler.fit(train);
      for (let f = 0; f < s.scale.length; f++) {
        assert.ok(Math.abs(scaler.scale[f] - s.scale[f]) <= 1e-15 * Math.abs(s.scale[f]), `scale ${f}`);
        assert.ok(Math.abs(scaler.offset[f] - s.min[f]) <= 1e-15 * Math.max(1, Math.abs(s.min[f])), `offset ${f}`);
      }
      for (const [tab, want] of [[train, s.train_out], [test, s.test_out]] as const) {
        const out = scaler.transform(tab);
        for (let r = 0; r < want.length; r++) {
          for (let f = 0; f < want[r].length; f++) {
            const w = want[r][f];
            const v = out.columns[f][r];
            if (w === null) assert.ok(Number.isNaN(v), `NaN at ${r},${f}`);
            else assert.ok(Math.abs(v - w) <= 1e-12 * Math.max(1, Math.abs(w)), `row ${r} col ${f}: ${v} vs ${w}`);
          }
        }
      }
      const restored = MinMaxScaler.fromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
      assert.deepEqual([...restored.transform(test).columns[3]], [...scaler.transform(test).columns[3]]);
      // In place on a copy gives the same numbers as the copying transform.
      const copy = asTable(fx.test);
      const inPlace = scaler.transformInPlace(copy);
      assert.equal(inPlace, copy);
      const copied = scaler.transform(test);
      for (let f = 0; f < copied.columns.length; f++) assert.deepEqual([...inPlace.columns[f]], [...copied.columns[f]], `column ${f}`);
    });
  }

  it("refuses a table with other features", () => {
    const t = tableOf([{ app: "a", label: "none", values: [1, 2] }], 2);
    const scaler = new MinMaxScaler().fit(t);
    assert.throws(() => scaler.transform(tableOf([{ app: "a", label: "none", values: [1, 2, 3] }], 3)), /not the 2 it was fitted on/);
  });
});

describe("features: selection in chunks of columns", () => {
  it("addPValues over column chunks then select() equals fit on the whole table", () => {
    const fx = (JSON.parse(fs.readFileSync(path.join(DIR, "ks.json"), "utf8")) as { selection: SelectionFixture }).selection;
    const table = tableOf(fx.rows, fx.features);
    const train = Int32Array.from({ length: table.nRows }, (_, i) => i).filter((i) => i % 4 !== 1);
    for (const rule of ["e2ewatch", "by"] as const) {
      const whole = new FeatureSelector({ rule }).fit(table, train);
      const chunked = new FeatureSelector({ rule });
      for (const chunk of [table.names.slice(0, 7), table.names.slice(7, 16), table.names.slice(16)]) {
        chunked.addPValues({ ...table, names: chunk, columns: chunk.map((n) => table.columns[table.names.indexOf(n)]) }, train, table.names.length);
      }
      chunked.select();
      assert.deepEqual(chunked.selected, whole.selected);
      assert.deepEqual(chunked.pairs.map((p) => [...p.pValue]), whole.pairs.map((p) => [...p.pValue]));
    }
  });
});

describe("features: selection on worker threads", () => {
  it("fitParallel gives fit's p-values and selection, on 0 and 2 threads", async () => {
    const fx = (JSON.parse(fs.readFileSync(path.join(DIR, "ks.json"), "utf8")) as { selection: SelectionFixture }).selection;
    const table = tableOf(fx.rows, fx.features, "float32");
    const train = Int32Array.from({ length: table.nRows }, (_, i) => i).filter((i) => i % 5 !== 2);
    const serial = new FeatureSelector().fit(table, train);
    for (const size of [0, 2]) {
      const pool = new WorkerPool(size);
      try {
        const parallel = await new FeatureSelector().fitParallel(table, train, pool);
        assert.deepEqual(parallel.selected, serial.selected);
        assert.deepEqual(parallel.pairs.map((p) => [p.app, p.anomaly, [...p.pValue], [...p.kept]]), serial.pairs.map((p) => [p.app, p.anomaly, [...p.pValue], [...p.kept]]));
      } finally {
        await pool.close();
      }
    }
  });
});
