// Matrix product with PyTorch's rules for 1-D, 2-D and batched operands; the work is done by gemm.
import { record } from "../autograd/graph.js";
import { DTypeError, ShapeError } from "../errors.js";
import { allocate, isFloat, type FloatStorage } from "../tensor/dtype.js";
import { broadcastShapes, formatShape, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { gemm } from "../kernels/gemm.js";
import { sumToShape } from "./elementwise.js";
import { checkTensor } from "../tensor/arguments.js";

/** Batched (…×M×K)·(…×K×N) with broadcast batch dims; 1-D operands are promoted and the added dim removed. */
export function matmul(a: Tensor, b: Tensor): Tensor {
  checkTensor(a, "matmul", "input", 1);
  checkTensor(b, "matmul", "other", 2);
  if (a.ndim === 0 || b.ndim === 0) {
    throw new ShapeError(`matmul: both arguments to matmul need to be at least 1D, but they are ${a.ndim}D and ${b.ndim}D`);
  }
  if (!isFloat(a.dtype) || a.dtype !== b.dtype) {
    throw new DTypeError(`matmul: expected both operands to have the same floating dtype, but got ${a.dtype} and ${b.dtype}`);
  }
  const a2 = a.ndim === 1 ? a.reshape([1, a.shape[0]]) : a;
  const b2 = b.ndim === 1 ? b.reshape([b.shape[0], 1]) : b;
  const [M, K] = a2.shape.slice(-2);
  const [K2, N] = b2.shape.slice(-2);
  if (K !== K2) {
    throw new ShapeError(`matmul: mat1 and mat2 shapes cannot be multiplied (${M}x${K} and ${K2}x${N})`);
  }
  const batch = broadcastShapes(a2.shape.slice(0, -2), b2.shape.slice(0, -2), "matmul");
  const aFull = sameBatch(a2, batch), bFull = sameBatch(b2, batch);
  const count = sizeOf(batch);
  const out = allocate(a.dtype, count * M * N) as FloatStorage;
  const ad = aFull.data as FloatStorage, bd = bFull.data as FloatStorage;
  for (let i = 0; i < count; i++) {
    gemm(ad.subarray(i * M * K, (i + 1) * M * K), bd.subarray(i * K * N, (i + 1) * K * N),
      out.subarray(i * M * N, (i + 1) * M * N), M, N, K);
  }
  let shape = [...batch, M, N];
  if (a.ndim === 1) shape = shape.filter((_, i) => i !== shape.length - 2);
  if (b.ndim === 1) shape = shape.slice(0, -1);
  const result = new Tensor(out, shape);
  return record(result, "MmBackward", [a, b], (g) => {
    const g3 = g.data as FloatStorage;
    let ga: Tensor | null = null, gb: Tensor | null = null;
    if (a.requiresGrad) {
      const grad = allocate(g.dtype, count * M * K) as FloatStorage;
      for (let i = 0; i < count; i++) { // dA = dC · Bᵀ
        gemm(g3.subarray(i * M * N, (i + 1) * M * N), bd.subarray(i * K * N, (i + 1) * K * N),
          grad.subarray(i * M * K, (i + 1) * M * K), M, K, N, false, true);
      }
      ga = sumToShape(new Tensor(grad, [...batch, M, K]), a2.shape).reshape([...a.shape]);
    }
    if (b.requiresGrad) {
      const grad = allocate(g.dtype, count * K * N) as FloatStorage;
      for (let i = 0; i < count; i++) { // dB = Aᵀ · dC
        gemm(ad.subarray(i * M * K, (i + 1) * M * K), g3.subarray(i * M * N, (i + 1) * M * N),
          grad.subarray(i * K * N, (i + 1) * K * N), K, N, M, true, false);
      }
      gb = sumToShape(new Tensor(grad, [...batch, K, N]), b2.shape).reshape([...b.shape]);
    }
    return [ga, gb];
  }, [b.requiresGrad ? a : null, a.requiresGrad ? b : null]);
}

/** Materialises broadcast batch dims so each matrix of the batch is contiguous. */
function sameBatch(x: Tensor, batch: number[]): Tensor {
  const target = [...batch, ...x.shape.slice(-2)];
  if (formatShape(target) === formatShape(x.shape)) return x;
  return x.detach().mul(Tensor.filled(target, 1, x.dtype));
}
