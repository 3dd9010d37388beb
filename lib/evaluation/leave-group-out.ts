/**
 * Leave-one-group-out splits for the unknown-application and unknown-input experiments:
 * for each group, train on all other node-runs and test on the group's. Groups come in
 * sorted order (by UTF-16 code units, as numpy's unique does for ASCII names). The test
 * set is fixed by the group, so there is nothing to stratify.
 *
 * Unknown inputs: the held-out unit is by default the input name across all
 * applications ("for each input, train on all others, test on it"), as in the paper,
 * where every application ran the same input settings; a model then never saw that
 * input with any application. `unit: "app-input"` holds out one (application, input)
 * pair at a time instead, for data sets whose input names mean different things per
 * application; the held-out label is then `<app>/<input>`.
 */
import { InputError } from "../util/errors";
import type { Split } from "./split";

/**
 * One split per distinct group, the group as test set.
 * @param runGroups group name of each node-run
 * @param what what a group is, for error messages ("application", "input")
 * @throws InputError when a node-run has an empty group name or there are fewer than two groups.
 */
export function leaveOneGroupOut(runGroups: ArrayLike<string>, what = "group"): Split[] {
  const members = new Map<string, number[]>();
  for (let r = 0; r < runGroups.length; r++) {
    const g = runGroups[r];
    if (g === "") throw new InputError(`node-run ${r} has no ${what}`);
    const m = members.get(g);
    if (m === undefined) members.set(g, [r]);
    else m.push(r);
  }
  if (members.size < 2) throw new InputError(`leave-one-${what}-out needs at least two ${what}s, found ${members.size}${members.size === 1 ? ` (${[...members.keys()][0]})` : ""}`);
  const names = [...members.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return names.map((name) => {
    const test = Int32Array.from(members.get(name)!);
    const inTest = new Uint8Array(runGroups.length);
    for (const r of test) inTest[r] = 1;
    const train: number[] = [];
    for (let r = 0; r < runGroups.length; r++) if (!inTest[r]) train.push(r);
    return { heldOut: name, train: Int32Array.from(train), test };
  });
}

/** What a node-run needs to be grouped by application or input (a `RunInfo` or `RunLabel` has it). */
export interface AppInput {
  app: string;
  input: string;
}

/** Unknown applications: one split per application. */
export function leaveOneApplicationOut(runs: readonly AppInput[]): Split[] {
  return leaveOneGroupOut(runs.map((r) => r.app), "application");
}

export type InputUnit = "input" | "app-input";

/** Unknown inputs: one split per input name (default) or per (application, input) pair. */
export function leaveOneInputOut(runs: readonly AppInput[], unit: InputUnit = "input"): Split[] {
  const groups = runs.map((r) => (unit === "input" || r.input === "" ? r.input : `${r.app}/${r.input}`));
  return leaveOneGroupOut(groups, "input");
}
