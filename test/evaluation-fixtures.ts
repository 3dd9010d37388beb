/** Loads the scikit-learn golden fixtures of lib/evaluation (written by scripts/fixtures/evaluation.py). */
import * as fs from "node:fs";
import * as path from "node:path";
import { strict as assert } from "node:assert";
import { FIXTURES } from "./helpers";

export function evaluationFixture<T>(name: string): T[] {
  const file = path.join(FIXTURES, "evaluation", `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cases: T[] }).cases;
}

export function evaluationFixtureObject<T>(name: string): T {
  const file = path.join(FIXTURES, "evaluation", `${name}.json`);
  return (JSON.parse(fs.readFileSync(file, "utf8")) as { cases: T }).cases;
}

/** Equal to within `tol` (absolute), element by element. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    assert.ok(Math.abs(actual[i] - expected[i]) <= tol, `${what}[${i}]: ${actual[i]} vs ${expected[i]}`);
  }
}
