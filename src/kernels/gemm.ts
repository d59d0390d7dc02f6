// General matrix multiply on flat row-major arrays: the one hot loop under matmul, linear and conv (via unfold).
// This file holds the readable reference kernel; faster kernels live beside it and are tested against it.

import { ShapeError, ValueError } from "../errors.js";
import { canRunGemmWasm, gemmWasm } from "./wasm/gemm-wasm.js";

export type FloatArray = Float32Array | Float64Array;

/**
 * C (M×N) = op(A) · op(B), or C += op(A) · op(B) when `accumulate`.
 * op(A) is M×K: A is stored M×K row-major, or K×M when `transA` (so op(A) = Aᵀ).
 * op(B) is K×N: B is stored K×N row-major, or N×K when `transB`.
 * Pass subarrays to address a block inside a larger buffer.
 */
export function gemmReference(
  A: FloatArray, B: FloatArray, C: FloatArray,
  M: number, N: number, K: number,
  transA = false, transB = false, accumulate = false,
): void {
  if (!accumulate) C.fill(0, 0, M * N);
  for (let i = 0; i < M; i++) {
    const cRow = i * N;
    for (let p = 0; p < K; p++) {
      const a = transA ? A[p * M + i] : A[i * K + p];
      if (transB) {
        for (let j = 0; j < N; j++) C[cRow + j] += a * B[j * K + p];
      } else {
        // i-p-j order walks B and C rows contiguously.
        const bRow = p * N;
        for (let j = 0; j < N; j++) C[cRow + j] += a * B[bRow + j];
      }
    }
  }
}

/**
 * Below this many multiply-adds (M·N·K) the JS reference beats the WebAssembly kernel, whose fixed cost is
 * copying A, B and C into its memory and packing B (measured by bench/gemm.ts).
 */
export const WASM_MIN_MULTIPLY_ADDS = 512;

/**
 * The gemm every op calls, with gemmReference's contract. All-float32 products of useful size run in the
 * WebAssembly SIMD kernel (src/kernels/wasm/gemm-wasm.ts, tested against the reference);
 * float64 (and mixed) arrays, tiny products and products too large for wasm memory run in the reference.
 */
export function gemm(
  A: FloatArray, B: FloatArray, C: FloatArray,
  M: number, N: number, K: number,
  transA = false, transB = false, accumulate = false,
): void {
  for (const [name, size] of [["M", M], ["N", N], ["K", K]] as const) {
    if (!Number.isInteger(size) || size < 0) {
      throw new ValueError(`gemm: ${name} must be a non-negative integer, but got ${size}`);
    }
  }
  checkLength("A", A, M * K, transA ? [K, M] : [M, K]);
  checkLength("B", B, K * N, transB ? [N, K] : [K, N]);
  checkLength("C", C, M * N, [M, N]);
  if (A instanceof Float32Array && B instanceof Float32Array && C instanceof Float32Array
    && M * N * K >= WASM_MIN_MULTIPLY_ADDS && canRunGemmWasm(M, N, K)) {
    gemmWasm(A, B, C, M, N, K, transA, transB, accumulate);
  } else {
    gemmReference(A, B, C, M, N, K, transA, transB, accumulate);
  }
}

/** A short array would make the reference read `undefined` (NaN) and the wasm kernel read stale memory. */
function checkLength(name: string, array: FloatArray, needed: number, shape: number[]): void {
  if (array.length < needed) {
    throw new ShapeError(
      `gemm: ${name} has ${array.length} elements, but a [${shape.join(", ")}] matrix needs ${needed}`,
    );
  }
}
