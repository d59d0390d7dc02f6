// A second thread for the wasm gemm: a worker that instantiates the same module on the same shared memory.
//
// gemm is synchronous, so there are no messages or promises: the calling thread posts the product's arguments
// in a small shared Int32Array, and both threads take chunks of C (strips of columns or of rows) from a shared
// counter until none are left. If the helper is slow to wake (the machine is busy), the calling thread simply
// takes every chunk and withdraws the offer, never waiting on a helper that has not started.
// Each chunk is computed the same way whichever thread takes it, so the result never depends on the timing.
// The worker's code is a string run with `eval: true`, so it works alike from src/ under vitest and from dist/.

import { Worker } from "node:worker_threads";
import { ConvlabError } from "../../errors.js";
import type { WasmMemory, WasmModule } from "./webassembly.js";

/** Slot 0: the offer's state. IDLE → WORK (posted) → BUSY (helper took it) → DONE or FAILED → IDLE. */
const IDLE = 0, WORK = 1, BUSY = 2, DONE = 3, FAILED = 4;
/** Slot 1: the next chunk to take. Slots 2..4: the strip layout. Slot 5: chunks the helper has computed, ever
 * (so tests can see it work). Slots 6..15: gemmF32's first 10 arguments. */
const NEXT = 1, BY_COLUMNS = 2, CHUNK_SIZE = 3, CHUNK_COUNT = 4, HELPER_CHUNKS = 5, ARGUMENTS = 6;
const ARGUMENT_COUNT = 10;

/** The block [rowStart, rowEnd, colStart, colEnd] of chunk `index`; the worker runs this very function's text. */
function chunkBlock(M: number, N: number, byColumns: number, size: number, index: number): number[] {
  return byColumns
    ? [0, M, index * size, Math.min(N, (index + 1) * size)]
    : [index * size, Math.min(M, (index + 1) * size), 0, N];
}

const workerSource = `
const { workerData } = require("node:worker_threads");
const { module, memory, control } = workerData;
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const slots = new Int32Array(control);
const chunkBlock = ${chunkBlock.toString()};
for (;;) {
  Atomics.wait(slots, 0, ${IDLE});
  if (Atomics.compareExchange(slots, 0, ${WORK}, ${BUSY}) !== ${WORK}) continue;
  const args = Array.from(slots.subarray(${ARGUMENTS}, ${ARGUMENTS + ARGUMENT_COUNT}));
  const [M, N] = [args[4], args[5]];
  let state = ${DONE};
  try {
    for (;;) {
      const index = Atomics.add(slots, ${NEXT}, 1);
      if (index >= slots[${CHUNK_COUNT}]) break;
      kernel.gemmF32(...args, ...chunkBlock(M, N, slots[${BY_COLUMNS}], slots[${CHUNK_SIZE}], index));
      Atomics.add(slots, ${HELPER_CHUNKS}, 1);
    }
  } catch {
    state = ${FAILED};
  }
  Atomics.store(slots, 0, state);
  Atomics.notify(slots, 0);
}
`;

export class GemmHelperThread {
  private readonly slots = new Int32Array(new SharedArrayBuffer(4 * (ARGUMENTS + ARGUMENT_COUNT)));
  private readonly worker: Worker;

  constructor(module: WasmModule, memory: WasmMemory) {
    this.worker = new Worker(workerSource, {
      eval: true,
      workerData: { module, memory, control: this.slots.buffer },
    });
    // An idle helper must not keep Node (a script, a test run, a notebook kernel) from exiting.
    this.worker.unref();
  }

  /**
   * Runs gemmF32 over every chunk of C on this thread (through `compute`) and on the helper, which calls
   * gemmF32(...helperArguments, ...block): gemmF32's first 10 arguments, with the helper's own workspace.
   */
  run(
    helperArguments: number[], byColumns: boolean, chunkSize: number, chunkCount: number,
    compute: (block: number[]) => void,
  ): void {
    const [M, N] = [helperArguments[4], helperArguments[5]];
    this.slots.set([0, byColumns ? 1 : 0, chunkSize, chunkCount], NEXT);
    this.slots.set(helperArguments, ARGUMENTS);
    Atomics.store(this.slots, 0, WORK);
    Atomics.notify(this.slots, 0);
    try {
      for (;;) {
        const index = Atomics.add(this.slots, NEXT, 1);
        if (index >= chunkCount) break;
        compute(chunkBlock(M, N, byColumns ? 1 : 0, chunkSize, index));
      }
    } finally {
      this.withdraw();
    }
  }

  /** How many chunks the helper has computed since it started. */
  get helperChunks(): number {
    return Atomics.load(this.slots, HELPER_CHUNKS);
  }

  /** Takes back an offer the helper never picked up, or waits for the helper to finish its last chunk. */
  private withdraw(): void {
    if (Atomics.compareExchange(this.slots, 0, WORK, IDLE) === WORK) return;
    while (Atomics.load(this.slots, 0) === BUSY) Atomics.wait(this.slots, 0, BUSY);
    const state = Atomics.load(this.slots, 0);
    Atomics.store(this.slots, 0, IDLE);
    if (state === FAILED) throw new ConvlabError("gemm: the WebAssembly kernel failed on the helper thread");
  }
}
