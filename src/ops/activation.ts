// Activation functions, each with its backward written in terms of its own output where that is cheapest.
import { record } from "../autograd/graph.js";
import { DTypeError } from "../errors.js";
import { allocate, isFloat } from "../tensor/dtype.js";
import { normalizeDim, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { reluBackwardWasm, reluWasm, sigmoidBackwardWasm, sigmoidWasm } from "../kernels/wasm/activation-wasm.js";
import { checkTensor } from "../tensor/arguments.js";

function requireFloat(x: Tensor, op: string): void {
  if (!isFloat(x.dtype)) throw new DTypeError(`${op}: "${op}" not implemented for '${x.dtype}'`);
}

/**
 * 1 / (1 + e^-x). float32 runs in WebAssembly SIMD (a float32 exp, within a few ulp of this loop's
 * float64 one, tested against sigmoidReference); float64 runs the readable loop.
 */
export function sigmoid(x: Tensor): Tensor {
  checkTensor(x, "sigmoid", "input", 1);
  requireFloat(x, "sigmoid");
  let out: Float32Array | Float64Array;
  if (x.data instanceof Float32Array) {
    out = new Float32Array(x.size);
    sigmoidWasm(x.data, out);
  } else {
    out = sigmoidReference(x.data as Float64Array);
  }
  const result = new Tensor(out, x.shape);
  return record(result, "SigmoidBackward", [x], (g) => [new Tensor(sigmoidBackward(g.data as typeof out, out), x.shape)], [result]);
}

/** dL/dx = dL/dy · y · (1 - y), from sigmoid's output y. */
function sigmoidBackward<T extends Float32Array | Float64Array>(gd: T, y: T): T {
  const grad = (gd instanceof Float32Array ? new Float32Array(gd.length) : new Float64Array(gd.length)) as T;
  // float32 in WebAssembly SIMD with float32 arithmetic (as PyTorch); float64 in the readable loop.
  if (grad instanceof Float32Array) sigmoidBackwardWasm(gd as Float32Array, y as Float32Array, grad);
  else sigmoidBackwardReference(gd, y, grad);
  return grad;
}

/** The readable sigmoid backward: float64 arithmetic, rounded once to the array's type. */
export function sigmoidBackwardReference<T extends Float32Array | Float64Array>(gd: T, y: T, grad: T): void {
  for (let i = 0; i < grad.length; i++) grad[i] = gd[i] * y[i] * (1 - y[i]);
}

/** The readable sigmoid over a flat array, in float64 arithmetic, rounded to the array's type. */
export function sigmoidReference<T extends Float32Array | Float64Array>(xd: T): T {
  const out = (xd instanceof Float32Array ? new Float32Array(xd.length) : new Float64Array(xd.length)) as T;
  for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-xd[i]));
  return out;
}

export function relu(x: Tensor): Tensor {
  checkTensor(x, "relu", "input", 1);
  const xd = x.data, out = allocate(x.dtype, x.size);
  // float32 in WebAssembly SIMD, branch-free (on random signs this loop's branch mispredicts half the time).
  if (xd instanceof Float32Array && out instanceof Float32Array) reluWasm(xd, out);
  // x > 0 ? x : 0 would turn NaN into 0; PyTorch keeps NaN.
  else for (let i = 0; i < out.length; i++) out[i] = xd[i] <= 0 ? 0 : xd[i];
  const result = new Tensor(out, x.shape);
  return record(result, "ReluBackward", [x], (g) => {
    const grad = allocate(g.dtype, x.size), gd = g.data;
    if (out instanceof Float32Array && gd instanceof Float32Array && grad instanceof Float32Array) reluBackwardWasm(gd, out, grad);
    else for (let i = 0; i < grad.length; i++) grad[i] = out[i] > 0 ? gd[i] : 0;
    return [new Tensor(grad, x.shape)];
  }, [result]);
}

export function tanh(x: Tensor): Tensor {
  checkTensor(x, "tanh", "input", 1);
  requireFloat(x, "tanh");
  const xd = x.data, out = allocate(x.dtype, x.size);
  for (let i = 0; i < out.length; i++) out[i] = Math.tanh(xd[i]);
  const result = new Tensor(out, x.shape);
  return record(result, "TanhBackward", [x], (g) => {
    const grad = allocate(g.dtype, x.size), gd = g.data;
    for (let i = 0; i < grad.length; i++) grad[i] = gd[i] * (1 - out[i] * out[i]);
    return [new Tensor(grad, x.shape)];
  }, [result]);
}

/** Walks every 1-D lane along `dim`: fn(base, n, stride). */
function lanes(shape: readonly number[], dim: number, fn: (base: number, n: number, stride: number) => void): void {
  const outer = sizeOf(shape.slice(0, dim)), n = shape[dim], inner = sizeOf(shape.slice(dim + 1));
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * n * inner + i, n, inner);
}

/** log(softmax(x)) computed as x - max - log(sum(exp(x - max))): stable for logits like ±1000. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  checkTensor(x, "logSoftmax", "input", 1);
  requireFloat(x, "logSoftmax");
  const d = normalizeDim(dim, x.ndim, "logSoftmax");
  const shape = x.ndim === 0 ? [1] : x.shape;
  const xd = x.data, out = allocate(x.dtype, x.size);
  lanes(shape, d, (base, n, stride) => {
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, xd[base + k * stride]);
    if (max === -Infinity) max = 0; // an all -inf lane: keep NaN-free arithmetic as PyTorch does
    let total = 0;
    for (let k = 0; k < n; k++) total += Math.exp(xd[base + k * stride] - max);
    const logTotal = Math.log(total) + max;
    for (let k = 0; k < n; k++) out[base + k * stride] = xd[base + k * stride] - logTotal;
  });
  const result = new Tensor(out, x.shape);
  return record(result, "LogSoftmaxBackward", [x], (g) => {
    const grad = allocate(g.dtype, x.size), gd = g.data;
    lanes(shape, d, (base, n, stride) => {
      let gsum = 0;
      for (let k = 0; k < n; k++) gsum += gd[base + k * stride];
      for (let k = 0; k < n; k++) {
        const at = base + k * stride;
        grad[at] = gd[at] - Math.exp(out[at]) * gsum;
      }
    });
    return [new Tensor(grad, x.shape)];
  }, [result]);
}

export function softmax(x: Tensor, dim: number): Tensor {
  checkTensor(x, "softmax", "input", 1);
  requireFloat(x, "softmax");
  const d = normalizeDim(dim, x.ndim, "softmax");
  const shape = x.ndim === 0 ? [1] : x.shape;
  const xd = x.data, out = allocate(x.dtype, x.size);
  lanes(shape, d, (base, n, stride) => {
    let max = -Infinity;
    for (let k = 0; k < n; k++) max = Math.max(max, xd[base + k * stride]);
    let total = 0;
    for (let k = 0; k < n; k++) total += Math.exp(xd[base + k * stride] - max);
    for (let k = 0; k < n; k++) out[base + k * stride] = Math.exp(xd[base + k * stride] - max) / total;
  });
  const result = new Tensor(out, x.shape);
  return record(result, "SoftmaxBackward", [x], (g) => {
    const grad = allocate(g.dtype, x.size), gd = g.data;
    lanes(shape, d, (base, n, stride) => {
      let dot = 0;
      for (let k = 0; k < n; k++) dot += gd[base + k * stride] * out[base + k * stride];
      for (let k = 0; k < n; k++) {
        const at = base + k * stride;
        grad[at] = out[at] * (gd[at] - dot);
      }
    });
    return [new Tensor(grad, x.shape)];
  }, [result]);
}
