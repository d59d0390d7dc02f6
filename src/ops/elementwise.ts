// Elementwise arithmetic with NumPy/PyTorch broadcasting, each op with its backward.
import { checkInPlace, record, recordInPlace } from "../autograd/graph.js";
import { bumpVersion, versionOf } from "../autograd/version.js";
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { typeName } from "../tensor/arguments.js";
import {
  allocate, castToInt32, floatResult, isFloat, promote, storeScalar, type DType, type Storage,
} from "../tensor/dtype.js";
import { broadcastShapes, broadcastStrides, formatShape, sameShape, sizeOf, type Shape } from "../tensor/shape.js";
import { isGradEnabled } from "../autograd/graph.js";
import { Tensor, type Operand } from "../tensor/tensor.js";

type BinaryFn = (x: number, y: number) => number;

/** A JS number as a 0-d tensor, typed as PyTorch types a Python scalar next to a tensor. */
function scalarLike(value: number, like: Tensor): Tensor {
  let dtype: DType = like.dtype;
  if (!isFloat(dtype) && !Number.isInteger(value)) dtype = "float32";
  if (dtype === "bool") dtype = "int32";
  return Tensor.filled([], value, dtype);
}

/** The tensor to save for backward, or null for a JS number we wrapped ourselves: no one else can write to it. */
function savable(operand: Operand, t: Tensor): Tensor | null {
  return operand instanceof Tensor ? t : null;
}

function isOperand(v: unknown): boolean {
  return v instanceof Tensor || typeof v === "number" || typeof v === "boolean";
}

function operands(a: Operand, b: Operand, op: string): [Tensor, Tensor] {
  // null would become 0 and "x" NaN without a word; PyTorch refuses both.
  if (!isOperand(a)) throw new ValueError(`${op}: argument 'input' must be a Tensor or a number, not ${typeName(a)}`);
  if (!isOperand(b)) throw new ValueError(`${op}: argument 'other' must be a Tensor or a number, not ${typeName(b)}`);
  if (a instanceof Tensor && b instanceof Tensor) return [a, b];
  if (a instanceof Tensor) return [a, scalarLike(b as number, a)];
  if (b instanceof Tensor) return [scalarLike(a as number, b), b];
  return [Tensor.filled([], a as number, "float32"), Tensor.filled([], b as number, "float32")];
}

/** out[i] = fn(a[i'], b[i'']) over the broadcast shape, into a new array of `dtype`. */
function broadcastApply(a: Tensor, b: Tensor, dtype: DType, fn: BinaryFn, op: string): Tensor {
  const shape = broadcastShapes(a.shape, b.shape, op);
  const size = sizeOf(shape);
  const out = allocate(dtype, size);
  const ad = a.data, bd = b.data;
  if (ad.length === size && bd.length === size) {
    for (let i = 0; i < size; i++) out[i] = fn(ad[i], bd[i]);
  } else if (bd.length === 1 && ad.length === size) {
    const y = bd[0];
    for (let i = 0; i < size; i++) out[i] = fn(ad[i], y);
  } else if (ad.length === 1 && bd.length === size) {
    const x = ad[0];
    for (let i = 0; i < size; i++) out[i] = fn(x, bd[i]);
  } else {
    // General case: walk the output in order, advancing each input by its (possibly zero) broadcast stride.
    const as = broadcastStrides(a.shape, shape), bs = broadcastStrides(b.shape, shape);
    const ndim = shape.length;
    const index = new Array<number>(ndim).fill(0);
    let ai = 0, bi = 0;
    for (let i = 0; i < size; i++) {
      out[i] = fn(ad[ai], bd[bi]);
      for (let d = ndim - 1; d >= 0; d--) {
        index[d]++;
        ai += as[d];
        bi += bs[d];
        if (index[d] < shape[d]) break;
        ai -= as[d] * shape[d];
        bi -= bs[d] * shape[d];
        index[d] = 0;
      }
    }
  }
  return new Tensor(out, shape);
}

