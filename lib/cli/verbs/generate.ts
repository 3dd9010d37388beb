/**
 * `e2ewatch generate`: writes a synthetic data set (lib/synth) in the contract format.
 * An existing folder made with the same settings is kept as is; one made by the
 * generator with other settings is regenerated; any other folder is left alone.
 */
import * as path from "node:path";
import { ANOMALY_TYPES, APP_NAMES, DEFAULT_SEED, ensureDataset, PRESET_NAMES, PRESETS } from "../../synth";
import { choiceOption, listOption, numberOption, stringOption, type Verb } from "../verb";

export const generateVerb: Verb = {
  name: "generate",
  summary: "generate a synthetic data set (quick or paper preset)",
  usage: "[--preset quick|paper] [--seed N] [--out DIR] [--apps A,B] [--anomalies X,Y] [--json]",
  description: `
Simulates HPC jobs (${APP_NAMES.join(", ")}) on Eclipse-like nodes, healthy and with HPAS
anomalies (${ANOMALY_TYPES.join(", ")}), and writes their LDMS meminfo/vmstat/procstat
telemetry at 1 Hz: metadata.csv, telemetry/<job>.csv and synth-manifest.json.
Presets: quick = ${PRESETS.quick.description}; paper = ${PRESETS.paper.description}.
The same seed gives byte-identical files whatever the thread count (E2EWATCH_THREADS).
The model and its calibration are described in lib/synth/README.md.`,
  options: {
    preset: { type: "string", value: "NAME", default: "quick", description: `data set size: ${PRESET_NAMES.join(" or ")}` },
    seed: { type: "string", value: "N", default: String(DEFAULT_SEED), description: "random seed (whole number)" },
    out: { type: "string", value: "DIR", default: "data/<preset>", description: "data set folder" },
    apps: { type: "string", value: "LIST", multiple: true, description: `only these applications (${APP_NAMES.join(", ")})` },
    anomalies: { type: "string", value: "LIST", multiple: true, description: `only these anomaly types (none, ${ANOMALY_TYPES.join(", ")})` },
    "interval-fraction": { type: "string", value: "F", default: "0", description: "share of anomalous jobs whose anomaly covers only an interval (drawn per job: starts 15-45 % into the run, lasts 30-50 % of it)" },
    json: { type: "boolean", description: "print the data set's manifest and size as JSON on stdout" },
  },
  positionals: { min: 0, max: 0, name: "nothing" },
  async run(ctx) {
    const preset = choiceOption(ctx.values, "preset", PRESET_NAMES, "quick");
    const seed = numberOption(ctx.values, "seed", DEFAULT_SEED, { integer: true, min: 0, max: 0xffffffff });
    const out = path.resolve(stringOption(ctx.values, "out", path.join("data", preset)));
    const intervalFraction = numberOption(ctx.values, "interval-fraction", 0, { min: 0, max: 1 });
    const result = await ensureDataset(preset, out, {
      seed,
      apps: listOption(ctx.values, "apps"),
      anomalies: listOption(ctx.values, "anomalies"),
      intervalFraction,
      onProgress: ctx.progress,
    });
    const m = result.manifest;
    if (!result.generated) ctx.log(`${out} already holds preset ${m.preset} with seed ${m.seed}; kept it`);
    const summary = { dir: out, generated: result.generated, wallSeconds: result.wallSeconds, bytes: result.bytes, manifest: m };
    if (ctx.values.json === true) {
      ctx.stdout.write(JSON.stringify(summary, null, 2) + "\n");
    } else {
      const size = result.generated ? `, ${(result.bytes / 1e6).toFixed(1)} MB in ${result.wallSeconds.toFixed(1)} s` : "";
      ctx.stdout.write(`${out}: ${m.jobs} jobs, ${m.nodeRuns} node-runs, ${m.seconds} node-seconds (preset ${m.preset}, seed ${m.seed})${size}\n`);
    }
  },
};
