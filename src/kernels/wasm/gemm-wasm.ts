// The float32 gemm compiled from asm/gemm.ts to WebAssembly SIMD (dist/wasm/gemm.wasm, loaded on first use through
// kernel-module.ts), and the JS glue that feeds it: copies of A, B (and C when accumulating) go into the module's
// memory, the kernel runs, C comes out.
//
// With two threads (setNumThreads in ../threads.ts; two by default on two cores), large products are cut into
// strips that this thread and a helper worker sharing the module's memory take in turn (kernel-threads.ts, as the
// conv module's kernels). Strips start on tile edges, and each element of C is summed in the same order whichever
// thread computes it, so one thread and two give the same bits.

import { getNumThreads } from "../threads.js";
import { alignUp, KernelModule } from "./kernel-module.js";

/** gemmF32's parameters, in asm/gemm.ts's order (the conv module carries the same kernel). */
export const GEMM_PARAMETERS = ["a", "b", "c", "work", "M", "N", "K", "transA", "transB", "accumulate",
  "rowStart", "rowEnd", "colStart", "colEnd"] as const;

/** What asm/gemm.ts exports besides gemmF32; offsets are bytes into the module's memory. */
export interface GemmHelpers {
  scratchStart(): number;
  workspaceBytes(rows: number): number;
}

const gemmModule = new KernelModule<{ gemmF32: typeof GEMM_PARAMETERS }, GemmHelpers>("gemm", { gemmF32: GEMM_PARAMETERS });

/** Most bytes of A, B and C copies the kernel takes on, leaving room for workspaces under the memory's maximum. */
const MAX_OPERAND_BYTES = 1.75 * 2 ** 30;
/**
 * Below this many multiply-adds (about a millisecond of work) a second thread costs more than it saves:
 * waking it takes tens of microseconds, and both threads pack their own copy of the shared operand.
 */
export const TWO_THREADS_MIN_MULTIPLY_ADDS = 1 << 22;

/** Whether copies of A, B and C (and M packed rows of A) fit in the kernel's memory; larger products must use the reference. */
export function canRunGemmWasm(M: number, N: number, K: number): boolean {
  return (M * K + K * N + M * N + 2 * M * 256) * 4 <= MAX_OPERAND_BYTES;
}

/** Copies the first `count` floats of `source` into memory at byte offset `at`. */
function copyIn(source: Float32Array, count: number, at: number): void {
  gemmModule.heap.set(source.length === count ? source : source.subarray(0, count), at / 4);
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
  const workBytes = alignUp(gemmModule.helpers.workspaceBytes(M));
  const work = alignUp(gemmModule.helpers.scratchStart());
  const helperWork = work + workBytes;
  const aAt = helperWork + workBytes;
  const bAt = aAt + alignUp(M * K * 4);
  const cAt = bAt + alignUp(K * N * 4);
  gemmModule.growTo(cAt + M * N * 4);
  copyIn(A, M * K, aAt);
  copyIn(B, K * N, bAt);
  // Without accumulation the kernel writes every element of C, so its old contents need not be copied in.
  if (accumulate) copyIn(C, M * N, cAt);
  const args = { a: aAt, b: bAt, c: cAt, work, M, N, K, transA: transA ? 1 : 0, transB: transB ? 1 : 0,
    accumulate: accumulate ? 1 : 0, rowStart: 0, rowEnd: M, colStart: 0, colEnd: N };
  const chunks = getNumThreads() === 2 && M * N * K >= TWO_THREADS_MIN_MULTIPLY_ADDS ? chunking(M, N) : null;
  if (chunks === null) {
    gemmModule.call("gemmF32", args);
  } else {
    // Strip k is [rowStart, rowEnd) × [colStart, colEnd) with one side cut; the helper uses its own workspace.
    const edges = chunks.byColumns ? { start: "colStart", end: "colEnd" } as const : { start: "rowStart", end: "rowEnd" } as const;
    gemmModule.run("gemmF32", { args, threadStep: { work: helperWork - work }, chunkSize: chunks.size,
      total: chunks.byColumns ? N : M, ...edges }, 2);
  }
  C.set(gemmModule.heap.subarray(cAt / 4, cAt / 4 + M * N));
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
