// The engine's WebAssembly SIMD peak (bench/asm/simd-peak.ts, compiled by `npm run build:bench` to
// dist/bench/simd-peak.wasm), measured on `threads` threads at once: each runs the register-only probe in its
// own worker, all start together, and the rates add up. With two threads this also shows whether the two
// cores are really two (on this project's machines each of two copies runs at one copy's rate).
import { readFileSync } from "node:fs";
import { Worker } from "node:worker_threads";

/** Floating-point operations per step of mulAddChains: 12 chains × 4 lanes × (multiply + add). */
export const FLOPS_PER_STEP = 96;
/** Steps per timed call: about 30 ms at the machines' ~30 GFLOP/s, long enough for a timer, short enough to repeat. */
const STEPS = 10_000_000;
const RUNS = 7;

const wasmPath = new URL("./simd-peak.wasm", import.meta.url);

// Each worker compiles the module, warms it up (V8 compiles a function with its baseline compiler first and its
// optimising one after some calls), waits for the start signal, then reports the median of RUNS timed calls.
const workerSource = `
const { parentPort, workerData } = require("node:worker_threads");
const { bytes, start, steps, runs } = workerData;
const { mulAddChains } = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
for (let i = 0; i < 50; i++) mulAddChains(10000);
const flag = new Int32Array(start);
Atomics.add(flag, 1, 1);
Atomics.wait(flag, 0, 0);
const times = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  mulAddChains(steps);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
parentPort.postMessage(times[runs >> 1]);
`;

/** GFLOP/s of the register-only multiply+add probe on `threads` threads at once (the sum over threads). */
export async function simdPeakGflops(threads: number): Promise<number> {
  const bytes = readFileSync(wasmPath);
  const start = new SharedArrayBuffer(8);
  const flag = new Int32Array(start);
  const workers = Array.from({ length: threads }, () =>
    new Worker(workerSource, { eval: true, workerData: { bytes, start, steps: STEPS, runs: RUNS } }));
  let failure: unknown = null;
  const results = workers.map((worker) => new Promise<number>((resolve, reject) => {
    let reported = false;
    worker.once("message", (milliseconds: number) => { reported = true; resolve(milliseconds); });
    worker.once("error", (error) => { failure = error; reject(error); });
    // Each worker exits by itself after reporting; an exit before that, with no error event, would leave us waiting.
    worker.once("exit", (code) => {
      if (reported) return;
      failure ??= new Error(`the SIMD peak probe's worker exited with code ${code} before reporting`);
      reject(failure);
    });
  }));
  results.forEach((result) => result.catch(() => {})); // thrown below, from `failure` or Promise.all
  try {
    // Start the timed calls only when every worker is warm, so the threads overlap.
    while (Atomics.load(flag, 1) < threads) {
      if (failure !== null) throw failure;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
    const milliseconds = await Promise.all(results);
    return milliseconds.reduce((sum, ms) => sum + STEPS * FLOPS_PER_STEP / ms / 1e6, 0);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}
