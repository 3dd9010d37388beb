"""Calibration measurements on the real SW4lite runs (../shared/data/ldms-sw4lite):
healthy vs each HPAS anomaly. Prints a JSON document (and, with --markdown, the tables
quoted in lib/synth/README.md). The synthetic generator's magnitudes come from these
numbers; this script is how they were measured.

    /usr/bin/python3 scripts/calibration/measure_sw4lite.py [DATA_DIR] [--markdown]

Method (per run):
- samplers joined on the rounded second; counters differenced (see ldms_runs.py);
- the application's span: from the first second to the last second in which user time
  exceeds half of the node's CPU capacity (SW4lite keeps all 20 hardware threads busy);
- segments: `before` (application running, before the first anomaly starts), `during`
  (inside an anomaly interval, 5 s away from its edges), `after` (application running,
  after the anomalies ended), `tail` (after the application ended);
- rates are per second of wall time (counter increase / sampling interval).
"""
import json
import os
import sys
import numpy as np
import pandas as pd

sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ldms_runs import load_run, parse_label, CPU_STATES  # noqa: E402

RUNS = [
    ("healthy", "SW4lite"),
    ("cpuoccupy", "SW4lite_CO/ST69_ET410_u95"),
    ("memleak", "SW4lite_ML/ST59_ET439_s10M"),
    ("cachecopy", "SW4lite_CC/ST112_ET419_cL2_m0.8"),
    ("cachecopy+memleak", "SW4lite_CC_ML/overlaps/ST50_ET336_cL2_m0.8_ST129_ET435_s10M"),
]
EDGE = 5  # seconds dropped at each edge of an anomaly interval
PAGE_KB = 4


def col(frame, metric, sampler):
    return frame[f"{metric}::{sampler}"]


def rate(frame, metric, sampler):
    """Counter increase per second of wall time."""
    return col(frame, metric, sampler) / frame["dt::procstat"]


def app_span(frame, capacity):
    user = col(frame, "user", "procstat").fillna(0).to_numpy()
    busy = np.nonzero(user > 0.5 * capacity)[0]
    return int(frame.index[busy[0]]), int(frame.index[busy[-1]])


def slope(series):
    """Least-squares slope per second of a level (NaN-tolerant)."""
    s = series.dropna()
    if len(s) < 3:
        return float("nan")
    return float(np.polyfit(s.index.to_numpy(dtype=float), s.to_numpy(dtype=float), 1)[0])


def dominant_period(x, lo=2, hi=20):
    """Lag (s) of the highest autocorrelation between lo and hi seconds."""
    x = np.asarray(x, dtype=float)
    x = x[~np.isnan(x)]
    if len(x) < 3 * hi:
        return float("nan"), float("nan")
    x = x - x.mean()
    denom = float(np.dot(x, x))
    acf = [float(np.dot(x[:-k], x[k:]) / denom) for k in range(lo, hi + 1)]
    k = int(np.argmax(acf))
    return float(lo + k), acf[k]


