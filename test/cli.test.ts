import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { runCli, ROOT } from "./helpers";
import { VERBS } from "../lib/cli/verbs";

describe("command line", () => {
  it("lists every verb in --help", () => {
    const r = runCli(["--help"]);
    assert.equal(r.code, 0);
    for (const v of VERBS) assert.match(r.stdout, new RegExp(`^  ${v.name}\\b`, "m"));
  });

  it("prints usage and exits 2 without a verb", () => {
    const r = runCli([]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /Usage: e2ewatch <verb>/);
  });

  for (const verb of VERBS) {
    it(`'${verb.name} --help' shows usage and every option`, () => {
      const r = runCli([verb.name, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^Usage: e2ewatch ${verb.name}`));
      for (const name of Object.keys(verb.options)) assert.match(r.stdout, new RegExp(`--${name}\\b`));
    });
  }

  it("rejects an unknown verb with one line and exit code 2", () => {
    const r = runCli(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /unknown verb 'frobnicate'/);
  });

  it("rejects an unknown option with one line and exit code 2", () => {
    const r = runCli(["doctor", "--no-such-option"]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr.trim().split("\n").length, 1);
    assert.match(r.stderr, /^e2ewatch doctor: unknown option '--no-such-option'/);
  });

  it("rejects a surplus positional argument", () => {
    const r = runCli(["doctor", "extra"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unexpected argument 'extra'/);
  });

  it("doctor --json reports working worker threads on stdout", () => {
    const r = runCli(["doctor", "--json"]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { checks: { name: string; ok: boolean }[] };
    const workers = report.checks.find((c) => c.name === "worker threads");
    assert.ok(workers?.ok, r.stdout);
  });

  it("is callable as 'npm run e2ewatch -- <verb>' with nothing but the verb's output on stdout", () => {
    // The project's .npmrc silences npm's banner, which would otherwise precede the JSON.
    const r = spawnSync("npm", ["run", "e2ewatch", "--", "doctor", "--json"], { cwd: ROOT, encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(Array.isArray((JSON.parse(r.stdout) as { checks: unknown[] }).checks));
  });
});
