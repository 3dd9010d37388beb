/**
 * A small pool of worker threads that runs exported functions of compiled library
 * modules. Every caller (the CLI, the mocha tests, a tslab notebook kernel) loads the
 * library as compiled CommonJS from `dist/`, so a task is named by the absolute path of
 * a compiled module (`__filename` inside that module) and the name of an exported
 * function. No loader or TypeScript runtime is involved in a worker.
 *
 * Results come back in submission order whatever the thread count, so a computation
 * that is deterministic per task is deterministic overall.
 */
import { Worker } from "node:worker_threads";
import * as os from "node:os";
import * as path from "node:path";
import { InputError } from "../util/errors";

/** Threads to use: `E2EWATCH_THREADS` when set (0 = run in the calling thread), else all cores. */
export function defaultThreadCount(): number {
  const env = process.env.E2EWATCH_THREADS;
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 0) {
      throw new InputError(`E2EWATCH_THREADS must be a whole number >= 0, got '${env}'`);
    }
    return n;
  }
  return os.availableParallelism();
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface TaskMessage {
  id: number;
  module: string;
  fn: string;
  args: unknown[];
}

interface ReplyMessage {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: { name: string; message: string; stack?: string };
}

interface Slot {
  worker: Worker;
  busy: number;
}

const WORKER_SCRIPT = path.join(__dirname, "worker.js");

export class WorkerPool {
  /** Number of worker threads; 0 means tasks run in the calling thread. */
  readonly size: number;
  private readonly slots: Slot[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly queue: { message: TaskMessage; transfer: ArrayBuffer[] }[] = [];
  private nextId = 0;
  private closed = false;

  constructor(size: number = defaultThreadCount()) {
    if (!Number.isInteger(size) || size < 0) throw new InputError(`thread count must be a whole number >= 0, got ${size}`);
    this.size = size;
  }

  /**
   * Runs `module.fn(...args)` on a worker and resolves with its (awaited) result.
   * Typed arrays listed in `transfer` move to the worker instead of being copied.
   */
  run<T>(module: string, fn: string, args: unknown[], transfer: ArrayBuffer[] = []): Promise<T> {
    if (this.closed) return Promise.reject(new Error("WorkerPool is closed"));
    if (this.size === 0) return runInline<T>(module, fn, args);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.queue.push({ message: { id, module, fn, args }, transfer });
      this.dispatch();
    });
  }

  /** Runs one task per item, at most `size` at a time, results in item order. */
  map<A, T>(module: string, fn: string, items: readonly A[], toArgs: (item: A, index: number) => unknown[] = (item) => [item]): Promise<T[]> {
    return Promise.all(items.map((item, i) => this.run<T>(module, fn, toArgs(item, i))));
  }

  /** Stops all workers. Pending tasks are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const [, p] of this.pending) p.reject(new Error("WorkerPool closed before the task finished"));
    this.pending.clear();
    this.queue.length = 0;
    // Idle workers are unref'd. Ref each one while it terminates, so the process cannot
    // exit while the close is pending whatever the worker's state. Defensive: a failing
    // CLI run once exited 0 in the test suite; this was suspected but not reproduced.
    await Promise.all(
      this.slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
    this.slots.length = 0;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const slot = this.freeSlot();
      if (slot === undefined) return;
      const { message, transfer } = this.queue.shift()!;
      slot.busy++;
      slot.worker.ref();
      slot.worker.postMessage(message, transfer);
    }
  }

  private freeSlot(): Slot | undefined {
    const idle = this.slots.find((s) => s.busy === 0);
    if (idle !== undefined) return idle;
    if (this.slots.length < this.size) return this.spawn();
    return undefined;
  }

  private spawn(): Slot {
    const worker = new Worker(WORKER_SCRIPT);
    const slot: Slot = { worker, busy: 0 };
    worker.on("message", (reply: ReplyMessage) => {
      slot.busy--;
      // An idle worker must not keep a CLI process alive; a busy one must.
      if (slot.busy === 0) worker.unref();
      const p = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (p !== undefined) {
        if (reply.ok) p.resolve(reply.result);
        else p.reject(rebuildError(reply.error!));
      }
      this.dispatch();
    });
    worker.on("error", (err) => {
      // A crashed worker fails every task it held; the pool replaces it on demand.
      this.slots.splice(this.slots.indexOf(slot), 1);
      for (const [id, p] of this.pending) {
        if (!this.queue.some((q) => q.message.id === id)) {
          this.pending.delete(id);
          p.reject(err);
        }
      }
      this.dispatch();
    });
    this.slots.push(slot);
    return slot;
  }
}

async function runInline<T>(module: string, fn: string, args: unknown[]): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const mod = require(module) as Record<string, unknown>;
  const f = mod[fn];
  if (typeof f !== "function") throw new Error(`${module} has no exported function '${fn}'`);
  return (await f(...args)) as T;
}

function rebuildError(e: { name: string; message: string; stack?: string }): Error {
  // Keep the user-facing error classes, so the CLI still prints one line and exits 1.
  const err = e.name === "InputError" ? new InputError(e.message) : new Error(e.message);
  if (e.name !== "InputError") err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  return err;
}

/** The ArrayBuffers behind typed arrays in a value (top level, arrays and plain objects, two levels deep). */
export function transferablesOf(value: unknown, depth = 2): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const visit = (v: unknown, d: number): void => {
    if (ArrayBuffer.isView(v)) {
      if (v.buffer instanceof ArrayBuffer) out.add(v.buffer);
    } else if (d > 0 && Array.isArray(v)) {
      for (const x of v) visit(x, d - 1);
    } else if (d > 0 && v !== null && typeof v === "object") {
      for (const x of Object.values(v)) visit(x, d - 1);
    }
  };
  visit(value, depth);
  return [...out];
}
