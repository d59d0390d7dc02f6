// The source notes' worked examples, as literal tests: the numbers a reader sees in the lessons.
import { describe, expect, test } from "vitest";
import { conv2d } from "../../src/ops/conv.js";
import { corr2d, convolve2d } from "../../src/ops/corr2d.js";
import { avgPool2d, maxPool2d } from "../../src/ops/pool.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { counting } from "./helpers-conv.js";

const t = (values: number[][], shape?: number[]) => new Tensor(Float32Array.from(values.flat()), shape ?? [values.length, values[0].length]);
const K = () => t([[0, 1], [2, 3]]);

describe("cross-correlation (d2l 7.1)", () => {
  test("corr2d X=0..8 (3×3) K=[[0,1],[2,3]] → [[19,25],[37,43]]", () => {
    expect(corr2d(counting([3, 3]), K()).toArray()).toEqual([[19, 25], [37, 43]]);
  });

  test("conv2d x=[1,1,3,3] w=[1,1,2,2] gives the same [[19,25],[37,43]]", () => {
    expect(conv2d(counting([1, 1, 3, 3]), K().reshape(1, 1, 2, 2)).toArray()).toEqual([[[[19, 25], [37, 43]]]]);
  });

  test("edge detection: X 6×8 with zeros in columns 2..5, K=[[1,-1]] → a column of 1 and a column of -1", () => {
    const X = new Tensor(new Float32Array(48).fill(1), [6, 8]);
    for (let row = 0; row < 6; row++) for (let col = 2; col < 6; col++) X.data[row * 8 + col] = 0;
    const Y = corr2d(X, t([[1, -1]]));
    expect(Y.shape).toEqual([6, 7]);
    expect(Y.toArray()).toEqual(new Array(6).fill([0, 1, 0, 0, 0, -1, 0]));
    // The transposed image has horizontal edges only: this kernel sees none of them.
    const XT = new Tensor(new Float32Array(48), [8, 6]);
    for (let r = 0; r < 6; r++) for (let c = 0; c < 8; c++) XT.data[c * 6 + r] = X.data[r * 8 + c];
    expect(Array.from(corr2d(XT, t([[1, -1]])).data).every((v) => v === 0)).toBe(true);
  });

  test("learning the edge kernel: 10 steps of gradient descent on conv2d's weight recover ≈ [[1, -1]]", () => {
    const X = new Tensor(new Float64Array(48).fill(1), [1, 1, 6, 8]);
    for (let row = 0; row < 6; row++) for (let col = 2; col < 6; col++) X.data[row * 8 + col] = 0;
    const Y = conv2d(X, new Tensor(Float64Array.from([1, -1]), [1, 1, 1, 2]));
    const weight = new Tensor(Float64Array.from([0.3, 0.4]), [1, 1, 1, 2]);
    weight.requiresGrad = true;
    const losses: number[] = [];
    for (let step = 0; step < 10; step++) {
      const error = conv2d(X, weight).sub(Y);
      const loss = error.mul(error).sum();
      weight.grad = null;
      loss.backward();
      for (let i = 0; i < 2; i++) weight.data[i] -= 3e-2 * weight.grad!.data[i];
      losses.push(loss.item());
    }
    expect(losses[9]).toBeLessThan(losses[0] / 20);
    expect(weight.data[0]).toBeCloseTo(1, 0);
    expect(weight.data[1]).toBeCloseTo(-1, 0);
  });

  test("convolve2d flips the kernel: X=0..8 with K=[[0,1],[2,3]] equals corr2d with [[3,2],[1,0]]", () => {
    const flipped = corr2d(counting([3, 3]), t([[3, 2], [1, 0]])).toArray();
    expect(convolve2d(counting([3, 3]), K()).toArray()).toEqual(flipped);
    expect(flipped).toEqual([[5, 11], [23, 29]]);
  });
});

