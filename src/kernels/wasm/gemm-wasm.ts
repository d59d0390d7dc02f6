// The float32 gemm compiled from asm/gemm.ts to WebAssembly SIMD, and the JS glue that feeds it.
//
// Where the .wasm lives: `npm run build` (script build:wasm) compiles asm/gemm.ts into
// <package root>/dist/wasm/gemm.wasm. This file finds the package root by walking up to the nearest
// package.json, so the same code works when vitest runs it from src/ and when Node runs the build in dist/.
// The module is loaded synchronously on the first call (gemm is synchronous). A missing .wasm throws an error
// that says to run the build: there is no silent fallback to the slow kernel that would hide a broken build.
//
// After setGemmThreads(2), large products are cut into strips that this thread and a helper worker sharing the
// module's memory take in turn (kernel-threads.ts, as the conv module's kernels). Strips start on tile edges, and each element
// of C is summed in the same order whichever thread computes it, so one thread and two give the same bits.
// The thread count is the library's one setting (setNumThreads in ../threads.ts; two by default on two cores).

import { wasmModule, wasmPath } from "../../platform/wasm.js";
import { getNumThreads, setThreads } from "../threads.js";
import { WebAssembly, type WasmMemory } from "./webassembly.js";
import { KernelThreads } from "./kernel-threads.js";

/** What asm/gemm.ts exports; offsets are bytes into the shared memory. */
interface GemmExports {
  scratchStart(): number;
  workspaceBytes(rows: number): number;
  gemmF32(
    a: number, b: number, c: number, work: number,
    M: number, N: number, K: number,
    transA: number, transB: number, accumulate: number,
    rowStart: number, rowEnd: number, colStart: number, colEnd: number,
  ): void;
}

interface Kernel {
  memory: WasmMemory;
  exports: GemmExports;
  threads: KernelThreads;
}

const PAGE_BYTES = 65536;
/** Must equal --maximumMemory in the build:wasm script (pages of 64 KiB): 2 GiB. */
const MAXIMUM_PAGES = 32768;
/** Most bytes of A, B and C copies the kernel takes on, leaving room for workspaces under MAXIMUM_PAGES. */
const MAX_OPERAND_BYTES = 1.75 * 2 ** 30;
/** Buffers start on cache-line boundaries so the kernel's 16-byte vector loads never straddle lines needlessly. */
const ALIGN_BYTES = 64;
/**
 * Below this many multiply-adds (about a millisecond of work) a second thread costs more than it saves:
 * waking it takes tens of microseconds, and both threads pack their own copy of the shared operand.
 */
export const TWO_THREADS_MIN_MULTIPLY_ADDS = 1 << 22;

let kernel: Kernel | null = null;
/** A float32 view of the kernel's memory; replaced whenever the memory grows. */
let heap: Float32Array = new Float32Array(0);

/** Path of the compiled kernel: dist/wasm/gemm.wasm under the package root (a URL in a browser; src/platform/wasm.ts). */
export function gemmWasmPath(): string {
  return wasmPath("gemm");
}

/** How many threads large float32 products use: 1 or 2. The same setting as setNumThreads (threads.ts). */
export function setGemmThreads(count: number): void {
  setThreads(count, "setGemmThreads");
}

export function getGemmThreads(): number {
  return getNumThreads();
}

function loadKernel(): Kernel {
  if (kernel) return kernel;
  const module = wasmModule("gemm");
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true });
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports as GemmExports;
  const threads = new KernelThreads(module, memory, exports as unknown as Record<string, (...args: number[]) => unknown>,
    ["gemmF32"]);
  kernel = { memory, exports, threads };
  return kernel;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
}

/** Whether copies of A, B and C (and M packed rows of A) fit in the kernel's memory; larger products must use the reference. */
export function gemmWasmFits(M: number, N: number, K: number): boolean {
  return (M * K + K * N + M * N + 2 * M * 256) * 4 <= MAX_OPERAND_BYTES;
}

/** Grows the kernel's memory to at least `end` bytes and refreshes the float32 view. */
function ensureMemory(memory: WasmMemory, end: number): void {
  if (memory.buffer.byteLength < end) {
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE_BYTES));
  }
  // A grown shared memory hands out a new, longer buffer object.
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
}

/** Copies the first `count` floats of `source` into the heap at byte offset `at`. */
function copyIn(source: Float32Array, count: number, at: number): void {
  heap.set(source.length === count ? source : source.subarray(0, count), at / 4);
}

/**
 * gemmReference's contract for float32 arrays, computed by the WebAssembly kernel:
 * C (M×N) = op(A)·op(B), or += when `accumulate`. The sums run in float32 in a different order than the
 * reference's, so results agree to float32 rounding, and are the same on every run and thread count.
 */
export function gemmWasm(
  A: Float32Array, B: Float32Array, C: Float32Array,
  M: number, N: number, K: number,
  transA = false, transB = false, accumulate = false,
): void {
  if (M === 0 || N === 0) return;
  const { exports, memory, threads } = loadKernel();
  const workBytes = alignUp(exports.workspaceBytes(M));
  const work = alignUp(exports.scratchStart());
  const helperWork = work + workBytes;
  const aAt = helperWork + workBytes;
  const bAt = aAt + alignUp(M * K * 4);
  const cAt = bAt + alignUp(K * N * 4);
  ensureMemory(memory, cAt + M * N * 4);
  copyIn(A, M * K, aAt);
  copyIn(B, K * N, bAt);
  // Without accumulation the kernel writes every element of C, so its old contents need not be copied in.
  if (accumulate) copyIn(C, M * N, cAt);
  const flags = [M, N, K, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0] as const;
  const chunks = getNumThreads() === 2 && M * N * K >= TWO_THREADS_MIN_MULTIPLY_ADDS ? chunking(M, N) : null;
  if (chunks === null) {
    exports.gemmF32(aAt, bAt, cAt, work, ...flags, 0, M, 0, N);
  } else {
    // Strip k is [rowStart, rowEnd) × [colStart, colEnd) with one side cut; the helper uses its own workspace.
    const args = [aAt, bAt, cAt, work, ...flags, 0, M, 0, N];
    const [startArg, endArg] = chunks.byColumns ? [12, 13] : [10, 11];
    threads.run({ kernel: "gemmF32", args, threadStep: [0, 0, 0, helperWork - work], chunkSize: chunks.size,
      total: chunks.byColumns ? N : M, startArg, endArg }, 2);
  }
  C.set(heap.subarray(cAt / 4, cAt / 4 + M * N));
}

/** Strips of C the two threads take turns at. */
interface Chunking { byColumns: boolean; size: number }

/** Up to this many strips: enough for the threads to even out, few enough that re-packing per strip stays cheap. */
const MAX_CHUNKS = 8;

/**
 * Cuts C into strips across its longer side, on tile edges (multiples of 16 columns, or of 2 rows), so each
 * thread packs only its strips' share of that side's operand. Null when C is a single strip.
 */
function chunking(M: number, N: number): Chunking | null {
  const byColumns = N >= M;
  const tile = byColumns ? 16 : 2;
  const length = byColumns ? N : M;
  const tiles = Math.ceil(length / tile);
  if (tiles < 2) return null;
  const size = Math.ceil(tiles / MAX_CHUNKS) * tile;
  return { byColumns, size };
}
