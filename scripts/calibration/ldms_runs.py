"""Loads the LDMS store_csv runs of ../shared/data/ldms-sw4lite into one frame per run:
one row per second, the three samplers joined, cumulative counters turned into
per-second differences. Shared by the calibration measurements (measure_sw4lite.py).

Run with Debian's python3 (/usr/bin/python3): pandas and numpy.

Faults handled (and counted, never silently): rows that do not parse or are cut short
(last line of a file), rows out of time order (sorted), duplicate seconds (first kept).
"""
import os
import re
import io
import numpy as np
import pandas as pd

SAMPLERS = {
    "meminfo": "data/memory_metrics/meminfo",
    "vmstat": "data/memory_metrics/vmstat",
    "procstat": "data/process_metrics/procstat",
}
ID_COLUMNS = ["#Time", "Time_usec", "ProducerName", "component_id", "job_id", "app_id"]

# Cumulative counters: everything in procstat except levels, and vmstat's event counters.
PROCSTAT_LEVELS = {"cores_up", "cpu_enabled", "procs_running", "procs_blocked"}
CPU_STATES = ["user", "nice", "sys", "idle", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"]


def is_vmstat_level(name):
    """vmstat's nr_* entries are levels (page counts); the rest count events."""
    return name.startswith("nr_")


def parse_label(folder):
    """Anomaly intervals and HPAS parameters from a run's folder name (see data/README)."""
    out = []
    for m in re.finditer(r"ST(\d+)_ET(\d+)_((?:c\w+_m[\d.]+)|(?:u\d+)|(?:s\w+))", folder):
        params = m.group(3)
        kind = {"c": "cachecopy", "u": "cpuoccupy", "s": "memleak"}[params[0]]
        out.append({"anomaly": kind, "start": int(m.group(1)), "end": int(m.group(2)), "params": params})
    return out


def read_sampler(path, problems):
    """One sampler file: drops lines with the wrong number of fields, sorts by time."""
    with open(path) as f:
        lines = f.read().split("\n")
    header = lines[0]
    width = header.count(",") + 1
    good = [header]
    for i, line in enumerate(lines[1:], start=2):
        if line == "":
            continue
        if line.count(",") + 1 != width:
            problems.append(f"{path}:{i}: {line.count(',') + 1} fields where the header has {width}; line dropped")
            continue
        good.append(line)
    frame = pd.read_csv(io.StringIO("\n".join(good)))
    frame = frame[[c for c in frame.columns if not c.startswith("per_core")]]
    t = frame["#Time"].to_numpy()
    late = int(np.sum(np.diff(t) < 0))
    if late:
        problems.append(f"{path}: {late} row(s) earlier than the row before; sorted by time")
    frame = frame.sort_values("#Time", kind="stable").reset_index(drop=True)
    frame["second"] = np.round(frame["#Time"]).astype(np.int64)
    dup = frame["second"].duplicated()
    if dup.any():
        problems.append(f"{path}: {int(dup.sum())} duplicate second(s); first kept")
        frame = frame[~dup].reset_index(drop=True)
    return frame


def load_run(run_dir):
    """Returns (frame, problems). Frame: index = seconds since the run's first sample;
    columns `<metric>::<sampler>`; counters differenced (value = increase since the
    previous second's sample), `dt::procstat` = seconds between the two procstat samples."""
    problems = []
    parts = {}
    for sampler, rel in SAMPLERS.items():
        f = read_sampler(os.path.join(run_dir, rel), problems)
        metrics = [c for c in f.columns if c not in ID_COLUMNS and c != "second"]
        counters = []
        for m in metrics:
            if sampler == "procstat":
                counter = m not in PROCSTAT_LEVELS
            elif sampler == "vmstat":
                counter = not is_vmstat_level(m)
            else:
                counter = False
            if counter:
                counters.append(m)
        data = f[metrics].astype("float64").copy()
        # A difference across a missing second covers two intervals; mark it missing instead.
        gap = f["second"].diff().to_numpy()
        for m in counters:
            d = data[m].diff().to_numpy()
            d[gap != 1] = np.nan
            data[m] = d
        if sampler == "procstat":
            dt = f["#Time"].diff().to_numpy()
            dt[gap != 1] = np.nan
            data["dt"] = dt
        data.columns = [f"{c}::{sampler}" for c in data.columns]
        data.index = f["second"].to_numpy()
        parts[sampler] = data
    start = min(p.index.min() for p in parts.values())
    joined = pd.concat(parts.values(), axis=1, join="outer").sort_index()
    joined.index = joined.index - start
    return joined, problems
