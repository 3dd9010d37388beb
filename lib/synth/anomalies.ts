/**
 * HPAS anomalies (Ates et al., ICPP 2019) as the generator models them: what the anomaly
 * process does on the node (CPU, kernel time, memory, cache and bandwidth pressure), from
 * the loop each HPAS program runs. How that slows the application is decided in
 * contention.ts; how it shows in /proc, in kernel.ts.
 *
 * Intensities are written as in the real runs' folder names (`u95`, `cL2_m0.8`, `s10M`):
 * `u<percent>` for cpuoccupy, `c<L1|L2|L3>_m<multiplier>` for cachecopy, `s<size>` for
 * membw, `s<size>[_p<seconds>]` for memleak; sizes take K, M, G (powers of 1024, as HPAS's
 * parse_size).
 */
import { FACTS, MEASURED, selectSyscallSeconds } from "./calibration";
import type { NodeSpec } from "./node";
import { InputError } from "../util/errors";

export const ANOMALY_TYPES = ["cpuoccupy", "cachecopy", "membw", "memleak"] as const;
export type AnomalyType = (typeof ANOMALY_TYPES)[number];
/** Label of a run without anomaly. */
export const HEALTHY = "none";

export type AnomalyParams =
  | { type: "cpuoccupy"; utilization: number }
  | { type: "cachecopy"; cache: "L1" | "L2" | "L3"; multiplier: number }
  | { type: "membw"; sizeBytes: number }
  | { type: "memleak"; sizeBytes: number; period: number };

/** One anomaly injected on one node: its parameters and when it runs. */
export interface AnomalySpec {
  params: AnomalyParams;
  /** Seconds from the node-run's first sample; null = from the application's launch. */
  start: number | null;
  /** Seconds from the first sample; null = until the job ends. */
  end: number | null;
}

const SIZE_UNITS: Record<string, number> = { "": 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

function parseSize(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text);
  if (!m) throw new InputError(`${what}: '${text}' is not a size like 4K, 10M or 1G`);
  return Math.round(Number(m[1]) * SIZE_UNITS[m[2].toUpperCase()]);
}

function formatSize(bytes: number): string {
  for (const unit of ["G", "M", "K"]) {
    const v = bytes / SIZE_UNITS[unit];
    if (v >= 1 && Number.isInteger(v)) return `${v}${unit}`;
  }
  return String(bytes);
}

/** Parameters from an intensity text (see the module comment); InputError names the bad text. */
export function parseIntensity(type: string, text: string): AnomalyParams {
  const bad = (why: string): never => {
    throw new InputError(`${type} intensity '${text}': ${why}`);
  };
  switch (type) {
    case "cpuoccupy": {
      const m = /^u(\d+(?:\.\d+)?)$/.exec(text);
      if (!m) return bad("expected u<percent>, e.g. u100");
      const utilization = Number(m[1]);
      if (!(utilization > 0 && utilization <= 100)) return bad("utilization must be in (0, 100]");
      return { type, utilization };
    }
    case "cachecopy": {
      const m = /^c(L[123])_m(\d+(?:\.\d+)?)$/.exec(text);
      if (!m) return bad("expected c<L1|L2|L3>_m<multiplier>, e.g. cL2_m0.8");
      const multiplier = Number(m[2]);
      if (!(multiplier > 0)) return bad("multiplier must be > 0");
      return { type, cache: m[1] as "L1" | "L2" | "L3", multiplier };
    }
    case "membw": {
      const m = /^s(\w+)$/.exec(text);
      if (!m) return bad("expected s<size>, e.g. s32K");
      return { type, sizeBytes: parseSize(m[1], `${type} size`) };
    }
    case "memleak": {
      const m = /^s([\d.]+[KMGkmg]?)(?:_p(\d+(?:\.\d+)?))?$/.exec(text);
      if (!m) return bad("expected s<size>[_p<seconds>], e.g. s10M_p0.2");
      const period = m[2] === undefined ? FACTS.memleakDefaultPeriod : Number(m[2]);
      if (!(period > 0)) return bad("period must be > 0");
      return { type, sizeBytes: parseSize(m[1], `${type} size`), period };
    }
    default:
      throw new InputError(`unknown anomaly '${type}' (known: ${ANOMALY_TYPES.join(", ")})`);
  }
}

/** The intensity text of parameters (inverse of parseIntensity). */
export function formatIntensity(p: AnomalyParams): string {
  switch (p.type) {
    case "cpuoccupy":
      return `u${p.utilization}`;
    case "cachecopy":
      return `c${p.cache}_m${p.multiplier}`;
    case "membw":
      return `s${formatSize(p.sizeBytes)}`;
    case "memleak":
      return `s${formatSize(p.sizeBytes)}_p${p.period}`;
  }
}

/** The HPAS command line that the parameters stand for, e.g. `hpas memleak -s 10M -p 0.2`. */
export function hpasCommand(p: AnomalyParams): string {
  switch (p.type) {
    case "cpuoccupy":
      return `hpas cpuoccupy -u ${p.utilization}`;
    case "cachecopy":
      return `hpas cachecopy -c ${p.cache} -m ${p.multiplier}`;
    case "membw":
      return `hpas membw -s ${formatSize(p.sizeBytes)}`;
    case "memleak":
      return `hpas memleak -s ${formatSize(p.sizeBytes)} -p ${p.period}`;
  }
}

