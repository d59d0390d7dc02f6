// The WebAssembly conv2d and sigmoid (asm/conv-*.ts, asm/activations.ts via src/kernels/wasm/) against the readable
// JS kernels: conv2d's fast path against its JS im2col / gemm / col2im path on random shapes and every option,
// values and all three gradients; sigmoid against the float64 loop over the whole float32 range.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { conv2dWith } from "../../src/ops/conv.js";
import { sigmoidBackwardMiss, sigmoidForwardMiss, ulps } from "../helpers/sigmoid-cases.js";
import { caseName, type ConvCase as Case, differingBits, generator, randomTensor, relativeError, runConv as run } from "../helpers/conv-cases.js";
import { sigmoid, sigmoidReference } from "../../src/ops/activation.js";
import { chunkedBackwardBudget } from "../../src/kernels/wasm/conv-gemm-wasm.js";
import { savedColumnsBytes } from "../../src/kernels/wasm/conv-memory.js";
import { noGrad } from "../../src/autograd/graph.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { conv2dInfo, type Conv2dOptions } from "../../src/calc/conv-info.js";
import { planConv, type ConvBackward, type ConvForward } from "../../src/ops/conv-plan.js";

/** The forward path planConv picks for a float32 convolution of these shapes that needs every gradient. */
function forwardPath(input: readonly number[], weight: readonly number[], options: Conv2dOptions): ConvForward {
  return planConv(conv2dInfo([...input], [...weight], options),
    { float32: true, inputGrad: true, weightGrad: true, biasGrad: true }).forward;
}

/** The backward path planConv picks for these shapes when the weight needs a gradient. */
function backwardPath(c: Case): ConvBackward {
  return planConv(conv2dInfo([...c.input], [...c.weight], c.options),
    { float32: true, inputGrad: c.inputGrad ?? true, weightGrad: true, biasGrad: c.bias }).backward;
}

