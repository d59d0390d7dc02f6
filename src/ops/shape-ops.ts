// Ops that rearrange elements without computing new values: reshape, permute, transpose, cat, stack.
import { record } from "../autograd/graph.js";
import { ShapeError, ValueError } from "../errors.js";
import { allocate } from "../tensor/dtype.js";
import { formatShape, inferShape, normalizeDim, sizeOf, stridesOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { checkTensor, typeName } from "../tensor/arguments.js";

/** A new shape over the same storage (storage is always contiguous, so this never copies). */
export function reshape(x: Tensor, shape: number[]): Tensor {
  const target = inferShape(shape, x.size, "reshape");
  const out = new Tensor(x.data, target);
  // A view: an in-place write through it is a write to its base (autograd/graph.ts recordInPlace).
  out.viewBase = x.viewBase ?? x;
  record(out, "ViewBackward", [x], (g) => [new Tensor(g.data, x.shape)]);
  out.viewOfFn = out.viewBase.gradFn;
  return out;
}

export function flatten(x: Tensor, startDim = 0, endDim = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeDim(startDim, x.ndim, "flatten");
  const end = normalizeDim(endDim, x.ndim, "flatten");
  if (start > end) throw new ValueError("flatten: flatten() has invalid args: start_dim cannot come after end_dim");
  const merged = x.shape.slice(start, end + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, start), merged, ...x.shape.slice(end + 1)]);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeDim(dim, x.ndim, "squeeze");
  return x.shape[d] === 1 ? reshape(x, x.shape.filter((_, i) => i !== d)) : x;
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim(dim, x.ndim + 1, "unsqueeze");
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Reorders dimensions, copying into a new contiguous tensor. */
export function permute(x: Tensor, dims: number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ShapeError(`permute: number of dims don't match in permute (input.dim() = ${x.ndim}, len(dims) = ${dims.length})`);
  }
  const order = dims.map((d) => normalizeDim(d, x.ndim, "permute"));
  if (new Set(order).size !== order.length) throw new ValueError("permute: repeated dim in permute");
  const inStrides = stridesOf(x.shape);
  const outShape = order.map((d) => x.shape[d]);
  const strides = order.map((d) => inStrides[d]); // input stride for each output dim
  const out = allocate(x.dtype, x.size);
  const xd = x.data, ndim = outShape.length;
  const index = new Array<number>(ndim).fill(0);
  let src = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = xd[src];
    for (let d = ndim - 1; d >= 0; d--) {
      index[d]++;
      src += strides[d];
      if (index[d] < outShape[d]) break;
      src -= strides[d] * outShape[d];
      index[d] = 0;
    }
  }
  const inverse = new Array<number>(ndim);
  order.forEach((d, i) => { inverse[d] = i; });
  return record(new Tensor(out, outShape), "PermuteBackward", [x], (g) => [permute(g, inverse)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim(dim0, x.ndim, "transpose");
  const b = normalizeDim(dim1, x.ndim, "transpose");
  const order = [...x.shape.keys()];
  [order[a], order[b]] = [order[b], order[a]];
  return permute(x, order);
}

/** Joins tensors along an existing dimension. */
export function cat(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors)) throw new ValueError(`cat: argument 'tensors' (position 1) must be tuple of Tensors, not ${typeName(tensors)}`);
  if (tensors.length === 0) throw new ValueError("cat: expected a non-empty list of Tensors");
  tensors.forEach((t, i) => checkTensor(t, "cat", `tensors[${i}]`));
  const first = tensors[0];
  const d = normalizeDim(dim, first.ndim, "cat");
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new ShapeError(`cat: Sizes of tensors must match except in dimension ${d}. Expected size ${formatShape(first.shape)} but got size ${formatShape(t.shape)} for tensor number ${i} in the list.`);
    }
    if (t.dtype !== first.dtype) throw new ValueError(`cat: expected all tensors to have dtype ${first.dtype}, but tensor number ${i} has ${t.dtype}`);
  });
  const outer = sizeOf(first.shape.slice(0, d));
  const inner = sizeOf(first.shape.slice(d + 1));
  const total = tensors.reduce((p, t) => p + t.shape[d], 0);
  const outShape = [...first.shape];
  outShape[d] = total;
  const out = allocate(first.dtype, sizeOf(outShape));
  let offset = 0;
  for (const t of tensors) {
    const chunk = t.shape[d] * inner;
    for (let o = 0; o < outer; o++) out.set(t.data.subarray(o * chunk, (o + 1) * chunk), o * total * inner + offset);
    offset += chunk;
  }
  return record(new Tensor(out, outShape), "CatBackward", tensors, (g) => {
    let start = 0;
    return tensors.map((t) => {
      const chunk = t.shape[d] * inner;
      const grad = allocate(g.dtype, t.size);
      for (let o = 0; o < outer; o++) grad.set(g.data.subarray(o * total * inner + start, o * total * inner + start + chunk), o * chunk);
      start += chunk;
      return new Tensor(grad, t.shape);
    });
  });
}

/** Joins tensors of one shape along a new dimension. */
export function stack(tensors: Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors)) throw new ValueError(`stack: argument 'tensors' (position 1) must be tuple of Tensors, not ${typeName(tensors)}`);
  if (tensors.length === 0) throw new ValueError("stack: expected a non-empty list of Tensors");
  tensors.forEach((t, i) => checkTensor(t, "stack", `tensors[${i}]`));
  const first = tensors[0];
  tensors.forEach((t, i) => {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => s !== first.shape[k])) {
      throw new ShapeError(`stack: stack expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`);
    }
  });
  const d = normalizeDim(dim, first.ndim + 1, "stack");
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}
