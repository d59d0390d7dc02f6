// The element types a tensor can hold, and the typed array behind each.
import { DTypeError } from "../errors.js";

export type DType = "float32" | "float64" | "int32" | "bool";
export type FloatDType = "float32" | "float64";
export type Storage = Float32Array | Float64Array | Int32Array | Uint8Array;
export type FloatStorage = Float32Array | Float64Array;

export function dtypeOf(data: Storage): DType {
  if (data instanceof Float32Array) return "float32";
  if (data instanceof Float64Array) return "float64";
  if (data instanceof Int32Array) return "int32";
  if (data instanceof Uint8Array) return "bool";
  throw new DTypeError(`tensor: unsupported storage ${Object.prototype.toString.call(data)}`);
}

export function allocate(dtype: DType, size: number): Storage {
  switch (dtype) {
    case "float32": return new Float32Array(size);
    case "float64": return new Float64Array(size);
    case "int32": return new Int32Array(size);
    case "bool": return new Uint8Array(size);
    default: throw new DTypeError(`tensor: unknown dtype '${String(dtype)}' (expected float32, float64, int32 or bool)`);
  }
}

export function isFloat(dtype: DType): dtype is FloatDType {
  return dtype === "float32" || dtype === "float64";
}

/** PyTorch's type promotion for the dtypes we have: float64 > float32 > int32 > bool. */
export function promote(a: DType, b: DType): DType {
  const rank: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };
  return rank[a] >= rank[b] ? a : b;
}

/** The dtype of a result that must be floating point (division, exp, mean ...). */
export function floatResult(dtype: DType): FloatDType {
  return dtype === "float64" ? "float64" : "float32";
}
