// The WebAssembly conv2d and sigmoid (asm/conv.ts via src/kernels/wasm/conv-wasm.ts) against the readable
// JS kernels: conv2d's fast path against its JS im2col / gemm / col2im path on random shapes and every option,
// values and all three gradients; sigmoid against the float64 loop over the whole float32 range.
import { describe, expect, test } from "vitest";
import { conv2dWith, type ConvKernels } from "../../src/ops/conv.js";
import { sigmoid, sigmoidReference } from "../../src/ops/activation.js";
import { Tensor } from "../../src/tensor/tensor.js";
import type { Conv2dOptions } from "../../src/calc/conv-info.js";

/** mulberry32: a tiny seeded generator so every run tests the same numbers. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomTensor(shape: number[], next: () => number): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
  const t = new Tensor(data, shape);
  t.requiresGrad = true;
  return t;
}

interface Case { input: number[]; weight: number[]; bias: boolean; options: Conv2dOptions }

/** Values and the gradients of input, weight and bias for sum(conv2d(...) · upstream). */
function run(kernels: ConvKernels, c: Case, seed: number) {
  const next = generator(seed);
  const input = randomTensor(c.input, next), weight = randomTensor(c.weight, next);
  const bias = c.bias ? randomTensor([c.weight[0]], next) : null;
  const out = conv2dWith(kernels, input, weight, bias, c.options);
  const upstream = randomTensor(out.shape, next);
  upstream.requiresGrad = false;
  out.mul(upstream).sum().backward();
  return { out: out.data, gx: input.grad!.data, gw: weight.grad!.data, gb: bias?.grad?.data ?? null };
}

/** Largest |a - b| relative to the largest |b| (gemm sums in one order in both paths; tiny products differ). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0, scale = 1e-30;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/** How many elements differ in their bits (toEqual on millions of elements is slow). */
function differingBits(a: Float32Array | Float64Array | null, b: Float32Array | Float64Array | null): number {
  expect(a?.length).toBe(b?.length);
  if (a === null || b === null) return 0;
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  let count = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) count++;
  return count;
}

function caseName(c: Case): string {
  return `x=[${c.input}] w=[${c.weight}] bias=${c.bias} ${JSON.stringify(c.options)}`;
}

