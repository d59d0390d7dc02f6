// Small builders shared by the conv / pool / pad tests.
import { Generator } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";

/** A float64 tensor of standard normal values from its own seeded stream. */
export function randomTensor(shape: number[], seed: number, requiresGrad = false): Tensor {
  const generator = new Generator(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  const t = new Tensor(Float64Array.from({ length: size }, () => generator.normal()), shape);
  t.requiresGrad = requiresGrad;
  return t;
}

/** 0, 1, 2, ... in the given shape (the book's torch.arange(n).reshape(shape)), float32. */
export function counting(shape: number[], start = 0): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(Float32Array.from({ length: size }, (_, i) => start + i), shape);
}

export function maxAbsDifference(a: Tensor, b: Tensor): number {
  let worst = 0;
  for (let i = 0; i < a.size; i++) worst = Math.max(worst, Math.abs(a.data[i] - b.data[i]));
  return worst;
}
