// Bundled for the browser by tools/browser/build.ts's bundleForBrowser (the browser build's platform modules
// swapped in), loaded by test/browser/library.test.ts in headless Chromium: a selection of the Node tests that
// hold the fast WebAssembly kernels to the readable ones (test/kernels/*.test.ts, test/nn/fusion.test.ts),
// covering every kernel the modules export, run in the page on the thread count the page allows.
import { sigmoidBackwardMiss, sigmoidForwardMiss } from "../../helpers/sigmoid-cases.js";
import { caseName, type ConvCase as Case, differingBits, generator, randomTensor, relativeError, runConv } from "../../helpers/conv-cases.js";
import { maxPool2dWith, avgPool2dWith, type PoolKernels } from "../../../src/ops/pool.js";
import { relu } from "../../../src/ops/activation.js";
import { crossEntropy } from "../../../src/ops/loss.js";
import { gemmReference } from "../../../src/kernels/gemm.js";
import { gemmWasm } from "../../../src/kernels/wasm/gemm-wasm.js";
import { convHelperChunks } from "../../../src/kernels/wasm/conv-module.js";
import { canRunChannels, canRunRows } from "../../../src/ops/conv-plan.js";
import { getNumThreads, setNumThreads } from "../../../src/kernels/threads.js";
import { manualSeed } from "../../../src/tensor/random.js";
import { randn } from "../../../src/tensor/creation.js";
import { Tensor } from "../../../src/tensor/tensor.js";
import { conv2dInfo, type Conv2dOptions } from "../../../src/calc/conv-info.js";
import { lenet } from "../../../src/nn/lenet.js";
import type { Module } from "../../../src/nn/module.js";
import { loadWasm } from "../../../src/platform/wasm.browser.js";

export interface CheckResult { name: string; ok: boolean; detail: string }


const results: CheckResult[] = [];

function check(name: string, body: () => string | null): void {
  try {
    const problem = body();
    results.push({ name, ok: problem === null, detail: problem ?? "" });
  } catch (error) {
    results.push({ name, ok: false, detail: `threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` });
  }
}

function convChecks(): void {
  const lenet1: Case = { input: [64, 1, 28, 28], weight: [6, 1, 5, 5], bias: true, options: { padding: 2 }, inputGrad: false };
  check(`conv2d rows kernel (LeNet conv1): ${caseName(lenet1)}`, () => {
    if (!canRunRows(conv2dInfo(lenet1.input, lenet1.weight, lenet1.options))) return "the rows kernel cannot run it";
    const fast = runConv("fast", lenet1, 3), readable = runConv("readable", lenet1, 3);
    const out = differingBits(fast.out, readable.out), gb = differingBits(fast.gb, readable.gb), gw = relativeError(fast.gw, readable.gw);
    return out === 0 && gb === 0 && gw < 1e-5 && gw > 0 ? null : `out bits ${out}, bias grad bits ${gb}, weight grad rel ${gw}`;
  });
  const lenet2: Case = { input: [64, 6, 14, 14], weight: [16, 6, 5, 5], bias: true, options: {} };
  check(`conv2d chunked backward (LeNet conv2): ${caseName(lenet2)}`, () => {
    const fast = runConv("fast", lenet2, 1), readable = runConv("readable", lenet2, 1);
    const out = differingBits(fast.out, readable.out), gx = differingBits(fast.gx, readable.gx), gb = differingBits(fast.gb, readable.gb);
    const gw = relativeError(fast.gw, readable.gw);
    return out === 0 && gx === 0 && gb === 0 && gw < 1e-5 ? null : `bits out ${out} gx ${gx} gb ${gb}, weight grad rel ${gw}`;
  });
  const next = generator(2024);
  const pick = (n: number) => Math.floor(next() * n);
  for (let k = 0; k < 10; k++) {
    const groups = [1, 1, 2, 3][pick(4)];
    const inChannels = groups * (1 + pick(3)), outChannels = groups * (1 + pick(3));
    const kH = 1 + pick(4), kW = 1 + pick(4);
    const options: Conv2dOptions = {
      stride: [1 + pick(3), 1 + pick(3)], dilation: [1 + pick(2), 1 + pick(2)], padding: [pick(3), pick(3)], groups,
      paddingMode: (["zeros", "zeros", "reflect", "replicate", "circular"] as const)[pick(5)],
    };
    const H = kH * 2 + 2 + pick(9), W = kW * 2 + 2 + pick(9);
    const c: Case = { input: [1 + pick(5), inChannels, H, W], weight: [outChannels, inChannels / groups, kH, kW], bias: pick(2) === 0, options };
    check(`conv2d im2col/gemm/col2im, random case ${k}: ${caseName(c)}`, () => {
      const fast = runConv("fast", c, 100 + k), readable = runConv("readable", c, 100 + k);
      const errors = [relativeError(fast.out, readable.out), relativeError(fast.gx, readable.gx), relativeError(fast.gw, readable.gw)];
      const gb = c.bias ? differingBits(fast.gb, readable.gb) : 0;
      return errors[0] < 1e-6 && errors[1] < 1e-6 && errors[2] < 1e-5 && gb === 0 ? null : `relative errors ${errors}, bias grad bits ${gb}`;
    });
  }
  const channels: Case[] = [
    { input: [3, 12, 9, 9], weight: [16, 12, 5, 5], bias: true, options: { padding: 2 } },
    { input: [2, 20, 7, 6], weight: [32, 20, 4, 4], bias: false, options: { padding: [1, 2], stride: [1, 2] } },
  ];
  for (const [k, c] of channels.entries()) {
    check(`conv2d channels kernel ${k}: ${caseName(c)}`, () => {
      if (!canRunChannels(conv2dInfo(c.input, c.weight, c.options))) return "the channels kernel cannot run it";
      const fast = runConv("fast", c, 300 + k), readable = runConv("readable", c, 300 + k);
      const out = differingBits(fast.out, readable.out);
      const errors = [relativeError(fast.gx, readable.gx), relativeError(fast.gw, readable.gw)];
      return out === 0 && errors[0] < 1e-6 && errors[1] < 1e-6 ? null : `out bits ${out}, gradient relative errors ${errors}`;
    });
  }
}

