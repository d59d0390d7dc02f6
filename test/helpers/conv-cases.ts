// The convolution cases that hold the fast kernels to the readable ones, shared by the Node tests
// (test/kernels/conv-wasm.test.ts) and the same checks in a browser page (test/browser/library/kernel-checks.ts,
// bundled for Chromium): seeded random tensors, one run of a case on either path, and the ways two results are
// compared. No vitest here, so the browser bundle can import it.
import type { Conv2dOptions } from "../../src/calc/conv-info.js";
import { conv2dWith, type ConvKernels } from "../../src/ops/conv.js";
import { Generator } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";

/** Uniform numbers in [0, 1) from the library's seeded generator, so every run tests the same numbers. */
export function generator(seed: number): () => number {
  const stream = new Generator(seed);
  return () => stream.next();
}

/** A float32 tensor of uniform values in [-1, 1). */
export function randomTensor(shape: readonly number[], next: () => number, requiresGrad = true): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = next() * 2 - 1;
  const t = new Tensor(data, [...shape]);
  t.requiresGrad = requiresGrad;
  return t;
}

export interface ConvCase { input: number[]; weight: number[]; bias: boolean; options: Conv2dOptions; inputGrad?: boolean }

/** Values and the gradients of input, weight and bias for sum(conv2d(...) · upstream). */
export function runConv(kernels: ConvKernels, c: ConvCase, seed: number) {
  const next = generator(seed);
  const input = randomTensor(c.input, next), weight = randomTensor(c.weight, next);
  input.requiresGrad = c.inputGrad ?? true;
  const bias = c.bias ? randomTensor([c.weight[0]], next) : null;
  const out = conv2dWith(kernels, input, weight, bias, c.options);
  const upstream = randomTensor(out.shape, next, false);
  out.mul(upstream).sum().backward();
  return { out: out.data, gx: input.grad?.data ?? new Float32Array(0), gw: weight.grad!.data, gb: bias?.grad?.data ?? null };
}

export function caseName(c: ConvCase): string {
  return `x=[${c.input}] w=[${c.weight}] bias=${c.bias} ${JSON.stringify(c.options)}`;
}

/** Largest |a - b| relative to the largest |b|; Infinity when the lengths differ. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let worst = 0, scale = 1e-30;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / scale;
}

/** How many float32 elements differ in their bits (both null: 0; one null or other lengths: all of them). */
export function differingBits(a: ArrayLike<number> | null, b: ArrayLike<number> | null): number {
  if (a === null || b === null) return a === b ? 0 : Math.max(a?.length ?? 1, b?.length ?? 1);
  if (a.length !== b.length) return Math.max(a.length, b.length);
  const x = new Uint32Array(Float32Array.from(a).buffer), y = new Uint32Array(Float32Array.from(b).buffer);
  let count = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) count++;
  return count;
}
