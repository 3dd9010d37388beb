/**
 * The six applications of the E2EWatch Eclipse experiments, each modelled from how the
 * program works: what a time step does (compute-bound force or FFT work, memory-bound
 * stencils, halo exchanges and all-to-alls), how memory is set up and used, when it
 * writes output, and how its threads wait. Three inputs each; an input fixes the node
 * count, the per-node footprint, the step rhythm and the nominal length.
 *
 * Names: `ExaMiniMD`, `LAMMPS`, `sw4`, `sw4lite`, `SWFFT`, `HACC` (as the projects spell
 * themselves); inputs `small`, `medium`, `large` for every application, each standing for
 * the deck described in its `deck` field (so that "unknown input" experiments hold one size
 * class out across applications).
 *
 * Magnitudes that are not measured (step times, footprints, output sizes) are set from the
 * programs' documented problem sizes on an Eclipse node; see README "Applications".
 */
import type { Sensitivity } from "./contention";
import { exitPhase, launchPhase, nominalSeconds, phase, type Layout, type Phase } from "./phases";
import { MEASURED } from "./calibration";
import type { Rng } from "./random";

export const APP_NAMES = ["ExaMiniMD", "LAMMPS", "sw4", "sw4lite", "SWFFT", "HACC"] as const;
export type AppName = (typeof APP_NAMES)[number];
export const INPUT_NAMES = ["small", "medium", "large"] as const;
export type InputName = (typeof INPUT_NAMES)[number];

export interface InputSpec extends Layout {
  name: InputName;
  /** The deck and problem this input stands for. */
  deck: string;
  nodes: number;
  /** Resident application memory per node once set up, GB (10^9 bytes). */
  footprintGB: number;
  /** Nominal healthy run time at runtimeScale 1, s (quick runs 0.45 of it, paper 1.6). */
  runtime: number;
  /** Period of the main loop's visible rhythm (one chunk of time steps), s. */
  period: number;
}

export interface AppModel {
  name: AppName;
  summary: string;
  sensitivity: Sensitivity;
  inputs: readonly InputSpec[];
  /** The job's phases at nominal speed; the main loop fills about `loopSeconds`. */
  phases(input: InputSpec, rng: Rng, loopSeconds: number): Phase[];
}

const GB = 1e9 / 1024; // kB per GB
const MB = 1e6 / 1024; // kB per MB

/** Repeats `chunk(i)` until the loop's nominal length reaches `seconds`. */
function loop(seconds: number, chunk: (i: number) => Phase[]): Phase[] {
  const out: Phase[] = [];
  let t = 0;
  for (let i = 0; t < seconds; i++) {
    for (const p of chunk(i)) {
      out.push(p);
      t += nominalSeconds(p);
    }
  }
  return out;
}

/** Splits `seconds` of a step into compute-bound, memory-bound and communication parts. */
function split(seconds: number, cpu: number, mem: number, comm: number, j: number): Pick<Phase, "cpu" | "mem" | "comm"> {
  const total = cpu + mem + comm;
  return { cpu: (seconds * j * cpu) / total, mem: (seconds * j * mem) / total, comm: (seconds * comm) / total };
}

function footprintKb(input: InputSpec, rng: Rng): number {
  return input.footprintGB * GB * rng.factor(0.03);
}

/** Wraps the application's own phases between launch and exit (which frees what they allocated). */
function job(input: InputSpec, rng: Rng, body: Phase[]): Phase[] {
  let anon = 0;
  for (const p of body) anon += p.anonKb;
  return [launchPhase(input, rng.range(1.2, 2.6)), ...body, exitPhase(input, anon)];
}

// ------------------------------------------------------------------ ExaMiniMD
/**
 * Kokkos molecular-dynamics proxy: Lennard-Jones or SNAP forces (compute-bound, cache
 * friendly), neighbour lists rebuilt every 20 steps, halo exchange every step, thermo
 * output by rank 0. Pure MPI, busy-polling. A flat, compute-heavy profile with little
 * memory.
 */