/** Sums a broadcast gradient back down to the shape of the input it flowed from. */
export function sumToShape(grad: Tensor, shape: Shape): Tensor {
  if (sameShape(grad.shape, shape)) return grad;
  const out = allocate(grad.dtype, sizeOf(shape));
  const strides = broadcastStrides(shape, grad.shape);
  const gshape = grad.shape, ndim = gshape.length, gd = grad.data;
  const index = new Array<number>(ndim).fill(0);
  let oi = 0;
  for (let i = 0; i < gd.length; i++) {
    out[oi] += gd[i];
    for (let d = ndim - 1; d >= 0; d--) {
      index[d]++;
      oi += strides[d];
      if (index[d] < gshape[d]) break;
      oi -= strides[d] * gshape[d];
      index[d] = 0;
    }
  }
  return new Tensor(out, shape);
}

function mapUnary(x: Tensor, dtype: DType, fn: (v: number) => number): Tensor {
  const out = allocate(dtype, x.size);
  const xd = x.data;
  for (let i = 0; i < out.length; i++) out[i] = fn(xd[i]);
  return new Tensor(out, x.shape);
}

export function cast(x: Tensor, dtype: DType, forceCopy = false): Tensor {
  if (dtype === x.dtype && !forceCopy) return x;
  const out = allocate(dtype, x.size);
  if (dtype === "bool") for (let i = 0; i < out.length; i++) out[i] = x.data[i] !== 0 ? 1 : 0;
  else if (dtype === "int32") for (let i = 0; i < out.length; i++) out[i] = castToInt32(x.data[i]);
  else out.set(x.data);
  const result = new Tensor(out, x.shape);
  if (isFloat(dtype) && isFloat(x.dtype)) {
    return record(result, "ToCopyBackward", [x], (g) => [cast(g, x.dtype, true)]);
  }
  return result;
}

function arithmeticDtype(a: Tensor, b: Tensor): DType {
  const dtype = promote(a.dtype, b.dtype);
  return dtype === "bool" ? "int32" : dtype;
}

export function add(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, "add");
  const out = broadcastApply(x, y, arithmeticDtype(x, y), (p, q) => p + q, "add");
  return record(out, "AddBackward", [x, y], (g) => [sumToShape(g, x.shape), sumToShape(g, y.shape)]);
}

export function sub(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, "sub");
  const out = broadcastApply(x, y, arithmeticDtype(x, y), (p, q) => p - q, "sub");
  return record(out, "SubBackward", [x, y], (g) => [sumToShape(g, x.shape), sumToShape(neg(g), y.shape)]);
}

export function mul(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, "mul");
  const out = broadcastApply(x, y, arithmeticDtype(x, y), (p, q) => p * q, "mul");
  return record(out, "MulBackward", [x, y], (g) => [
    x.requiresGrad ? sumToShape(mul(g, y), x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g, x), y.shape) : null,
  ], [y.requiresGrad ? savable(a, x) : null, x.requiresGrad ? savable(b, y) : null]);
}

export function div(a: Operand, b: Operand): Tensor {
  const [x, y] = operands(a, b, "div");
  const dtype = floatResult(arithmeticDtype(x, y)); // true division, as torch.div
  const out = broadcastApply(x, y, dtype, (p, q) => p / q, "div");
  return record(out, "DivBackward", [x, y], (g) => [
    x.requiresGrad ? sumToShape(div(g, y), x.shape) : null,
    // PyTorch's formula, from the inputs it saved: -g · (x / y) / y.
    y.requiresGrad ? sumToShape(neg(mul(g, div(div(x, y), y))), y.shape) : null,
  ], [y.requiresGrad ? savable(a, x) : null, savable(b, y)]);
}

