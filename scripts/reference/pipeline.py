"""scikit-learn reference pipeline for a contract data set: the E2EWatch diagnosis with the
paper's settings, as a yardstick for the TypeScript experiments and for the synthetic
generator's "learnable but not trivial" check (lib/synth/README.md).

    /usr/bin/python3 scripts/reference/pipeline.py DATASET [--seed N] [--folds 5] [--no-selection] [--group-jobs]

Never a runtime dependency of e2ewatch; Debian's python3 with pandas, scipy, scikit-learn.

Steps (DESIGN.md):
1. Features: scripts/reference/features.py (60 s windows every 15 s, 60 s trimmed at both
   ends, 11 statistics per metric). A window takes its node-run's label; where the data set
   gives an anomaly interval, a window whose middle second falls inside it takes the
   anomaly and any other window is healthy.
2. Splits: stratified k-fold over node-runs (StratifiedKFold on the node-runs' labels,
   shuffled with the seed): a node-run's windows are all on one side. `--group-jobs` keeps
   all nodes of a job on one side too (StratifiedGroupKFold; stricter than the paper).
3. Feature selection on the training windows only: for every (application, anomaly) pair,
   the two-sample Kolmogorov-Smirnov p-value of each feature between that application's
   healthy and anomalous windows; E2EWatch's false-discovery filter keeps a feature whose
   k-th smallest p-value is at most 0.01 * k / (m * H_k), H_k = 1 + 1/2 + ... + 1/k,
   comparing each sorted p-value with its own threshold (no step-up); the kept set is the
   union over pairs. `--no-selection` skips this step and keeps every feature.
4. Min-max scaling fitted on the training windows.
5. RandomForestClassifier(n_estimators=250, max_depth=10, random_state=seed, n_jobs=2).
6. Output (JSON on stdout): per fold and pooled over folds, per-class precision, recall,
   F1 and support, macro-F1; the mean of the folds' macro-F1; feature counts; timings.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from scipy.stats import ks_2samp
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import classification_report, confusion_matrix, f1_score
from sklearn.model_selection import StratifiedGroupKFold, StratifiedKFold
from sklearn.preprocessing import MinMaxScaler

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from features import dataset_features  # noqa: E402

HEALTHY = "none"
ID_COLUMNS = ["job_id", "node_id", "timestamp"]


def window_labels(feats, meta, window, trim):
    """Label of every window (see the module docstring), and the node-run key of each."""
    meta = meta.copy()
    meta["run"] = meta["job_id"] + "/" + meta["node_id"]
    feats_run = feats["job_id"] + "/" + feats["node_id"]
    info = meta.set_index("run")
    labels = info.loc[feats_run, "anomaly"].to_numpy().astype(object)
    apps = info.loc[feats_run, "app"].to_numpy().astype(object)
    start = info.loc[feats_run, "anomaly_start"].to_numpy(dtype=float)
    end = info.loc[feats_run, "anomaly_end"].to_numpy(dtype=float)
    has_interval = ~np.isnan(start) | ~np.isnan(end)
    if has_interval.any():
        # The first window ends at sample trim + window - 1 of the run; samples are 1 s apart.
        first_end = feats.groupby(feats_run)["timestamp"].transform("min").to_numpy()
        run_start = first_end - (trim + window - 1)
        middle = feats["timestamp"].to_numpy() - (window - 1) / 2 - run_start
        lo = np.where(np.isnan(start), -np.inf, start)
        hi = np.where(np.isnan(end), np.inf, end)
        inside = (middle >= lo) & (middle < hi)
        labels = np.where(has_interval & ~inside, HEALTHY, labels)
    return feats_run.to_numpy(), labels, apps


def fdr_keep(p_values, alpha=0.01):
    """E2EWatch's filter: sorted p-values each against alpha * k / (m * H_k); no step-up."""
    m = len(p_values)
    order = np.argsort(p_values, kind="stable")
    k = np.arange(1, m + 1)
    harmonic = np.cumsum(1.0 / k)
    thresholds = alpha * k / m / harmonic
    keep = np.zeros(m, dtype=bool)
    keep[order] = p_values[order] <= thresholds
    return keep


def select_features(X, labels, apps, alpha=0.01):
    """Union over (application, anomaly) pairs of the features the KS/FDR filter keeps."""
    m = X.shape[1]
    keep = np.zeros(m, dtype=bool)
    pairs = 0
    for app in np.unique(apps):
        healthy = X[(apps == app) & (labels == HEALTHY)]
        if len(healthy) == 0:
            continue
        for anomaly in np.unique(labels[apps == app]):
            if anomaly == HEALTHY:
                continue
            anomalous = X[(apps == app) & (labels == anomaly)]
            p = np.array([ks_2samp(healthy[:, j], anomalous[:, j])[1] for j in range(m)])
            keep |= fdr_keep(p, alpha)
            pairs += 1
    return keep, pairs


