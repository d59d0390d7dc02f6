// Making tensors: from nested arrays or typed arrays, constants, ranges and random numbers.
import { DTypeError, ShapeError, ValueError } from "../errors.js";
import { allocate, castToInt32, checkAllocation, dtypeOf, isFloat, storeScalar, type DType, type Storage } from "./dtype.js";
import { typeName } from "./arguments.js";
import { defaultGenerator, fillNormal, type Generator } from "./random.js";
import { checkShape, formatShape, sizeOf, type Shape } from "./shape.js";
import { Tensor, type NestedArray } from "./tensor.js";

export interface TensorOptions {
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface RandomOptions extends TensorOptions {
  generator?: Generator;
}

function finish(t: Tensor, options: TensorOptions | undefined): Tensor {
  if (options?.requiresGrad) t.requiresGrad_(true);
  return t;
}

/** The shape of a nested array, checking that it is rectangular. */
function nestedShape(values: NestedArray): number[] {
  const shape: number[] = [];
  let level: NestedArray = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    if (level.length === 0) break;
    level = level[0];
  }
  const check = (node: NestedArray, dim: number): void => {
    if (dim === shape.length) {
      if (Array.isArray(node)) throw new ShapeError(`tensor: expected a number at depth ${dim}, but found a sequence`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[dim]) {
      throw new ShapeError(`tensor: expected sequence of length ${shape[dim]} at dim ${dim} (got ${Array.isArray(node) ? node.length : "a number"})`);
    }
    for (const child of node) check(child, dim + 1);
  };
  check(values, 0);
  return shape;
}

/**
 * tensor([[1, 2], [3, 4]]) or tensor(float32Array, {shape: [2, 2]}). Floats become float32 unless dtype says otherwise;
 * all-integer nested arrays stay float32 too (we have no int64), except booleans, which become bool.
 */
export function tensor(values: NestedArray | Storage | readonly number[], options: TensorOptions & { shape?: Shape } = {}): Tensor {
  let data: Storage;
  let shape: number[];
  if (ArrayBuffer.isView(values)) {
    const typed = values as Storage;
    const dtype = options.dtype ?? dtypeOf(typed);
    data = allocate(dtype, typed.length, "tensor");
    // A typed array converts as a tensor cast does (bool: != 0; int32: truncated, out of range -2^31), not by
    // TypedArray.set's wrapping.
    if (dtype === "bool" && !(typed instanceof Uint8Array)) for (let i = 0; i < data.length; i++) data[i] = typed[i] !== 0 ? 1 : 0;
    else if (dtype === "int32" && !(typed instanceof Int32Array || typed instanceof Uint8Array)) {
      for (let i = 0; i < data.length; i++) data[i] = castToInt32(typed[i]);
    } else data.set(typed);
    shape = options.shape ? checkShape(options.shape, "tensor") : [typed.length];
  } else {
    if (typeof values !== "number" && typeof values !== "boolean" && !Array.isArray(values)) {
      throw new ValueError(`tensor: expected a number, a boolean, a nested array or a typed array, but got ${typeName(values)}`);
    }
    const nested = values as NestedArray;
    const guessedShape = nestedShape(nested);
    const flat: unknown[] = Array.isArray(nested) ? (nested as unknown[]).flat(Infinity as 1) : [nested];
    const isBool = flat.length > 0 && flat.every((v) => typeof v === "boolean");
    const dtype = options.dtype ?? (isBool ? "bool" : "float32");
    data = allocate(dtype, flat.length, "tensor");
    flat.forEach((v, i) => {
      if (typeof v !== "number" && typeof v !== "boolean") throw new ValueError(`tensor: expected numbers, but found ${typeName(v)}`);
      data[i] = storeScalar(Number(v), dtype, "tensor"); // 0.5 is true as a bool; 1e10 does not fit an int32
    });
    shape = options.shape ? checkShape(options.shape, "tensor") : guessedShape;
  }
  if (sizeOf(shape) !== data.length) {
    throw new ShapeError(`tensor: shape ${formatShape(shape)} is invalid for input of size ${data.length}`);
  }
  return finish(new Tensor(data, shape), options);
}

/** Wraps an existing typed array without copying (the tensor then shares it). */
export function fromData(data: Storage, shape: Shape, options: { requiresGrad?: boolean } = {}): Tensor {
  return finish(new Tensor(data, checkShape(shape, "fromData")), options);
}

export function full(shape: Shape, value: number, options: TensorOptions = {}, op = "full"): Tensor {
  if (typeof value !== "number" && typeof value !== "boolean") {
    throw new ValueError(`${op}: argument 'fill_value' must be a number, not ${typeName(value)}`);
  }
  const dtype = options.dtype ?? (typeof value === "boolean" ? "bool" : "float32");
  const checked = checkShape(shape, op, dtype);
  return finish(Tensor.filled(checked, storeScalar(Number(value), dtype, op), dtype), options);
}

export function zeros(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 0, options, "zeros");
}

