// The float32 gemm compiled from asm/gemm.ts to WebAssembly SIMD, and the JS glue that feeds it.
//
// Where the .wasm lives: `npm run build` (script build:wasm) compiles asm/gemm.ts into
// <package root>/dist/wasm/gemm.wasm. This file finds the package root by walking up to the nearest
// package.json, so the same code works when vitest runs it from src/ and when Node runs the build in dist/.
// The module is loaded synchronously on the first call (gemm is synchronous). A missing .wasm throws an error
// that says to run the build: there is no silent fallback to the slow kernel that would hide a broken build.

import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ConvlabError } from "../../errors.js";

// tsconfig's lib (ES2022) and @types/node 20 carry no WebAssembly types, so declare the part used here.
declare namespace WebAssembly {
  class Module { constructor(bytes: Uint8Array); }
  class Instance { constructor(module: Module, imports: object); readonly exports: object; }
  class Memory { readonly buffer: ArrayBuffer; grow(pages: number): number; }
}

/** What asm/gemm.ts exports; offsets are bytes into `memory`. */
interface GemmExports {
  memory: WebAssembly.Memory;
  scratchStart(): number;
  workspaceBytes(rows: number): number;
  gemmF32(
    a: number, b: number, c: number, work: number,
    M: number, N: number, K: number,
    transA: number, transB: number, accumulate: number,
    rowStart: number, rowEnd: number, colStart: number, colEnd: number,
  ): void;
}

const PAGE_BYTES = 65536;
/** Buffers start on cache-line boundaries so the kernel's 16-byte vector loads never straddle lines needlessly. */
const ALIGN_BYTES = 64;
/** Most bytes of A, B and C copies the kernel takes on; wasm32 memory tops out at 4 GiB. */
const MAX_OPERAND_BYTES = 2 ** 31;

let kernel: GemmExports | null = null;
/** A float32 view of the kernel's memory; replaced whenever the memory grows (growing detaches the old buffer). */
let heap = new Float32Array(0);

/** Path of the compiled kernel: dist/wasm/gemm.wasm under the nearest directory holding a package.json. */
export function gemmWasmPath(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "wasm", "gemm.wasm");
    if (dirname(dir) === dir) {
      throw new ConvlabError(`gemm: no package.json above ${start}; cannot locate dist/wasm/gemm.wasm`);
    }
  }
}

function loadKernel(): GemmExports {
  if (kernel) return kernel;
  const path = gemmWasmPath();
  if (!existsSync(path)) {
    throw new ConvlabError(
      `gemm: the WebAssembly kernel ${path} is missing; run \`npm run build\` to compile it from asm/gemm.ts`,
    );
  }
  const module = new WebAssembly.Module(readFileSync(path));
  kernel = new WebAssembly.Instance(module, {}).exports as unknown as GemmExports;
  return kernel;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
}

/** Whether copies of A, B and C (and M packed rows of A) fit in the kernel's memory; larger products must use the reference. */
export function gemmWasmFits(M: number, N: number, K: number): boolean {
  return (M * K + K * N + M * N + M * 256) * 4 <= MAX_OPERAND_BYTES;
}

/** Grows the kernel's memory to at least `end` bytes and refreshes the float32 view. */
function ensureMemory(exports: GemmExports, end: number): void {
  const memory = exports.memory;
  if (memory.buffer.byteLength < end) {
    memory.grow(Math.ceil((end - memory.buffer.byteLength) / PAGE_BYTES));
  }
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
}

/** Copies the first `count` floats of `source` into the heap at byte offset `at`. */
function copyIn(source: Float32Array, count: number, at: number): void {
  heap.set(source.length === count ? source : source.subarray(0, count), at / 4);
}

/**
 * gemmReference's contract for float32 arrays, computed by the WebAssembly kernel:
 * C (M×N) = op(A)·op(B), or += when `accumulate`. The sums run in float32 in a different order than the
 * reference's, so results agree to float32 rounding, and are the same on every run.
 */
export function gemmWasm(
  A: Float32Array, B: Float32Array, C: Float32Array,
  M: number, N: number, K: number,
  transA = false, transB = false, accumulate = false,
): void {
  if (M === 0 || N === 0) return;
  const exports = loadKernel();
  const work = alignUp(exports.scratchStart());
  const aAt = work + alignUp(exports.workspaceBytes(M));
  const bAt = aAt + alignUp(M * K * 4);
  const cAt = bAt + alignUp(K * N * 4);
  ensureMemory(exports, cAt + M * N * 4);
  copyIn(A, M * K, aAt);
  copyIn(B, K * N, bAt);
  // Without accumulation the kernel writes every element of C, so its old contents need not be copied in.
  if (accumulate) copyIn(C, M * N, cAt);
  exports.gemmF32(aAt, bAt, cAt, work, M, N, K, transA ? 1 : 0, transB ? 1 : 0, accumulate ? 1 : 0, 0, M, 0, N);
  C.set(heap.subarray(cAt / 4, cAt / 4 + M * N));
}