export function pow(a: Operand, exponent: Operand): Tensor {
  const [x, y] = operands(a, exponent, "pow");
  const out = broadcastApply(x, y, arithmeticDtype(x, y), Math.pow, "pow");
  return record(out, "PowBackward", [x, y], (g) => [
    x.requiresGrad ? sumToShape(mul(g, mul(y, pow(x, sub(y, 1)))), x.shape) : null,
    y.requiresGrad ? sumToShape(mul(g, mul(out, log(x))), y.shape) : null,
  ], [savable(a, x), savable(exponent, y), y.requiresGrad ? out : null]);
}

export function neg(x: Tensor): Tensor {
  const out = mapUnary(x, x.dtype === "bool" ? "int32" : x.dtype, (v) => -v);
  return record(out, "NegBackward", [x], (g) => [neg(g)]);
}

export function exp(x: Tensor): Tensor {
  const out = mapUnary(x, floatResult(x.dtype), Math.exp);
  return record(out, "ExpBackward", [x], (g) => [mul(g, out)], [out]);
}

export function log(x: Tensor): Tensor {
  const out = mapUnary(x, floatResult(x.dtype), Math.log);
  return record(out, "LogBackward", [x], (g) => [div(g, x)], [x]);
}

export function sqrt(x: Tensor): Tensor {
  const out = mapUnary(x, floatResult(x.dtype), Math.sqrt);
  return record(out, "SqrtBackward", [x], (g) => [div(g, mul(out, 2))], [out]);
}

export function abs(x: Tensor): Tensor {
  const out = mapUnary(x, x.dtype, Math.abs);
  return record(out, "AbsBackward", [x], (g) => [mul(g, mapUnary(x, x.dtype, Math.sign))], [x]);
}

const comparisons = {
  eq: (p: number, q: number) => (p === q ? 1 : 0),
  ne: (p: number, q: number) => (p !== q ? 1 : 0),
  gt: (p: number, q: number) => (p > q ? 1 : 0),
  lt: (p: number, q: number) => (p < q ? 1 : 0),
  ge: (p: number, q: number) => (p >= q ? 1 : 0),
  le: (p: number, q: number) => (p <= q ? 1 : 0),
};

/** Elementwise comparison; a bool tensor, no gradient. */
export function compare(a: Operand, b: Operand, op: keyof typeof comparisons): Tensor {
  const [x, y] = operands(a, b, op);
  return broadcastApply(x, y, "bool", comparisons[op], op);
}

type InPlaceOp = "add" | "sub" | "mul" | "fill";

/** The node PyTorch records for each in-place op (fill_ with a tensor is copy_). */
const IN_PLACE_NODES = { add: "AddBackward", sub: "SubBackward", mul: "MulBackward", fill: "FillBackward" } as const;

/**
 * x op= value in place (x.add_(v), x.sub_(v), x.mul_(v), x.fill_(v) / copy_(v)). Optimizer updates and the book's
 * manual SGD step run it under noGrad; with grad mode on and x (or value) in a graph, it records its backward as
 * PyTorch does, and every call bumps x's version so backward can refuse values it saved before the write.
 */
