// A second thread for the wasm gemm: a worker that instantiates the same module on the same shared memory
// and computes one block of C while the calling thread computes the other.
//
// gemm is synchronous, so the calling thread hands over the block's arguments through a small shared
// Int32Array and blocks in Atomics.wait until the worker flags it done; no messages, no promises.
// The worker's code is a string run with `eval: true`, so it works alike from src/ under vitest and from dist/.

import { Worker } from "node:worker_threads";
import { ConvlabError } from "../../errors.js";

// tsconfig's lib (ES2022) and @types/node 20 carry no WebAssembly types; these two are only passed along here.
declare namespace WebAssembly {
  class Module {}
  class Memory {}
}

/** Slot 0 of the control array: what the worker is doing. */
const IDLE = 0, WORK = 1, DONE = 2, FAILED = 3;
/** gemmF32 takes 14 integer arguments; they travel in slots 1..14. */
const ARGUMENT_COUNT = 14;

const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const slots = new Int32Array(control);
for (;;) {
  Atomics.wait(slots, 0, ${IDLE});
  if (Atomics.load(slots, 0) !== ${WORK}) continue;
  let state = ${DONE};
  try {
    kernel.gemmF32(...slots.subarray(1, ${1 + ARGUMENT_COUNT}));
  } catch {
    state = ${FAILED};
  }
  Atomics.store(slots, 0, state);
  Atomics.notify(slots, 0);
}
`;

export class GemmHelperThread {
  private readonly slots = new Int32Array(new SharedArrayBuffer(4 * (1 + ARGUMENT_COUNT)));
  private readonly worker: Worker;

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: { module, memory, control: this.slots.buffer },
    });
    // An idle helper must not keep Node (a script, a test run, a notebook kernel) from exiting.
    this.worker.unref();
  }

  /** Starts gemmF32(...kernelArguments) on the worker and returns at once. */
  start(kernelArguments: number[]): void {
    this.slots.set(kernelArguments, 1);
    Atomics.store(this.slots, 0, WORK);
    Atomics.notify(this.slots, 0);
  }

  /** Blocks until the block started by `start` is written to memory. */
  finish(): void {
    while (Atomics.load(this.slots, 0) === WORK) Atomics.wait(this.slots, 0, WORK);
    const state = Atomics.load(this.slots, 0);
    Atomics.store(this.slots, 0, IDLE);
    if (state === FAILED) throw new ConvlabError("gemm: the WebAssembly kernel failed on the helper thread");
  }
}
