/**
 * Diagnoses as CSV rows: `node_id,timestamp,label,confidence`, then `filtered` when a
 * filter is set, then `job_id` (synthetic and LDMS node ids repeat across jobs; the
 * first four columns stay fixed for readers that only want those). `timestamp` is the
 * window's last sample (epoch seconds), `confidence` the model's probability of `label`
 * rounded to 6 decimals.
 */

/** One diagnosis of one window. */
export interface Diagnosis {
  jobId: string;
  nodeId: string;
  timestamp: number;
  label: string;
  confidence: number;
  filtered?: string;
}

export function diagnosisHeader(withFilter: boolean): string {
  return `node_id,timestamp,label,confidence${withFilter ? ",filtered" : ""},job_id\n`;
}

/** A CSV cell: quoted when it holds a comma, a quote or a line break. */
function cell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function formatConfidence(p: number): string {
  return String(Math.round(p * 1e6) / 1e6);
}

export function diagnosisLine(d: Diagnosis, withFilter: boolean): string {
  const filtered = withFilter ? `,${cell(d.filtered ?? "")}` : "";
  return `${cell(d.nodeId)},${d.timestamp},${cell(d.label)},${formatConfidence(d.confidence)}${filtered},${cell(d.jobId)}\n`;
}