export function ones(shape: Shape, options: TensorOptions = {}): Tensor {
  return full(shape, 1, options, "ones");
}

export function zerosLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return zeros(t.shape, { dtype: t.dtype, ...options });
}

export function onesLike(t: Tensor, options: TensorOptions = {}): Tensor {
  return ones(t.shape, { dtype: t.dtype, ...options });
}

/** arange(end), arange(start, end), arange(start, end, step): float32 values start, start+step, ... < end. */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  if (end === undefined) [start, end] = [0, start];
  for (const [name, v] of [["start", start], ["end", end], ["step", step]] as const) {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      throw new ValueError(`arange: unsupported range: ${String(start)} -> ${String(end)} (${name} must be a finite number)`);
    }
  }
  if (step === 0) throw new ValueError("arange: step must be nonzero");
  if ((end - start) / step < 0) {
    throw new ValueError("arange: upper bound and larger bound inconsistent with step sign");
  }
  const count = Math.ceil((end - start) / step);
  const dtype = options.dtype ?? "float32";
  checkAllocation(count, dtype, "arange", [count]);
  const data = allocate(dtype, count, "arange");
  if (isFloat(dtype)) for (let i = 0; i < count; i++) data[i] = start + i * step;
  else for (let i = 0; i < count; i++) data[i] = storeScalar(start + i * step, dtype, "arange");
  return finish(new Tensor(data, [count]), options);
}

function floatDtype(options: TensorOptions, op: string): "float32" | "float64" {
  const dtype = options.dtype ?? "float32";
  if (!isFloat(dtype)) throw new DTypeError(`${op}: expected a floating point dtype, but got ${dtype}`);
  return dtype;
}

/** Uniform in [0, 1), drawn as torch.rand draws them. */
export function rand(shape: Shape, options: RandomOptions = {}): Tensor {
  const dtype = floatDtype(options, "rand");
  const generator = options.generator ?? defaultGenerator;
  const data = allocate(dtype, sizeOf(checkShape(shape, "rand", dtype)));
  for (let i = 0; i < data.length; i++) data[i] = dtype === "float32" ? generator.uniform24() : generator.uniform53();
  return finish(new Tensor(data, shape), options);
}

/** Standard normal, drawn as torch.randn draws them. */
export function randn(shape: Shape, options: RandomOptions = {}): Tensor {
  const dtype = floatDtype(options, "randn");
  const data = allocate(dtype, sizeOf(checkShape(shape, "randn", dtype))) as Float32Array | Float64Array;
  fillNormal(data, options.generator ?? defaultGenerator);
  return finish(new Tensor(data, shape), options);
}

/** Uniform integers in [low, high), as an int32 tensor. */
export function randint(low: number, high: number, shape: Shape, options: { generator?: Generator } = {}): Tensor {
  if (!(high > low)) throw new ValueError(`randint: random_ expects 'from' to be less than 'to', but got from=${low} >= to=${high}`);
  const generator = options.generator ?? defaultGenerator;
  const data = new Int32Array(sizeOf(checkShape(shape, "randint", "int32")));
  for (let i = 0; i < data.length; i++) data[i] = low + generator.int(high - low);
  return new Tensor(data, shape);
}