function activationChecks(): void {
  check("sigmoid forward: every 1/64 from -110 to 110 within 4 ulp (1e-44 subnormal) of the float64 loop", sigmoidForwardMiss);
  check("sigmoid backward: dy · y · (1 - y) within 3 ulp-sized steps of the float64 loop", sigmoidBackwardMiss);
  check("relu forward and backward bit for bit with the JS loop (NaN, ±0, ±Infinity, odd lengths)", () => {
    const specials = [NaN, -0, 0, Infinity, -Infinity, 1e-45, -1e-45, 3.5, -2.25];
    const next = generator(21);
    for (const length of [1, 7, 4097]) {
      const values = Float32Array.from({ length }, (_, i) => (i < specials.length ? specials[i] : next() * 8 - 4));
      const x = new Tensor(values, [length]);
      x.requiresGrad = true;
      const y = relu(x);
      const upstream = new Tensor(Float32Array.from({ length }, () => next() * 2 - 1), [length]);
      y.backward(upstream);
      const expectedY = values.map((v) => (v <= 0 ? 0 : v));
      const expectedGrad = upstream.data.map((g, i) => (expectedY[i] > 0 ? g : 0));
      const bits = differingBits(y.data, expectedY) + differingBits(x.grad!.data, expectedGrad);
      if (bits !== 0) return `length ${length}: ${bits} elements differ`;
    }
    return null;
  });
}

function poolChecks(): void {
  for (const kind of ["max", "avg"] as const) {
    check(`${kind} pooling 2×2 stride 2, fast against readable, forward and backward bit for bit`, () => {
      const run = (kernels: PoolKernels) => {
        const x = randomTensor([8, 6, 28, 28], generator(kind === "max" ? 5 : 6));
        const y = kind === "max" ? maxPool2dWith(kernels, x, 2, { stride: 2 }) : avgPool2dWith(kernels, x, 2, { stride: 2 });
        y.mul(randomTensor(y.shape, generator(7), false)).sum().backward();
        return [y.data, x.grad!.data];
      };
      const fast = run("fast"), readable = run("readable");
      const bits = differingBits(fast[0], readable[0]) + differingBits(fast[1], readable[1]);
      return bits === 0 ? null : `${bits} elements differ`;
    });
  }
}

