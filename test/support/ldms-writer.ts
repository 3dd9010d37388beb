/**
 * A synthetic LDMS store_csv writer for follow-mode tests and benchmarks: it turns
 * node-runs in the contract form (counters as per-second increases) back into what
 * `store_csv` writes while a job runs, and appends it line by line:
 *
 * - one file per sampler (`data/memory_metrics/meminfo`, `.../vmstat`,
 *   `data/process_metrics/procstat`, as in ldms-sw4lite), header
 *   `#Time,Time_usec,ProducerName,component_id,job_id,app_id,<metrics>`;
 * - counters as cumulative values (a base plus the running sum of the increases),
 *   levels as sampled; a component id per sampler (1, 2, 3), the node as ProducerName;
 * - sampling times at each second plus a per-sampler offset of a few milliseconds and a
 *   deterministic jitter of up to +-1.5 ms;
 * - optionally a sampler that lags some seconds behind the others, and each second's
 *   last line (the last node's) written in two pieces, the rest with the next second, as
 *   a reader may find a line half written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { isCounterName, splitMetricName } from "../../lib/telemetry/counters";
import type { NodeRun } from "../../lib/telemetry/noderun";

const SAMPLER_DIRS: Record<string, string> = { meminfo: "data/memory_metrics", vmstat: "data/memory_metrics", procstat: "data/process_metrics" };

export interface LdmsWriterOptions {
  /** Node-runs of one job, equally long, same metrics. */
  runs: NodeRun[];
  /** Write the runs' job id in the job_id column (default 0: no scheduler, as ldms-sw4lite). */
  jobIds?: boolean;
  /** This sampler's lines come `seconds` after the others'. */
  lag?: { sampler: string; seconds: number };
  /** Write each second's last line in two pieces (the rest arrives with the next second). */
  splitLines?: boolean;
}

interface SamplerOut {
  sampler: string;
  file: string;
  /** Metric indices into the runs' metric list, and whether each is a counter. */
  columns: number[];
  counters: boolean[];
  component: number;
  offset: number;
  /** Text held back from a split line. */
  held: string;
}

export class LdmsRunWriter {
  readonly samplers: SamplerOut[];
  /** Samples per node (the runs' length). */
  readonly seconds: number;
  private readonly cumulative: Float64Array[][];
  private written = 0;

  constructor(
    readonly root: string,
    private readonly options: LdmsWriterOptions,
  ) {
    const first = options.runs[0];
    this.seconds = first.timestamps.length;
    const bySampler = new Map<string, number[]>();
    first.metrics.forEach((name, i) => {
      const { sampler } = splitMetricName(name);
      const list = bySampler.get(sampler) ?? [];
      list.push(i);
      bySampler.set(sampler, list);
    });
    this.samplers = [...bySampler].sort((a, b) => a[0].localeCompare(b[0])).map(([sampler, columns], k) => ({
      sampler,
      file: path.join(root, SAMPLER_DIRS[sampler] ?? "data", sampler),
      columns,
      counters: columns.map((i) => isCounterName(first.metrics[i])),
      component: k + 1,
      offset: 0.0015 + 0.0004 * k,
      held: "",
    }));
    // Cumulative counters per run and metric: a base, then the running sum of increases.
    this.cumulative = options.runs.map((run) =>
      run.values.map((v, m) => {
        if (!isCounterName(run.metrics[m])) return v;
        const out = new Float64Array(v.length);
        let c = 1e6 * (1 + (m % 7));
        for (let t = 0; t < v.length; t++) out[t] = c += Number.isNaN(v[t]) ? 0 : v[t];
        return out;
      }),
    );
  }

  /** Creates the sampler files with their headers. */
  start(): void {
    for (const s of this.samplers) {
      fs.mkdirSync(path.dirname(s.file), { recursive: true });
      const names = s.columns.map((i) => splitMetricName(this.options.runs[0].metrics[i]).metric);
      fs.writeFileSync(s.file, `#Time,Time_usec,ProducerName,component_id,job_id,app_id,${names.join(",")}\n`);
    }
  }

  /** The time a sample of second `t` is taken by sampler `k` (deterministic jitter). */
  private sampleTime(t: number, k: number, node: number): number {
    const base = this.options.runs[node].timestamps[t];
    const jitter = (((t * 7919 + k * 104729 + node * 1299709) % 3001) / 3000 - 0.5) * 0.003;
    return Math.round((base + this.samplers[k].offset + jitter) * 1e6) / 1e6;
  }

  /** The lines of second `t` of sampler `k`, one per node. */
  private lines(t: number, k: number): string {
    const s = this.samplers[k];
    let text = "";
    this.options.runs.forEach((run, node) => {
      const time = this.sampleTime(t, k, node);
      const usec = Math.round((time - Math.floor(time)) * 1e6);
      const job = this.options.jobIds ? run.jobId : "0";
      const values = s.columns.map((m) => {
        const v = this.cumulative[node][m][t];
        return Number.isNaN(v) ? "" : String(v);
      });
      text += `${time.toFixed(6)},${usec},${run.nodeId},${s.component},${job},0,${values.join(",")}\n`;
    });
    return text;
  }

  /** Seconds written so far (by the samplers without lag). */
  get position(): number {
    return this.written;
  }

  /**
   * Appends the next second: every sampler writes its lines for that second (a lagging
   * sampler those of `lag` seconds earlier). Returns false when everything is written.
   */
  step(): boolean {
    const lag = this.options.lag;
    const t = this.written;
    const total = this.seconds + (lag?.seconds ?? 0);
    if (t >= total) return false;
    this.samplers.forEach((s, k) => {
      const second = lag !== undefined && lag.sampler === s.sampler ? t - lag.seconds : t;
      let text = s.held;
      s.held = "";
      if (second >= 0 && second < this.seconds) {
        const lines = this.lines(second, k);
        if (this.options.splitLines && second < this.seconds - 1) {
          // Only a file's last line can be half written: the last node's line is cut in two.
          const last = lines.lastIndexOf("\n", lines.length - 2) + 1;
          const cut = last + Math.floor((lines.length - last) / 2);
          text += lines.slice(0, cut);
          s.held = lines.slice(cut);
        } else text += lines;
      }
      if (text !== "") fs.appendFileSync(s.file, text);
    });
    this.written++;
    return true;
  }

  /** Writes everything at once. */
  writeAll(): void {
    this.start();
    while (this.step());
  }

  /** Appends one second every `intervalMs`; `onStep` sees the wall time of each append. */
  async play(intervalMs: number, onStep?: (second: number, at: number) => void): Promise<void> {
    this.start();
    for (;;) {
      const second = this.written;
      if (!this.step()) return;
      onStep?.(second, performance.now());
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
