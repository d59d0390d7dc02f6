// One compiled WebAssembly kernel module on a shared memory of its own, used by both modules: the gemm
// (gemm-wasm.ts, dist/wasm/gemm.wasm) and the conv module (conv-module.ts, dist/wasm/conv.wasm). It holds
// - loading: instantiating the module on a shared memory (on first use, synchronously: kernel calls are synchronous);
//   the compiled module itself comes from the platform layer (../../platform/wasm.ts: read from dist/wasm in Node,
//   fetched next to the bundle in a browser);
// - memory: the page and alignment constants, growing the memory, and a float32 view of it;
// - calls by name: each module declares its kernels' parameter names once (a list per kernel, in the asm
//   function's order), calls name every argument — a missing, extra or misspelt one is a type error — and
//   `positional` below is the one place that turns names into the asm function's argument list;
// - running a call in chunks on this thread and the helper (the helper thread itself: kernel-threads.ts).
// A missing .wasm throws an error that says to run the build (../../platform/wasm.ts): no silent fallback to a slow
// path hides a broken build.

import { wasmModule, type WasmName } from "../../platform/wasm.js";
import { getNumThreads } from "../threads.js";
import { KernelThreads, type ChunkPlan } from "./kernel-threads.js";
import { WebAssembly, type WasmMemory } from "../../platform/webassembly.js";

export const PAGE_BYTES = 65536;
/** Must equal --maximumMemory in the build:wasm script (pages of 64 KiB): 2 GiB. */
export const MAXIMUM_PAGES = 32768;
/** Buffers start on cache-line boundaries so 16-byte vector loads never straddle lines needlessly. */
export const ALIGN_BYTES = 64;

export function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
}

/** Each kernel's parameter names, in its asm function's order. */
export type KernelParameters = Record<string, readonly string[]>;
/** A kernel's arguments by name: every parameter, no other. */
export type KernelArgs<P extends readonly string[]> = { readonly [Name in P[number]]: number };

/**
 * One kernel call cut into chunks of `chunkSize` items out of `total`: chunk k on thread t (0 this one, 1 the
 * helper) gets args + k·chunkStep + t·threadStep (steps default to 0), then the chunk's item count in the
 * parameter `count`, its first item in `start` and its end in `end` (each when named).
 */
export interface NamedChunkPlan<P extends readonly string[]> {
  args: KernelArgs<P>;
  chunkSize: number;
  total: number;
  count?: P[number];
  start?: P[number];
  end?: P[number];
  chunkStep?: Partial<KernelArgs<P>>;
  threadStep?: Partial<KernelArgs<P>>;
}

/** The arguments in the kernel's order (absent names: 0). */
function positional(names: readonly string[], values: Partial<Record<string, number>> | undefined): number[] {
  return names.map((name) => values?.[name] ?? 0);
}

interface Loaded<Helpers> {
  helpers: Helpers;
  kernels: Record<string, (...args: number[]) => void>;
  memory: WasmMemory;
  threads: KernelThreads;
}

/**
 * A module's kernels (`parameters`: those called by name, which the helper thread may also run) and its
 * other exports (`Helpers`: small functions that return a size, called positionally).
 */
export class KernelModule<Kernels extends KernelParameters, Helpers> {
  private loaded: Loaded<Helpers> | null = null;
  private view: Float32Array = new Float32Array(0);

  constructor(private readonly name: WasmName, private readonly parameters: Kernels) {}

  private load(): Loaded<Helpers> {
    if (this.loaded) return this.loaded;
    const module = wasmModule(this.name);
    const memory = new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true });
    const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    const threads = new KernelThreads(module, memory, exports, Object.keys(this.parameters));
    this.loaded = { helpers: exports as Helpers, kernels: exports, memory, threads };
    this.view = new Float32Array(memory.buffer);
    return this.loaded;
  }

  /** The exports that return sizes (loads the module on first use). */
  get helpers(): Helpers {
    return this.load().helpers;
  }

  /** A float32 view of the whole memory, current after every growTo. */
  get heap(): Float32Array {
    this.load();
    return this.view;
  }

  /** Grows the memory to at least `bytes` and refreshes the view (a grown shared memory hands out a new buffer). */
  growTo(bytes: number): void {
    const { memory } = this.load();
    if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE_BYTES));
    if (this.view.buffer !== memory.buffer) this.view = new Float32Array(memory.buffer);
  }

  /** Runs one kernel call on this thread. */
  call<K extends keyof Kernels & string>(kernel: K, args: KernelArgs<Kernels[K]>): void {
    this.load().kernels[kernel](...positional(this.parameters[kernel], args));
  }

  /** Runs one kernel call as chunks on this thread and, with `threads` 2, the helper too. */
  run<K extends keyof Kernels & string>(kernel: K, plan: NamedChunkPlan<Kernels[K]>, threads = getNumThreads()): void {
    const names = this.parameters[kernel];
    const index = (name: string | undefined) => (name === undefined ? undefined : names.indexOf(name));
    const chunks: ChunkPlan = {
      kernel, args: positional(names, plan.args), chunkSize: plan.chunkSize, total: plan.total,
      chunkStep: positional(names, plan.chunkStep), threadStep: positional(names, plan.threadStep),
      countArg: index(plan.count), startArg: index(plan.start), endArg: index(plan.end),
    };
    this.load().threads.run(chunks, threads);
  }

  /** How many chunks the helper thread has run since it started (for tests). */
  get helperChunks(): number {
    return this.load().threads.helperChunks;
  }
}
