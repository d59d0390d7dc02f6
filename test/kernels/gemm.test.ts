// The WebAssembly float32 gemm against the JS reference: every transpose combination, edge sizes around the
// 2×16 tile and the 256-deep K blocks, accumulation, NaN/Inf, offset views, and the dispatch in gemm().
import { Generator } from "../../src/tensor/random.js";
import { describe, expect, test } from "vitest";
import { existsSync } from "node:fs";
import { gemm, gemmReference, WASM_MIN_MULTIPLY_ADDS } from "../../src/kernels/gemm.js";
import {
  gemmWasm, TWO_THREADS_MIN_MULTIPLY_ADDS,
} from "../../src/kernels/wasm/gemm-wasm.js";
import { wasmModule, wasmPath } from "../../src/platform/wasm.js";
import { getNumThreads, setNumThreads } from "../../src/kernels/threads.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { KernelThreads } from "../../src/kernels/wasm/kernel-threads.js";
// The kernels' own typing of the WebAssembly API (the DOM lib the browser tests type-check with has another).
import { WebAssembly as Wasm } from "../../src/platform/webassembly.js";

interface KernelExports {
  scratchStart(): number;
  workspaceBytes(rows: number): number;
  gemmF32(...args: number[]): void;
}

/** Uniform numbers in [0, 1) from the library's seeded generator, so every run tests the same numbers. */
function generator(seed: number): () => number {
  const stream = new Generator(seed);
  return () => stream.next();
}

/** Uniform floats in [-1, 1). */
function randomFloats(length: number, next: () => number): Float32Array {
  return Float32Array.from({ length }, () => next() * 2 - 1);
}

/** Integers in [-8, 8]: with K ≤ 1000 every partial sum is an exact float32, so any order gives the same bits. */
function randomIntegers(length: number, next: () => number): Float32Array {
  return Float32Array.from({ length }, () => Math.floor(next() * 17) - 8);
}

/** Σ_p |op(A)[i,p]·op(B)[p,j]| for every (i, j): the scale that float32 rounding error is relative to. */
function absoluteProducts(
  A: Float32Array, B: Float32Array, M: number, N: number, K: number, transA: boolean, transB: boolean,
): Float64Array {
  const absA = Float64Array.from(A, Math.abs);
  const absB = Float64Array.from(B, Math.abs);
  const scale = new Float64Array(M * N);
  gemmReference(absA, absB, scale, M, N, K, transA, transB);
  return scale;
}

/** Index of the first element whose bits differ (NaN payloads included), or -1; fast on large arrays. */
function firstDifferentBits(actual: Float32Array, expected: Float32Array): number {
  const actualBits = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const expectedBits = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  for (let index = 0; index < actual.length; index++) if (actualBits[index] !== expectedBits[index]) return index;
  return -1;
}

const transposeCases = [
  { transA: false, transB: false, name: "A·B (matmul, conv forward)" },
  { transA: false, transB: true, name: "A·Bᵀ (linear forward)" },
  { transA: true, transB: false, name: "Aᵀ·B (linear weight gradient)" },
  { transA: true, transB: true, name: "Aᵀ·Bᵀ" },
];

// Sizes straddle the micro-tile (2 rows × 16 columns) and the K block (256); for A·Bᵀ with K ≥ 256, the
// dot-product tile (2 rows × 4 columns), its 4-wide vectors (K % 4 = 1, 2, 3) and its K chunk (2048).
const shapes: [number, number, number][] = [
  [1, 1, 1], [1, 16, 1], [2, 16, 1], [1, 1, 33], [2, 15, 7], [3, 17, 5], [15, 16, 17], [16, 15, 33],
  [17, 33, 16], [33, 17, 15], [6, 200, 25], [16, 64, 150], [7, 31, 256], [5, 18, 257], [9, 40, 513],
  [64, 48, 300], [31, 1, 40], [1, 35, 300], [3, 5, 259], [2, 1, 258], [3, 6, 4099], [1, 1, 256], [4, 3, 255],
];

