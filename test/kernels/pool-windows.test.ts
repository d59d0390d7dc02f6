// Pooling over windows directly (src/kernels/pool-windows.ts) against the readable im2col path in
// src/ops/pool.ts: same bits in values and gradients, float32 and float64, random shapes and options
// (including ones the direct loops must decline: padding, overlap, ceil-mode overhang, dilation).
import { Generator } from "../../src/tensor/random.js";
import { describe, expect, test } from "vitest";
import { avgPool2dWith, maxPool2dWith, type PoolKernels } from "../../src/ops/pool.js";
import { canRunPoolWindows } from "../../src/kernels/pool-windows.js";
import { pool2dInfo } from "../../src/calc/pool-info.js";
import { Tensor } from "../../src/tensor/tensor.js";

/** Uniform numbers in [0, 1) from the library's seeded generator, so every run tests the same numbers. */
function generator(seed: number): () => number {
  const stream = new Generator(seed);
  return () => stream.next();
}

interface Case {
  kind: "avg" | "max"; shape: number[]; kernel: [number, number]; dtype: "float32" | "float64";
  options: { stride?: [number, number]; padding?: [number, number]; dilation?: [number, number]; ceilMode?: boolean;
    countIncludePad?: boolean; divisorOverride?: number };
}

function run(kernels: PoolKernels, c: Case, seed: number) {
  const next = generator(seed);
  const size = c.shape.reduce((a, b) => a * b, 1);
  const data = c.dtype === "float32" ? new Float32Array(size) : new Float64Array(size);
  // Small integers make ties (first-maximum rule) common; some NaN and -0 too.
  for (let i = 0; i < size; i++) data[i] = next() < 0.02 ? NaN : next() < 0.02 ? -0 : Math.floor(next() * 7) - 3 + next() * (next() < 0.5 ? 0 : 1);
  const input = new Tensor(data, c.shape);
  input.requiresGrad = true;
  const out = c.kind === "avg" ? avgPool2dWith(kernels, input, c.kernel, c.options)
    : maxPool2dWith(kernels, input, c.kernel, { ...c.options, countIncludePad: undefined, divisorOverride: undefined } as never);
  const upstream = new Tensor(c.dtype === "float32" ? new Float32Array(out.size) : new Float64Array(out.size), out.shape);
  for (let i = 0; i < out.size; i++) upstream.data[i] = next() < 0.05 ? -0 : next() * 2 - 1;
  out.backward(upstream);
  return { out: out.data, grad: input.grad!.data };
}

function bits(a: Float32Array | Float64Array | Int32Array | Uint8Array): number[] {
  return Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
}

const next = generator(99);
const pick = (n: number) => Math.floor(next() * n);
const cases: Case[] = [
  { kind: "avg", shape: [4, 6, 28, 28], kernel: [2, 2], dtype: "float32", options: { stride: [2, 2] } },
  { kind: "max", shape: [4, 6, 28, 28], kernel: [2, 2], dtype: "float32", options: { stride: [2, 2] } },
  { kind: "avg", shape: [3, 16, 10, 10], kernel: [2, 2], dtype: "float64", options: {} },
  // The WebAssembly 2×2 kernel: four outputs per step, a scalar tail, odd sizes floored, divisorOverride.
  { kind: "avg", shape: [2, 3, 7, 9], kernel: [2, 2], dtype: "float32", options: { stride: [2, 2] } },
  { kind: "avg", shape: [1, 2, 10, 10], kernel: [2, 2], dtype: "float32", options: {} },
  { kind: "avg", shape: [2, 2, 6, 22], kernel: [2, 2], dtype: "float32", options: { divisorOverride: 3 } },
  { kind: "avg", shape: [1, 1, 2, 2], kernel: [2, 2], dtype: "float32", options: {} },
];
for (let k = 0; k < 60; k++) {
  const kernel: [number, number] = [1 + pick(3), 1 + pick(3)];
  const options: Case["options"] = { stride: [kernel[0] + pick(2) - (pick(4) === 0 ? 1 : 0), kernel[1] + pick(2)] };
  if (options.stride![0] < 1) options.stride![0] = 1;
  if (pick(4) === 0) options.padding = [pick(2), pick(2)].map((p, i) => Math.min(p, Math.floor(kernel[i] / 2))) as [number, number];
  if (pick(4) === 0) options.ceilMode = true;
  const kind = pick(2) === 0 ? "avg" : "max";
  if (kind === "avg" && pick(3) === 0) options.countIncludePad = false;
  if (kind === "avg" && pick(4) === 0) options.divisorOverride = 1 + pick(5);
  if (kind === "max" && pick(5) === 0) options.dilation = [2, 1];
  cases.push({ kind, shape: [1 + pick(3), 1 + pick(3), 2 * kernel[0] + pick(9), 2 * kernel[1] + pick(9)], kernel,
    dtype: pick(2) === 0 ? "float32" : "float64", options });
}

