import { strict as assert } from "node:assert";
import { parseCsv, parseNumber } from "../lib/telemetry/csv";
import { ProblemLog } from "../lib/telemetry/problems";

const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

/** Deterministic test data: a 32-bit linear congruential generator (Numerical Recipes constants). */
function rng(seed: number): () => number {
  let x = seed >>> 0;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 4294967296;
}

function randomDecimal(random: () => number, maxDigits: number): string {
  const digits = 1 + Math.floor(random() * maxDigits);
  let s = "";
  for (let i = 0; i < digits; i++) s += String(Math.floor(random() * 10));
  const point = Math.floor(random() * (digits + 1));
  let text = point === digits ? s : `${s.slice(0, point) || "0"}.${s.slice(point)}`;
  if (random() < 0.3) text = "-" + text;
  if (random() < 0.1) text += `e${Math.floor(random() * 30) - 15}`;
  return text;
}

describe("telemetry: CSV parser", () => {
  it("parses every cell exactly as Number() does, fast path and slow path alike", () => {
    const random = rng(7);
    for (const maxDigits of [15, 20]) {
      const cells = Array.from({ length: 3000 }, () => randomDecimal(random, maxDigits));
      const lines = ["a,b,c"];
      for (let i = 0; i < cells.length; i += 3) lines.push(cells.slice(i, i + 3).join(","));
      const parsed = parseCsv(utf8(lines.join("\n") + "\n"), { file: "r.csv", problems: new ProblemLog() });
      for (let i = 0; i < cells.length; i++) {
        const got = parsed.numeric[i % 3]![Math.floor(i / 3)];
        assert.ok(Object.is(got, Number(cells[i])), `${cells[i]}: ${got} vs ${Number(cells[i])}`);
        const b = utf8(cells[i]);
        assert.ok(Object.is(parseNumber(b, 0, b.length), Number(cells[i])), cells[i]);
      }
    }
  });

  it("reads CRLF line ends, blank lines, a BOM and a last line without newline", () => {
    const parsed = parseCsv(utf8("\uFEFF#x,y\r\n1,2\r\n\r\n3,4"), { file: "f.csv", problems: new ProblemLog() });
    assert.deepEqual(parsed.header, ["x", "y"]);
    assert.deepEqual(Array.from(parsed.numeric[0]!), [1, 3]);
    assert.deepEqual(Array.from(parsed.lineOf), [2, 4]);
  });

  it("keeps id columns as text and reuses the string of repeated ids", () => {
    const parsed = parseCsv(utf8("job_id,node_id,v\n7,n1,1\n7,n1,2\n7,n2,3\n"), { file: "f.csv", textColumns: new Set(["job_id", "node_id"]), problems: new ProblemLog() });
    assert.deepEqual(parsed.text[1], ["n1", "n1", "n2"]);
    assert.equal(parsed.numeric[1], undefined);
    assert.deepEqual(Array.from(parsed.numeric[2]!), [1, 2, 3]);
  });

  it("reads NaN spellings and empty cells as missing without calling them bad", () => {
    const problems = new ProblemLog();
    const parsed = parseCsv(utf8("a\nnan\n\nNaN\n-inf\n\n1e400\n"), { file: "f.csv", problems });
    const a = Array.from(parsed.numeric[0]!);
    assert.ok(Number.isNaN(a[0]) && Number.isNaN(a[1]));
    assert.equal(a[2], -Infinity);
    assert.equal(a[3], Infinity);
    assert.equal(parsed.badCells[0], 0);
    assert.deepEqual(problems.problems, []);
  });

  it("counts bad cells per column and reports the first with its line", () => {
    const problems = new ProblemLog();
    const parsed = parseCsv(utf8("a,b\n1,x\n2,0x10\n3,4\n"), { file: "f.csv", problems });
    assert.equal(parsed.badCells[1], 2);
    assert.equal(problems.problems.length, 1);
    assert.equal(problems.problems[0].line, 2);
    assert.equal(problems.problems[0].count, 2);
  });

  it("optionally skips '#' lines and drops an unterminated last line", () => {
    const problems = new ProblemLog();
    const parsed = parseCsv(utf8("#a,b\n1,2\n#a,b\n3,4\n5,6"), { file: "f.csv", problems, skipCommentLines: true, dropUnterminatedLastLine: true });
    assert.deepEqual(Array.from(parsed.numeric[0]!), [1, 3]);
    assert.deepEqual(problems.problems.map((p) => `${p.kind}@${p.line}`), ["comment-line@3", "short-line@5"]);
  });
});
