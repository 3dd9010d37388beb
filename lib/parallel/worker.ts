/**
 * Entry point of every pool worker: loads the named compiled module, calls the named
 * export, and sends the result back, moving typed-array buffers instead of copying.
 */
import { parentPort } from "node:worker_threads";
import { transferablesOf } from "./pool";

if (parentPort === null) throw new Error("lib/parallel/worker must run as a worker thread");
const port = parentPort;

port.on("message", async (msg: { id: number; module: string; fn: string; args: unknown[] }) => {
  try {
    const mod = require(msg.module) as Record<string, unknown>;
    const f = mod[msg.fn];
    if (typeof f !== "function") throw new Error(`${msg.module} has no exported function '${msg.fn}'`);
    const result = await f(...msg.args);
    port.postMessage({ id: msg.id, ok: true, result }, transferablesOf(result));
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    port.postMessage({ id: msg.id, ok: false, error: { name: err.name, message: err.message, stack: err.stack } });
  }
});
