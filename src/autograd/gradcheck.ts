// Finite-difference gradient checking in float64: the ground truth every backward is tested against.
import { AutogradError, DTypeError } from "../errors.js";
import { Generator } from "../tensor/random.js";
import { Tensor } from "../tensor/tensor.js";
import { noGrad } from "./graph.js";

export interface GradcheckOptions {
  eps?: number;
  atol?: number;
  rtol?: number;
  seed?: number;
}

/** Reduces any output to a scalar with fixed random weights, so every output element's gradient is exercised. */
function weightedSum(out: Tensor, weights: Float64Array): number {
  let total = 0;
  for (let i = 0; i < out.size; i++) total += out.data[i] * weights[i];
  return total;
}

/**
 * Compares autograd's gradient of sum(fn(inputs) * W) with central differences, for every input that requires grad.
 * Throws an AutogradError naming the input and element on the first mismatch; returns true otherwise.
 */
export function gradcheck(fn: (...inputs: Tensor[]) => Tensor, inputs: Tensor[], options: GradcheckOptions = {}): true {
  const { eps = 1e-6, atol = 1e-5, rtol = 1e-3, seed = 0 } = options;
  for (const [i, t] of inputs.entries()) {
    if (t.requiresGrad && t.dtype !== "float64") {
      throw new DTypeError(`gradcheck: input ${i} requires grad but is ${t.dtype}; finite differences need float64`);
    }
  }
  const out = fn(...inputs);
  const generator = new Generator(seed);
  const weights = new Float64Array(out.size).map(() => generator.normal());
  for (const t of inputs) t.grad = null;
  out.backward(new Tensor(Float64Array.from(weights), out.shape));
  inputs.forEach((t, index) => {
    if (!t.requiresGrad) return;
    const analytic = t.grad?.data ?? new Float64Array(t.size);
    for (let k = 0; k < t.size; k++) {
      const saved = t.data[k];
      const plus = noGrad(() => { t.data[k] = saved + eps; return weightedSum(fn(...inputs), weights); });
      const minus = noGrad(() => { t.data[k] = saved - eps; return weightedSum(fn(...inputs), weights); });
      t.data[k] = saved;
      const numeric = (plus - minus) / (2 * eps);
      if (Math.abs(numeric - analytic[k]) > atol + rtol * Math.abs(numeric)) {
        throw new AutogradError(`gradcheck: Jacobian mismatch for input ${index} at element ${k}: numerical ${numeric}, analytical ${analytic[k]}`);
      }
    }
  });
  return true;
}
