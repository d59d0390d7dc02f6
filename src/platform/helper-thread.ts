// The kernels' helper thread, seen from Node: a worker_threads Worker running `loop` with the module, memory
// and control block it shares with the calling thread.
import { Worker } from "node:worker_threads";
import type { WasmMemory, WasmModule } from "./webassembly.js";

/** What the helper's loop sees as `module`, `memory`, `control` and `names`. */
export interface HelperData {
  module: WasmModule;
  memory: WasmMemory;
  control: ArrayBufferLike;
  names: readonly string[];
}

/** Starts the helper: `loop` is the text of its code, which reads the four names of HelperData. */
export function startHelperThread(loop: string, data: HelperData): void {
  const worker = new Worker(`const { workerData } = require("node:worker_threads");\n`
    + `const { module, memory, control, names } = workerData;\n${loop}`, { eval: true, workerData: data });
  // An idle helper must not keep Node (a script, a test run, a notebook kernel) from exiting.
  worker.unref();
}

/** Memory both threads see. */
export function sharedBuffer(bytes: number): ArrayBufferLike {
  return new SharedArrayBuffer(bytes);
}

/** Blocks while slots[index] is `value`. */
export function waitWhile(slots: Int32Array, index: number, value: number): void {
  while (Atomics.load(slots, index) === value) Atomics.wait(slots, index, value);
}