/** What the anomaly's process does on a node while it runs. */
export interface AnomalyProcess {
  params: AnomalyParams;
  /** CPU it uses when it has a logical CPU of its own, in CPUs (0-1). */
  cpu: number;
  /** Share of its CPU time spent in the kernel. */
  sysShare: number;
  /** Probability that it is runnable at a sampling instant. */
  runnable: number;
  /** Voluntary context switches per second (sleeps and wake-ups). */
  contextSwitchesPerSecond: number;
  /** Anonymous memory it touches when it starts, kB. */
  residentKb: number;
  /**
   * Pages it reads without ever writing them (membw's source array): each read fault maps
   * the kernel's shared zero page, so they cost page faults and page tables, not memory.
   */
  zeroPages: number;
  /**
   * Private address space it maps beyond the memory it touches, kB: Committed_AS counts
   * a mapping whole when it is made, and the kernel model adds touched anonymous memory
   * to the reservations, so only the untouched part is given here.
   */
  committedKb: number;
  /** DRAM traffic it adds on its socket, GB/s. */
  memBandwidthGBs: number;
  /** Share of its socket's L3 it keeps evicting (0-1). */
  l3Evicted: number;
  /** Share of its core's L1/L2 it keeps evicting (hurts the hyperthread sibling). */
  privateCacheEvicted: number;
  /** memleak: bytes allocated and touched every `interval` seconds. */
  leak: { bytes: number; interval: number } | null;
}

/** Resident size of a small C program (text, libc, stack), kB. */
const PROCESS_BASE_KB = 1_400;

export function anomalyProcess(p: AnomalyParams, node: NodeSpec): AnomalyProcess {
  const base: AnomalyProcess = {
    params: p,
    cpu: 1,
    sysShare: 0,
    runnable: 1,
    contextSwitchesPerSecond: 0,
    residentKb: PROCESS_BASE_KB,
    zeroPages: 0,
    committedKb: 4_300,
    memBandwidthGBs: 0,
    l3Evicted: 0,
    privateCacheEvicted: 0,
    leak: null,
  };
  switch (p.type) {
    case "cpuoccupy": {
      // Busy u % of every 0.25 s, select() sleep for the rest: two switches per period when it sleeps.
      const u = p.utilization / 100;
      return { ...base, cpu: u, runnable: u, contextSwitchesPerSecond: u < 1 ? 2 / FACTS.cpuoccupyPeriodSeconds : 0 };
    }
    case "cachecopy": {
      // Copies one half of a (multiplier x cache)-sized buffer into the other, then select(0): the
      // syscall's share of the loop is the kernel time; a buffer larger than the cache streams DRAM.
      const bytes = node.cacheBytes[p.cache] * p.multiplier;
      const fitsIn = (["L1", "L2", "L3"] as const).find((l) => bytes <= node.cacheBytes[l]);
      // A buffer that needs more than half of the shared L3 loses lines to the application's
      // own traffic and keeps refetching them: the share beyond half streams from DRAM.
      const l3 = node.cacheBytes.L3;
      const streamed = fitsIn === "L1" || fitsIn === "L2" ? 0 : Math.min(1, Math.max(0, (bytes - l3 / 2) / (l3 / 2)));
      const rate = streamed > 0 ? FACTS.copyBytesPerSecond.memory : FACTS.copyBytesPerSecond[fitsIn ?? "L3"];
      const copy = bytes / 2 / rate;
      const sys = selectSyscallSeconds();
      return {
        ...base,
        sysShare: sys / (copy + sys),
        residentKb: PROCESS_BASE_KB + Math.ceil(bytes / 4096) * 4,
        memBandwidthGBs: (streamed * 2 * rate * (copy / (copy + sys))) / 1e9,
        l3Evicted: p.cache === "L3" ? Math.min(1, p.multiplier) : 0,
        privateCacheEvicted: p.cache === "L3" ? 1 : Math.min(1, p.multiplier),
      };
    }
    case "membw": {
      // Two (size/8)^2-double arrays: the destination is filled with rand() first (its pages
      // are touched and resident), the source is never written, so its first read of each
      // page maps the shared zero page (and later reads hit L1); non-temporal stores send
      // every write to DRAM without passing through the caches.
      const arrayBytes = (p.sizeBytes / 8) ** 2 * 8;
      return {
        ...base,
        residentKb: PROCESS_BASE_KB + Math.ceil(arrayBytes / 4096) * 4,
        zeroPages: Math.ceil(arrayBytes / 4096),
        committedKb: base.committedKb + Math.ceil(arrayBytes / 1024),
        memBandwidthGBs: FACTS.membwGBs,
      };
    }
    case "memleak": {
      // Sleep `period`, malloc `size`, write every byte: page faults (kernel) and the writes (user).
      const work = (p.sizeBytes / (10 * 1024 ** 2)) * MEASURED.memleakWorkSecondsPer10MiB;
      const faults = p.sizeBytes / 4096;
      const sys = Math.min(work, faults * MEASURED.pageFaultSysSeconds);
      const interval = p.period + work;
      return {
        ...base,
        cpu: work / interval,
        sysShare: sys / work,
        runnable: work / interval,
        contextSwitchesPerSecond: 2 / interval,
        leak: { bytes: p.sizeBytes, interval },
      };
    }
  }
}
