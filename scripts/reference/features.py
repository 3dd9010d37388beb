"""Reference feature extraction with pandas (1.5 semantics), the yardstick for
lib/features: golden fixtures, benchmarks and the scikit-learn reference pipeline use it.

Never a runtime dependency of e2ewatch; run with Debian's python3 (/usr/bin/python3)
and python3-pandas.

Per node-run: drop `trim` samples at both ends (1 Hz, so samples = seconds), compute
pandas rolling statistics over `window` samples, keep every `stride`-th complete
window (the first ends at sample `window - 1`), name columns `<stat>_<metric>`.
Undefined skew and kurtosis (constant or too-short windows) become 0 and -3.
"""
import sys
import os
import pandas as pd
import numpy as np

STATS = ["max", "min", "mean", "std", "skew", "kurt", "perc05", "perc25", "perc50", "perc75", "perc95"]
QUANTILES = {"perc05": 0.05, "perc25": 0.25, "perc50": 0.50, "perc75": 0.75, "perc95": 0.95}
ID_COLUMNS = ["job_id", "node_id", "timestamp"]


def node_features(frame, window=60, stride=15, trim=60):
    """Features of one node-run. `frame`: rows in time order, metric columns only,
    plus a `timestamp` column. Returns a DataFrame with `timestamp` (the window's last
    sample) and `<stat>_<metric>` columns, or None when no window fits."""
    n = len(frame)
    x = frame.iloc[trim:n - trim] if trim > 0 else frame
    if len(x) < window:
        return None
    metrics = [c for c in x.columns if c != "timestamp"]
    values = x[metrics].astype("float64")
    roll = values.rolling(window)
    computed = {
        "max": roll.max(), "min": roll.min(), "mean": roll.mean(), "std": roll.std(),
        "skew": roll.skew().fillna(0.0), "kurt": roll.kurt().fillna(-3.0),
    }
    for name, q in QUANTILES.items():
        computed[name] = roll.quantile(q, interpolation="linear")
    keep = np.arange(window - 1, len(x), stride)
    out = {"timestamp": x["timestamp"].to_numpy()[keep]}
    for stat in STATS:
        block = computed[stat].to_numpy()[keep]
        for j, m in enumerate(metrics):
            out[f"{stat}_{m}"] = block[:, j]
    return pd.DataFrame(out)


def file_features(path, window=60, stride=15, trim=60):
    """Features of every node in one contract telemetry file, with a `node_id` column first."""
    df = pd.read_csv(path, dtype={"job_id": str, "node_id": str})
    parts = []
    for node_id, frame in df.groupby("node_id", sort=False):
        frame = frame.sort_values("timestamp", kind="stable").drop(columns=["job_id", "node_id"])
        feats = node_features(frame.reset_index(drop=True), window, stride, trim)
        if feats is not None:
            feats.insert(0, "node_id", node_id)
            parts.append(feats)
    return pd.concat(parts, ignore_index=True) if parts else None


def dataset_features(dataset, window=60, stride=15, trim=60):
    """Features of a whole data set, rows in metadata order, with job_id and node_id."""
    meta = pd.read_csv(os.path.join(dataset, "metadata.csv"), dtype={"job_id": str, "node_id": str})
    parts = []
    for job_id in meta["job_id"].drop_duplicates():
        feats = file_features(os.path.join(dataset, "telemetry", f"{job_id}.csv"), window, stride, trim)
        if feats is not None:
            feats.insert(0, "job_id", job_id)
            parts.append(feats)
    return pd.concat(parts, ignore_index=True), meta


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: features.py <telemetry.csv> <out.csv>")
    result = file_features(sys.argv[1])
    result.to_csv(sys.argv[2], index=False)
