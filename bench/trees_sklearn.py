"""scikit-learn side of bench/trees.ts: fits one model on the matrices that script wrote.

usage: /usr/bin/python3 bench/trees_sklearn.py DIR MODEL PARAMS_JSON PRED_OUT

DIR holds meta.json ({"nTrain", "nTest", "nFeatures"}), X_train.f32 and X_test.f32
(float32, column-major: feature after feature) and y_train.u8. MODEL is "rf"
(RandomForestClassifier) or "hgb" (HistGradientBoostingClassifier); PARAMS_JSON their
keyword arguments. Writes the test predictions (int32) to PRED_OUT and prints one JSON
line with the fit and predict times in seconds.
"""
import json
import os
import sys
import time

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier


def read_matrix(path, n_rows, n_features):
    # Column-major on disk, so the transposed view is Fortran-ordered and nothing is copied.
    return np.fromfile(path, dtype=np.float32).reshape(n_features, n_rows).T


def main():
    folder, model, params, pred_out = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
    with open(os.path.join(folder, "meta.json")) as f:
        meta = json.load(f)
    x_train = read_matrix(os.path.join(folder, "X_train.f32"), meta["nTrain"], meta["nFeatures"])
    x_test = read_matrix(os.path.join(folder, "X_test.f32"), meta["nTest"], meta["nFeatures"])
    y_train = np.fromfile(os.path.join(folder, "y_train.u8"), dtype=np.uint8)
    estimator = {"rf": RandomForestClassifier, "hgb": HistGradientBoostingClassifier}[model](**params)
    start = time.perf_counter()
    estimator.fit(x_train, y_train)
    fit_seconds = time.perf_counter() - start
    start = time.perf_counter()
    predicted = estimator.predict(x_test)
    predict_seconds = time.perf_counter() - start
    predicted.astype(np.int32).tofile(pred_out)
    print(json.dumps({"fitSeconds": fit_seconds, "predictSeconds": predict_seconds, "nIter": int(getattr(estimator, "n_iter_", 0))}))


if __name__ == "__main__":
    main()
