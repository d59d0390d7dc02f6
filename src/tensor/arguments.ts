// The check every op makes on a tensor argument before reading it: null, a number or a plain array where a Tensor
// belongs would otherwise fail later as a bare TypeError ("Cannot read properties of null") naming nothing.
import { ValueError } from "../errors.js";
import { Tensor } from "./tensor.js";

/** A value's type in PyTorch's words (NoneType for null and undefined). */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  return (value as object).constructor?.name ?? typeof value;
}

/** Throws PyTorch's "op(): argument 'name' (position n) must be Tensor, not NoneType" unless value is a Tensor. */
export function checkTensor(value: unknown, op: string, name: string, position?: number): asserts value is Tensor {
  if (value instanceof Tensor) return;
  const at = position === undefined ? "" : ` (position ${position})`;
  throw new ValueError(`${op}: argument '${name}'${at} must be Tensor, not ${typeName(value)}`);
}

/** The same check for an optional tensor (bias): null and undefined pass. */
export function checkOptionalTensor(value: unknown, op: string, name: string, position?: number): void {
  if (value !== null && value !== undefined) checkTensor(value, op, name, position);
}