def report(y_true, y_pred, classes):
    rep = classification_report(y_true, y_pred, labels=classes, output_dict=True, zero_division=0)
    per_class = {c: {k: rep[c][k] for k in ("precision", "recall", "f1-score", "support")} for c in classes}
    return {
        "macroF1": f1_score(y_true, y_pred, labels=classes, average="macro", zero_division=0),
        "perClass": per_class,
        "confusion": {"labels": classes, "matrix": confusion_matrix(y_true, y_pred, labels=classes).tolist()},
    }


def run(dataset, seed, folds, window, stride, trim, selection=True, group_jobs=False):
    t0 = time.time()
    feats, meta = dataset_features(dataset, window, stride, trim)
    meta["job_id"] = meta["job_id"].astype(str)
    meta["node_id"] = meta["node_id"].astype(str)
    t_features = time.time() - t0
    runs, labels, apps = window_labels(feats, meta, window, trim)
    feature_names = [c for c in feats.columns if c not in ID_COLUMNS]
    X = feats[feature_names].to_numpy(dtype=np.float64)
    classes = sorted(np.unique(labels), key=lambda c: (c != HEALTHY, c))

    run_keys = (meta["job_id"] + "/" + meta["node_id"]).to_numpy()
    run_labels = meta["anomaly"].to_numpy()
    present = np.isin(run_keys, runs)
    run_keys, run_labels = run_keys[present], run_labels[present]
    if group_jobs:
        splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
        run_jobs = np.array([k.split("/")[0] for k in run_keys])
        splits = splitter.split(run_keys, run_labels, groups=run_jobs)
    else:
        splits = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(run_keys, run_labels)

    fold_results = []
    all_true, all_pred, all_apps = [], [], []
    t_select = t_train = 0.0
    for f, (train_runs, test_runs) in enumerate(splits):
        train = np.isin(runs, run_keys[train_runs])
        test = np.isin(runs, run_keys[test_runs])
        t1 = time.time()
        if selection:
            keep, pairs = select_features(X[train], labels[train], apps[train])
        else:
            keep, pairs = np.ones(X.shape[1], dtype=bool), 0
        t_select += time.time() - t1
        if not keep.any():
            keep[:] = True
        scaler = MinMaxScaler().fit(X[train][:, keep])
        t1 = time.time()
        model = RandomForestClassifier(n_estimators=250, max_depth=10, random_state=seed, n_jobs=2)
        model.fit(scaler.transform(X[train][:, keep]), labels[train])
        pred = model.predict(scaler.transform(X[test][:, keep]))
        t_train += time.time() - t1
        result = report(labels[test], pred, classes)
        result.update({"fold": f, "trainWindows": int(train.sum()), "testWindows": int(test.sum()), "selectedFeatures": int(keep.sum()), "pairs": pairs})
        fold_results.append(result)
        all_true.append(labels[test])
        all_pred.append(pred)
        all_apps.append(apps[test])

    y_true, y_pred = np.concatenate(all_true), np.concatenate(all_pred)
    pooled = report(y_true, y_pred, classes)
    test_apps = np.concatenate(all_apps)
    pooled["perApp"] = {a: report(y_true[test_apps == a], y_pred[test_apps == a], classes)["perClass"] for a in np.unique(test_apps)}
    return {
        "dataset": os.path.abspath(dataset),
        "seed": seed,
        "folds": folds,
        "selection": selection,
        "groupJobs": group_jobs,
        "window": window,
        "stride": stride,
        "trim": trim,
        "nodeRuns": int(len(run_keys)),
        "windows": int(len(labels)),
        "features": len(feature_names),
        "classes": classes,
        "meanFoldMacroF1": float(np.mean([r["macroF1"] for r in fold_results])),
        "pooled": pooled,
        "perFold": fold_results,
        "timing": {"featuresSeconds": t_features, "selectionSeconds": t_select, "trainPredictSeconds": t_train},
    }


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dataset")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--window", type=int, default=60)
    ap.add_argument("--stride", type=int, default=15)
    ap.add_argument("--trim", type=int, default=60)
    ap.add_argument("--no-selection", action="store_true", help="keep every feature (no KS/FDR filter)")
    ap.add_argument("--group-jobs", action="store_true", help="keep all nodes of a job in one fold")
    a = ap.parse_args()
    print(json.dumps(run(a.dataset, a.seed, a.folds, a.window, a.stride, a.trim, not a.no_selection, a.group_jobs), indent=1))