describe("conv2d: WebAssembly kernels equal the readable JS path (float32)", () => {
  const lenetCases: Case[] = [
    { input: [256, 6, 14, 14], weight: [16, 6, 5, 5], bias: true, options: {} },
    { input: [256, 1, 28, 28], weight: [6, 1, 5, 5], bias: true, options: { padding: 2 } },
  ];
  test(`LeNet's first layer (rows kernel): values bit for bit, weight gradient within float32 rounding`, () => {
    const c: Case = { ...lenetCases[1], inputGrad: false };
    expect(forwardPath(c.input, c.weight, c.options)).toBe("rows");
    const fast = run("fast", c, 3), readable = run("readable", c, 3);
    expect(differingBits(fast.out as Float32Array, readable.out as Float32Array)).toBe(0);
    expect(fast.gx.length).toBe(0);
    expect(relativeError(fast.gw, readable.gw)).toBeLessThan(1e-5);
    expect(relativeError(fast.gw, readable.gw)).toBeGreaterThan(0); // it really is another summation order
    expect(differingBits(fast.gb as Float32Array, readable.gb as Float32Array)).toBe(0);
  });
  for (const c of lenetCases) {
    const backward = c.weight[0] === 16 ? "channels" : "chunked";
    test(`LeNet layer, bit for bit but the weight gradient (${backward} backward): ${caseName(c)}`, () => {
      expect(backwardPath(c)).toBe(backward);
      const fast = run("fast", c, 1), readable = run("readable", c, 1);
      expect(fast.out.length).toBe(c.input[0] * c.weight[0] * (c.weight[0] === 6 ? 28 * 28 : 10 * 10));
      expect(differingBits(fast.out as Float32Array, readable.out as Float32Array)).toBe(0);
      expect(differingBits(fast.gx as Float32Array, readable.gx as Float32Array)).toBe(0);
      expect(differingBits(fast.gb as Float32Array, readable.gb as Float32Array)).toBe(0);
      // Chunked: summed a few images at a time, the parts added in chunk order; channels: each tap summed image by
      // image. Either is another order than the readable path's: within float32 rounding.
      expect(relativeError(fast.gw, readable.gw)).toBeLessThan(1e-5);
      expect(relativeError(fast.gw, readable.gw)).toBeGreaterThan(0);
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
  // Shapes for the rows kernel: stride 1, one group, ≤ 64 taps, rows ≥ 16 wide (some just under: gemm path).
  for (let k = 0; k < 16; k++) {
    const inChannels = 1 + pick(3), kH = 1 + pick(4), kW = 1 + pick(4);
    const padding: [number, number] = [pick(3), pick(3)];
    const W = 14 + pick(25) - padding[1] * 2 + kW - 1;
    randomCases.push({ input: [1 + pick(4), inChannels, kH + pick(6), W], weight: [1 + pick(7), inChannels, kH, kW],
      bias: pick(2) === 0, options: { padding }, inputGrad: pick(2) === 0 });
  }
  randomCases.push({ input: [3, 2, 9, 7], weight: [4, 2, 3, 3], bias: true, options: { padding: "same" } });
  randomCases.push({ input: [2, 4, 8, 8], weight: [4, 1, 3, 3], bias: false, options: { groups: 4, stride: 2 } });
  randomCases.push({ input: [0, 2, 6, 6], weight: [3, 2, 3, 3], bias: true, options: {} });
  for (const [index, c] of randomCases.entries()) {
    test(`random case ${index}: ${caseName(c)} inputGrad=${c.inputGrad ?? true}`, () => {
      const fast = run("fast", c, 100 + index), readable = run("readable", c, 100 + index);
      expect(relativeError(fast.out, readable.out)).toBeLessThan(1e-6);
      expect(relativeError(fast.gx, readable.gx)).toBeLessThan(1e-6);
      // The rows kernel's weight gradient sums in its own order (bits may differ within float32 rounding).
      expect(relativeError(fast.gw, readable.gw)).toBeLessThan(1e-5);
      if (c.bias) expect(fast.gb).toEqual(readable.gb);
    });
  }

  // Shapes for the channels kernel: output channels in blocks of 16, any stride, dilation and
  // padding, odd position counts, and filters past 256 taps (sums in blocks, as the gemm's K blocks).
  const channelCases: Case[] = [
    { input: [3, 12, 9, 9], weight: [16, 12, 5, 5], bias: true, options: { padding: 2 } }, // 300 taps
    { input: [2, 20, 7, 6], weight: [32, 20, 4, 4], bias: false, options: { padding: [1, 2], stride: [1, 2] } }, // 320 taps
    { input: [2, 40, 5, 5], weight: [16, 40, 3, 5], bias: true, options: { padding: [1, 2] } }, // 600 taps: 3 blocks
  ];
  for (let k = 0; k < 12; k++) {
    const inChannels = 1 + pick(6), kH = 1 + pick(4), kW = 1 + pick(4);
    const options: Conv2dOptions = { stride: [1 + pick(3), 1 + pick(3)], dilation: [1 + pick(2), 1 + pick(2)],
      padding: [pick(3), pick(3)], paddingMode: (["zeros", "zeros", "reflect", "replicate", "circular"] as const)[pick(5)] };
    const H = kH * 2 + 2 + pick(9), W = kW * 2 + 2 + pick(9);
    channelCases.push({ input: [1 + pick(4), inChannels, H, W], weight: [16 * (1 + pick(2)), inChannels, kH, kW],
      bias: pick(2) === 0, options, inputGrad: pick(2) === 0 });
  }
  for (const [index, c] of channelCases.entries()) {
    test(`channels kernel ${index}, forward bit for bit, its weight gradient within rounding: ${caseName(c)}`, () => {
      expect(forwardPath(c.input, c.weight, c.options)).toBe("channels");
      // Reflect, replicate and circular padding are a separate op first: the convolution itself has none.
      expect(backwardPath({ ...c, options: { ...c.options, paddingMode: "zeros" } })).toBe("channels");
      const fast = run("fast", c, 300 + index), readable = run("readable", c, 300 + index);
      expect(differingBits(fast.out as Float32Array, readable.out as Float32Array)).toBe(0);
      expect(relativeError(fast.gx, readable.gx)).toBeLessThan(1e-6);
      expect(relativeError(fast.gw, readable.gw)).toBeLessThan(1e-6);
      if (c.bias) expect(fast.gb).toEqual(readable.gb);
    });
  }

  test("evaluation (noGrad) unfolds a few images at a time: same bits as the whole batch at once", () => {
    const next2 = generator(9);
    const input = randomTensor([256, 6, 14, 14], next2), weight = randomTensor([16, 6, 5, 5], next2);
    const bias = randomTensor([16], next2);
    const chunked = noGrad(() => conv2dWith("fast", input, weight, bias, {}));
    const whole = conv2dWith("fast", input, weight, bias, {}); // grad mode: one chunk, columns kept
    const readable = noGrad(() => conv2dWith("readable", input, weight, bias, {}));
    expect(differingBits(chunked.data as Float32Array, whole.data as Float32Array)).toBe(0);
    expect(differingBits(chunked.data as Float32Array, readable.data as Float32Array)).toBe(0);
  });

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

describe("conv2d: columns kept in wasm memory between forward and backward (the one-matrix backward)", () => {
  const c: Case = { input: [8, 3, 12, 12], weight: [4, 3, 3, 3], bias: true, options: { padding: 1 } };
  // Small shapes take the chunked backward; with no budget for it they go through one column matrix, as large
  // layers do, and keep it between forward and backward.
  const budget = { ...chunkedBackwardBudget };
  beforeAll(() => { chunkedBackwardBudget.gradientParts = 0; });
  afterAll(() => { Object.assign(chunkedBackwardBudget, budget); });

  test("with its budget, the one-matrix backward gives the readable path's gradients bit for bit", () => {
    const lenet2: Case = { input: [256, 6, 14, 14], weight: [16, 6, 5, 5], bias: true, options: {} };
    const fast = run("fast", lenet2, 1), readable = run("readable", lenet2, 1);
    expect(differingBits(fast.gx as Float32Array, readable.gx as Float32Array)).toBe(0);
    expect(differingBits(fast.gw as Float32Array, readable.gw as Float32Array)).toBe(0);
    expect(differingBits(fast.gb as Float32Array, readable.gb as Float32Array)).toBe(0);
  });

  test("backward twice on one graph: the second recomputes the released columns, same gradients", () => {
    const next = generator(5);
    const input = randomTensor(c.input, next), weight = randomTensor(c.weight, next);
    const out = conv2dWith("fast", input, weight, null, c.options);
    const loss = out.mul(out).sum();
    loss.backward();
    const first = Float32Array.from(weight.grad!.data as Float32Array);
    loss.backward(); // accumulates a second, equal gradient
    const second = weight.grad!.data as Float32Array;
    for (let i = 0; i < first.length; i++) expect(second[i]).toBe(Math.fround(first[i] * 2));
  });

  test("two convolutions' backwards out of forward order still match the readable path", () => {
    const next = generator(6);
    const make = () => ({ input: randomTensor(c.input, next), weight: randomTensor(c.weight, next) });
    const a = make(), b = make();
    const outA = conv2dWith("fast", a.input, a.weight, null, c.options);
    const outB = conv2dWith("fast", b.input, b.weight, null, c.options);
    outA.sum().backward(); // A's entry is below B's: A's backward releases both
    outB.sum().backward(); // B recomputes
    for (const t of [a, b]) {
      const input = new Tensor(Float32Array.from(t.input.data as Float32Array), c.input);
      const weight = new Tensor(Float32Array.from(t.weight.data as Float32Array), c.weight);
      input.requiresGrad = true; weight.requiresGrad = true;
      conv2dWith("readable", input, weight, null, c.options).sum().backward();
      expect(relativeError(t.weight.grad!.data, weight.grad!.data)).toBeLessThan(1e-6);
      expect(relativeError(t.input.grad!.data, input.grad!.data)).toBeLessThan(1e-6);
    }
  });

  test("forwards whose backward never comes keep the saved stack under its budget; noGrad saves nothing", () => {
    const next = generator(8);
    // 12 output channels: the gemm path (16 would take the channels kernel, which keeps no columns).
    const input = randomTensor([64, 6, 14, 14], next), weight = randomTensor([12, 6, 5, 5], next);
    expect(forwardPath(input.shape, weight.shape, {})).toBe("gemm");
    const before = savedColumnsBytes();
    noGrad(() => conv2dWith("fast", input, weight, null, {}));
    expect(savedColumnsBytes()).toBe(before);
    for (let k = 0; k < 60; k++) conv2dWith("fast", input, weight, null, {}); // 3.8 MB of columns each
    expect(savedColumnsBytes()).toBeGreaterThan(0);
    expect(savedColumnsBytes()).toBeLessThanOrEqual(96 * 2 ** 20);
  });
});

describe("sigmoid: WebAssembly float32 against the float64 loop", () => {
  test("backward: dy · y · (1 - y) in float32 within 3 ulp-sized steps of the float64 loop", () => {
    expect(sigmoidBackwardMiss()).toBeNull();
  });

  test("every 1/64 from -110 to 110, within 4 ulp (normal outputs) or 1e-44 (subnormal)", () => {
    expect(sigmoidForwardMiss()).toBeNull();
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

describe("conv2d, pooling and sigmoid on two threads", () => {
  test("one thread and two give the same bits, forward and backward, and the helper really takes chunks", async () => {
    const { setNumThreads, getNumThreads } = await import("../../src/kernels/threads.js");
    const { convHelperChunks } = await import("../../src/kernels/wasm/conv-module.js");
    const { lenet } = await import("../../src/nn/lenet.js");
    const { crossEntropy } = await import("../../src/ops/loss.js");
    const previous = getNumThreads();
    const next = generator(11);
    const images = randomTensor([64, 1, 28, 28], next);
    images.requiresGrad = false;
    const labels = new Tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64]);
    const net = lenet();
    const runOnce = (threads: number) => {
      setNumThreads(threads);
      net.zeroGrad();
      const logits = net.forward(images);
      crossEntropy(logits, labels).backward();
      return [logits.data as Float32Array, ...net.parameters().map((p) => p.grad!.data as Float32Array)];
    };
    try {
      const one = runOnce(1);
      const before = convHelperChunks();
      let two = runOnce(2);
      // The helper starts on the first two-thread call; give it a few calls to wake and take part.
      for (let k = 0; k < 50 && convHelperChunks() === before; k++) two = runOnce(2);
      expect(convHelperChunks()).toBeGreaterThan(before);
      expect(two.length).toBe(one.length);
      for (let i = 0; i < one.length; i++) expect(differingBits(two[i], one[i])).toBe(0);
    } finally {
      setNumThreads(previous);
    }
  });

  test("the channels weight gradient: an odd number of taps split between the threads, the same bits as one thread", async () => {
    const { setNumThreads, getNumThreads } = await import("../../src/kernels/threads.js");
    const c: Case = { input: [40, 3, 11, 9], weight: [32, 3, 3, 3], bias: true, options: { padding: 1, stride: [2, 1] } };
    expect(backwardPath(c)).toBe("channels");
    const previous = getNumThreads();
    try {
      setNumThreads(1);
      const one = run("fast", c, 5);
      setNumThreads(2);
      const two = run("fast", c, 5);
      expect(differingBits(two.gw, one.gw)).toBe(0);
      expect(differingBits(two.gx, one.gx)).toBe(0);
      expect(relativeError(two.gw, run("readable", c, 5).gw)).toBeLessThan(1e-6);
    } finally {
      setNumThreads(previous);
    }
  });

  test("setNumThreads accepts 1 or 2 only, in PyTorch's wording of a bad argument", async () => {
    const { setNumThreads } = await import("../../src/kernels/threads.js");
    expect(() => setNumThreads(3)).toThrow("setNumThreads: expected 1 or 2 threads, but got 3");
  });
});

describe("relu: WebAssembly float32 against the JS loop", () => {
  test("forward and backward bit for bit, NaN, ±0, ±Infinity and odd lengths included", async () => {
    const { relu } = await import("../../src/ops/activation.js");
    const specials = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.5, -2.25];
    const next = generator(21);
    for (const length of [1, 3, 4, 7, 1000, 4097]) {
      const values = Float32Array.from({ length }, (_, i) => (i < specials.length ? specials[i] : next() * 8 - 4));
      const x = new Tensor(values, [length]);
      x.requiresGrad = true;
      const y = relu(x);
      const upstream = new Tensor(Float32Array.from({ length }, () => next() * 2 - 1), [length]);
      y.backward(upstream);
      const expectedY = values.map((v) => (v <= 0 ? 0 : v));
      const expectedGrad = upstream.data.map((g, i) => (expectedY[i] > 0 ? g : 0));
      expect(differingBits(y.data as Float32Array, Float32Array.from(expectedY))).toBe(0);
      expect(differingBits(x.grad!.data as Float32Array, Float32Array.from(expectedGrad))).toBe(0);
    }
  });
});
