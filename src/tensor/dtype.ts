// The element types a tensor can hold, and the typed array behind each.
import { machineBytes } from "../platform/system.js";
import { DTypeError, ValueError } from "../errors.js";

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

const BYTES_PER_ELEMENT: Record<DType, number> = { float32: 4, float64: 8, int32: 4, bool: 1 };
/** V8's longest typed array. */
const MAX_ELEMENTS = 2 ** 32;
/** Read once: os.totalmem() reads /proc. */
const MACHINE_BYTES = machineBytes();

/**
 * Refuses, before anything is allocated, a tensor this process cannot hold: more elements than a typed array can
 * have, or more bytes than the machine has. PyTorch's wording; the op and the shape named.
 */
export function checkAllocation(size: number, dtype: DType, op: string, shape?: readonly number[]): void {
  const bytes = size * (BYTES_PER_ELEMENT[dtype] ?? 8);
  if (Number.isSafeInteger(size) && size <= MAX_ELEMENTS && bytes <= MACHINE_BYTES) return;
  const what = shape === undefined ? `${size} elements` : `shape [${shape.join(", ")}]`;
  throw new ValueError(`${op}: can't allocate memory: you tried to allocate ${bytes} bytes (${what}, ${dtype}); `
    + `a tensor here holds at most ${MAX_ELEMENTS} elements and this machine has ${MACHINE_BYTES} bytes`);
}

export function allocate(dtype: DType, size: number, op = "tensor"): Storage {
  // Small sizes (every op's everyday case) skip the check; a huge one gets a typed error instead of RangeError.
  if (size > 1 << 26 || !(size >= 0)) checkAllocation(size, dtype, op);
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

/**
 * A float converted to int32 the way PyTorch's tensor casts do on x86 (.to(torch.int32)): truncated toward zero,
 * and NaN or a value out of int32's range becomes -2147483648 (a JS Int32Array store would wrap 1e10 to 1410065408).
 */
export function castToInt32(v: number): number {
  return v >= -2147483648 && v < 2147483648 ? Math.trunc(v) : -2147483648;
}

/**
 * A JS number as it is stored into an element of `dtype` (tensor(), full(), fill_(), X[i] = v): bool is v != 0
 * (so 0.5 and NaN are true), int32 truncates, and a value int32 cannot hold raises as PyTorch raises.
 */
export function storeScalar(v: number, dtype: DType, op: string): number {
  if (dtype === "bool") return v !== 0 ? 1 : 0;
  if (dtype === "int32") {
    if (!(v > -2147483649 && v < 2147483648)) {
      // PyTorch's words: "type int32" from torch.tensor, "type int" from fill_ / full / X[i] = v.
      throw new ValueError(`${op}: value cannot be converted to type ${op === "tensor" ? "int32" : "int"} without overflow (got ${v})`);
    }
    return Math.trunc(v);
  }
  return v;
}
