// unfold (im2col) and its adjoint col2im: the layout PyTorch's F.unfold uses, and <im2col(x), c> = <x, col2im(c)>.
import { describe, expect, test } from "vitest";
import { col2im, columnRows, im2col, unfold } from "../../src/ops/unfold.js";
import { conv2dInfo } from "../../src/calc/conv-info.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { Generator } from "../../src/tensor/random.js";
import { counting, randomTensor } from "./helpers-conv.js";

describe("unfold", () => {
  test("x = 0..17 as [1, 2, 3, 3], k=2 → [1, 8, 4], rows = (channel, tap), columns = windows (as F.unfold)", () => {
    const columns = unfold(counting([1, 2, 3, 3]), 2);
    expect(columns.shape).toEqual([1, 8, 4]);
    expect(columns.toArray()).toEqual([[
      [0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8],
      [9, 10, 12, 13], [10, 11, 13, 14], [12, 13, 15, 16], [13, 14, 16, 17],
    ]]);
  });

  test("padding reads zeros, stride and dilation pick the taps", () => {
    // 0..15 as 4×4, k=2, dilation 2, padding 1, stride 2: windows start at (-1,-1), (-1,1), (1,-1), (1,1).
    const columns = unfold(counting([1, 1, 4, 4]), 2, { dilation: 2, padding: 1, stride: 2 });
    // Taps (0,0), (0,2), (2,0), (2,2); a tap outside the image reads 0.
    expect(columns.toArray()).toEqual([[[0, 0, 0, 5], [0, 0, 5, 7], [0, 5, 0, 13], [5, 7, 13, 15]]]);
  });

  test("the gradient of sum(unfold(x)) counts the windows covering each pixel", () => {
    const x = counting([1, 1, 3, 3]).double();
    x.requiresGrad = true;
    unfold(x, 2).sum().backward();
    expect(x.grad!.toArray()).toEqual([[[[1, 2, 1], [2, 4, 2], [1, 2, 1]]]]);
  });

  test("gradcheck with stride, padding and dilation (float64)", () => {
    expect(gradcheck((x) => unfold(x, [2, 3], { stride: [1, 2], padding: 1, dilation: [2, 1] }), [randomTensor([2, 2, 5, 6], 60, true)])).toBe(true);
  });
});

describe("col2im is the adjoint of im2col", () => {
  test.each([
    ["k=3", [2, 5, 6], [3, 3], {}],
    ["k=[2,3] stride=[2,1] padding=[1,2] dilation=[1,2]", [3, 6, 7], [2, 3], { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }],
    ["padding=same k=4", [1, 5, 5], [4, 4], { padding: "same" }],
  ] as const)("%s", (_, imageShape, kernel, options) => {
    const info = conv2dInfo([1, ...imageShape], [1, imageShape[0], ...kernel], options);
    const g = new Generator(61);
    const image = Float64Array.from({ length: imageShape[0] * imageShape[1] * imageShape[2] }, () => g.normal());
    const size = columnRows(info) * info.outHeight * info.outWidth;
    const columns = Float64Array.from({ length: size }, () => g.normal());
    const unfolded = new Float64Array(size);
    im2col(image, 0, info, unfolded, 0);
    const folded = new Float64Array(image.length);
    col2im(columns, 0, info, folded, 0);
    let left = 0, right = 0;
    for (let i = 0; i < size; i++) left += unfolded[i] * columns[i];
    for (let i = 0; i < image.length; i++) right += image[i] * folded[i];
    expect(Math.abs(left - right)).toBeLessThan(1e-10 * Math.max(1, Math.abs(left)));
  });
});
