// GFLOP/s of the float32 gemm kernels on LeNet's shapes (the table in /work/shared/PEERS.md) and on small
// products (where the dispatch threshold WASM_MIN_MULTIPLY_ADDS comes from). Run: `npm run bench:gemm`.
// Times include everything a caller pays: for the wasm kernel, copying A, B (and C) in and C out.
import { gemmReference, WASM_MIN_MULTIPLY_ADDS } from "../src/kernels/gemm.js";
import { gemmWasm, TWO_THREADS_MIN_MULTIPLY_ADDS } from "../src/kernels/wasm/gemm-wasm.js";
import { setNumThreads } from "../src/kernels/threads.js";

type Kernel = typeof gemmWasm; // both kernels, on float32 arrays

/** Best of several timed runs, in seconds, each run repeating the call until it has taken ≥ 20 ms. */
function secondsPerCall(call: () => void, runs: number): number {
  call(); // warm-up: JIT, first wasm load, memory growth
  let best = Infinity;
  for (let run = 0; run < runs; run++) {
    let calls = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    do {
      call();
      calls++;
      elapsed = Number(process.hrtime.bigint() - start) / 1e9;
    } while (elapsed < 0.02);
    best = Math.min(best, elapsed / calls);
  }
  return best;
}

function gflops(kernel: Kernel, M: number, N: number, K: number, transA: boolean, transB: boolean, runs: number): number {
  const A = Float32Array.from({ length: M * K }, () => Math.random() - 0.5);
  const B = Float32Array.from({ length: K * N }, () => Math.random() - 0.5);
  const C = new Float32Array(M * N);
  const seconds = secondsPerCall(() => kernel(A, B, C, M, N, K, transA, transB, false), runs);
  return (2 * M * N * K) / seconds / 1e9;
}

const lenetShapes: [string, number, number, number][] = [
  ["conv1-shaped 6×25×200704", 6, 200704, 25],
  ["conv2-shaped 16×150×25600", 16, 25600, 150],
  ["fc1-shaped 256×400×120", 256, 120, 400],
  ["512³", 512, 512, 512],
];
const transposes: [string, boolean, boolean][] = [
  ["A·B", false, false], ["A·Bᵀ", false, true], ["Aᵀ·B", true, false], ["Aᵀ·Bᵀ", true, true],
];

const cell = (value: number) => value.toFixed(1).padStart(7);
const header = ["reference A·B", ...transposes.map(([name]) => `wasm ${name}`), "2 threads A·B"];
console.log("float32 gemm, GFLOP/s (2·M·N·K / time), M×K×N as in PEERS.md; wasm columns are op(A)·op(B) on one thread");
console.log(`${"shape".padEnd(28)}${header.map((name) => name.padStart(15)).join("")}`);
for (const [name, M, N, K] of lenetShapes) {
  const figures = [gflops(gemmReference, M, N, K, false, false, 2)];
  setNumThreads(1);
  for (const [, transA, transB] of transposes) figures.push(gflops(gemmWasm, M, N, K, transA, transB, 5));
  setNumThreads(2);
  figures.push(gflops(gemmWasm, M, N, K, false, false, 5));
  console.log(`${name.padEnd(28)}${figures.map((value) => cell(value).padStart(15)).join("")}`);
}

// The products one LeNet training step on a batch of 256 makes (conv via unfold/im2col), as ops call gemm.
const trainingProducts: [string, number, number, number, boolean, boolean][] = [
  ["conv1 forward   W·cols", 6, 200704, 25, false, false],
  ["conv1 weight    dY·colsᵀ", 6, 25, 200704, false, true],
  ["conv2 forward   W·cols", 16, 25600, 150, false, false],
  ["conv2 weight    dY·colsᵀ", 16, 150, 25600, false, true],
  ["conv2 input     Wᵀ·dY", 150, 25600, 16, true, false],
  ["fc1 forward     X·Wᵀ", 256, 120, 400, false, true],
  ["fc1 weight      dYᵀ·X", 120, 400, 256, true, false],
  ["fc1 input       dY·W", 256, 400, 120, false, false],
];
console.log("\nLeNet training products (batch 256), GFLOP/s");
console.log(`${"product".padEnd(28)}${"M×K×N".padStart(16)}${"reference".padStart(11)}${"wasm".padStart(9)}${"2 threads".padStart(11)}`);
for (const [name, M, N, K, transA, transB] of trainingProducts) {
  const reference = gflops(gemmReference, M, N, K, transA, transB, 2);
  setNumThreads(1);
  const fast = gflops(gemmWasm, M, N, K, transA, transB, 5);
  setNumThreads(2);
  const twoThreads = gflops(gemmWasm, M, N, K, transA, transB, 5);
  console.log(`${name.padEnd(28)}${`${M}×${K}×${N}`.padStart(16)}${cell(reference).padStart(11)}${cell(fast).padStart(9)}${cell(twoThreads).padStart(11)}`);
}

console.log(`\nsmall square products, A·Bᵀ: gemm() sends M·N·K ≥ ${WASM_MIN_MULTIPLY_ADDS} to wasm, ` +
  `and uses two threads from M·N·K ≥ ${TWO_THREADS_MIN_MULTIPLY_ADDS}`);
console.log(`${"M=N=K".padEnd(8)}${"M·N·K".padStart(9)}${"reference".padStart(11)}${"wasm".padStart(9)}${"2 threads".padStart(11)}`);
for (const size of [2, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128]) {
  const reference = gflops(gemmReference, size, size, size, false, true, 5);
  setNumThreads(1);
  const fast = gflops(gemmWasm, size, size, size, false, true, 5);
  setNumThreads(2);
  const twoThreads = size ** 3 >= TWO_THREADS_MIN_MULTIPLY_ADDS ? cell(gflops(gemmWasm, size, size, size, false, true, 5)) : "-";
  console.log(`${String(size).padEnd(8)}${String(size ** 3).padStart(9)}${cell(reference).padStart(11)}${cell(fast).padStart(9)}${twoThreads.padStart(11)}`);
}
