// Both cores for the WebAssembly kernels (the conv and gemm modules, kernel-module.ts): a worker that instantiates
// the same module on the same shared memory, and a plan that cuts one kernel call into chunks both threads take
// from a shared counter. This file is the only one that creates or joins a helper thread.
//
// Every call is cut the same way whatever the thread count — chunk k always covers the same images, channels,
// columns or elements — and a chunk is computed the same way whichever thread takes it, so one thread and two
// give the same bits. Only scratch buffers differ per thread (`threadStep`). If the helper is slow to wake
// (a busy machine), the calling thread takes every chunk and withdraws the offer; it never waits on a helper
// that has not started, only on a chunk the helper is computing.
// The worker's code is a string (started by src/platform/helper-thread.ts), so it works alike from src/ under vitest, from dist/ and in a browser.
// Kernel calls are synchronous, so there are no messages or promises: the plan goes into shared memory.

import { sharedBuffer, startHelperThread, waitWhile } from "../../platform/helper-thread.js";
import { ConvlabError } from "../../errors.js";
import type { WasmMemory, WasmModule } from "../../platform/webassembly.js";

/**
 * One kernel call cut into chunks of `chunkSize` items out of `total`. Chunk k, run by thread t (0 the caller,
 * 1 the helper), calls `kernel` with args[i] + k·chunkStep[i] + t·threadStep[i], and then the chunk's item count
 * in args[countArg], its first item in args[startArg] and its end in args[endArg] (each when given).
 */
export interface ChunkPlan {
  kernel: string;
  args: number[];
  chunkStep?: number[];
  threadStep?: number[];
  chunkSize: number;
  total: number;
  countArg?: number;
  startArg?: number;
  endArg?: number;
}

/** Slot 0: the offer's state. IDLE → WORK (posted) → BUSY (helper took it) → DONE or FAILED → IDLE. */
const IDLE = 0, WORK = 1, BUSY = 2, DONE = 3, FAILED = 4;
/** Int32 slots: 1 the next chunk, 2 the chunk count, 3 the kernel's index in `names`, 4 chunks the helper ever ran. */
const NEXT = 1, CHUNKS = 2, KERNEL = 3, HELPER_CHUNKS = 4;
const INT_SLOTS = 8;
/** Float64 plan: chunkSize, total, countArg, startArg, endArg, argc, then args, chunkStep, threadStep. */
const PLAN_HEADER = 6;
const MAX_ARGS = 32;

/** The arguments of chunk k on thread t; the worker runs this very function's text. */
function chunkArguments(plan: Float64Array, k: number, thread: number): number[] {
  const chunkSize = plan[0], total = plan[1], countArg = plan[2], startArg = plan[3], endArg = plan[4], argc = plan[5];
  const args = new Array<number>(argc);
  for (let i = 0; i < argc; i++) args[i] = plan[6 + i] + k * plan[6 + argc + i] + thread * plan[6 + 2 * argc + i];
  const start = k * chunkSize, end = Math.min(total, start + chunkSize);
  if (countArg >= 0) args[countArg] = end - start;
  if (startArg >= 0) args[startArg] = start;
  if (endArg >= 0) args[endArg] = end;
  return args;
}

/** The helper's loop; the platform (src/platform/helper-thread.ts) defines module, memory, control and names. */
const workerSource = `
const kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
const slots = new Int32Array(control, 0, ${INT_SLOTS});
const plan = new Float64Array(control, ${INT_SLOTS * 4});
const chunkArguments = ${chunkArguments.toString()};
for (;;) {
  Atomics.wait(slots, 0, ${IDLE});
  if (Atomics.compareExchange(slots, 0, ${WORK}, ${BUSY}) !== ${WORK}) continue;
  let state = ${DONE};
  try {
    const run = kernel[names[slots[${KERNEL}]]];
    for (;;) {
      const k = Atomics.add(slots, ${NEXT}, 1);
      if (k >= slots[${CHUNKS}]) break;
      run(...chunkArguments(plan, k, 1));
      Atomics.add(slots, ${HELPER_CHUNKS}, 1);
    }
  } catch {
    state = ${FAILED};
  }
  Atomics.store(slots, 0, state);
  Atomics.notify(slots, 0);
}
`;

type Kernels = Record<string, (...args: number[]) => unknown>;

export class KernelThreads {
  private readonly control = sharedBuffer(INT_SLOTS * 4 + (PLAN_HEADER + 3 * MAX_ARGS) * 8);
  private readonly slots = new Int32Array(this.control, 0, INT_SLOTS);
  private readonly plan = new Float64Array(this.control, INT_SLOTS * 4);
  private started = false;
  /** The kernel of the offer in flight, for the error a failure on the helper raises. */
  private kernel = "";

  /** `names`: the kernels a plan may name (the helper looks them up by index). */
  constructor(private readonly module: WasmModule, private readonly memory: WasmMemory,
    private readonly exports: Kernels, private readonly names: readonly string[]) {}

  /** Runs every chunk of the plan: on this thread alone when `threads` is 1, else shared with the helper. */
  run(plan: ChunkPlan, threads: number): void {
    const argc = plan.args.length;
    const index = this.names.indexOf(plan.kernel);
    if (index < 0 || argc > MAX_ARGS) throw new ConvlabError(`kernel threads: cannot run ${plan.kernel} with ${argc} arguments`);
    const chunkCount = Math.ceil(plan.total / plan.chunkSize);
    if (chunkCount <= 0) return;
    const p = this.plan;
    p[0] = plan.chunkSize; p[1] = plan.total;
    p[2] = plan.countArg ?? -1; p[3] = plan.startArg ?? -1; p[4] = plan.endArg ?? -1; p[5] = argc;
    for (let i = 0; i < argc; i++) {
      p[PLAN_HEADER + i] = plan.args[i];
      p[PLAN_HEADER + argc + i] = plan.chunkStep?.[i] ?? 0;
      p[PLAN_HEADER + 2 * argc + i] = plan.threadStep?.[i] ?? 0;
    }
    const run = this.exports[plan.kernel];
    if (threads < 2 || chunkCount === 1) {
      for (let k = 0; k < chunkCount; k++) run(...chunkArguments(p, k, 0));
      return;
    }
    this.start();
    this.kernel = plan.kernel;
    this.slots[NEXT] = 0;
    this.slots[CHUNKS] = chunkCount;
    this.slots[KERNEL] = index;
    Atomics.store(this.slots, 0, WORK);
    Atomics.notify(this.slots, 0);
    try {
      for (;;) {
        const k = Atomics.add(this.slots, NEXT, 1);
        if (k >= chunkCount) break;
        run(...chunkArguments(p, k, 0));
      }
    } finally {
      this.withdraw();
    }
  }

  /** How many chunks the helper has computed since it started (for tests). */
  get helperChunks(): number {
    return Atomics.load(this.slots, HELPER_CHUNKS);
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    startHelperThread(workerSource, { module: this.module, memory: this.memory, control: this.control, names: this.names });
  }

  /** Takes back an offer the helper never picked up, or waits for the helper to finish its last chunk. */
  private withdraw(): void {
    if (Atomics.compareExchange(this.slots, 0, WORK, IDLE) === WORK) return;
    waitWhile(this.slots, 0, BUSY);
    const state = Atomics.load(this.slots, 0);
    Atomics.store(this.slots, 0, IDLE);
    if (state === FAILED) throw new ConvlabError(`${this.kernel}: the WebAssembly kernel failed on the helper thread`);
  }
}
