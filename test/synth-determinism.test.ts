import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { ensureDataset, generateDataset, readManifest, Rng, deriveSeed, MANIFEST_FILE } from "../lib/synth";
import { readDataset, readMetadata } from "../lib/telemetry";
import { InputError } from "../lib/util/errors";
import { runCli, tempDir } from "./helpers";

/** Every file of a folder, by relative path. */
function files(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), fs.readFileSync(p));
    }
  };
  walk(dir);
  return out;
}

const SMALL = { apps: ["sw4lite", "SWFFT"], anomalies: ["none", "memleak", "cpuoccupy"] };

describe("synth: the random generator", () => {
  it("repeats a stream for a seed path and separates different paths", () => {
    const a = Rng.derive(7, "job", 3);
    const b = Rng.derive(7, "job", 3);
    const draws = Array.from({ length: 100 }, () => a.nextUint32());
    assert.deepEqual(Array.from({ length: 100 }, () => b.nextUint32()), draws);
    assert.notEqual(deriveSeed(7, "job", 3), deriveSeed(7, "job", 4));
    assert.notEqual(deriveSeed(7, "job", 3), deriveSeed(8, "job", 3));
    assert.notEqual(deriveSeed(7, "ab", "c"), deriveSeed(7, "a", "bc"));
  });

  it("draws with the right moments", () => {
    const r = new Rng(123);
    const n = 200_000;
    let su = 0, sn = 0, snn = 0, sp = 0, spBig = 0;
    for (let i = 0; i < n; i++) {
      su += r.uniform();
      const z = r.normal();
      sn += z;
      snn += z * z;
      sp += r.poisson(3.5);
      spBig += r.poisson(400);
    }
    assert.ok(Math.abs(su / n - 0.5) < 0.005);
    assert.ok(Math.abs(sn / n) < 0.01 && Math.abs(snn / n - 1) < 0.01);
    assert.ok(Math.abs(sp / n - 3.5) < 0.02 && Math.abs(spBig / n - 400) < 0.2);
  });
});

describe("synth: data sets on disk", function () {
  this.timeout(300000);
  let dir: string;
  before(() => (dir = tempDir("e2ewatch-synth-")));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("one seed repeats byte for byte, whatever the thread count", async () => {
    await generateDataset("quick", path.join(dir, "a"), { seed: 42, ...SMALL, threads: 0 });
    await generateDataset("quick", path.join(dir, "b"), { seed: 42, ...SMALL, threads: 2 });
    const a = files(path.join(dir, "a"));
    const b = files(path.join(dir, "b"));
    assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort());
    for (const [name, bytes] of a) assert.ok(bytes.equals(b.get(name)!), `${name} differs`);
    assert.ok(a.size > 30);
  });

  it("two seeds differ", async () => {
    await generateDataset("quick", path.join(dir, "c"), { seed: 43, ...SMALL, threads: 2 });
    const a = files(path.join(dir, "a"));
    const c = files(path.join(dir, "c"));
    const telemetry = [...a.keys()].filter((k) => k.startsWith("telemetry"));
    assert.ok(telemetry.every((k) => !c.has(k) || !a.get(k)!.equals(c.get(k)!)), "every job's telemetry changes with the seed");
    assert.ok(!a.get("metadata.csv")!.equals(c.get("metadata.csv")!));
  });

  it("reads back as a labelled contract data set", () => {
    const { rows } = readMetadata(path.join(dir, "a"));
    // Per application: 3 healthy jobs and 4 anomalous ones per input, on 1 + 2 + 4 nodes.
    assert.equal(rows.length, 2 * (1 + 2 + 4) * (3 + 4));
    const kinds = new Set(rows.map((r) => `${r.label.anomaly}:${r.label.intensity}`));
    assert.deepEqual([...kinds].sort(), ["cpuoccupy:u100", "cpuoccupy:u50", "memleak:s10M_p0.2", "memleak:s1M_p0.2", "none:"]);
    let runs = 0;
    for (const job of readDataset(path.join(dir, "a"))) {
      for (const r of job) {
        runs++;
        assert.ok(r.timestamps.length > 180 && r.metrics.length === 106);
        assert.equal(r.timestamps[1] - r.timestamps[0], 1);
      }
    }
    assert.equal(runs, rows.length);
    assert.equal(readManifest(path.join(dir, "a"))!.nodeRuns, rows.length);
  });

  it("ensureDataset reuses a matching folder, regenerates its own, refuses others", async () => {
    const target = path.join(dir, "ensure");
    const first = await ensureDataset("quick", target, { seed: 42, ...SMALL, threads: 2 });
    assert.equal(first.generated, true);
    assert.ok(files(target).get("metadata.csv")!.equals(files(path.join(dir, "a")).get("metadata.csv")!));
    const again = await ensureDataset("quick", target, { seed: 42, ...SMALL });
    assert.equal(again.generated, false);
    const other = await ensureDataset("quick", target, { seed: 43, apps: ["SWFFT"], anomalies: ["none"], threads: 2 });
    assert.equal(other.generated, true);
    assert.equal(readManifest(target)!.seed, 43);
    assert.equal(readMetadata(target).rows.length, 3 * 7);
    assert.ok(!fs.existsSync(`${target}.partial`));
    const foreign = path.join(dir, "foreign");
    fs.mkdirSync(foreign);
    fs.writeFileSync(path.join(foreign, "notes.txt"), "mine");
    await assert.rejects(ensureDataset("quick", foreign, { seed: 1 }), (e: unknown) => e instanceof InputError && /refusing/.test(e.message));
    assert.ok(fs.existsSync(path.join(foreign, "notes.txt")));
    assert.ok(!fs.existsSync(path.join(foreign, MANIFEST_FILE)));
  });

  it("the command line generates with progress and reports bad options in one line", () => {
    const out = path.join(dir, "cli");
    const r = runCli(["generate", "--out", out, "--apps", "ExaMiniMD", "--anomalies", "none,membw", "--seed", "9"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /15 jobs, 35 node-runs/);
    assert.match(r.stderr, /generate quick/);
    const again = runCli(["generate", "--out", out, "--apps", "ExaMiniMD", "--anomalies", "none,membw", "--seed", "9", "--json"]);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).generated, false);
    const bad = runCli(["generate", "--preset", "huge", "--out", out]);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
    const badApp = runCli(["generate", "--apps", "NAMD", "--out", path.join(dir, "x")]);
    assert.equal(badApp.code, 1);
    assert.match(badApp.stderr, /unknown application 'NAMD'/);
  });
});