def segment_stats(frame, capacity):
    cpu = {s: rate(frame, s, "procstat") for s in CPU_STATES}
    total = sum(cpu[s].fillna(0) for s in CPU_STATES)
    idle = cpu["idle"]
    period, acf = dominant_period(idle.to_numpy())
    mem_free = col(frame, "MemFree", "meminfo")
    steady_diff = mem_free.diff()
    out = {
        "seconds": int(len(frame)),
        "jiffies_per_second_mean": float(total.mean()),
        "jiffies_per_second_std": float(total.std()),
        "user_share": float((cpu["user"] / capacity).mean()),
        "sys_jiffies_per_s": float(cpu["sys"].mean()),
        "idle_share": float((idle / capacity).mean()),
        "idle_share_std": float((idle / capacity).std()),
        "idle_period_s": period,
        "idle_period_acf": acf,
        "procs_running_mean": float(col(frame, "procs_running", "procstat").mean()),
        "procs_running_median": float(col(frame, "procs_running", "procstat").median()),
        "ctxt_per_s_mean": float(rate(frame, "context_switches", "procstat").mean()),
        "ctxt_per_s_std": float(rate(frame, "context_switches", "procstat").std()),
        "intr_per_s_mean": float(rate(frame, "hwintr_count", "procstat").mean()),
        "softirq_per_s_mean": float(rate(frame, "softirq_count", "procstat").mean()),
        "softirq_per_s_std": float(rate(frame, "softirq_count", "procstat").std()),
        "forks_per_s": float(rate(frame, "processes", "procstat").mean()),
        "pgfault_per_s": float(rate(frame, "pgfault", "vmstat").mean()),
        "pgalloc_normal_per_s": float(rate(frame, "pgalloc_normal", "vmstat").mean()),
        "pgfree_per_s": float(rate(frame, "pgfree", "vmstat").mean()),
        "memfree_slope_kb_s": slope(mem_free),
        "anonpages_slope_kb_s": slope(col(frame, "AnonPages", "meminfo")),
        "pagetables_slope_kb_s": slope(col(frame, "PageTables", "meminfo")),
        "committed_as_slope_kb_s": slope(col(frame, "Committed_AS", "meminfo")),
        "cached_slope_kb_s": slope(col(frame, "Cached", "meminfo")),
        "memfree_diff_std_kb": float(steady_diff.std()),
        "memfree_diff_mad_kb": float((steady_diff - steady_diff.median()).abs().median()),
    }
    return out


def interrupt_model(frame):
    """hwintr/s ~ a * non-idle jiffies/s + b * ctxt/s + c, least squares over the run."""
    busy = sum(rate(frame, s, "procstat") for s in CPU_STATES if s not in ("idle", "iowait"))
    y = rate(frame, "hwintr_count", "procstat")
    ctxt = rate(frame, "context_switches", "procstat")
    ok = ~(busy.isna() | y.isna() | ctxt.isna())
    X = np.column_stack([busy[ok], ctxt[ok], np.ones(int(ok.sum()))])
    coef, *_ = np.linalg.lstsq(X, y[ok].to_numpy(), rcond=None)
    resid = y[ok].to_numpy() - X @ coef
    return {"per_busy_jiffy": float(coef[0]), "per_context_switch": float(coef[1]), "constant": float(coef[2]), "residual_std": float(resid.std())}


def identities(frame):
    """How exactly the kernel's memory identities hold in real /proc/meminfo samples (kB)."""
    g = lambda m: col(frame, m, "meminfo")  # noqa: E731
    used = g("AnonPages") + g("Cached") + g("Buffers") + g("Slab") + g("KernelStack") + g("PageTables")
    unaccounted = g("MemTotal") - g("MemFree") - used
    anon_lru = g("Active(anon)") + g("Inactive(anon)") - (g("AnonPages") + g("Shmem"))
    file_lru = g("Active(file)") + g("Inactive(file)") - (g("Cached") + g("Buffers") - g("Shmem"))
    return {
        "memtotal_minus_free_minus_used_kb": {"mean": float(unaccounted.mean()), "std": float(unaccounted.std())},
        "anon_lru_minus_anon_plus_shmem_kb": {"mean": float(anon_lru.mean()), "max_abs": float(anon_lru.abs().max())},
        "file_lru_minus_cached_plus_buffers_minus_shmem_kb": {"mean": float(file_lru.mean()), "max_abs": float(file_lru.abs().max())},
        "active_minus_parts_kb_max_abs": float((g("Active") - g("Active(anon)") - g("Active(file)")).abs().max()),
        "slab_minus_parts_kb_max_abs": float((g("Slab") - g("SReclaimable") - g("SUnreclaim")).abs().max()),
        "inactive_anon_kb_max": float(g("Inactive(anon)").max()),
    }


def sampling(frame, capacity):
    dt = frame["dt::procstat"].dropna()
    total = sum(col(frame, s, "procstat") for s in CPU_STATES).dropna()
    per_dt = (total / frame["dt::procstat"]).dropna()
    return {
        "interval_mean_s": float(dt.mean()),
        "interval_std_ms": float(dt.std() * 1000),
        "jiffies_per_interval_over_capacity": float(per_dt.mean() / capacity),
        "jiffies_per_interval_std_after_dt": float((total - capacity * frame["dt::procstat"]).dropna().std()),
    }


