// The book's readable corr2d / convolve2d: gradients, agreement with conv2d, and their errors.
import { describe, expect, test } from "vitest";
import { corr2d, convolve2d } from "../../src/ops/corr2d.js";
import { conv2d } from "../../src/ops/conv.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { ShapeError } from "../../src/errors.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { maxAbsDifference, randomTensor } from "./helpers-conv.js";

describe("corr2d", () => {
  test("equals conv2d on a single channel (random 7×9 with a 3×2 kernel)", () => {
    const X = randomTensor([7, 9], 70), K = randomTensor([3, 2], 71);
    expect(maxAbsDifference(corr2d(X, K), conv2d(X.reshape(1, 1, 7, 9), K.reshape(1, 1, 3, 2)).reshape(5, 8))).toBeLessThan(1e-12);
  });

  test("with channels, equals conv2d with one output channel", () => {
    const X = randomTensor([3, 5, 6], 72), K = randomTensor([3, 2, 3], 73);
    expect(maxAbsDifference(corr2d(X, K), conv2d(X, K.reshape(1, 3, 2, 3)).reshape(4, 4))).toBeLessThan(1e-12);
  });

  test.each([
    ["corr2d 2-D", corr2d, [5, 6], [2, 3]],
    ["corr2d 3-D", corr2d, [2, 4, 4], [2, 3, 2]],
    ["convolve2d 2-D", convolve2d, [5, 4], [3, 2]],
  ] as const)("gradcheck %s (float64)", (_, op, xShape, kShape) => {
    expect(gradcheck((X, K) => op(X, K), [randomTensor([...xShape], 74, true), randomTensor([...kShape], 75, true)])).toBe(true);
  });

  test("integer inputs give a float32 result", () => {
    const X = new Tensor(Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]), [3, 3]);
    const Y = corr2d(X, new Tensor(Int32Array.from([0, 1, 2, 3]), [2, 2]));
    expect(Y.dtype).toBe("float32");
    expect(Y.toArray()).toEqual([[19, 25], [37, 43]]);
  });

  test("convolve2d with a symmetric kernel equals corr2d", () => {
    const X = randomTensor([4, 4], 76), K = new Tensor(Float64Array.from([1, 2, 1, 2, 4, 2, 1, 2, 1]), [3, 3]);
    expect(maxAbsDifference(convolve2d(X, K), corr2d(X, K))).toBe(0);
  });

  test("errors: kernel larger than the image, mismatched ranks and channels", () => {
    expect(() => corr2d(randomTensor([2, 2], 77), randomTensor([3, 3], 78))).toThrow(ShapeError);
    expect(() => corr2d(randomTensor([2, 2], 77), randomTensor([3, 3], 78))).toThrow("corr2d: Kernel size can't be greater than actual input size: K of size [3, 3], X of size [2, 2]");
    expect(() => corr2d(randomTensor([1, 4, 4], 77), randomTensor([2, 2], 78))).toThrow("corr2d: expected X and K both 2-D (h × w) or both 3-D (channels × h × w), but got X of size [1, 4, 4] and K of size [2, 2]");
    expect(() => convolve2d(randomTensor([2, 4, 4], 77), randomTensor([3, 2, 2], 78))).toThrow("convolve2d: X has 2 channels but K has 3");
  });
});