describe("padding and stride (d2l 7.3)", () => {
  test("padding=1 → [[0,3,8,4],[9,19,25,10],[21,37,43,16],[6,7,8,0]]", () => {
    const Y = conv2d(counting([1, 1, 3, 3]), K().reshape(1, 1, 2, 2), null, { padding: 1 });
    expect(Y.toArray()).toEqual([[[[0, 3, 8, 4], [9, 19, 25, 10], [21, 37, 43, 16], [6, 7, 8, 0]]]]);
  });

  test("padding=1 stride=[3,2] → [[0,8],[6,8]]", () => {
    const Y = conv2d(counting([1, 1, 3, 3]), K().reshape(1, 1, 2, 2), null, { padding: 1, stride: [3, 2] });
    expect(Y.toArray()).toEqual([[[[0, 8], [6, 8]]]]);
  });

  test.each([
    ["k=3 padding=1", [3, 3], { padding: 1 }, [8, 8]],
    ["k=[5,3] padding=[2,1]", [5, 3], { padding: [2, 1] }, [8, 8]],
    ["k=3 padding=1 stride=2", [3, 3], { padding: 1, stride: 2 }, [4, 4]],
    ["k=[3,5] padding=[0,1] stride=[3,4]", [3, 5], { padding: [0, 1], stride: [3, 4] }, [2, 2]],
  ] as const)("the book's comp_conv2d on 8×8: %s → %j", (_, kernel, options, expected) => {
    const weight = new Tensor(new Float32Array(kernel[0] * kernel[1]), [1, 1, ...kernel]);
    expect(conv2d(new Tensor(new Float32Array(64), [1, 1, 8, 8]), weight, null, options).shape).toEqual([1, 1, ...expected]);
  });
});

describe("multiple channels (d2l 7.4)", () => {
  const X = () => new Tensor(Float32Array.from([...counting([9]).data, ...counting([9], 1).data]), [2, 3, 3]);
  const K2 = () => new Tensor(Float32Array.from([0, 1, 2, 3, 1, 2, 3, 4]), [2, 2, 2]);

  test("two input channels summed: [[56,72],[104,120]]", () => {
    expect(corr2d(X(), K2()).toArray()).toEqual([[56, 72], [104, 120]]);
    expect(conv2d(X().reshape(1, 2, 3, 3), K2().reshape(1, 2, 2, 2)).toArray()).toEqual([[[[56, 72], [104, 120]]]]);
  });

  test("three output channels from K, K+1, K+2", () => {
    const stacked = new Tensor(Float32Array.from([0, 1, 2].flatMap((add) => Array.from(K2().data, (v) => v + add))), [3, 2, 2, 2]);
    expect(conv2d(X(), stacked).toArray()).toEqual([[[56, 72], [104, 120]], [[76, 100], [148, 172]], [[96, 128], [192, 224]]]);
  });

  test("a 1×1 convolution is a matrix product over channels", () => {
    const x = counting([3, 3, 3]), w = counting([2, 3, 1, 1], 1);
    const y = conv2d(x, w);
    for (let o = 0; o < 2; o++) {
      for (let p = 0; p < 9; p++) {
        let expected = 0;
        for (let c = 0; c < 3; c++) expected += w.data[o * 3 + c] * x.data[c * 9 + p];
        expect(y.data[o * 9 + p]).toBe(expected);
      }
    }
  });
});

describe("pooling (d2l 7.5)", () => {
  test("2×2 max and average pooling with stride 1 on 0..8: [[4,5],[7,8]] and [[2,3],[5,6]]", () => {
    expect(maxPool2d(counting([1, 1, 3, 3]), 2, { stride: 1 }).toArray()).toEqual([[[[4, 5], [7, 8]]]]);
    expect(avgPool2d(counting([1, 1, 3, 3]), 2, { stride: 1 }).toArray()).toEqual([[[[2, 3], [5, 6]]]]);
  });

  test("MaxPool2d(3) on 0..15 (4×4) → [[10]]", () => {
    expect(maxPool2d(counting([1, 1, 4, 4]), 3).toArray()).toEqual([[[[10]]]]);
  });

  test("MaxPool2d(3, padding=1, stride=2) → [[5,7],[13,15]]", () => {
    expect(maxPool2d(counting([1, 1, 4, 4]), 3, { padding: 1, stride: 2 }).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
  });

  test("MaxPool2d([2,3], stride=[2,3], padding=[0,1]) → [[5,7],[13,15]]", () => {
    expect(maxPool2d(counting([1, 1, 4, 4]), [2, 3], { stride: [2, 3], padding: [0, 1] }).toArray()).toEqual([[[[5, 7], [13, 15]]]]);
  });

  test("pooling keeps the channels: X and X+1 stacked → two output channels", () => {
    const X = new Tensor(Float32Array.from([...counting([16]).data, ...counting([16], 1).data]), [1, 2, 4, 4]);
    expect(maxPool2d(X, 3, { padding: 1, stride: 2 }).toArray()).toEqual([[[[5, 7], [13, 15]], [[6, 8], [14, 16]]]]);
  });
});
