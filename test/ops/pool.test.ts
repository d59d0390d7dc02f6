// maxPool2d and avgPool2d: finite-difference gradients, NaN and -Infinity as PyTorch treats them,
// the average's divisors in ceil mode, and unbatched inputs.
import { describe, expect, test } from "vitest";
import { avgPool2d, maxPool2d } from "../../src/ops/pool.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { randomTensor } from "./helpers-conv.js";

const image = (values: number[][]) => new Tensor(Float64Array.from(values.flat()), [1, 1, values.length, values[0].length]);

describe("pooling gradients equal finite differences (float64)", () => {
  test.each([
    ["max k=2", (x: Tensor) => maxPool2d(x, 2)],
    ["max k=3 stride=2 padding=1 ceilMode", (x: Tensor) => maxPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true })],
    ["max k=[2,3] dilation=[2,1] stride=1", (x: Tensor) => maxPool2d(x, [2, 3], { dilation: [2, 1], stride: 1 })],
    ["avg k=2", (x: Tensor) => avgPool2d(x, 2)],
    ["avg k=3 stride=2 padding=1 ceilMode no countIncludePad", (x: Tensor) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })],
    ["avg k=[3,2] stride=[1,2] padding=[1,0] divisorOverride=4", (x: Tensor) => avgPool2d(x, [3, 2], { stride: [1, 2], padding: [1, 0], divisorOverride: 4 })],
  ])("%s", (_, fn) => {
    // Distinct random values: no ties, so max pooling is differentiable at this point.
    expect(gradcheck(fn, [randomTensor([2, 2, 6, 7], 40, true)])).toBe(true);
  });
});

describe("max pooling and special values", () => {
  test("a NaN wins its window (the NaN propagates), other windows are untouched", () => {
    const x = image([[1, NaN, 3, 4], [5, 6, 7, 8]]);
    x.requiresGrad = true;
    const y = maxPool2d(x, 2);
    expect(Number.isNaN(y.data[0])).toBe(true);
    expect(y.data[1]).toBe(8);
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 0, 0, 0, 0, 1]);
  });

  test("with two NaNs in a window the gradient goes to the last one, as in PyTorch", () => {
    const x = image([[1, NaN, 3, NaN], [5, 6, NaN, 8]]);
    x.requiresGrad = true;
    maxPool2d(x, 2).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([0, 1, 0, 0, 0, 0, 1, 0]);
  });

  test("windows of -Infinity: output -Infinity, gradient to the first input pixel of each window", () => {
    const x = image([[-Infinity, -Infinity, -Infinity, -Infinity], [-Infinity, -Infinity, -Infinity, -Infinity]]);
    x.requiresGrad = true;
    const y = maxPool2d(x, 2, { padding: 1 });
    expect(Array.from(y.data)).toEqual(new Array(6).fill(-Infinity));
    y.sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 1, 0, 1, 1, 1, 0, 1]); // PyTorch 1.13's x.grad for this call
  });

  test("padding never wins, even against negative values", () => {
    const y = maxPool2d(image([[-5, -4], [-3, -2]]), 2, { padding: 1, stride: 1 });
    expect(y.toArray()).toEqual([[[[-5, -4, -4], [-3, -2, -2], [-3, -2, -2]]]]);
  });

  test("ties: the first maximum in the window receives the gradient", () => {
    const x = image([[2, 2], [2, 2]]);
    x.requiresGrad = true;
    maxPool2d(x, 2).sum().backward();
    expect(Array.from(x.grad!.data)).toEqual([1, 0, 0, 0]);
  });
});

describe("average pooling divisors", () => {
  const ones = () => image(new Array(5).fill(new Array(5).fill(1)));

  test("ceilMode 5×5 k=2: windows hanging over the edge divide by the part inside the (padded) input", () => {
    // PyTorch: the window is clipped to the padded input, so with no padding each output is 1.
    expect(avgPool2d(ones(), 2, { ceilMode: true }).toArray()).toEqual([[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
  });

  test("padding=1 countIncludePad counts the zeros; without it they are left out", () => {
    const y = avgPool2d(ones(), 3, { stride: 2, padding: 1 });
    expect(y.toArray()).toEqual([[[[4 / 9, 6 / 9, 4 / 9], [6 / 9, 1, 6 / 9], [4 / 9, 6 / 9, 4 / 9]]]]);
    const z = avgPool2d(ones(), 3, { stride: 2, padding: 1, countIncludePad: false });
    expect(z.toArray()).toEqual([[[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]]);
  });

  test("divisorOverride divides every window by the given number", () => {
    expect(avgPool2d(ones(), 2, { divisorOverride: 2 }).toArray()).toEqual([[[[2, 2], [2, 2]]]]);
  });

  test("NaN propagates through the average too", () => {
    expect(Number.isNaN(avgPool2d(image([[NaN, 1], [1, 1]]), 2).item())).toBe(true);
  });
});

describe("shapes", () => {
  test("an unbatched [C, H, W] input pools to [C, outH, outW]", () => {
    const x = randomTensor([3, 6, 6], 41);
    expect(maxPool2d(x, 2).shape).toEqual([3, 3, 3]);
    expect(Array.from(avgPool2d(x, 2).data)).toEqual(Array.from(avgPool2d(x.reshape(1, 3, 6, 6), 2).data));
  });

  test("stride defaults to the kernel size; null does too", () => {
    const x = randomTensor([1, 1, 6, 6], 42);
    expect(maxPool2d(x, 3).shape).toEqual([1, 1, 2, 2]);
    expect(maxPool2d(x, 3, { stride: null }).shape).toEqual([1, 1, 2, 2]);
    expect(maxPool2d(x, 3, { stride: 1 }).shape).toEqual([1, 1, 4, 4]);
  });

  test("float32 in, float32 out; integer input is rejected", () => {
    expect(maxPool2d(randomTensor([1, 1, 4, 4], 43).float(), 2).dtype).toBe("float32");
    expect(() => maxPool2d(new Tensor(new Int32Array(16), [1, 1, 4, 4]), 2)).toThrow("maxPool2d: expected a floating point input, but got int32");
  });
});
