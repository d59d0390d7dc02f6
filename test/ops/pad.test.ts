// F.pad: each mode's values written out by hand, negative padding, integer tensors, and gradients.
import { describe, expect, test } from "vitest";
import { pad } from "../../src/ops/pad.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { randomTensor } from "./helpers-conv.js";

const row = () => new Tensor(Float32Array.from([1, 2, 3]), [1, 1, 3]);

describe("pad modes on the row [1, 2, 3] with [2, 2]", () => {
  test.each([
    ["constant", [0, 0, 1, 2, 3, 0, 0]],
    ["reflect", [3, 2, 1, 2, 3, 2, 1]],
    ["replicate", [1, 1, 1, 2, 3, 3, 3]],
    ["circular", [2, 3, 1, 2, 3, 1, 2]],
  ] as const)("%s → %j", (mode, expected) => {
    expect(Array.from(pad(row(), [2, 2], mode).data)).toEqual(expected);
  });

  test("constant with value 9", () => {
    expect(Array.from(pad(row(), [1, 0], "constant", 9).data)).toEqual([9, 1, 2, 3]);
  });
});

describe("pad in two dimensions", () => {
  const square = () => new Tensor(Float32Array.from([1, 2, 3, 4]), [1, 1, 2, 2]);
  test("[left, right, top, bottom] = [1, 0, 0, 1] constant", () => {
    expect(pad(square(), [1, 0, 0, 1]).toArray()).toEqual([[[[0, 1, 2], [0, 3, 4], [0, 0, 0]]]]);
  });
  test("reflect [1, 1, 1, 1] on 2×2", () => {
    expect(pad(square(), [1, 1, 1, 1], "reflect").toArray()).toEqual([[[[4, 3, 4, 3], [2, 1, 2, 1], [4, 3, 4, 3], [2, 1, 2, 1]]]]);
  });
  test("negative constant padding crops", () => {
    const x = new Tensor(Float32Array.from({ length: 12 }, (_, i) => i), [1, 3, 4]);
    expect(pad(x, [-1, -1, 0, -1]).toArray()).toEqual([[[1, 2], [5, 6]]]);
  });
  test("constant padding of the first dimensions too ([0,0,0,0,1,0] on a 3-D tensor)", () => {
    const x = new Tensor(Float32Array.from([1, 2]), [1, 1, 2]);
    expect(pad(x, [0, 0, 0, 0, 1, 0]).toArray()).toEqual([[[0, 0]], [[1, 2]]]);
  });
  test("integer tensors pad too (no gradient)", () => {
    const x = new Tensor(Int32Array.from([1, 2]), [1, 2]);
    const y = pad(x, [1, 1], "constant", 7);
    expect(y.dtype).toBe("int32");
    expect(Array.from(y.data)).toEqual([7, 1, 2, 7]);
  });
});

describe("pad gradients equal finite differences (float64)", () => {
  test.each([
    ["constant [1,2,0,1]", [1, 2, 0, 1], "constant"],
    ["reflect [2,1,1,2]", [2, 1, 1, 2], "reflect"],
    ["replicate [3,0,2,2]", [3, 0, 2, 2], "replicate"],
    ["circular [3,3,1,2]", [3, 3, 1, 2], "circular"],
    ["constant crop [-1,1,-1,0]", [-1, 1, -1, 0], "constant"],
  ] as const)("%s", (_, amounts, mode) => {
    expect(gradcheck((x) => pad(x, [...amounts], mode), [randomTensor([2, 1, 3, 4], 50, true)])).toBe(true);
  });
});

describe("pad errors", () => {
  test("reflect needs 2 or 4 values and a batch or channel axis", () => {
    expect(() => pad(randomTensor([3, 3], 51), [1, 1, 1, 1], "reflect")).toThrow(ShapeError);
    expect(() => pad(randomTensor([3, 3], 51), [1, 1, 1, 1], "reflect")).toThrow("pad: reflect padding of the last 2 dimensions expects a 3-D or 4-D input, but got input of size [3, 3]");
    expect(() => pad(randomTensor([1, 1, 3, 3], 51), [1, 1, 1, 1, 1, 1], "replicate")).toThrow("pad: replicate padding pads the last 1 or 2 dimensions, so pad must have 2 or 4 values, but got 6");
  });
  test("cropping past the size", () => {
    expect(() => pad(randomTensor([1, 1, 2, 4], 52), [-3, -2])).toThrow("pad: The input size 4, plus negative padding -3 and -2 resulted in a negative output size, which is invalid. Check dimension 3 of your input.");
  });
  test("non-integer amounts", () => {
    expect(() => pad(randomTensor([1, 1, 2, 4], 53), [1.5, 1])).toThrow(ValueError);
  });
});
