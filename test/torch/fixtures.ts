// Reading the PyTorch fixtures (test/fixtures/torch/*.json, made by generate.py) and comparing tensors with them.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Tensor } from "../../src/tensor/tensor.js";

export interface Encoded {
  shape: number[];
  data: number[];
}

export type FixtureDType = "float32" | "float64";

/** Relative tolerances the fixtures are held to: float64 to 1e-9, float32 to 1e-4. */
export const TOLERANCE: Record<FixtureDType, number> = { float64: 1e-9, float32: 1e-4 };

export function loadFixture<T>(name: string): T {
  const path = fileURLToPath(new URL(`../fixtures/torch/${name}`, import.meta.url));
  return JSON.parse(readFileSync(path, "utf8")) as T;
}

/** A fixture tensor as a convlab tensor of the given dtype (float32 values round to exactly PyTorch's). */
export function toTensor(encoded: Encoded, dtype: FixtureDType, requiresGrad = false): Tensor {
  const data = dtype === "float64" ? Float64Array.from(encoded.data) : Float32Array.from(encoded.data);
  const t = new Tensor(data, encoded.shape);
  t.requiresGrad = requiresGrad;
  return t;
}

/**
 * Largest error of actual against expected, relative to the expected tensor's largest magnitude
 * (so values that are ~0 after cancellation are judged on the tensor's scale, not their own).
 * Throws a readable message when shapes differ.
 */
export function relativeError(actual: Tensor | null | undefined, expected: Encoded): number {
  if (!actual) throw new Error("relativeError: no tensor (was the gradient computed?)");
  if (actual.shape.join(",") !== expected.shape.join(",")) {
    throw new Error(`shape [${actual.shape.join(", ")}] differs from PyTorch's [${expected.shape.join(", ")}]`);
  }
  let scale = 0;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) {
    worst = Math.max(worst, Math.abs(actual.data[i] - expected.data[i]));
  }
  return scale === 0 ? worst : worst / scale;
}

/** Worst relative errors seen per dtype, printed by the suites so the report can quote them. */
export const worstSeen: Record<FixtureDType, number> = { float64: 0, float32: 0 };

export function recordError(dtype: FixtureDType, error: number): number {
  worstSeen[dtype] = Math.max(worstSeen[dtype], error);
  return error;
}