describe("gemmWasm equals gemmReference exactly on integer inputs", () => {
  for (const { transA, transB, name } of transposeCases) {
    for (const accumulate of [false, true]) {
      test.each(shapes)(`${name} accumulate=${accumulate} M=%i N=%i K=%i`, (M, N, K) => {
        const next = generator(M * 1_000_003 + N * 1009 + K);
        const A = randomIntegers(M * K, next);
        const B = randomIntegers(K * N, next);
        const start = randomIntegers(M * N, next);
        const expected = start.slice();
        const actual = start.slice();
        gemmReference(A, B, expected, M, N, K, transA, transB, accumulate);
        gemmWasm(A, B, actual, M, N, K, transA, transB, accumulate);
        expect(actual).toEqual(expected);
      });
    }
  }
});

describe("gemmWasm matches gemmReference to float32 rounding on random floats", () => {
  for (const { transA, transB, name } of transposeCases) {
    test.each(shapes)(`${name} M=%i N=%i K=%i`, (M, N, K) => {
      const next = generator(7 + M * 31 + N * 17 + K);
      const A = randomFloats(M * K, next);
      const B = randomFloats(K * N, next);
      const expected = new Float32Array(M * N);
      const actual = new Float32Array(M * N).fill(NaN); // stale contents, even NaN, must be overwritten
      gemmReference(A, B, expected, M, N, K, transA, transB);
      gemmWasm(A, B, actual, M, N, K, transA, transB);
      const scale = absoluteProducts(A, B, M, N, K, transA, transB);
      let worst = 0;
      for (let index = 0; index < M * N; index++) {
        worst = Math.max(worst, Math.abs(actual[index] - expected[index]) / (scale[index] + 1e-30));
      }
      expect(worst).toBeLessThan(1e-5);
    });
  }
});

