// conv2dInfo and pool2dInfo: the sizes they compute and the argument checks they make, named by case.
import { describe, expect, test } from "vitest";
import { conv2dInfo } from "../../src/calc/conv-info.js";
import { pool2dInfo, poolOutputSize } from "../../src/calc/pool-info.js";
import { ShapeError, ValueError } from "../../src/errors.js";

describe("conv2dInfo", () => {
  test("x=[256,1,28,28] w=[6,1,5,5] p=2 (LeNet's first layer)", () => {
    expect(conv2dInfo([256, 1, 28, 28], [6, 1, 5, 5], { padding: 2 })).toEqual({
      batched: true, batchSize: 256, inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 6, groups: 1,
      inChannelsPerGroup: 1, outChannelsPerGroup: 6, kernelHeight: 5, kernelWidth: 5,
      strideHeight: 1, strideWidth: 1, dilationHeight: 1, dilationWidth: 1,
      padTop: 2, padBottom: 2, padLeft: 2, padRight: 2, paddingMode: "zeros", outHeight: 28, outWidth: 28,
      inputShape: [256, 1, 28, 28], weightShape: [6, 1, 5, 5], outputShape: [256, 6, 28, 28],
    });
  });

  test.each([
    ["k=3", [3, 3], 1, [1, 1, 1, 1]],
    ["k=4 (extra pixel bottom/right)", [4, 4], 1, [1, 2, 1, 2]],
    ["k=2", [2, 2], 1, [0, 1, 0, 1]],
    ["k=[2,3]", [2, 3], 1, [0, 1, 1, 1]],
    ["k=2 dilation=3 (span 4)", [2, 2], 3, [1, 2, 1, 2]],
    ["k=4 dilation=2 (span 7)", [4, 4], 2, [3, 3, 3, 3]],
  ] as const)("padding='same' %s → top, bottom, left, right = %j", (_, kernel, dilation, expected) => {
    const info = conv2dInfo([1, 1, 9, 9], [1, 1, ...kernel], { padding: "same", dilation });
    expect([info.padTop, info.padBottom, info.padLeft, info.padRight]).toEqual(expected);
    expect([info.outHeight, info.outWidth]).toEqual([9, 9]);
  });

  test("x=[1,4,9,11] w=[6,2,3,2] s=[2,3] p=[1,2] d=[2,1] groups=2", () => {
    const info = conv2dInfo([1, 4, 9, 11], [6, 2, 3, 2], { stride: [2, 3], padding: [1, 2], dilation: [2, 1], groups: 2 });
    // floor((9 + 2 - 5) / 2) + 1 = 4 and floor((11 + 4 - 2) / 3) + 1 = 5
    expect([info.outHeight, info.outWidth, info.outChannelsPerGroup, info.inChannelsPerGroup]).toEqual([4, 5, 3, 2]);
  });

  test("an unbatched [C, H, W] input: batched=false, 3-D output shape", () => {
    const info = conv2dInfo([3, 8, 8], [4, 3, 3, 3]);
    expect([info.batched, info.batchSize, info.outputShape]).toEqual([false, 1, [4, 6, 6]]);
  });

  test.each([
    ["2-D input, with the reshape hint", () => conv2dInfo([28, 28], [6, 1, 5, 5]), ShapeError,
      "conv2d: Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [28, 28]. A single-channel image needs batch and channel axes first: X.reshape([1, 1, 28, 28]) (the book's X.reshape((1, 1) + X.shape))"],
    ["3-D weight", () => conv2dInfo([1, 1, 5, 5], [1, 3, 3]), ShapeError,
      "conv2d: Expected a 4D weight [out_channels, in_channels / groups, kH, kW], but got weight of size [1, 3, 3]"],
    ["channels", () => conv2dInfo([1, 3, 28, 28], [6, 1, 5, 5]), ShapeError,
      "conv2d: Given groups=1, weight of size [6, 1, 5, 5], expected input[1, 3, 28, 28] to have 1 channels, but got 3 channels instead"],
    ["kernel larger than padded input", () => conv2dInfo([1, 1, 2, 2], [1, 1, 3, 3]), ShapeError,
      "conv2d: Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than actual input size"],
    ["dilated kernel larger than input (span counts)", () => conv2dInfo([1, 1, 4, 4], [1, 1, 3, 3], { dilation: 2 }), ShapeError,
      "conv2d: Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size"],
    ["groups do not divide C_out", () => conv2dInfo([1, 4, 5, 5], [3, 2, 3, 3], { groups: 2 }), ShapeError,
      "conv2d: Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [3, 2, 3, 3] instead"],
    ["same with stride", () => conv2dInfo([1, 1, 5, 5], [1, 1, 3, 3], { padding: "same", stride: [1, 2] }), ValueError,
      "conv2d: padding='same' is not supported for strided convolutions"],
    ["reflect padding as large as the input", () => conv2dInfo([1, 1, 3, 3], [1, 1, 3, 3], { padding: 3, paddingMode: "reflect" }), ShapeError,
      "conv2d: Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (3, 3) at dimension 3 of input [1, 1, 3, 3]"],
    ["circular padding wider than the input", () => conv2dInfo([1, 1, 3, 3], [1, 1, 3, 3], { padding: [0, 4], paddingMode: "circular" }), ShapeError,
      "conv2d: Padding value causes wrapping around more than once."],
    ["stride 0", () => conv2dInfo([1, 1, 5, 5], [1, 1, 3, 3], { stride: [1, 0] }), ValueError, "conv2d: non-positive stride is not supported"],
    ["dilation -1", () => conv2dInfo([1, 1, 5, 5], [1, 1, 3, 3], { dilation: -1 }), ValueError, "conv2d: dilation should be greater than zero, but got [-1, -1]"],
    ["negative padding", () => conv2dInfo([1, 1, 5, 5], [1, 1, 3, 3], { padding: [0, -1] }), ValueError, "conv2d: negative padding is not supported"],
    ["fractional stride", () => conv2dInfo([1, 1, 5, 5], [1, 1, 3, 3], { stride: 1.5 }), ValueError,
      "conv2d: stride must be an integer or a pair of integers, but got stride=1.5"],
    ["fractional input size", () => conv2dInfo([1, 1, 5.5, 5], [1, 1, 3, 3]), ValueError,
      "conv2d: input shape must hold non-negative integer sizes, but got [1, 1, 5.5, 5]"],
    ["fractional groups", () => conv2dInfo([1, 2, 5, 5], [1, 1, 3, 3], { groups: 1.5 }), ValueError, "conv2d: groups must be an integer, but got groups=1.5"],
  ] as const)("error: %s", (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });

  test("the op name prefixes the message", () => {
    expect(() => conv2dInfo([1, 3, 5, 5], [1, 1, 3, 3], {}, null, "Conv2d")).toThrow(/^Conv2d: Given groups=1/);
  });
});

