// Shape arithmetic shared by every op: sizes, strides, dimension wrapping and broadcasting.
import { IndexError, ShapeError, ValueError } from "../errors.js";
import { checkAllocation, type DType } from "./dtype.js";

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides: the last dimension is contiguous. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

/** Wraps a negative dim the way PyTorch does and checks its range. */
export function normalizeDim(dim: number, ndim: number, op: string): number {
  const rank = Math.max(ndim, 1);
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) {
    throw new IndexError(`${op}: Dimension out of range (expected to be in range of [${-rank}, ${rank - 1}], but got ${dim})`);
  }
  return dim < 0 ? dim + rank : dim;
}

/** Checks a shape a tensor is about to be made with: integers, none negative, and a size this process can hold. */
export function checkShape(shape: Shape, op: string, dtype: DType = "float32"): number[] {
  if (!Array.isArray(shape)) throw new ValueError(`${op}: size must be an array of integers, but got ${JSON.stringify(shape) ?? String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d)) throw new ValueError(`${op}: shape must contain integers, but got ${formatShape(shape)}`);
    if (d < 0) throw new ValueError(`${op}: Trying to create tensor with negative dimension ${d}: ${formatShape(shape)}`);
  }
  checkAllocation(sizeOf(shape), dtype, op, shape);
  return [...shape];
}

export function formatShape(shape: Shape): string {
  return `[${shape.join(", ")}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** NumPy/PyTorch broadcasting: align trailing dimensions; each pair must be equal or one of them 1. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const ndim = Math.max(a.length, b.length);
  const out = new Array<number>(ndim);
  for (let i = 0; i < ndim; i++) {
    const da = a[a.length - ndim + i] ?? 1;
    const db = b[b.length - ndim + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(
        `${op}: The size of tensor a (${da}) must match the size of tensor b (${db}) at non-singleton dimension ${i}`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** Strides for reading a tensor of `shape` as if it had `target` shape (0 stride where broadcast). */
export function broadcastStrides(shape: Shape, target: Shape): number[] {
  const strides = stridesOf(shape);
  const out = new Array<number>(target.length).fill(0);
  const offset = target.length - shape.length;
  for (let i = 0; i < shape.length; i++) out[offset + i] = shape[i] === 1 ? 0 : strides[i];
  return out;
}

/** Resolves one -1 in a reshape target. */
export function inferShape(shape: Shape, size: number, op: string): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.lastIndexOf(-1) !== unknown) throw new ValueError(`${op}: only one dimension can be inferred`);
  for (const d of out) {
    if (!Number.isInteger(d) || d < -1) throw new ValueError(`${op}: invalid shape dimension ${d}`);
  }
  if (unknown >= 0) {
    const known = out.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || size % known !== 0) {
      throw new ShapeError(`${op}: shape '${formatShape(shape)}' is invalid for input of size ${size}`);
    }
    out[unknown] = size / known;
  }
  if (sizeOf(out) !== size) throw new ShapeError(`${op}: shape '${formatShape(shape)}' is invalid for input of size ${size}`);
  return out;
}