describe("conv2d: WebAssembly kernels equal the readable JS path (float32)", () => {
  const lenetCases: Case[] = [
    { input: [256, 1, 28, 28], weight: [6, 1, 5, 5], bias: true, options: { padding: 2 } },
    { input: [256, 6, 14, 14], weight: [16, 6, 5, 5], bias: true, options: {} },
  ];
  for (const c of lenetCases) {
    test(`LeNet layer, bit for bit: ${caseName(c)}`, () => {
      const fast = run("fast", c, 1), readable = run("readable", c, 1);
      expect(fast.out.length).toBe(c.input[0] * c.weight[0] * (c.weight[0] === 6 ? 28 * 28 : 10 * 10));
      expect(differingBits(fast.out as Float32Array, readable.out as Float32Array)).toBe(0);
      expect(differingBits(fast.gx as Float32Array, readable.gx as Float32Array)).toBe(0);
      expect(differingBits(fast.gw as Float32Array, readable.gw as Float32Array)).toBe(0);
      expect(differingBits(fast.gb as Float32Array, readable.gb as Float32Array)).toBe(0);
    });
  }

  const next = generator(2024);
  const pick = (n: number) => Math.floor(next() * n);
  const randomCases: Case[] = [];
  for (let k = 0; k < 40; k++) {
    const groups = [1, 1, 2, 3][pick(4)];
    const inChannels = groups * (1 + pick(3)), outChannels = groups * (1 + pick(3));
    const kH = 1 + pick(4), kW = 1 + pick(4);
    const options: Conv2dOptions = {
      stride: [1 + pick(3), 1 + pick(3)], dilation: [1 + pick(2), 1 + pick(2)],
      padding: [pick(3), pick(3)], groups,
      paddingMode: (["zeros", "zeros", "reflect", "replicate", "circular"] as const)[pick(5)],
    };
    const H = kH * 2 + 2 + pick(9), W = kW * 2 + 2 + pick(9);
    randomCases.push({ input: [1 + pick(5), inChannels, H, W], weight: [outChannels, inChannels / groups, kH, kW], bias: pick(2) === 0, options });
  }
  randomCases.push({ input: [3, 2, 9, 7], weight: [4, 2, 3, 3], bias: true, options: { padding: "same" } });
  randomCases.push({ input: [2, 4, 8, 8], weight: [4, 1, 3, 3], bias: false, options: { groups: 4, stride: 2 } });
  randomCases.push({ input: [0, 2, 6, 6], weight: [3, 2, 3, 3], bias: true, options: {} });
  for (const [index, c] of randomCases.entries()) {
    test(`random case ${index}: ${caseName(c)}`, () => {
      const fast = run("fast", c, 100 + index), readable = run("readable", c, 100 + index);
      expect(relativeError(fast.out, readable.out)).toBeLessThan(1e-6);
      expect(relativeError(fast.gx, readable.gx)).toBeLessThan(1e-6);
      expect(relativeError(fast.gw, readable.gw)).toBeLessThan(1e-6);
      if (c.bias) expect(fast.gb).toEqual(readable.gb);
    });
  }

  test("unbatched input and an input that needs no gradient", () => {
    const next2 = generator(7);
    const input = randomTensor([3, 10, 10], next2), weight = randomTensor([5, 3, 3, 3], next2);
    input.requiresGrad = false;
    const fast = conv2dWith("fast", input, weight, null, { padding: 1 });
    const readable = conv2dWith("readable", input, weight, null, { padding: 1 });
    expect(fast.shape).toEqual([5, 10, 10]);
    expect(fast.data).toEqual(readable.data);
    fast.sum().backward();
    expect(input.grad).toBeNull();
    expect(weight.grad!.shape).toEqual([5, 3, 3, 3]);
  });
});

describe("sigmoid: WebAssembly float32 against the float64 loop", () => {
  /** Distance in units in the last place between two float32 values of one sign. */
  function ulps(a: number, b: number): number {
    const bits = new Int32Array(new Float32Array([a, b]).buffer);
    return Math.abs(bits[0] - bits[1]);
  }

  test("every 1/64 from -110 to 110, within 4 ulp (normal outputs) or 1e-44 (subnormal)", () => {
    const values = new Float32Array(220 * 64 + 1).map((_, i) => -110 + i / 64);
    const fast = sigmoid(new Tensor(values, [values.length])).data as Float32Array;
    const reference = sigmoidReference(values);
    for (let i = 0; i < values.length; i++) {
      if (reference[i] >= 1.1754943508222875e-38) expect(ulps(fast[i], reference[i]), `x=${values[i]}`).toBeLessThanOrEqual(4);
      else expect(Math.abs(fast[i] - reference[i]), `x=${values[i]}`).toBeLessThanOrEqual(1e-44);
    }
  });

  test("random values of every magnitude, odd lengths (the scalar tail)", () => {
    const next = generator(11);
    for (const length of [1, 3, 5, 1023]) {
      const values = new Float32Array(length).map(() => (next() * 2 - 1) * 10 ** (next() * 6 - 4));
      const fast = sigmoid(new Tensor(values, [length])).data as Float32Array;
      const reference = sigmoidReference(values);
      for (let i = 0; i < length; i++) expect(ulps(fast[i], reference[i]), `x=${values[i]}`).toBeLessThanOrEqual(4);
    }
  });

  test("special values: 0, -0, ±Infinity, NaN, ±1000", () => {
    const values = new Float32Array([0, -0, Infinity, -Infinity, NaN, 1000, -1000]);
    expect(Array.from(sigmoid(new Tensor(values, [7])).data)).toEqual([0.5, 0.5, 1, 0, NaN, 1, 0]);
  });

  test("float64 stays on the exact loop", () => {
    const values = new Float64Array([-3, 0.25, 7]);
    expect(sigmoid(new Tensor(values, [3])).data).toEqual(sigmoidReference(values));
  });
});
