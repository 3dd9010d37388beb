import { strict as assert } from "node:assert";
import { classificationReport, confusionMatrix, healthyCode } from "../lib/evaluation";
import { InputError } from "../lib/util/errors";
import { assertClose, evaluationFixture } from "./evaluation-fixtures";

interface MetricsCase {
  name: string;
  labels: string[];
  yTrue: number[];
  yPred: number[];
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
  macro: { precision: number; recall: number; f1: number };
  weighted: { precision: number; recall: number; f1: number };
  accuracy: number;
  reportMacroF1: number;
  reportWeightedF1: number;
  confusion: number[][];
  falseAlarmRate: number;
  anomalyMissRate: number;
}

const TOL = 1e-12;

describe("evaluation: metrics equal scikit-learn 1.2 (labels given, zero_division=0)", () => {
  const cases = evaluationFixture<MetricsCase>("metrics");

  it("has the fixture cases, including missing classes and one-class predictions", () => {
    assert.ok(cases.length >= 15);
    const names = cases.map((c) => c.name);
    for (const n of ["classes missing from both", "all predicted healthy", "all predicted one anomaly", "class missing from y_true", "class missing from y_pred"]) assert.ok(names.includes(n), n);
  });

  for (const c of evaluationFixture<MetricsCase>("metrics")) {
    it(`matches on "${c.name}"`, () => {
      const r = classificationReport(Uint8Array.from(c.yTrue), Uint8Array.from(c.yPred), c.labels);
      assert.deepEqual(r.labels, c.labels);
      assertClose(r.precision, c.precision, TOL, "precision");
      assertClose(r.recall, c.recall, TOL, "recall");
      assertClose(r.f1, c.f1, TOL, "f1");
      assert.deepEqual(Array.from(r.support), c.support);
      for (const k of ["precision", "recall", "f1"] as const) {
        assertClose([r.macro[k]], [c.macro[k]], TOL, `macro ${k}`);
        assertClose([r.weighted[k]], [c.weighted[k]], TOL, `weighted ${k}`);
      }
      assertClose([r.macro.f1, r.weighted.f1], [c.reportMacroF1, c.reportWeightedF1], TOL, "classification_report averages");
      assertClose([r.accuracy], [c.accuracy], TOL, "accuracy");
      assert.deepEqual(r.confusion.matrix, c.confusion);
      assert.deepEqual(r.confusion.labels, c.labels);
      assertClose([r.falseAlarmRate, r.anomalyMissRate], [c.falseAlarmRate, c.anomalyMissRate], TOL, "rates");
      assert.equal(r.windows, c.yTrue.length);
    });
  }

  it("counts alarm rates as defined: a wrong anomaly is neither a false alarm nor a miss", () => {
    const labels = ["none", "membw", "memleak"];
    // true:  none none none none membw membw memleak memleak
    // pred:  none membw none none memleak none memleak membw
    const r = classificationReport(Uint8Array.from([0, 0, 0, 0, 1, 1, 2, 2]), Uint8Array.from([0, 1, 0, 0, 2, 0, 2, 1]), labels);
    assert.equal(r.falseAlarmRate, 1 / 4);
    assert.equal(r.anomalyMissRate, 1 / 4);
    assert.deepEqual(r.confusion.matrix, [[3, 1, 0], [1, 0, 1], [0, 1, 1]]);
  });

  it("refuses bad input with one-line errors", () => {
    const labels = ["none", "membw"];
    assert.throws(() => classificationReport(new Uint8Array(0), new Uint8Array(0), labels), /no windows/);
    assert.throws(() => classificationReport(Uint8Array.from([0, 1]), Uint8Array.from([0]), labels), /2 windows but y_pred has 1/);
    assert.throws(() => classificationReport(Uint8Array.from([0, 2]), Uint8Array.from([0, 1]), labels), (e: unknown) => e instanceof InputError && /y_true\[1\] = 2/.test(e.message));
    assert.throws(() => classificationReport(Uint8Array.from([0]), Uint8Array.from([0]), ["membw", "memleak"]), /lack the healthy class "none"/);
    assert.throws(() => healthyCode(["a"], "b"), InputError);
    assert.deepEqual(confusionMatrix([1, 1, 0], [1, 0, 0], labels).matrix, [[1, 0], [1, 1]]);
  });
});