export function inPlace(x: Tensor, value: Operand, op: InPlaceOp): void {
  const name = `${op}_`;
  if (!(value instanceof Tensor) && typeof value !== "number") {
    throw new ValueError(`${name}: argument 'other' must be a Tensor or a number, not ${typeName(value)}`);
  }
  checkInPlace(x, name);
  if (typeof value === "number") {
    if (op !== "fill" && !isFloat(x.dtype) && (!Number.isInteger(value) || x.dtype === "bool")) {
      const from = Number.isInteger(value) ? "Long" : "Float";
      throw new DTypeError(`${name}: result type ${from} can't be cast to the desired output type ${TORCH_TYPE_NAMES[x.dtype]}`);
    }
    const stored = op === "fill" ? storeScalar(value, x.dtype, name) : value;
    writeScalar(x.data, stored, op);
    bumpVersion(x, name);
    recordInPlace(x, IN_PLACE_NODES[op], [], (g) => [
      op === "fill" ? Tensor.filled(g.shape, 0, g.dtype) : op === "mul" ? mul(g, value) : g,
    ]);
    return;
  }
  if (op !== "fill" && !isFloat(x.dtype) && isFloat(value.dtype)) {
    throw new DTypeError(`${name}: result type Float can't be cast to the desired output type ${TORCH_TYPE_NAMES[x.dtype]}`);
  }
  const shape = broadcastShapes(x.shape, value.shape, name);
  if (!sameShape(shape, x.shape)) {
    throw new ShapeError(`${name}: output with shape ${formatShape(x.shape)} doesn't match the broadcast shape ${formatShape(shape)}`);
  }
  // x.add_(x) and writes from a view of x: read the values as they were before the write. mul_ saves its value
  // for backward (at its version before the write, as PyTorch), so x.mul_(view of x) cannot run backward.
  const valueVersion = versionOf(value);
  const v = value.data === x.data && op !== "mul" ? copyOf(value) : value;
  const vd = op === "mul" && value.data === x.data ? value.data.slice() : null;
  const recording = isGradEnabled() && (x.requiresGrad || v.requiresGrad || x.viewBase !== null);
  const before = recording && op === "mul" && v.requiresGrad ? new Tensor(x.data.slice(), x.shape) : null;
  // PyTorch's mul_ saves its value only when the target's old values need a gradient (which the value scales).
  const targetNeedsGrad = x.requiresGrad || (x.viewBase?.requiresGrad ?? false);
  writeTensor(x, vd === null ? v : new Tensor(vd, v.shape), op);
  bumpVersion(x, name);
  if (!recording) return;
  const toValue = (g: Tensor) => sumToShape(g, v.shape).to(v.dtype);
  recordInPlace(x, op === "fill" ? "CopyBackwards" : IN_PLACE_NODES[op], [v], (g) => {
    if (op === "add") return [g, toValue(g)];
    if (op === "sub") return [g, toValue(neg(g))];
    if (op === "fill") return [Tensor.filled(g.shape, 0, g.dtype), toValue(g)];
    return [mul(g, v), before === null ? null : toValue(mul(g, before))];
  }, op === "mul" && targetNeedsGrad ? [v] : [], [valueVersion]);
}

const TORCH_TYPE_NAMES = { float32: "Float", float64: "Double", int32: "Int", bool: "Bool" } as const;

/** A copy of a value that shares x's storage, made through clone() when it needs a gradient (which then reaches it). */
function copyOf(t: Tensor): Tensor {
  return isGradEnabled() && t.requiresGrad ? cast(t, t.dtype, true) : new Tensor(t.data.slice(), t.shape);
}

function writeScalar(xd: Storage, value: number, op: InPlaceOp): void {
  if (op === "fill") xd.fill(value);
  else if (op === "add") for (let i = 0; i < xd.length; i++) xd[i] += value;
  else if (op === "sub") for (let i = 0; i < xd.length; i++) xd[i] -= value;
  else for (let i = 0; i < xd.length; i++) xd[i] *= value;
}

function writeTensor(x: Tensor, value: Tensor, op: InPlaceOp): void {
  const xd = x.data;
  const vd = value.data.length === xd.length ? value.data
    : broadcastApply(x, value, value.dtype, (_p, q) => q, `${op}_`).data;
  if (op === "fill") {
    if (x.dtype === value.dtype) xd.set(vd);
    else if (x.dtype === "bool") for (let i = 0; i < xd.length; i++) xd[i] = vd[i] !== 0 ? 1 : 0;
    else if (x.dtype === "int32") for (let i = 0; i < xd.length; i++) xd[i] = castToInt32(vd[i]);
    else xd.set(vd);
  } else if (op === "add") for (let i = 0; i < xd.length; i++) xd[i] += vd[i];
  else if (op === "sub") for (let i = 0; i < xd.length; i++) xd[i] -= vd[i];
  else for (let i = 0; i < xd.length; i++) xd[i] *= vd[i];
}
