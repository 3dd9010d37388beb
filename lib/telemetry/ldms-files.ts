/**
 * Finding LDMS store_csv files and grouping them into runs.
 *
 * A sampler file is recognised by its header (`#Time,Time_usec,ProducerName,
 * component_id,...`), wherever it sits under the given path and whatever it is called;
 * its sampler is its file name without a `.csv` extension or a rollover suffix
 * (`meminfo.1589990400` is `meminfo`). A path may be a run folder, its `data/` folder,
 * a folder of sampler files, a single sampler file, or a folder of several runs.
 *
 * Runs: the files of one sampler that sit in different folders belong to different
 * runs (rollover parts of one sampler share a folder). So a folder is one run when no
 * sampler appears in two of its sub-folders; otherwise each sub-folder is looked at
 * the same way, and files lying directly in the folder form a run of their own.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ProblemLog } from "./problems";
import { firstLine, isLdmsHeader } from "./sniff";

export interface SamplerFile {
  file: string;
  sampler: string;
  /**
   * store_csv's `altheader` option writes the header to `<name>.HEADER` and the rows,
   * without a header, to `<name>` or `<name>.<epoch>`: then this is the header's file.
   */
  headerFile?: string;
}

export interface LdmsRun {
  /** The run's folder (or the file, for a single sampler file). */
  root: string;
  files: SamplerFile[];
}

const MAX_DEPTH = 8;
const MAX_FILES = 20000;

/** The sampler a store_csv file holds, from its name. */
export function samplerName(file: string): string {
  let name = path.basename(file);
  name = name.replace(/\.(csv|txt)$/i, "");
  name = name.replace(/[._-]\d{6,}$/, ""); // rollover: <schema>.<epoch seconds>
  name = name.replace(/\.(csv|txt)$/i, "");
  return name === "" ? path.basename(file) : name;
}

/** Every LDMS sampler file under `root` (or `root` itself), in sorted path order. */
export function findSamplerFiles(root: string, problems: ProblemLog): SamplerFile[] {
  const found: SamplerFile[] = [];
  let ignored: string[] = [];
  const headers = new Map<string, string>();
  const empty: string[] = [];
  let visited = 0;
  const visit = (p: string, depth: number): void => {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(p);
    } catch {
      problems.add({ file: p, kind: "unreadable", message: "cannot be read", action: "skipped it" });
      return;
    }
    if (stat.isDirectory()) {
      if (depth > MAX_DEPTH) return;
      let names: string[];
      try {
        names = fs.readdirSync(p).sort();
      } catch {
        problems.add({ file: p, kind: "unreadable", message: "folder cannot be listed", action: "skipped it" });
        return;
      }
      for (const name of names) {
        if (name.startsWith(".") || name === "node_modules") continue;
        visit(path.join(p, name), depth + 1);
      }
      return;
    }
    if (!stat.isFile() || ++visited > MAX_FILES) return;
    if (stat.size === 0) {
      empty.push(p);
      return;
    }
    const ldms = isLdmsHeader(firstLine(p));
    const alt = /^(.*)\.HEADER(\.\d+)?$/.exec(path.basename(p));
    if (ldms && alt !== null) headers.set(path.join(path.dirname(p), alt[1]), p);
    else if (ldms) found.push({ file: p, sampler: samplerName(p) });
    else ignored.push(p);
  };
  visit(root, 0);
  if (headers.size > 0) {
    ignored = ignored.filter((file) => {
      const name = path.basename(file);
      if (name.endsWith(".KIND")) return true;
      for (const [base, headerFile] of headers) {
        const b = path.basename(base);
        if (path.dirname(file) === path.dirname(base) && (name === b || name.startsWith(b + "."))) {
          found.push({ file, sampler: samplerName(base), headerFile });
          return false;
        }
      }
      return true;
    });
    found.sort((a, b) => a.file.localeCompare(b.file));
  }
  if (found.length > 0) {
    for (const file of empty) problems.add({ file, kind: "empty-file", message: "empty file (a sampler that wrote nothing?)", action: "skipped it" });
    if (ignored.length > 0) problems.add({ file: ignored[0], kind: "not-a-sampler-file", message: `${ignored.length} file(s) without an LDMS header, e.g. this one`, action: "ignored them" });
  }
  return found;
}

/** Groups sampler files into runs (see the module comment). */
export function groupRuns(root: string, files: SamplerFile[]): LdmsRun[] {
  if (files.length === 0) return [];
  const isSingleFile = files.length === 1 && files[0].file === root;
  if (isSingleFile) return [{ root, files }];
  const runs: LdmsRun[] = [];
  const split = (dir: string, members: SamplerFile[]): void => {
    const folders = new Map<string, Set<string>>();
    for (const f of members) {
      const set = folders.get(f.sampler) ?? new Set<string>();
      set.add(path.dirname(f.file));
      folders.set(f.sampler, set);
    }
    if ([...folders.values()].every((set) => set.size === 1)) {
      runs.push({ root: dir, files: members });
      return;
    }
    const direct = members.filter((f) => path.dirname(f.file) === dir);
    if (direct.length > 0) runs.push({ root: dir, files: direct });
    const byChild = new Map<string, SamplerFile[]>();
    for (const f of members) {
      if (path.dirname(f.file) === dir) continue;
      const child = path.join(dir, path.relative(dir, f.file).split(path.sep)[0]);
      const list = byChild.get(child) ?? [];
      list.push(f);
      byChild.set(child, list);
    }
    for (const [child, list] of [...byChild].sort((a, b) => a[0].localeCompare(b[0]))) split(child, list);
  };
  split(root, files);
  return runs;
}

/**
 * A job id for a run whose samples carry none: the run folder's name (its parent's
 * when it is a `data` folder, as in `<run>/data/<group>/<sampler>`), made file-safe.
 */
export function runName(run: LdmsRun): string {
  let dir = run.root;
  if (fs.existsSync(dir) && fs.statSync(dir).isFile()) dir = path.dirname(dir);
  let base = path.basename(path.resolve(dir));
  if (base.toLowerCase() === "data") base = path.basename(path.dirname(path.resolve(dir)));
  return safeId(base);
}

/** Letters, digits, '.', '_' and '-' only (job ids name files); "run" when nothing is left. */
export function safeId(text: string): string {
  const id = text.replace(/[^A-Za-z0-9._-]+/g, "_").replace(/^[._]+/, "");
  return id === "" ? "run" : id;
}