const ExaMiniMD: AppModel = {
  name: "ExaMiniMD",
  summary: "MD proxy (Kokkos): compute-bound LJ/SNAP forces, small footprint, flat profile",
  sensitivity: { waitPoll: 1, bandwidthIntensity: 0.25, privateCacheReuse: 0.3, l3Reuse: 0.1 },
  inputs: [
    { name: "small", deck: "in.lj, 2.05 M atoms (80^3 fcc cells), 1 node", nodes: 1, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 2.4, runtime: 600, period: 1.1 },
    { name: "medium", deck: "in.lj, 8.2 M atoms (128^3 cells), 2 nodes", nodes: 2, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 4.3, runtime: 700, period: 1.3 },
    { name: "large", deck: "in.snap, tungsten SNAP, 2.0 M atoms, 4 nodes", nodes: 4, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 1.8, runtime: 800, period: 2.6 },
  ],
  phases(input, rng, loopSeconds) {
    const anon = footprintKb(input, rng);
    const snap = input.deck.includes("snap");
    const comm = 0.03 + 0.012 * Math.log2(input.nodes);
    const setup = rng.range(4, 9);
    const body: Phase[] = [
      phase("init", { cpu: setup * 0.5, mem: setup * 0.5, anonKb: anon * 0.85, churnKb: 40 * MB, contextSwitchesPerSecond: 60 }),
      phase("neighbor", { cpu: 1.2, mem: 0.6, anonKb: anon * 0.15, contextSwitchesPerSecond: 60 }),
      ...loop(loopSeconds, (i) => [
        phase("force", {
          ...split(input.period, snap ? 0.93 : 0.84, snap ? 0.04 : 0.1, comm, rng.factor(0.01)),
          churnKb: 6 * MB,
          contextSwitchesPerSecond: 45,
          writeKb: i % 10 === 9 ? 8 : 0,
          writeNode0Only: true,
        }),
      ]),
      phase("finalize", { serial: rng.range(0.8, 1.6), serialBusy: 0.03, writeKb: 40, writeNode0Only: true }),
    ];
    return job(input, rng, body);
  },
};

// ------------------------------------------------------------------ LAMMPS
/**
 * LAMMPS with three classic benchmark decks: LJ melt and Cu EAM (compute-bound pair
 * forces, neighbour lists that grow during the first re-neighbourings) and rhodopsin
 * with PPPM long-range electrostatics (3-D FFTs: memory-bound work and all-to-all
 * communication). Periodic dumps; rhodo reads its data file on rank 0 first.
 */
const LAMMPS: AppModel = {
  name: "LAMMPS",
  summary: "MD code: LJ/EAM pair forces, rhodopsin with PPPM FFTs, periodic dumps",
  sensitivity: { waitPoll: 1, bandwidthIntensity: 0.4, privateCacheReuse: 0.3, l3Reuse: 0.2 },
  inputs: [
    { name: "small", deck: "in.lj, LJ melt, 4.0 M atoms, 1 node", nodes: 1, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 3.2, runtime: 600, period: 1.4 },
    { name: "medium", deck: "in.eam, Cu EAM, 8.0 M atoms, 2 nodes", nodes: 2, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 4.6, runtime: 750, period: 2.0 },
    { name: "large", deck: "in.rhodo, rhodopsin + PPPM, 32 M atoms, 4 nodes", nodes: 4, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 18, runtime: 900, period: 3.2 },
  ],
  phases(input, rng, loopSeconds) {
    const anon = footprintKb(input, rng);
    const rhodo = input.name === "large";
    const mix = rhodo ? [0.5, 0.25, 0.25] : input.name === "medium" ? [0.83, 0.12, 0.05] : [0.8, 0.14, 0.06];
    const dumpEvery = rhodo ? 15 : input.name === "medium" ? 20 : 25;
    const dumpKb = (rhodo ? 350 : input.name === "medium" ? 120 : 60) * MB;
    const read = rhodo ? rng.range(14, 24) : rng.range(2, 4);
    const body: Phase[] = [
      phase("read_data", { serial: read, serialBusy: 1 / 36, readKb: rhodo ? 400 * MB : 2 * MB, readNode0Only: true, contextSwitchesPerSecond: 120 }),
      phase("setup", { cpu: 3, mem: 2.5, anonKb: anon * 0.8, churnKb: 80 * MB, contextSwitchesPerSecond: 80 }),
      ...loop(loopSeconds, (i) => {
        // Neighbour lists and exchange buffers grow during the first re-neighbourings.
        const grow = i < 6 ? (anon * 0.2) / 6 : 0;
        const steps = phase(rhodo ? "pair+pppm" : "pair", {
          ...split(input.period, mix[0], mix[1], mix[2], rng.factor(0.012)),
          anonKb: grow,
          churnKb: (rhodo ? 40 : 20) * MB,
          contextSwitchesPerSecond: 55,
        });
        if (i % dumpEvery !== dumpEvery - 1) return [steps];
        return [steps, phase("dump", { cpu: 0.15, sysShare: 0.2, writeKb: dumpKb, churnKb: dumpKb * 0.5, contextSwitchesPerSecond: 300 })];
      }),
      phase("finalize", { serial: rng.range(1, 2), serialBusy: 0.05, writeKb: 30 * MB, writeNode0Only: true }),
    ];
    return job(input, rng, body);
  },
};

