// Assertions for lessons: `check(actual).equals(expected)`, `.closeTo(...)`, `.atLeast(...)`, `.atMost(...)`,
// `.shape(...)`. A lesson states what a cell must produce, so running the lessons as tests fails loudly when
// the library drifts, and a learner who edits a cell sees expected vs actual side by side.
// The assertions return nothing, so a cell ending in a check prints no value.
// Tensors are accepted by duck typing (`toArray()`, `shape`) so this file does not depend on the tensor module.

import { ConvlabError } from "./errors.js";

/** A failed `check(...)` assertion; the message shows expected and actual values. */
export class CheckError extends ConvlabError {}

export interface CloseToOptions {
  /** Relative tolerance, as in `torch.allclose`: |actual - expected| <= atol + rtol * |expected|. Default 1e-5. */
  rtol?: number;
  /** Absolute tolerance. Default 1e-8. */
  atol?: number;
}

interface TensorLike {
  toArray(): unknown;
}

function isTensorLike(value: unknown): value is TensorLike {
  return typeof value === "object" && value !== null && typeof (value as TensorLike).toArray === "function";
}

/** Converts tensors and typed arrays to plain nested arrays; leaves everything else as it is. */
function toPlain(value: unknown): unknown {
  if (isTensorLike(value)) return toPlain(value.toArray());
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  if (Array.isArray(value)) return value.map(toPlain);
  return value;
}

/** Shape of a nested array (the first element of each level decides; ragged arrays are caught when compared). */
function shapeOf(value: unknown): number[] {
  const shape: number[] = [];
  let level = value;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  return shape;
}

const MAX_FORMATTED_CHARS = 400;

function formatValue(value: unknown): string {
  let text: string;
  if (Array.isArray(value)) text = "[" + value.map(formatValue).join(", ") + "]";
  else if (typeof value === "string") text = JSON.stringify(value);
  else if (typeof value === "bigint") text = `${value}n`;
  else if (Object.is(value, -0)) text = "-0";
  else text = String(value);
  return text;
}

/** Formats a value for a message, cutting very long tensors so the message stays readable. */
function formatForMessage(value: unknown): string {
  const text = formatValue(value);
  return text.length > MAX_FORMATTED_CHARS ? text.slice(0, MAX_FORMATTED_CHARS) + " …" : text;
}

function formatPath(path: number[]): string {
  return path.length === 0 ? "" : ` at index [${path.join(", ")}]`;
}

/** Exact equality for leaves: NaN equals NaN (a lesson may show NaN on purpose), 0 equals -0. */
function leavesEqual(actual: unknown, expected: unknown): boolean {
  if (typeof actual === "number" && typeof expected === "number") {
    return actual === expected || (Number.isNaN(actual) && Number.isNaN(expected));
  }
  return actual === expected;
}

interface Mismatch {
  path: number[];
  reason: string;
}

/**
 * Walks `actual` and `expected` together and returns the first place they differ.
 * `leafDiffers` decides for two leaves and returns a reason, or null when they agree.
 */
function firstMismatch(
  actual: unknown,
  expected: unknown,
  leafDiffers: (actual: unknown, expected: unknown) => string | null,
  path: number[] = [],
): Mismatch | null {
  const actualIsArray = Array.isArray(actual);
  const expectedIsArray = Array.isArray(expected);
  if (actualIsArray !== expectedIsArray) {
    const reason = actualIsArray
      ? `expected a single value ${formatForMessage(expected)}, got an array of shape [${shapeOf(actual).join(", ")}]`
      : `expected an array of shape [${shapeOf(expected).join(", ")}], got ${formatForMessage(actual)}`;
    return { path, reason };
  }
  if (actualIsArray && expectedIsArray) {
    if (actual.length !== expected.length) {
      return { path, reason: `expected length ${expected.length}, got length ${actual.length}` };
    }
    for (let index = 0; index < actual.length; index++) {
      const inner = firstMismatch(actual[index], expected[index], leafDiffers, [...path, index]);
      if (inner) return inner;
    }
    return null;
  }
  const reason = leafDiffers(actual, expected);
  return reason === null ? null : { path, reason };
}