describe("pool2dInfo", () => {
  test.each([
    ["5, k=2, s=2", [5, 2, 0, 2, 1, false], 2],
    ["5, k=2, s=2, ceil", [5, 2, 0, 2, 1, true], 3],
    ["5, k=2, s=2, p=1", [5, 2, 1, 2, 1, false], 3],
    // ceil would give 4, but the 4th window would start at 6 = 5 + pad: past the input, so it is dropped
    ["5, k=2, s=2, p=1, ceil (last window dropped)", [5, 2, 1, 2, 1, true], 3],
    ["6, k=3, s=2, p=1, ceil", [6, 3, 1, 2, 1, true], 4],
    ["7, k=2, s=1, d=3", [7, 2, 0, 1, 3, false], 4],
  ] as const)("poolOutputSize %s → %d", (_, args, expected) => {
    const [size, kernel, pad, stride, dilation, ceilMode] = args;
    expect(poolOutputSize(size, kernel, pad, stride, dilation, ceilMode)).toBe(expected);
  });

  test("x=[2,6,28,28] k=2: stride defaults to the kernel", () => {
    const info = pool2dInfo([2, 6, 28, 28], 2);
    expect([info.strideHeight, info.strideWidth, info.outputShape]).toEqual([2, 2, [2, 6, 14, 14]]);
  });

  test("pad may be up to half the dilated kernel (k=3, d=2, p=2), as in PyTorch 2", () => {
    expect(pool2dInfo([1, 1, 5, 5], 3, { dilation: 2, padding: 2 }).outputShape).toEqual([1, 1, 2, 2]);
  });

  test.each([
    ["pad more than half the kernel", () => pool2dInfo([1, 1, 5, 5], 2, { padding: [0, 2] }), ValueError,
      "maxPool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1"],
    ["kernel 0", () => pool2dInfo([1, 1, 5, 5], [0, 2]), ValueError, "maxPool2d: kernel size should be greater than zero, but got kH: 0 kW: 2"],
    ["negative stride", () => pool2dInfo([1, 1, 5, 5], 2, { stride: -1 }), ValueError, "maxPool2d: stride should be greater than zero, but got dH: -1 dW: -1"],
    ["2-D input, with the reshape hint", () => pool2dInfo([5, 5], 2), ShapeError,
      "maxPool2d: non-empty 3D or 4D (batch mode) tensor expected for input, but got input of size [5, 5]; add batch and channel axes with X.reshape([1, 1, 5, 5])"],
    ["empty input", () => pool2dInfo([1, 0, 5, 5], 2), ShapeError, "maxPool2d: non-empty 3D or 4D (batch mode) tensor expected for input, but got input of size [1, 0, 5, 5]"],
    ["output too small", () => pool2dInfo([1, 3, 2, 4], 3), ShapeError,
      "maxPool2d: Given input size: (3x2x4). Calculated output size: (3x0x1). Output size is too small"],
  ] as const)("error: %s", (_, call, type, message) => {
    expect(call).toThrow(type);
    expect(call).toThrow(message);
  });
});