// ------------------------------------------------------------------ sw4
/**
 * SW4, 4th-order seismic wave propagation: memory-bandwidth-bound stencils on large
 * curvilinear grids, a long set-up (grid, metric and material model), halo exchanges,
 * image output every few steps, and for the topography deck a topography file read
 * and a checkpoint in the middle of the run.
 */
const sw4: AppModel = {
  name: "sw4",
  summary: "seismic waves: bandwidth-bound stencils, long set-up, image output, large footprint",
  sensitivity: { waitPoll: 1, bandwidthIntensity: 0.85, privateCacheReuse: 0.15, l3Reuse: 0.15 },
  inputs: [
    { name: "small", deck: "LOH.1, h = 100 m, 1 node", nodes: 1, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 14, runtime: 650, period: 2.2 },
    { name: "medium", deck: "LOH.1, h = 50 m, 2 nodes", nodes: 2, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 28, runtime: 800, period: 3.0 },
    { name: "large", deck: "LOH.3 with Gaussian-hill topography, h = 50 m, 4 nodes", nodes: 4, ranksPerNode: 36, threadsPerRank: 1, footprintGB: 26, runtime: 900, period: 3.6 },
  ],
  phases(input, rng, loopSeconds) {
    const anon = footprintKb(input, rng);
    const topo = input.name === "large";
    const setup = (input.name === "small" ? 22 : 34) * rng.factor(0.08);
    const imageEvery = input.name === "small" ? 12 : 10;
    const imageKb = (input.name === "small" ? 150 : 300) * MB;
    const body: Phase[] = [];
    if (topo) body.push(phase("topography", { serial: rng.range(6, 10), serialBusy: 1, readKb: 600 * MB, contextSwitchesPerSecond: 200 }));
    // Set-up allocates and fills the grids: a ramp of anonymous memory under memory-bound work.
    const setupParts = 6;
    for (let k = 0; k < setupParts; k++) body.push(phase("setup", { cpu: (setup * 0.35) / setupParts, mem: (setup * 0.65) / setupParts, anonKb: anon / setupParts, churnKb: 30 * MB, contextSwitchesPerSecond: 40 }));
    let checkpointDone = !topo;
    let elapsed = 0;
    body.push(
      ...loop(loopSeconds, (i) => {
        const step = phase("step", { ...split(input.period, 0.3, 0.62, 0.08, rng.factor(0.01)), churnKb: 5 * MB, contextSwitchesPerSecond: 35 });
        elapsed += input.period;
        const out = [step];
        if (i % imageEvery === imageEvery - 1) out.push(phase("image", { cpu: 0.3, mem: 0.2, sysShare: 0.15, writeKb: imageKb, contextSwitchesPerSecond: 250 }));
        if (!checkpointDone && elapsed > loopSeconds / 2) {
          checkpointDone = true;
          out.push(phase("checkpoint", { cpu: 0.6, sysShare: 0.3, writeKb: anon * 0.3, contextSwitchesPerSecond: 400 }));
        }
        return out;
      }),
    );
    body.push(phase("finalize", { serial: rng.range(1.5, 3), serialBusy: 0.05, writeKb: 20 * MB, writeNode0Only: true }));
    return job(input, rng, body);
  },
};