function gemmChecks(): void {
  for (const [M, N, K] of [[3, 5, 7], [200, 180, 160], [64, 300, 250]] as const) {
    for (const [transA, transB, accumulate] of [[false, false, false], [true, false, true], [false, true, false], [true, true, true]] as const) {
      check(`gemm ${M}×${N}×${K} transA=${transA} transB=${transB} accumulate=${accumulate}: exact on small integers`, () => {
        const next = generator(M * 7 + N + K);
        const A = Float32Array.from({ length: M * K }, () => Math.floor(next() * 9) - 4);
        const B = Float32Array.from({ length: K * N }, () => Math.floor(next() * 9) - 4);
        const C0 = Float32Array.from({ length: M * N }, () => Math.floor(next() * 9) - 4);
        const expected = C0.slice(), actual = C0.slice();
        gemmReference(A, B, expected, M, N, K, transA, transB, accumulate);
        gemmWasm(A, B, actual, M, N, K, transA, transB, accumulate);
        const bits = differingBits(actual, expected);
        return bits === 0 ? null : `${bits} elements differ`;
      });
    }
  }
}

function unfused(layers: Module[], x: Tensor): Tensor {
  return layers.reduce((h, layer) => layer.forward(h), x);
}

function fusionChecks(): void {
  for (const options of [{}, { activation: "relu", pooling: "max" }] as const) {
    check(`LeNet ${JSON.stringify(options)}: fused Conv2d blocks give the layers' bits, logits and every gradient`, () => {
      manualSeed(4);
      const net = lenet(options);
      const images = randn([16, 1, 28, 28]);
      images.requiresGrad = true;
      const labels = new Tensor(Int32Array.from({ length: 16 }, (_, i) => (i * 7) % 10), [16]);
      const runs = [true, false].map((fused) => {
        net.zeroGrad();
        images.grad = null;
        const logits = fused ? net.forward(images) : unfused(net.layers, images);
        crossEntropy(logits, labels).backward();
        return [logits.data, ...net.parameters().map((p) => p.grad!.data), images.grad!.data];
      });
      const bits = runs[0].reduce((sum, a, i) => sum + differingBits(a, runs[1][i]), 0);
      return bits === 0 ? null : `${bits} elements differ`;
    });
  }
}

/** One thread and two: the same bits; and, in an isolated page, the helper worker really took chunks. */
async function threadChecks(): Promise<{ helperChunks: number }> {
  const next = generator(11);
  const images = randomTensor([64, 1, 28, 28], next, false);
  const labels = new Tensor(Int32Array.from({ length: 64 }, (_, i) => i % 10), [64]);
  manualSeed(1);
  const net = lenet();
  const runOnce = (threads: number) => {
    setNumThreads(threads);
    net.zeroGrad();
    const logits = net.forward(images);
    crossEntropy(logits, labels).backward();
    return [logits.data, ...net.parameters().map((p) => p.grad!.data)].map((a) => Float32Array.from(a));
  };
  const previous = getNumThreads();
  let helperChunks = 0;
  if (previous === 2) {
    const one = runOnce(1);
    const before = convHelperChunks();
    let two = runOnce(2);
    // The worker starts on the first two-thread call and wakes when the page yields: give it a few turns.
    for (let k = 0; k < 50 && convHelperChunks() === before; k++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      two = runOnce(2);
    }
    helperChunks = convHelperChunks() - before;
    check("LeNet forward and backward: one thread and two give the same bits", () => {
      const bits = one.reduce((sum, a, i) => sum + differingBits(a, two[i]), 0);
      return bits === 0 ? null : `${bits} elements differ`;
    });
  } else {
    check("two threads are refused, saying why, where the page cannot share memory", () => {
      try {
        setNumThreads(2);
      } catch (error) {
        return /cross-origin isolated/.test(String(error)) ? null : `wrong error: ${String(error)}`;
      }
      return "setNumThreads(2) was accepted";
    });
  }
  setNumThreads(previous);
  return { helperChunks };
}

export async function runKernelChecks(): Promise<{ threads: number; isolated: boolean; helperChunks: number; results: CheckResult[] }> {
  await loadWasm(new URL("./", import.meta.url));
  results.length = 0;
  const threads = getNumThreads();
  convChecks();
  activationChecks();
  poolChecks();
  gemmChecks();
  fusionChecks();
  const { helperChunks } = await threadChecks();
  return { threads, isolated: globalThis.crossOriginIsolated === true, helperChunks, results };
}