describe("pooling: direct window loops give the readable path's bits", () => {
  let direct = 0;
  for (const [index, c] of cases.entries()) {
    test(`${c.kind} x=[${c.shape}] k=[${c.kernel}] ${c.dtype} ${JSON.stringify(c.options)}`, () => {
      const fast = run("fast", c, index), readable = run("readable", c, index);
      expect(bits(fast.out)).toEqual(bits(readable.out));
      expect(bits(fast.grad)).toEqual(bits(readable.grad));
      const info = pool2dInfo(c.shape, c.kernel, { ...c.options, dilation: c.options.dilation ?? 1 }, "test");
      if (canRunPoolWindows(info)) direct++;
    });
  }
  test("the random cases exercise both paths", () => {
    expect(direct).toBeGreaterThan(10);
    expect(direct).toBeLessThan(cases.length - 10);
  });
});

describe("pooling: signed zeros", () => {
  test("a window of four -0 averages to +0 (the readable sum starts from +0), forward and backward", () => {
    for (const kernels of ["fast", "readable"] as const) {
      for (const dtype of ["float32", "float64"] as const) {
        const data = dtype === "float32" ? new Float32Array(6 * 8).fill(-0) : new Float64Array(6 * 8).fill(-0);
        const x = new Tensor(data, [1, 1, 6, 8]);
        x.requiresGrad = true;
        const y = avgPool2dWith(kernels, x, 2);
        expect(Array.from(y.data).every((v) => Object.is(v, 0)), `${kernels} ${dtype}`).toBe(true);
        y.backward(new Tensor(dtype === "float32" ? new Float32Array(12).fill(-0) : new Float64Array(12).fill(-0), [1, 1, 3, 4]));
        expect(Array.from(x.grad!.data).every((v) => Object.is(v, 0)), `${kernels} ${dtype} grad`).toBe(true);
      }
    }
  });
});

describe("canRunPoolWindows", () => {
  const info = (shape: number[], k: number, options: object) => pool2dInfo(shape, k, options, "test");
  test("LeNet's 2×2 stride 2 on 28×28 and 10×10: direct", () => {
    expect(canRunPoolWindows(info([1, 6, 28, 28], 2, { stride: 2 }))).toBe(true);
    expect(canRunPoolWindows(info([1, 16, 10, 10], 2, { stride: 2 }))).toBe(true);
  });
  test("padding, overlap, ceil-mode overhang, dilation: readable path", () => {
    expect(canRunPoolWindows(info([1, 1, 8, 8], 2, { stride: 2, padding: 1 }))).toBe(false);
    expect(canRunPoolWindows(info([1, 1, 8, 8], 3, { stride: 2 }))).toBe(false);
    expect(canRunPoolWindows(info([1, 1, 7, 7], 2, { stride: 2, ceilMode: true }))).toBe(false);
    expect(canRunPoolWindows(info([1, 1, 8, 8], 2, { stride: 2, dilation: 2 }))).toBe(false);
  });
  test("an odd size floors away the last row and column: still direct", () => {
    expect(canRunPoolWindows(info([1, 1, 7, 7], 2, { stride: 2 }))).toBe(true);
  });
});
