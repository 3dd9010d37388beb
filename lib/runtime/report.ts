/**
 * What diagnoses are worth on labelled telemetry (a data set with metadata.csv):
 *
 * - Window accuracy against the source's labels, two ways: per-window labels (a window
 *   is anomalous when at least half of it lies in the anomaly interval, the rule
 *   training uses) and whole-run labels (every window carries its node-run's label).
 *   They differ only where runs have anomaly intervals.
 * - Detection on interval-labelled runs (anomaly_start/anomaly_end): per node-run, the
 *   latency from the anomaly's start (the run's first sample + anomaly_start) to the
 *   end of the first window at or after it whose label (filtered, when a filter is set)
 *   is anomalous, while that window still holds anomalous samples; no such window is a
 *   miss. Latency counts from the start to the moment the window's data is complete,
 *   so it includes the window length a detection needs.
 * - False alarms: onsets of an alarm (an anomalous label after a healthy one, or on a
 *   node-run's first window) on windows whose true label is healthy, per node-hour of
 *   healthy windows (each window stands for `stride` seconds).
 */
import type { NodeRunDiagnosis } from "./batch";

export interface AccuracyReport {
  /** Windows whose node-run is labelled (anomaly not ""). */
  windows: number;
  /** Per-window labels (training's rule). */
  windowAccuracy: number;
  /** The same with every window labelled by its node-run. */
  runLabelAccuracy: number;
  /** Per-window labels against the filtered labels (null without a filter). */
  filteredWindowAccuracy: number | null;
}

export interface NodeDetection {
  jobId: string;
  nodeId: string;
  anomaly: string;
  intensity: string;
  /** Epoch seconds of the anomaly's start and end (end null: until the run ends). */
  anomalyStart: number;
  anomalyEnd: number | null;
  /** End of the first window that detected it, its label, and the delay; null when missed. */
  detectedAt: number | null;
  detectedAs: string | null;
  latencySeconds: number | null;
}

export interface DetectionReport {
  /** Which labels were used: the filter's name, or "raw". */
  labels: string;
  intervalRuns: number;
  detected: number;
  /** Detected with the right anomaly type. */
  detectedCorrectType: number;
  medianLatencySeconds: number | null;
  meanLatencySeconds: number | null;
  maxLatencySeconds: number | null;
  falseAlarms: number;
  healthyNodeHours: number;
  falseAlarmsPerNodeHour: number | null;
  nodes: NodeDetection[];
}

/** The label of each window by the training rule, or undefined for unlabelled runs. */
function windowTruth(run: NodeRunDiagnosis, k: number): string {
  return run.anomalous[k] === 1 ? run.label.anomaly : "none";
}

function labelled(run: NodeRunDiagnosis): boolean {
  return run.label.anomaly !== "";
}

/** Accuracy against the source's labels; null when no run is labelled. */
export function accuracyReport(runs: readonly NodeRunDiagnosis[], labels: readonly string[]): AccuracyReport | null {
  let windows = 0;
  let right = 0;
  let runRight = 0;
  let filteredRight = 0;
  let hasFilter = false;
  for (const run of runs) {
    if (!labelled(run)) continue;
    for (let k = 0; k < run.predicted.length; k++) {
      windows++;
      const truth = windowTruth(run, k);
      if (labels[run.predicted[k]] === truth) right++;
      if (labels[run.predicted[k]] === run.label.anomaly) runRight++;
      if (run.filtered !== undefined) {
        hasFilter = true;
        if (labels[run.filtered[k]] === truth) filteredRight++;
      }
    }
  }
  if (windows === 0) return null;
  return { windows, windowAccuracy: right / windows, runLabelAccuracy: runRight / windows, filteredWindowAccuracy: hasFilter ? filteredRight / windows : null };
}

function median(sorted: number[]): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  return n % 2 === 1 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

/**
 * Detection latency and false alarms (module comment); null when no run is labelled.
 * `window` and `stride` are the bundle's.
 */
export function detectionReport(runs: readonly NodeRunDiagnosis[], labels: readonly string[], config: { window: number; stride: number }, filterName?: string): DetectionReport | null {
  if (!runs.some(labelled)) return null;
  const nodes: NodeDetection[] = [];
  let falseAlarms = 0;
  let healthyWindows = 0;
  for (const run of runs) {
    if (!labelled(run)) continue;
    const seq = run.filtered ?? run.predicted;
    for (let k = 0; k < seq.length; k++) {
      if (run.anomalous[k] === 1) continue;
      healthyWindows++;
      if (seq[k] !== 0 && (k === 0 || seq[k - 1] === 0)) falseAlarms++;
    }
    const { anomaly, anomalyStart, anomalyEnd } = run.label;
    if (anomaly === "none" || (anomalyStart === null && anomalyEnd === null)) continue;
    const start = run.firstTimestamp + (anomalyStart ?? 0);
    const end = anomalyEnd === null ? null : run.firstTimestamp + anomalyEnd;
    let found = -1;
    for (let k = 0; k < seq.length && found < 0; k++) {
      const t = run.windowEnd[k];
      // The window must end at or after the start and still hold samples before the end.
      if (t < start || (end !== null && t - config.window + 1 >= end)) continue;
      if (seq[k] !== 0) found = k;
    }
    nodes.push({
      jobId: run.jobId,
      nodeId: run.nodeId,
      anomaly,
      intensity: run.label.intensity,
      anomalyStart: start,
      anomalyEnd: end,
      detectedAt: found < 0 ? null : run.windowEnd[found],
      detectedAs: found < 0 ? null : labels[seq[found]],
      latencySeconds: found < 0 ? null : run.windowEnd[found] - start,
    });
  }
  const latencies = nodes.filter((n) => n.latencySeconds !== null).map((n) => n.latencySeconds!).sort((a, b) => a - b);
  const healthyNodeHours = (healthyWindows * config.stride) / 3600;
  return {
    labels: filterName ?? "raw",
    intervalRuns: nodes.length,
    detected: latencies.length,
    detectedCorrectType: nodes.filter((n) => n.detectedAs !== null && n.detectedAs === n.anomaly).length,
    medianLatencySeconds: median(latencies),
    meanLatencySeconds: latencies.length === 0 ? null : latencies.reduce((s, x) => s + x, 0) / latencies.length,
    maxLatencySeconds: latencies.length === 0 ? null : latencies[latencies.length - 1],
    falseAlarms,
    healthyNodeHours,
    falseAlarmsPerNodeHour: healthyNodeHours > 0 ? falseAlarms / healthyNodeHours : null,
    nodes,
  };
}