// ------------------------------------------------------------------ sw4lite
/**
 * SW4lite, the SW4 proxy, as MPI x OpenMP (4 ranks x 9 threads per node): all grids
 * allocated within the first second, then time steps whose rhythm was measured on the
 * real runs (MEASURED.sw4lite*): a cycle of about 9 s with two serial sections during
 * which OpenMP threads sleep, one deep and one shallow. No file output.
 */
const sw4lite: AppModel = {
  name: "sw4lite",
  summary: "SW4 proxy, MPI x OpenMP: sleeping threads, rhythmic idle dips (calibrated on the real runs)",
  sensitivity: { waitPoll: 0.15, bandwidthIntensity: 0.8, privateCacheReuse: 0.2, l3Reuse: 0.15 },
  inputs: [
    { name: "small", deck: "LOH.1 proxy, h = 100 m, 1 node", nodes: 1, ranksPerNode: 4, threadsPerRank: 9, footprintGB: 7.5, runtime: 600, period: MEASURED.sw4liteCyclePeriodSeconds / 2 },
    { name: "medium", deck: "LOH.1 proxy, h = 50 m, 2 nodes", nodes: 2, ranksPerNode: 4, threadsPerRank: 9, footprintGB: 15, runtime: 750, period: 5.5 },
    { name: "large", deck: "LOH.2 proxy with attenuation, h = 50 m, 4 nodes", nodes: 4, ranksPerNode: 4, threadsPerRank: 9, footprintGB: 19, runtime: 850, period: 6.8 },
  ],
  phases(input, rng, loopSeconds) {
    const anon = footprintKb(input, rng);
    const p = input.period;
    const body: Phase[] = [
      phase("allocate", { cpu: 0.3, mem: 0.7, anonKb: anon, sysShare: 0.25, contextSwitchesPerSecond: 300 }),
      phase("setup", { cpu: 1.5, mem: 2.5, contextSwitchesPerSecond: 540 }),
      ...loop(loopSeconds, (i) => {
        const deep = i % 2 === 0;
        return [
          phase("step", { ...split(p * 0.8, 0.45, 0.5, 0.05, rng.factor(0.01)), churnKb: 2 * MB, contextSwitchesPerSecond: 540, jitter: 0.02 }),
          phase(deep ? "serial-deep" : "serial", { serial: p * (deep ? 0.16 : 0.08), serialBusy: deep ? 0.45 : 0.75, contextSwitchesPerSecond: 700 }),
        ];
      }),
      phase("finalize", { serial: rng.range(0.5, 1.2), serialBusy: 0.05 }),
    ];
    return job(input, rng, body);
  },
};

// ------------------------------------------------------------------ SWFFT
/**
 * SWFFT, HACC's distributed 3-D FFT as a benchmark: repeated forward and backward
 * transforms of an n^3 complex grid, pencil redistributions (all-to-all) between 1-D FFT
 * passes through buffers allocated once at set-up (per-rank buffers are reused, so the
 * transforms themselves hardly fault). 32 ranks per node (the decomposition wants powers
 * of two), so four cores per node stay idle.
 */
const SWFFT: AppModel = {
  name: "SWFFT",
  summary: "distributed 3-D FFT: all-to-all heavy, alternating forward/backward transforms, 32 ranks/node",
  sensitivity: { waitPoll: 1, bandwidthIntensity: 0.7, privateCacheReuse: 0.15, l3Reuse: 0.2 },
  inputs: [
    { name: "small", deck: "512^3 complex grid, 1 node", nodes: 1, ranksPerNode: 32, threadsPerRank: 1, footprintGB: 6.6, runtime: 550, period: 2.4 },
    { name: "medium", deck: "768^3 complex grid, 2 nodes", nodes: 2, ranksPerNode: 32, threadsPerRank: 1, footprintGB: 11.2, runtime: 650, period: 3.2 },
    { name: "large", deck: "1024^3 complex grid, 4 nodes", nodes: 4, ranksPerNode: 32, threadsPerRank: 1, footprintGB: 13.2, runtime: 750, period: 3.8 },
  ],
  phases(input, rng, loopSeconds) {
    const anon = footprintKb(input, rng);
    const comm = 0.38 + 0.06 * Math.log2(input.nodes);
    const body: Phase[] = [
      phase("allocate", { cpu: 1, mem: 3, anonKb: anon, churnKb: 20 * MB, contextSwitchesPerSecond: 60 }),
      phase("initialize", { cpu: 1.5, mem: 2.5, contextSwitchesPerSecond: 60 }),
      ...loop(loopSeconds, () =>
        ["forward", "backward"].map((kind) =>
          phase(kind, {
            ...split(input.period / 2, 0.25, 0.37, comm, rng.factor(0.01)),
            churnKb: 8 * MB,
            contextSwitchesPerSecond: 50,
          }),
        ),
      ),
      phase("finalize", { serial: rng.range(0.5, 1), serialBusy: 0.03 }),
    ];
    return job(input, rng, body);
  },
};