describe("gemmWasm special cases", () => {
  test("0·Inf is NaN and Inf propagates, as in the reference", () => {
    const M = 3, N = 18, K = 4;
    const A = new Float32Array(M * K).fill(1);
    const B = new Float32Array(K * N).fill(1);
    A[0 * K + 1] = Infinity; // row 0 meets B row 1
    B[1 * N + 2] = 0; //         ... which is 0 in column 2: Inf·0 = NaN
    A[2 * K + 3] = -Infinity; // row 2 meets B row 3, all ones: -Inf
    B[2 * N + 17] = NaN; //      every row meets NaN in column 17 (the partial edge tile)
    const expected = new Float32Array(M * N);
    const actual = new Float32Array(M * N);
    gemmReference(A, B, expected, M, N, K);
    gemmWasm(A, B, actual, M, N, K);
    expect(actual).toEqual(expected);
    expect(actual[0 * N + 2]).toBeNaN();
    expect(actual[0 * N + 3]).toBe(Infinity);
    expect(actual[2 * N + 0]).toBe(-Infinity);
    expect(actual[1 * N + 17]).toBeNaN();
    expect(actual[1 * N + 16]).toBe(4);
  });

  test("accumulating into C adds to its contents, including a NaN already there", () => {
    const M = 2, N = 16, K = 3;
    const A = new Float32Array(M * K).fill(1);
    const B = new Float32Array(K * N).fill(2);
    const C = new Float32Array(M * N).fill(10);
    C[5] = NaN;
    gemmWasm(A, B, C, M, N, K, false, false, true);
    expect(C[0]).toBe(16);
    expect(C[5]).toBeNaN();
    expect(C[M * N - 1]).toBe(16);
  });

  test("K=0: C becomes zero, or stays as it was when accumulating", () => {
    const C = new Float32Array([1, 2, 3, 4, 5, 6]);
    gemmWasm(new Float32Array(0), new Float32Array(0), C, 2, 3, 0, false, false, true);
    expect(Array.from(C)).toEqual([1, 2, 3, 4, 5, 6]);
    gemmWasm(new Float32Array(0), new Float32Array(0), C, 2, 3, 0);
    expect(Array.from(C)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  test("offset views into larger buffers: reads only the view, writes only the first M·N of C", () => {
    const M = 5, N = 19, K = 21;
    const next = generator(99);
    const bufferA = randomIntegers(M * K + 40, next);
    const bufferB = randomIntegers(K * N + 40, next);
    const bufferC = randomIntegers(M * N + 40, next);
    const A = bufferA.subarray(13, 13 + M * K + 7); // longer than needed: the tail must be ignored
    const B = bufferB.subarray(29, 29 + K * N);
    const C = bufferC.subarray(11, 11 + M * N + 5);
    const expectedBuffer = bufferC.slice();
    gemmReference(A, B, expectedBuffer.subarray(11), M, N, K, true, false, true);
    gemmWasm(A, B, C, M, N, K, true, false, true);
    expect(bufferC).toEqual(expectedBuffer);
    expect(bufferC[11 + M * N]).toBe(expectedBuffer[11 + M * N]);
  });

  test("the same product twice gives the same bits (and a larger call in between changes nothing)", () => {
    const next = generator(5);
    const A = randomFloats(37 * 300, next);
    const B = randomFloats(300 * 41, next);
    const first = new Float32Array(37 * 41);
    const second = new Float32Array(37 * 41);
    gemmWasm(A, B, first, 37, 41, 300);
    const big = randomFloats(512 * 512, next);
    gemmWasm(big, big, new Float32Array(512 * 512), 512, 512, 512); // grows the wasm memory
    gemmWasm(A, B, second, 37, 41, 300);
    expect(firstDifferentBits(second, first)).toBe(-1);
  });
});

describe("gemmWasm on two threads", () => {
  // Shapes above the two-thread threshold: wide ones split by columns, tall ones by rows, odd edges on both sides.
  const largeShapes: [number, number, number][] = [
    [6, 30000, 25], [16, 2001, 150], [257, 120, 400], [1001, 33, 129], [3, 100001, 15], [512, 512, 512],
  ];
  for (const { transA, transB, name } of transposeCases) {
    test.each(largeShapes)(`${name} M=%i N=%i K=%i gives the same bits as one thread, close to the reference`, (M, N, K) => {
      expect(M * N * K).toBeGreaterThanOrEqual(TWO_THREADS_MIN_MULTIPLY_ADDS);
      const next = generator(M + N + K);
      const A = randomFloats(M * K, next);
      const B = randomFloats(K * N, next);
      const start = randomFloats(M * N, next);
      const oneThread = start.slice();
      const twoThreads = start.slice();
      const previous = getNumThreads();
      try {
        setNumThreads(1);
        gemmWasm(A, B, oneThread, M, N, K, transA, transB, true);
        setNumThreads(2);
        gemmWasm(A, B, twoThreads, M, N, K, transA, transB, true);
      } finally {
        setNumThreads(previous);
      }
      expect(firstDifferentBits(twoThreads, oneThread)).toBe(-1);
      // And both are right: compare a sample of rows against the reference.
      let worst = 0;
      for (const row of [0, M >> 1, M - 1]) {
        const rowA = new Float32Array(K);
        for (let p = 0; p < K; p++) rowA[p] = transA ? A[p * M + row] : A[row * K + p];
        const expected = start.slice(row * N, row * N + N);
        gemmReference(rowA, B, expected, 1, N, K, false, transB, true);
        for (let j = 0; j < N; j++) worst = Math.max(worst, Math.abs(twoThreads[row * N + j] - expected[j]));
      }
      expect(worst).toBeLessThan(1e-3);
    });
  }

  test("the helper thread computes its chunks into shared memory (this thread waits for it to take one)", () => {
    const M = 64, N = 16 * 20, K = 40;
    const module = wasmModule("gemm");
    const memory = new Wasm.Memory({ initial: 64, maximum: 32768, shared: true });
    const kernel = new Wasm.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const work = kernel.scratchStart(), helperWork = work + kernel.workspaceBytes(M);
    const aAt = helperWork + kernel.workspaceBytes(M), bAt = aAt + M * K * 4, cAt = bAt + K * N * 4;
    const heap = new Float32Array(memory.buffer);
    const next = generator(21);
    const A = randomIntegers(M * K, next), B = randomIntegers(K * N, next);
    heap.set(A, aAt / 4);
    heap.set(B, bAt / 4);
    heap.fill(NaN, cAt / 4, cAt / 4 + M * N);
    const flags = [M, N, K, 0, 0, 0];
    const waitFlag = new Int32Array(new SharedArrayBuffer(4));
    let ownChunks = 0;
    // This thread's gemmF32 (the helper instantiates its own from the module).
    const ownKernel = (...args: number[]) => {
      // Hold the first chunk until the helper has finished one, so both threads certainly take part.
      for (let waited = 0; ownChunks === 0 && helper.helperChunks === 0 && waited < 30_000; waited += 10) {
        Atomics.wait(waitFlag, 0, 0, 10);
      }
      (kernel.gemmF32 as (...a: number[]) => void)(...args);
      ownChunks++;
    };
    const helper = new KernelThreads(module, memory, { gemmF32: ownKernel }, ["gemmF32"]);
    // Ten strips of 32 columns; the helper uses its own workspace.
    helper.run({ kernel: "gemmF32", args: [aAt, bAt, cAt, work, ...flags, 0, M, 0, N], threadStep: [0, 0, 0, helperWork - work],
      chunkSize: 32, total: N, startArg: 12, endArg: 13 }, 2);
    expect(helper.helperChunks).toBeGreaterThan(0);
    expect(ownChunks + helper.helperChunks).toBe(10);
    const expected = new Float32Array(M * N);
    gemmReference(A, B, expected, M, N, K);
    expect(firstDifferentBits(heap.slice(cAt / 4, cAt / 4 + M * N), expected)).toBe(-1);
  });

  test("setNumThreads accepts 1 or 2 only", () => {
    expect(() => setNumThreads(3)).toThrow("setNumThreads: expected 1 or 2 threads, but got 3");
  });
});

describe("gemm dispatch", () => {
  test("the compiled kernel is where wasmPath says", () => {
    expect(wasmPath("gemm")).toMatch(/dist[\\/]wasm[\\/]gemm\.wasm$/);
    expect(existsSync(wasmPath("gemm"))).toBe(true);
  });

  test("float32 products above the threshold give the wasm kernel's bits", () => {
    const M = 8, N = 40, K = 64;
    expect(M * N * K).toBeGreaterThanOrEqual(WASM_MIN_MULTIPLY_ADDS);
    const next = generator(11);
    const A = randomFloats(M * K, next);
    const B = randomFloats(N * K, next);
    const viaGemm = new Float32Array(M * N);
    const viaWasm = new Float32Array(M * N);
    gemm(A, B, viaGemm, M, N, K, false, true);
    gemmWasm(A, B, viaWasm, M, N, K, false, true);
    expect(viaGemm).toEqual(viaWasm);
  });

  test("float64 and tiny float32 products give the reference's bits", () => {
    const next = generator(12);
    const A64 = Float64Array.from(randomFloats(30 * 50, next));
    const B64 = Float64Array.from(randomFloats(50 * 20, next));
    const viaGemm = new Float64Array(30 * 20);
    const viaReference = new Float64Array(30 * 20);
    gemm(A64, B64, viaGemm, 30, 20, 50, true, false);
    gemmReference(A64, B64, viaReference, 30, 20, 50, true, false);
    expect(viaGemm).toEqual(viaReference);

    const A = randomFloats(2 * 3, next);
    const B = randomFloats(3 * 2, next);
    const small = new Float32Array(4);
    const smallReference = new Float32Array(4);
    gemm(A, B, small, 2, 2, 3);
    gemmReference(A, B, smallReference, 2, 2, 3);
    expect(small).toEqual(smallReference);
  });

  test("a mixed float32/float64 call runs in the reference", () => {
    const A = new Float32Array(64 * 64).fill(0.1);
    const B = new Float64Array(64 * 64).fill(0.1);
    const viaGemm = new Float64Array(64 * 64);
    const viaReference = new Float64Array(64 * 64);
    gemm(A, B, viaGemm, 64, 64, 64);
    gemmReference(A, B, viaReference, 64, 64, 64);
    expect(viaGemm).toEqual(viaReference);
  });

  test("a negative or fractional size throws a ValueError", () => {
    const array = new Float32Array(16);
    expect(() => gemm(array, array, array, -1, 2, 2)).toThrow("gemm: M must be a non-negative integer, but got -1");
    expect(() => gemm(array, array, array, 2, 2, 1.5)).toThrow(ValueError);
  });

  test("an array shorter than its matrix throws a ShapeError naming it", () => {
    const call = () => gemm(new Float32Array(6), new Float32Array(11), new Float32Array(8), 2, 4, 3, false, true);
    expect(call).toThrow(ShapeError);
    expect(call).toThrow("gemm: B has 11 elements, but a [4, 3] matrix needs 12");
  });
});