/** Calls `visit` on every leaf of a nested array (or on the value itself when it is not an array). */
function forEachLeaf(value: unknown, visit: (leaf: unknown, path: number[]) => void, path: number[] = []): void {
  if (!Array.isArray(value)) {
    visit(value, path);
    return;
  }
  for (let index = 0; index < value.length; index++) forEachLeaf(value[index], visit, [...path, index]);
}

export class Check {
  private readonly plain: unknown;

  constructor(
    private readonly actual: unknown,
    private readonly label: string,
  ) {
    this.plain = toPlain(actual);
  }

  private fail(assertion: string, detail: string, expected?: unknown): never {
    const lines = [`check(${this.label}).${assertion}: ${detail}`];
    if (expected !== undefined) lines.push(`  expected: ${formatForMessage(toPlain(expected))}`);
    lines.push(`  actual:   ${formatForMessage(this.plain)}`);
    throw new CheckError(lines.join("\n"));
  }

  /** Deep, exact equality (tensors compared by their values; use `closeTo` for computed floats). */
  equals(expected: unknown): void {
    const mismatch = firstMismatch(this.plain, toPlain(expected), (actual, wanted) =>
      leavesEqual(actual, wanted) ? null : `expected ${formatForMessage(wanted)}, got ${formatForMessage(actual)}`,
    );
    if (mismatch) this.fail("equals", mismatch.reason + formatPath(mismatch.path), expected);
  }

  /** Elementwise |actual - expected| <= atol + rtol * |expected| (torch.allclose's rule), same shape required. */
  closeTo(expected: unknown, options: CloseToOptions = {}): void {
    const rtol = options.rtol ?? 1e-5;
    const atol = options.atol ?? 1e-8;
    const mismatch = firstMismatch(this.plain, toPlain(expected), (actual, wanted) => {
      if (typeof actual !== "number" || typeof wanted !== "number") {
        return `expected a number ${formatForMessage(wanted)}, got ${formatForMessage(actual)}`;
      }
      if (Number.isNaN(actual) && Number.isNaN(wanted)) return null;
      const difference = Math.abs(actual - wanted);
      const tolerance = atol + rtol * Math.abs(wanted);
      if (actual === wanted || difference <= tolerance) return null;
      return `expected ${wanted}, got ${actual} (difference ${difference.toPrecision(3)} > tolerance ${tolerance.toPrecision(3)} = atol ${atol} + rtol ${rtol} * |expected|)`;
    });
    if (mismatch) this.fail("closeTo", mismatch.reason + formatPath(mismatch.path), expected);
  }

  private compareEveryLeaf(assertion: string, bound: number, holds: (value: number) => boolean, relation: string): void {
    forEachLeaf(this.plain, (leaf, path) => {
      if (typeof leaf !== "number" || !holds(leaf)) {
        this.fail(`${assertion}(${bound})`, `expected a number ${relation} ${bound}, got ${formatForMessage(leaf)}${formatPath(path)}`);
      }
    });
  }

  /** actual >= bound (every element, for a tensor or array). */
  atLeast(bound: number): void {
    this.compareEveryLeaf("atLeast", bound, (value) => value >= bound, ">=");
  }

  /** actual <= bound (every element, for a tensor or array). */
  atMost(bound: number): void {
    this.compareEveryLeaf("atMost", bound, (value) => value <= bound, "<=");
  }

  /** The tensor's `shape` (or a nested array's shape) equals `expectedShape`. */
  shape(expectedShape: readonly number[]): void {
    const actualShape =
      typeof this.actual === "object" && this.actual !== null && Array.isArray((this.actual as { shape?: unknown }).shape)
        ? [...(this.actual as { shape: number[] }).shape]
        : shapeOf(this.plain);
    const same =
      actualShape.length === expectedShape.length && actualShape.every((size, index) => size === expectedShape[index]);
    if (!same) {
      throw new CheckError(
        `check(${this.label}).shape: expected shape [${expectedShape.join(", ")}], got [${actualShape.join(", ")}]`,
      );
    }
  }
}

/**
 * Starts an assertion about `actual` (a Tensor, number, string, boolean or nested array).
 * `label` names the value in the failure message: `check(out, "conv1 output").shape([1, 6, 28, 28])`.
 */
export function check(actual: unknown, label = "actual"): Check {
  return new Check(actual, label);
}
