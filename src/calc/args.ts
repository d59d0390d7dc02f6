// Reading the (height, width) arguments of 2-D ops: a number means the same value for both axes, as in PyTorch.
import { ValueError } from "../errors.js";

/** One value for both axes, or [height, width]. */
export type Pair = number | readonly [number, number] | readonly number[];

/** Resolves a Pair to [height, width], checking that both are integers. */
export function pairOf(value: Pair, name: string, op: string): [number, number] {
  if (typeof value !== "number" && !Array.isArray(value)) {
    throw new ValueError(`${op}: ${name} must be an integer or a pair of integers, but got ${name}=${formatValue(value)}`);
  }
  const values = typeof value === "number" ? [value, value] : [...value];
  if (values.length !== 2) {
    throw new ValueError(`${op}: expected ${name} to be a single integer value or a list of 2 values to match the convolution dimensions, but got ${name}=${formatValue(value)}`);
  }
  for (const v of values) {
    if (typeof v !== "number" || !Number.isInteger(v)) {
      throw new ValueError(`${op}: ${name} must be an integer or a pair of integers, but got ${name}=${formatValue(value)}`);
    }
  }
  return [values[0], values[1]];
}

export function formatValue(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(", ")}]` : typeof value === "string" ? `'${value}'` : String(value);
}

/** Checks the integer sizes of a shape an op received (shapes built by hand in calculators can be anything). */
export function checkShapeValues(shape: readonly number[], name: string, op: string): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ValueError(`${op}: ${name} must hold non-negative integer sizes, but got ${formatValue([...shape])}`);
    }
  }
}
