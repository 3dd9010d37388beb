import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { jobCsv, readDataset, readMetadata } from "../lib/telemetry/contract";
import { readBundle, bundleText } from "../lib/runtime/bundle";
import { RuntimePredictor } from "../lib/runtime/predictor";
import { LdmsRunWriter } from "./support/ldms-writer";
import { tinyDataset, withoutMetrics } from "./support/runtime-fixture";
import { CLI, runCli, tempDir } from "./helpers";

/** Rows of a predictions CSV as objects keyed by the header. */
function parseRows(text: string): { header: string[]; rows: Record<string, string>[] } {
  const lines = text.trim().split("\n");
  const header = lines[0].split(",");
  return { header, rows: lines.slice(1).map((l) => Object.fromEntries(l.split(",").map((v, i) => [header[i], v]))) };
}

/** Every (job, node)'s timestamps strictly increase, row after row. */
function assertTimeOrderPerNode(rows: Record<string, string>[], stride: number): void {
  const last = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.job_id}/${r.node_id}`;
    const t = Number(r.timestamp);
    const prev = last.get(key);
    if (prev !== undefined) assert.equal(t - prev, stride, `${key}: ${prev} then ${t}`);
    last.set(key, t);
  }
}

/** stderr of a failed command: exactly one line. */
function oneLineError(r: { code: number; stderr: string }, pattern: RegExp, code = 1): void {
  assert.equal(r.code, code, r.stderr);
  const lines = r.stderr.trimEnd().split("\n");
  assert.equal(lines.length, 1, `one line, got: ${r.stderr}`);
  assert.match(lines[0], /^e2ewatch predict: /);
  assert.match(lines[0], pattern);
}

describe("runtime: the train and predict commands", function () {
  let dir: string;
  let data: string;
  let bundle: string;
  const env = { E2EWATCH_THREADS: "0" };

  before(async () => {
    dir = tempDir();
    data = await tinyDataset(path.join(dir, "data"));
    bundle = path.join(dir, "bundle.json");
    const r = runCli(["train", "--data", data, "--out", bundle, "--trees", "20", "--threads", "0"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^wrote .*bundle\.json: rf, \d+ features from 106 metrics, classes none, .*trained on \d+ windows of \d+ node-runs\n$/);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("predict writes node_id,timestamp,label,confidence rows, in time order per node, to a file or stdout", () => {
    const out = path.join(dir, "preds.csv");
    const r = runCli(["predict", "--model", bundle, data, "--out", out], { env });
    assert.equal(r.code, 0, r.stderr);
    const jobs = new Set(readMetadata(data).rows.map((row) => row.jobId)).size;
    assert.match(r.stdout, new RegExp(`^wrote .*preds\\.csv: \\d+ windows of \\d+ node-runs in ${jobs} job\\(s\\)`));
    assert.match(r.stderr, /accuracy against the source's labels: [01]\.\d{4} per-window labels/);
    const text = fs.readFileSync(out, "utf8");
    const { header, rows } = parseRows(text);
    assert.deepEqual(header, ["node_id", "timestamp", "label", "confidence", "job_id"]);
    const labels = readBundle(bundle).labels;
    assert.ok(rows.length > 100);
    for (const row of rows) {
      assert.ok(labels.includes(row.label), row.label);
      assert.ok(Number(row.confidence) > 0 && Number(row.confidence) <= 1);
    }
    assertTimeOrderPerNode(rows, 15);
    const stdout = runCli(["predict", "-q", "--model", bundle, data], { env });
    assert.equal(stdout.code, 0);
    assert.equal(stdout.stdout, text);
    assert.equal(stdout.stderr, "");

    const filtered = runCli(["predict", "-q", "--model", bundle, data, "--filter", "consecutive:3"], { env });
    const f = parseRows(filtered.stdout);
    assert.deepEqual(f.header, ["node_id", "timestamp", "label", "confidence", "filtered", "job_id"]);
    assert.deepEqual(f.rows.map((x) => x.label), rows.map((x) => x.label));
    assert.ok(f.rows.every((x) => labels.includes(x.filtered)));
  });

  it("--json on interval-labelled data reports accuracy, detection latency and false alarms (also on stderr)", async () => {
    const intervals = await tinyDataset(path.join(dir, "intervals"), { seed: 6, intervalFraction: 1 });
    const r = runCli(["predict", "--model", bundle, intervals, "--filter", "majority:3", "--json"], { env });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      format: string;
      windows: number;
      predictions: unknown[];
      evaluation: { windows: number; windowAccuracy: number; runLabelAccuracy: number; filteredWindowAccuracy: number };
      detection: { labels: string; intervalRuns: number; detected: number; falseAlarms: number; healthyNodeHours: number; falseAlarmsPerNodeHour: number; nodes: { latencySeconds: number | null; anomalyStart: number }[] };
    };
    assert.equal(report.format, "dataset");
    assert.equal(report.predictions.length, report.windows);
    assert.equal(report.evaluation.windows, report.windows);
    // Per-window labels follow the intervals; whole-run labels call the healthy stretches anomalous.
    assert.ok(report.evaluation.windowAccuracy > report.evaluation.runLabelAccuracy);
    assert.equal(report.detection.labels, "majority:3");
    const anomalous = readMetadata(intervals).rows.filter((row) => row.label.anomaly !== "none");
    assert.ok(anomalous.length > 0 && anomalous.every((row) => row.label.anomalyStart !== null));
    assert.equal(report.detection.intervalRuns, anomalous.length);
    assert.equal(report.detection.nodes.length, anomalous.length);
    assert.ok(report.detection.detected >= anomalous.length / 2, `${report.detection.detected} of ${anomalous.length} detected`);
    for (const n of report.detection.nodes) if (n.latencySeconds !== null) assert.ok(n.latencySeconds >= 0 && n.latencySeconds < 600);
    assert.ok(report.detection.healthyNodeHours > 0);
    assert.equal(report.detection.falseAlarmsPerNodeHour, report.detection.falseAlarms / report.detection.healthyNodeHours);
    assert.match(r.stderr, /detection \(majority:3 labels\): \d+ of \d+ interval anomalies detected .*latency median \d+ s.*false alarms \d+ in [\d.]+ healthy node-hours/);
    assert.match(r.stderr, /\n {2}job \d+ node ec\d+ (memleak|cachecopy) \S+: (detected as \w+ after \d+ s|missed)\n/);
  });

  it("errors are one line: no model, no bundle, another bundle version, a bad filter, a missing source", () => {
    oneLineError(runCli(["predict", data], { env }), /--model FILE is required/, 2);
    oneLineError(runCli(["predict", "--model", path.join(dir, "nope.json"), data], { env }), /nope\.json: no such model bundle$/);
    const future = path.join(dir, "future.json");
    fs.writeFileSync(future, bundleText({ ...readBundle(bundle), version: 99 }));
    oneLineError(runCli(["predict", "--model", future, data], { env }), /future\.json: format version 99 is not supported \(this e2ewatch reads version 1\)/);
    oneLineError(runCli(["predict", "--model", bundle, data, "--filter", "median:3"], { env }), /--filter must be majority:C or consecutive:C/, 2);
    oneLineError(runCli(["predict", "--model", bundle, path.join(dir, "nowhere")], { env }), /nowhere: no such file or folder/);
    oneLineError(runCli(["predict", "--model", bundle, data, "--idle", "3"], { env }), /--idle, --poll and --poll-only go with --follow/, 2);
    oneLineError(runCli(["predict", "--model", bundle, path.join(data, "metadata.csv"), "--follow", "--idle", "1"], { env }), /metadata\.csv:1: --follow reads LDMS store_csv output/);
    oneLineError(runCli(["predict", "--model", bundle, data, "--follow", "--idle", "1"], { env }), /data: --follow reads LDMS store_csv output; this folder is a dataset source \(predict it without --follow\)$/);
  });

  it("a source lacking required metrics is refused in one line naming them; --allow-missing imputes with a warning", () => {
    const predictor = RuntimePredictor.fromFile(bundle);
    const drop = new Set(predictor.requiredMetrics.slice(-8));
    const job = [...readDataset(data)][0];
    const lacking = job.map((r) => withoutMetrics(r, drop));
    const file = path.join(dir, "lacking.csv");
    fs.writeFileSync(file, jobCsv(lacking));
    const names = [...drop];
    const refused = runCli(["predict", "--model", bundle, file], { env });
    oneLineError(refused, new RegExp(`lacking\\.csv: node \\S+ of job \\S+ lacks 8 metric\\(s\\) the model needs: ${names.slice(0, 5).map((n) => n.replace(/[()]/g, "\\$&")).join(", ")}, \\.\\.\\. and 3 more \\(--allow-missing`));
    assert.equal(refused.stdout, "");
    const out = path.join(dir, "refused.csv");
    oneLineError(runCli(["predict", "--model", bundle, file, "--out", out], { env }), /lacks 8 metric/);
    assert.ok(!fs.existsSync(out), "no partial output file is left");
    const allowed = runCli(["predict", "--model", bundle, file, "--allow-missing"], { env });
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.match(allowed.stderr, /warning: \d+ node-run\(s\) lack metric\(s\) the model needs \(.*\); their features took the training medians/);
    assert.ok(parseRows(allowed.stdout).rows.length > 0);
  });

  it("--follow prints each window of a growing LDMS folder once, in order, and stops when idle", async () => {
    const job = [...readDataset(data)].find((runs) => runs.length === 2)!;
    const root = path.join(dir, "live");
    const writer = new LdmsRunWriter(root, { runs: job, splitLines: true, lag: { sampler: "vmstat", seconds: 2 } });
    writer.start();
    const child = spawn(process.execPath, [CLI, "predict", "--model", bundle, root, "--follow", "--idle", "1", "--poll", "50", "--filter", "consecutive:2"], { env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number>((resolve) => child.on("close", (code) => resolve(code ?? -1)));
    // Let it start (the first files exist), then write the run over about two seconds.
    await new Promise((resolve) => setTimeout(resolve, 300));
    while (writer.step()) await new Promise((resolve) => setTimeout(resolve, 4));
    assert.equal(await exited, 0, stderr);
    const { header, rows } = parseRows(stdout);
    assert.deepEqual(header, ["node_id", "timestamp", "label", "confidence", "filtered", "job_id"]);
    const perNode = Math.floor((job[0].timestamps.length - 1 - 60 - 60) / 15) + 1;
    assert.equal(rows.length, 2 * perNode);
    assertTimeOrderPerNode(rows, 15);
    assert.ok(rows.every((r) => r.job_id === "live"));
    assert.match(stderr, /stopped \(no new samples for 1 s\): \d+ windows of 2 node\(s\)/);
  });
});