def startup(frame, start):
    """Footprint allocated by the application at start: AnonPages rise over its first 30 s."""
    anon = col(frame, "AnonPages", "meminfo").dropna()
    before = anon[anon.index <= start]
    base = float(before.iloc[0]) if len(before) else float(anon.iloc[0])
    window = anon[(anon.index >= start) & (anon.index <= start + 30)]
    rise = float(window.max() - base)
    reached = window[window - base >= 0.95 * rise]
    return {"anon_rise_kb": rise, "seconds_to_95pct": float(reached.index[0] - start) if len(reached) else float("nan")}


def memleak_steps(frame, lo, hi):
    """pgfault per second in a leak interval, in units of one 10 MiB allocation (2560 pages)."""
    f = rate(frame, "pgfault", "vmstat")
    f = f[(f.index >= lo) & (f.index <= hi)].dropna()
    allocs = np.round(f / 2560.0)
    return {
        "allocations_per_s_mean": float(allocs.mean()),
        "allocations_per_s_counts": {str(int(k)): int(v) for k, v in allocs.value_counts().sort_index().items()},
        "faults_beyond_allocations_per_s": float((f - allocs * 2560).mean()),
    }


def measure(data_dir):
    report = {"runs": {}, "problems": []}
    for name, rel in RUNS:
        run_dir = os.path.join(data_dir, rel)
        frame, problems = load_run(run_dir)
        report["problems"] += problems
        capacity = float(frame["cores_up::procstat"].dropna().iloc[0]) * 100.0
        start, end = app_span(frame, capacity)
        label = parse_label(rel)
        idx = frame.index
        app = (idx >= start + EDGE) & (idx <= end - EDGE)
        run = {"capacity_jiffies_per_s": capacity, "app_start_s": start, "app_end_s": end, "app_seconds": end - start + 1, "anomalies": label}
        segments = {}
        if label:
            first = min(a["start"] for a in label)
            last = max(a["end"] for a in label)
            segments["before"] = app & (idx < first)
            inside = np.zeros(len(idx), dtype=bool)
            for a in label:
                inside |= (idx >= a["start"] + EDGE) & (idx <= a["end"] - EDGE)
            segments["during"] = app & inside
            segments["after"] = app & (idx > last + EDGE)
        else:
            segments["app"] = app
        segments["tail"] = idx > end + EDGE
        run["segments"] = {k: segment_stats(frame[m], capacity) for k, m in segments.items() if m.sum() >= 10}
        run["interrupts"] = interrupt_model(frame[app])
        run["identities"] = identities(frame)
        run["sampling"] = sampling(frame, capacity)
        run["startup"] = startup(frame, start)
        for a in label:
            if a["anomaly"] == "memleak":
                run["memleak"] = memleak_steps(frame, a["start"] + EDGE, min(a["end"], end) - EDGE)
        report["runs"][name] = run
    healthy = report["runs"]["healthy"]["app_seconds"]
    report["slowdown_vs_healthy"] = {k: v["app_seconds"] / healthy - 1 for k, v in report["runs"].items()}
    return report


def markdown(report):
    rows = []
    keys = ["user_share", "idle_share", "sys_jiffies_per_s", "procs_running_mean", "ctxt_per_s_mean", "ctxt_per_s_std", "intr_per_s_mean",
            "softirq_per_s_mean", "pgfault_per_s", "memfree_slope_kb_s", "anonpages_slope_kb_s", "pagetables_slope_kb_s", "committed_as_slope_kb_s",
            "memfree_diff_mad_kb", "idle_period_s"]
    rows.append("| run | segment | s | " + " | ".join(keys) + " |")
    rows.append("|---|---|---|" + "---|" * len(keys))
    for name, run in report["runs"].items():
        for seg, st in run["segments"].items():
            rows.append(f"| {name} | {seg} | {st['seconds']} | " + " | ".join(f"{st[k]:.4g}" for k in keys) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    here = os.path.dirname(os.path.abspath(__file__))
    data_dir = args[0] if args else os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "data", "ldms-sw4lite"))
    rep = measure(data_dir)
    if "--markdown" in sys.argv:
        print(markdown(rep))
    else:
        print(json.dumps(rep, indent=1))
