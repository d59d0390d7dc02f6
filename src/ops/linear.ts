// y = x·Wᵀ + b, PyTorch's F.linear, with W stored out×in.
import { record } from "../autograd/graph.js";
import { DTypeError, ShapeError } from "../errors.js";
import { allocate, isFloat, type FloatStorage } from "../tensor/dtype.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { gemm } from "../kernels/gemm.js";
import { checkOptionalTensor, checkTensor } from "../tensor/arguments.js";

export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  checkTensor(input, "linear", "input", 1);
  checkTensor(weight, "linear", "weight", 2);
  checkOptionalTensor(bias, "linear", "bias", 3);
  if (weight.ndim !== 2) throw new ShapeError(`linear: weight must be 2-D, but got ${formatShape(weight.shape)}`);
  if (input.ndim === 0) throw new ShapeError("linear: input must have at least 1 dimension");
  const [outFeatures, inFeatures] = weight.shape;
  const K = input.shape[input.ndim - 1];
  if (K !== inFeatures) {
    const rows = input.shape.slice(0, -1).reduce((p, d) => p * d, 1);
    throw new ShapeError(`linear: mat1 and mat2 shapes cannot be multiplied (${rows}x${K} and ${inFeatures}x${outFeatures})`);
  }
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== outFeatures)) {
    throw new ShapeError(`linear: bias of shape ${formatShape(bias.shape)} does not match weight of shape ${formatShape(weight.shape)}`);
  }
  for (const t of bias ? [input, weight, bias] : [input, weight]) {
    if (!isFloat(t.dtype) || t.dtype !== weight.dtype) {
      throw new DTypeError(`linear: expected input, weight and bias of one floating dtype, but got ${input.dtype}, ${weight.dtype}${bias ? ", " + bias.dtype : ""}`);
    }
  }
  // Rows from the shape, not size / K: with zero input features (K = 0) each output is the bias alone, as PyTorch.
  const M = input.shape.slice(0, -1).reduce((p, d) => p * d, 1), N = outFeatures;
  const xd = input.data as FloatStorage, wd = weight.data as FloatStorage;
  const out = allocate(input.dtype, M * N) as FloatStorage;
  if (K > 0) gemm(xd, wd, out, M, N, K, false, true);
  if (bias) {
    const bd = bias.data;
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) out[i * N + j] += bd[j];
  }
  const result = new Tensor(out, [...input.shape.slice(0, -1), N]);
  const inputs = bias ? [input, weight, bias] : [input, weight];
  return record(result, "LinearBackward", inputs, (g) => {
    const gd = g.data as FloatStorage;
    let gx: Tensor | null = null, gw: Tensor | null = null, gb: Tensor | null = null;
    if (input.requiresGrad) { // dX = dY · W
      const grad = allocate(g.dtype, M * K) as FloatStorage;
      if (K > 0) gemm(gd, wd, grad, M, K, N);
      gx = new Tensor(grad, input.shape);
    }
    if (weight.requiresGrad) { // dW = dYᵀ · X
      const grad = allocate(g.dtype, N * K) as FloatStorage;
      if (K > 0) gemm(gd, xd, grad, N, K, M, true, false);
      gw = new Tensor(grad, weight.shape);
    }
    if (bias && bias.requiresGrad) {
      const grad = allocate(g.dtype, N);
      for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) grad[j] += gd[i * N + j];
      gb = new Tensor(grad, bias.shape);
    }
    return bias ? [gx, gw, gb] : [gx, gw];
  }, [weight.requiresGrad ? input : null, input.requiresGrad ? weight : null]);
}
