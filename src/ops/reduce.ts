// Reductions over all elements or along dimensions: sum, mean, max/min (values and indices), argmax.
import { record } from "../autograd/graph.js";
import { IndexError, ValueError } from "../errors.js";
import { allocate, isFloat, type DType } from "../tensor/dtype.js";
import { normalizeDim, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** Splits shape around `dim` into (outer, n, inner) so index = (o * n + k) * inner + i. */
function around(shape: readonly number[], dim: number): [number, number, number] {
  return [sizeOf(shape.slice(0, dim)), shape[dim], sizeOf(shape.slice(dim + 1))];
}

function reducedShape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

function normalizeDims(x: Tensor, dim: number | number[] | undefined, op: string): number[] {
  if (dim === undefined) return [...x.shape.keys()];
  const dims = (Array.isArray(dim) ? dim : [dim]).map((d) => normalizeDim(d, x.ndim, op));
  if (new Set(dims).size !== dims.length) throw new ValueError(`${op}: dim ${dims.join(", ")} appears multiple times in the list of dims`);
  return dims;
}

function sumDtype(dtype: DType): DType {
  return isFloat(dtype) ? dtype : "int32";
}

/** Sum over `dims` (all when undefined). */
export function sum(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  const dims = normalizeDims(x, dim, "sum");
  const outShape = reducedShape(x.shape, dims, keepdim);
  const out = allocate(sumDtype(x.dtype), sizeOf(outShape));
  const xd = x.data;
  if (dims.length === x.ndim) {
    let total = 0;
    for (let i = 0; i < xd.length; i++) total += xd[i];
    out[0] = total;
  } else {
    // Map every input index to its output index by zeroing the reduced coordinates.
    const keptShape = reducedShape(x.shape, dims, true);
    const inner = new Array<number>(x.ndim);
    let stride = 1;
    for (let d = x.ndim - 1; d >= 0; d--) {
      inner[d] = dims.includes(d) ? 0 : stride;
      stride *= keptShape[d];
    }
    const index = new Array<number>(x.ndim).fill(0);
    let oi = 0;
    for (let i = 0; i < xd.length; i++) {
      out[oi] += xd[i];
      for (let d = x.ndim - 1; d >= 0; d--) {
        index[d]++;
        oi += inner[d];
        if (index[d] < x.shape[d]) break;
        oi -= inner[d] * x.shape[d];
        index[d] = 0;
      }
    }
  }
  const result = new Tensor(out, outShape);
  return record(result, "SumBackward", [x], (g) => [expandBack(g, x.shape, dims)]);
}

/** Spreads a reduced gradient back over the reduced dims (the adjoint of sum). */
function expandBack(g: Tensor, shape: readonly number[], dims: number[]): Tensor {
  const kept = reducedShape(shape, dims, true);
  const keptG = g.reshape(kept);
  return keptG.mul(Tensor.filled(shape, 1, g.dtype)); // broadcasting does the copy
}

export function mean(x: Tensor, dim?: number | number[], keepdim = false): Tensor {
  if (!isFloat(x.dtype)) {
    throw new ValueError(`mean: could not infer output dtype. Input dtype must be either a floating point or complex dtype. Got: ${x.dtype}`);
  }
  const dims = normalizeDims(x, dim, "mean");
  const count = dims.reduce((p, d) => p * x.shape[d], 1);
  return sum(x, dim, keepdim).div(count);
}

const better = {
  max: (v: number, best: number) => v > best || v !== v,
  min: (v: number, best: number) => v < best || v !== v,
};

/** Max (or min) of all elements; NaN wins, as in PyTorch. The gradient is shared evenly between ties. */
export function maxAll(x: Tensor, kind: "max" | "min"): Tensor {
  if (x.size === 0) {
    throw new ValueError(`${kind}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
  }
  const xd = x.data, wins = better[kind];
  let best = xd[0];
  for (let i = 1; i < xd.length && best === best; i++) if (wins(xd[i], best)) best = xd[i];
  const out = allocate(x.dtype, 1);
  out[0] = best;
  const result = new Tensor(out, []);
  return record(result, kind === "max" ? "MaxBackward1" : "MinBackward1", [x], (g) => {
    const grad = allocate(g.dtype, x.size);
    let ties = 0;
    for (let i = 0; i < xd.length; i++) if (xd[i] === best || (best !== best && xd[i] !== xd[i])) ties++;
    const share = g.data[0] / ties;
    for (let i = 0; i < xd.length; i++) if (xd[i] === best || (best !== best && xd[i] !== xd[i])) grad[i] = share;
    return [new Tensor(grad, x.shape)];
  }, [x, result]);
}

/** Max (or min) along `dim`: values and the int32 index of the first winner. */
export function maxDim(x: Tensor, dim: number, keepdim: boolean, kind: "max" | "min"): { values: Tensor; indices: Tensor } {
  const d = normalizeDim(dim, x.ndim, kind);
  const shape = x.ndim === 0 ? [1] : x.shape;
  const [outer, n, inner] = around(shape, d);
  if (n === 0) throw new ValueError(`${kind}(): Expected reduction dim ${d} to have non-zero size.`);
  const outShape = x.ndim === 0 ? [] : reducedShape(x.shape, [d], keepdim);
  const values = allocate(x.dtype, outer * inner);
  const indices = new Int32Array(outer * inner);
  const xd = x.data, wins = better[kind];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = xd[base], at = 0;
      for (let k = 1; k < n && best === best; k++) {
        const v = xd[base + k * inner];
        if (wins(v, best)) { best = v; at = k; }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = at;
    }
  }
  const indicesTensor = new Tensor(indices, outShape);
  const valuesTensor = record(new Tensor(values, outShape), kind === "max" ? "MaxBackward0" : "MinBackward0", [x], (g) => {
    const grad = allocate(g.dtype, x.size);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) grad[(o * n + indices[o * inner + i]) * inner + i] += g.data[o * inner + i];
    }
    return [new Tensor(grad, x.shape)];
  }, [indicesTensor]);
  return { values: valuesTensor, indices: indicesTensor };
}

/** Index of the max (or min): over the flattened tensor when dim is undefined. */
export function argmax(x: Tensor, dim: number | undefined, keepdim: boolean, kind: "max" | "min"): Tensor {
  if (dim === undefined) {
    if (x.size === 0) {
      throw new IndexError(`${kind === "max" ? "argmax" : "argmin"}(): Expected reduction dim to be specified for input.numel() == 0.`);
    }
    const flat = new Tensor(x.data, [x.size]);
    const index = maxDim(flat, 0, false, kind).indices;
    return keepdim ? index.reshape(x.shape.map(() => 1)) : index;
  }
  return maxDim(x, dim, keepdim, kind).indices;
}

