/**
 * Colours shared by the figures, so a class or a model looks the same in every figure
 * of a notebook.
 */

/** Fixed colours of the classes of E2EWatch data sets. */
export const CLASS_COLOURS: Readonly<Record<string, string>> = {
  none: "#7f7f7f",
  cpuoccupy: "#d62728",
  cachecopy: "#1f77b4",
  membw: "#2ca02c",
  memleak: "#9467bd",
};
const OTHER_COLOURS = ["#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#bcbd22"];

/** The colour of a class: a fixed one for the known classes, a palette colour (by its index) otherwise. */
export function classColour(label: string, index: number): string {
  return CLASS_COLOURS[label] ?? OTHER_COLOURS[index % OTHER_COLOURS.length];
}

/** Colours of our models in result figures, in order. */
export const MODEL_COLOURS: readonly string[] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"];
