// Basic slicing, NumPy style: X.get(":, 2:6") reads, X.set(":, 2:6", 0) writes in place (PyTorch's X[:, 2:6] = 0).
import { checkInPlace, noGrad, record, recordInPlace } from "../autograd/graph.js";
import { bumpVersion } from "../autograd/version.js";
import { IndexError, ShapeError, ValueError } from "../errors.js";
import { allocate, castToInt32, isFloat, storeScalar } from "../tensor/dtype.js";
import { broadcastShapes, formatShape, sameShape, sizeOf, stridesOf } from "../tensor/shape.js";
import { sumToShape } from "./elementwise.js";
import { typeName } from "../tensor/arguments.js";
import { Tensor, type NestedArray, type Operand } from "../tensor/tensor.js";

/** One dimension's selector: an index (drops the dim), null (all), or [start, end, step] (ends exclusive, may be null). */
export type DimSelector = number | null | [(number | null)?, (number | null)?, (number | null)?];
/** A whole index: "0, :, 1:3" or [0, null, [1, 3]] or a single index. */
export type SliceSpec = string | number | DimSelector[];

interface Range { start: number; step: number; count: number; drop: boolean }

function parseString(spec: string): DimSelector[] {
  if (spec.trim() === "") return [];
  return spec.split(",").map((part) => {
    const text = part.trim();
    if (text === ":" || text === "") return null;
    if (!text.includes(":")) {
      const index = Number(text);
      if (!Number.isInteger(index)) throw new ValueError(`index: cannot parse '${text}' in "${spec}"`);
      return index;
    }
    const pieces = text.split(":");
    if (pieces.length > 3) throw new ValueError(`index: cannot parse '${text}' in "${spec}"`);
    const nums = pieces.map((p) => {
      if (p.trim() === "") return null;
      const n = Number(p);
      if (!Number.isInteger(n)) throw new ValueError(`index: cannot parse '${text}' in "${spec}"`);
      return n;
    });
    return [nums[0], nums[1], nums[2]] as DimSelector;
  });
}

function resolve(shape: readonly number[], spec: SliceSpec): Range[] {
  if (typeof spec !== "string" && typeof spec !== "number" && !Array.isArray(spec)) {
    throw new IndexError(`index: only integers, slices (\`:\`), a string like ":, 1:3" or an array of them are valid indices (got ${spec === null ? "null" : typeof spec})`);
  }
  const selectors: DimSelector[] = typeof spec === "string" ? parseString(spec) : typeof spec === "number" ? [spec] : spec;
  selectors.forEach((sel) => {
    const ok = sel === null || sel === undefined || typeof sel === "number"
      || (Array.isArray(sel) && sel.length <= 3 && sel.every((b) => b === null || b === undefined || typeof b === "number"));
    if (!ok) throw new IndexError(`index: only integers, null (all) and [start, end, step] are valid indices, but got ${JSON.stringify(sel)}`);
  });
  if (selectors.length > shape.length) {
    throw new IndexError(`index: too many indices for tensor of dimension ${shape.length}`);
  }
  return shape.map((size, dim) => {
    const sel = dim < selectors.length ? selectors[dim] : null;
    if (sel === null || sel === undefined) return { start: 0, step: 1, count: size, drop: false };
    if (typeof sel === "number") {
      if (!Number.isInteger(sel) || sel < -size || sel >= size) {
        throw new IndexError(`index: index ${sel} is out of bounds for dimension ${dim} with size ${size}`);
      }
      return { start: sel < 0 ? sel + size : sel, step: 1, count: 1, drop: true };
    }
    const step = sel[2] ?? 1;
    if (!Number.isInteger(step) || step <= 0) throw new ValueError("index: step must be greater than zero");
    // Python slice semantics: negative bounds count from the end, out-of-range bounds clamp.
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + size : v, 0), size);
    for (const bound of [sel[0], sel[1]]) {
      if (bound != null && !Number.isInteger(bound)) throw new ValueError(`index: slice indices must be integers or null, but got ${bound}`);
    }
    const start = sel[0] == null ? 0 : clamp(sel[0]);
    const end = sel[1] == null ? size : clamp(sel[1]);
    return { start, step, count: Math.max(0, Math.ceil((end - start) / step)), drop: false };
  });
}

/** Calls visit(flatIndexInSource, positionInSelection) for every selected element, in row-major order. */
function walk(shape: readonly number[], ranges: Range[], visit: (src: number, k: number) => void): void {
  const strides = stridesOf(shape);
  const counts = ranges.map((r) => r.count);
  const total = sizeOf(counts);
  if (total === 0) return;
  const index = new Array<number>(ranges.length).fill(0);
  let src = ranges.reduce((p, r, d) => p + r.start * strides[d], 0);
  for (let k = 0; k < total; k++) {
    visit(src, k);
    for (let d = ranges.length - 1; d >= 0; d--) {
      index[d]++;
      src += ranges[d].step * strides[d];
      if (index[d] < counts[d]) break;
      src -= ranges[d].step * strides[d] * counts[d];
      index[d] = 0;
    }
  }
}

