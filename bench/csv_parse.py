"""Reference side of bench/csv-parse.ts: times pandas.read_csv on the same file.

Usage: /usr/bin/python3 bench/csv_parse.py <file.csv> [repeats]
Prints one JSON line: {"seconds": best wall time, "rows": n, "columns": m, "pandas": version}.
"""
import json
import sys
import time

import pandas as pd


def main() -> None:
    path = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    best = float("inf")
    shape = (0, 0)
    for _ in range(repeats):
        start = time.perf_counter()
        frame = pd.read_csv(path)
        best = min(best, time.perf_counter() - start)
        shape = frame.shape
        del frame
    print(json.dumps({"seconds": best, "rows": shape[0], "columns": shape[1], "pandas": pd.__version__}))


if __name__ == "__main__":
    main()