// ------------------------------------------------------------------ HACC
/**
 * HACC, cosmological N-body: long time steps made of a particle-mesh long-range solve
 * (3-D FFTs done by one thread per rank while the other OpenMP threads sleep), short-range
 * force sub-cycles (compute-bound, all threads) and particle exchange. Memory grows slowly
 * as structure forms (longer neighbour lists), the initial conditions take a long
 * FFT-heavy set-up, and checkpoints are written mid-run and at the end.
 */
const HACC: AppModel = {
  name: "HACC",
  summary: "cosmology N-body: long PM + short-range steps, slow memory growth, big checkpoints",
  sensitivity: { waitPoll: 0.5, bandwidthIntensity: 0.5, privateCacheReuse: 0.3, l3Reuse: 0.2 },
  inputs: [
    { name: "small", deck: "256^3 particles, 256 Mpc/h box, 1 node", nodes: 1, ranksPerNode: 8, threadsPerRank: 4, footprintGB: 5.6, runtime: 700, period: 22 },
    { name: "medium", deck: "384^3 particles, 384 Mpc/h box, 2 nodes", nodes: 2, ranksPerNode: 8, threadsPerRank: 4, footprintGB: 9.4, runtime: 850, period: 30 },
    { name: "large", deck: "512^3 particles, 512 Mpc/h box, 4 nodes", nodes: 4, ranksPerNode: 8, threadsPerRank: 4, footprintGB: 11.2, runtime: 950, period: 38 },
  ],
  phases(input, rng, loopSeconds) {
    const anon = footprintKb(input, rng);
    const s = input.period;
    const initial = (input.name === "small" ? 24 : 36) * rng.factor(0.08);
    let checkpointed = false;
    let elapsed = 0;
    const body: Phase[] = [
      phase("initial-conditions", { mem: initial * 0.55, comm: initial * 0.3, cpu: initial * 0.15, active: 0.25, anonKb: anon * 0.9, churnKb: anon * 0.2, contextSwitchesPerSecond: 400 }),
      ...loop(loopSeconds, () => {
        // Structure formation lengthens neighbour lists: about 1.2 % more memory per step.
        const growth = anon * 0.012 * rng.factor(0.2);
        elapsed += s;
        const step = [
          phase("long-range", { ...split(s * 0.16, 0.1, 0.45, 0.45, rng.factor(0.02)), active: 0.25, churnKb: anon * 0.004, contextSwitchesPerSecond: 420 }),
          phase("short-range", { ...split(s * 0.78, 0.9, 0.08, 0.02, rng.factor(0.015)), anonKb: growth, contextSwitchesPerSecond: 380 }),
          phase("exchange", { ...split(s * 0.06, 0.2, 0.3, 0.5, 1), churnKb: anon * 0.002, contextSwitchesPerSecond: 450 }),
        ];
        if (!checkpointed && elapsed > loopSeconds / 2) {
          checkpointed = true;
          step.push(phase("checkpoint", { cpu: 0.8, sysShare: 0.3, writeKb: anon * 0.45, contextSwitchesPerSecond: 500 }));
        }
        return step;
      }),
      phase("final-output", { cpu: 0.8, sysShare: 0.3, writeKb: anon * 0.45, contextSwitchesPerSecond: 500 }),
    ];
    return job(input, rng, body);
  },
};

export const APPS: Readonly<Record<AppName, AppModel>> = Object.freeze({ ExaMiniMD, LAMMPS, sw4, sw4lite, SWFFT, HACC });

export function inputSpec(app: AppName, input: InputName): InputSpec {
  const spec = APPS[app].inputs.find((i) => i.name === input);
  if (spec === undefined) throw new Error(`${app} has no input '${input}'`);
  return spec;
}