export function get(x: Tensor, spec: SliceSpec): Tensor {
  const ranges = resolve(x.shape, spec);
  const outShape = ranges.filter((r) => !r.drop).map((r) => r.count);
  const out = allocate(x.dtype, sizeOf(outShape));
  const xd = x.data;
  walk(x.shape, ranges, (src, k) => { out[k] = xd[src]; });
  return record(new Tensor(out, outShape), "SliceBackward", [x], (g) => {
    const grad = allocate(g.dtype, x.size);
    walk(x.shape, ranges, (src, k) => { grad[src] += g.data[k]; });
    return [new Tensor(grad, x.shape)];
  });
}

/** The value to write as a tensor: a tensor as it is, JS numbers and nested arrays stored as x's dtype stores them. */
function toTensor(value: Operand | NestedArray, like: Tensor): Tensor {
  if (value instanceof Tensor) return value;
  if (typeof value === "number" || typeof value === "boolean") {
    return Tensor.filled([], storeScalar(Number(value), like.dtype, "set"), like.dtype);
  }
  if (!Array.isArray(value)) {
    throw new ValueError(`set: can't assign a ${typeName(value)} to a ${torchTypeName(like)} (assign a number, a boolean, a nested array or a Tensor)`);
  }
  const flat = (value as unknown[]).flat(Infinity as 1) as unknown[];
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  if (sizeOf(shape) !== flat.length) throw new ShapeError(`set: the nested array ${JSON.stringify(value)} is not rectangular`);
  const data = allocate(like.dtype, flat.length);
  flat.forEach((v, i) => {
    if (typeof v !== "number" && typeof v !== "boolean") {
      throw new ValueError(`set: can't assign a ${typeName(v)} to a ${torchTypeName(like)} (the nested array must hold numbers or booleans)`);
    }
    data[i] = storeScalar(Number(v), like.dtype, "set");
  });
  return new Tensor(data, shape);
}

function torchTypeName(t: Tensor): string {
  return `torch.${{ float32: "Float", float64: "Double", int32: "Int", bool: "Bool" }[t.dtype]}Tensor`;
}

/**
 * Writes value (broadcast to the selection) into x in place, as PyTorch's X[spec] = value. With grad mode on and
 * x or the value in a graph, the write records PyTorch's CopySlices node: the selected elements take their gradient
 * from the value (summed back over broadcasting) and pass none to what x held before.
 */
export function set(x: Tensor, spec: SliceSpec, value: Operand | NestedArray): void {
  checkInPlace(x, "set", true); // X[spec] = v writes through a view of X, as in PyTorch
  const ranges = resolve(x.shape, spec);
  const selShape = ranges.filter((r) => !r.drop).map((r) => r.count);
  let v = toTensor(value, x);
  const target = broadcastShapes(selShape, v.shape, "set");
  if (!sameShape(target, selShape)) {
    throw new ShapeError(`set: shape mismatch: value tensor of shape ${formatShape(v.shape)} cannot be broadcast to indexing result of shape ${formatShape(selShape)}`);
  }
  if (v.data === x.data) v = v.clone(); // a view of x itself: read it before it is overwritten
  const values = v.size === 1 ? null : noGrad(() => v.mul(Tensor.filled(selShape, 1, v.dtype))).data;
  const xd = x.data;
  const convert = v.dtype === x.dtype || isFloat(x.dtype) ? null : x.dtype === "bool" ? (n: number) => (n !== 0 ? 1 : 0) : castToInt32;
  const scalar = convert === null ? v.data[0] : convert(v.data[0]);
  if (values === null) walk(x.shape, ranges, (src) => { xd[src] = scalar; });
  else if (convert === null) walk(x.shape, ranges, (src, k) => { xd[src] = values[k]; });
  else walk(x.shape, ranges, (src, k) => { xd[src] = convert(values[k]); });
  bumpVersion(x, "set");
  const written = v;
  const gradValue = isFloat(written.dtype) && isFloat(x.dtype);
  recordInPlace(x, "CopySlices", gradValue ? [written] : [], (g) => {
    const before = g.data.slice();
    walk(x.shape, ranges, (src) => { before[src] = 0; });
    if (!gradValue) return [new Tensor(before, x.shape)];
    const selected = allocate(g.dtype, sizeOf(selShape));
    walk(x.shape, ranges, (src, k) => { selected[k] = g.data[src]; });
    return [new Tensor(before, x.shape), sumToShape(new Tensor(selected, selShape), written.shape).to(written.dtype)];
  });
}
