// General matrix multiply on flat row-major arrays: the one hot loop under matmul, linear and conv (via unfold).
// This file holds the readable reference kernel; faster kernels live beside it and are tested against it.

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

/** The gemm every op calls; a faster implementation replaces the reference here once tested against it. */
export const gemm = gemmReference;
