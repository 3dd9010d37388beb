"""Reference feature extraction with pandas (1.5 semantics), the yardstick for
lib/features: golden fixtures, benchmarks and the scikit-learn reference pipeline use it.

Never a runtime dependency of e2ewatch; run with Debian's python3 (/usr/bin/python3)
and python3-pandas.

Per node-run: drop `trim` samples at both ends (1 Hz, so samples = seconds), compute
pandas rolling statistics over `window` samples, keep every `stride`-th complete
window (the first ends at sample `window - 1`), name columns `<stat>_<metric>`.
Undefined skew and kurtosis (constant or too-short windows) become 0 and -3.

Telemetry files are read with `float_precision="round_trip"`: pandas' default decimal
parser is not correctly rounded (on numbers with 16-17 significant digits it is often
off by one to thousands of units in the last place), which would make this reference
see slightly different inputs than the file holds. Whole numbers, the usual telemetry,
parse identically either way and at the same speed.
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
    df = pd.read_csv(path, dtype={"job_id": str, "node_id": str}, float_precision="round_trip")
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


def compare(ours_csv, reference):
    """Worst relative error of a features CSV written by `e2ewatch features --job-id`
    against `reference` (a dataset_features() frame): |a - b| / max(|a|, |b|), 0 where
    both are equal or both missing, inf where only one is missing. Rows must match in
    order and ids."""
    ours = pd.read_csv(ours_csv, dtype={"job_id": str, "node_id": str}, float_precision="round_trip")
    if list(ours.columns) != list(reference.columns):
        raise SystemExit(f"columns differ: {len(ours.columns)} vs {len(reference.columns)}")
    if len(ours) != len(reference):
        raise SystemExit(f"rows differ: {len(ours)} vs {len(reference)}")
    ids = ["job_id", "node_id"]
    if not (ours[ids].values == reference[ids].values).all():
        raise SystemExit("job_id/node_id differ")
    a = ours.drop(columns=ids).to_numpy(dtype="float64")
    b = reference.drop(columns=ids).to_numpy(dtype="float64")
    both_nan = np.isnan(a) & np.isnan(b)
    one_nan = np.isnan(a) ^ np.isnan(b)
    with np.errstate(invalid="ignore", divide="ignore"):
        err = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    err[(a == b) | both_nan] = 0.0
    err[one_nan] = np.inf
    worst = np.unravel_index(np.argmax(err), err.shape) if err.size else (0, 0)
    cols = list(reference.columns[2:])
    return {"rows": int(len(ours)), "values": int(a.size), "identical": int(((a == b) | both_nan).sum()),
            "worst_relative_error": float(err.max()) if err.size else 0.0,
            "worst_at": {"row": int(worst[0]), "column": cols[worst[1]]} if err.size else None}


def main(argv):
    import argparse
    import json
    import time
    parser = argparse.ArgumentParser(description="pandas reference features")
    parser.add_argument("source", help="a telemetry CSV, or a data set folder with --dataset")
    parser.add_argument("out", nargs="?", help="features CSV to write")
    parser.add_argument("--dataset", action="store_true", help="source is a data set folder (metadata.csv + telemetry/)")
    parser.add_argument("--window", type=int, default=60)
    parser.add_argument("--stride", type=int, default=15)
    parser.add_argument("--trim", type=int, default=60)
    parser.add_argument("--time", action="store_true", help="print JSON timings of reading + rolling")
    parser.add_argument("--compare", metavar="OURS_CSV", help="print JSON worst relative error of an 'e2ewatch features --job-id' CSV")
    args = parser.parse_args(argv)
    wall, cpu = time.perf_counter(), time.process_time()
    if args.dataset:
        result, _ = dataset_features(args.source, args.window, args.stride, args.trim)
    else:
        result = file_features(args.source, args.window, args.stride, args.trim)
    report = {}
    if args.time:
        report["seconds"] = time.perf_counter() - wall
        report["cpu_seconds"] = time.process_time() - cpu
        report["rows"] = int(len(result))
    if args.out:
        result.to_csv(args.out, index=False)
    if args.compare:
        report["compare"] = compare(args.compare, result)
    if report:
        print(json.dumps(report))


if __name__ == "__main__":
    main(sys.argv[1:])
