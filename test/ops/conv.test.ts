// conv2d: the fast path (unfold + gemm) against the seven-loop reference on random shapes and options,
// finite-difference gradients in float64, and the behaviours around the edges (unbatched input, dtypes, no-grad).
import { describe, expect, test } from "vitest";
import { conv2d, conv2dReference } from "../../src/ops/conv.js";
import { conv2dInfo, type Conv2dOptions, type PaddingMode } from "../../src/calc/conv-info.js";
import { gradcheck } from "../../src/autograd/gradcheck.js";
import { noGrad } from "../../src/autograd/graph.js";
import { DTypeError } from "../../src/errors.js";
import { Generator } from "../../src/tensor/random.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { maxAbsDifference, randomTensor } from "./helpers-conv.js";

interface RandomCase { input: number[]; weight: number[]; bias: boolean; options: Conv2dOptions }

/** Random valid conv2d configurations: every option drawn independently, invalid combinations redrawn. */
function randomCases(count: number, seed: number): RandomCase[] {
  const g = new Generator(seed);
  const pick = <T>(values: readonly T[]): T => values[g.int(values.length)];
  const cases: RandomCase[] = [];
  while (cases.length < count) {
    const groups = pick([1, 1, 2, 3]);
    const inChannels = groups * (1 + g.int(2)), outChannels = groups * (1 + g.int(3));
    const kernel = [1 + g.int(4), 1 + g.int(4)];
    const options: Conv2dOptions = {
      stride: pick([1, 2, [1, 2], [3, 1]] as const),
      dilation: pick([1, 1, 2, [2, 1]] as const),
      padding: pick([0, 1, [2, 1], "same", "valid"] as const),
      paddingMode: pick(["zeros", "zeros", "reflect", "replicate", "circular"] as const satisfies readonly PaddingMode[]),
      groups,
    };
    if (options.padding === "same") options.stride = 1;
    const input = [1 + g.int(3), inChannels, 3 + g.int(6), 3 + g.int(6)];
    const weight = [outChannels, inChannels / groups, ...kernel];
    try {
      conv2dInfo(input, weight, options);
    } catch {
      continue; // e.g. a kernel larger than the padded input, or reflect padding as large as the input
    }
    cases.push({ input, weight, bias: g.int(2) === 1, options });
  }
  return cases;
}

const describeCase = (c: RandomCase) => `x=[${c.input}] w=[${c.weight}] ${JSON.stringify(c.options)}${c.bias ? " bias" : ""}`;

describe("conv2d (unfold + gemm) agrees with conv2dReference (seven loops)", () => {
  test.each(randomCases(60, 7).map((c, i) => [describeCase(c), c, i] as const))("%s", (_, c, i) => {
    const x = randomTensor(c.input, 1000 + i), w = randomTensor(c.weight, 2000 + i);
    const b = c.bias ? randomTensor([c.weight[0]], 3000 + i) : null;
    const fast = conv2d(x, w, b, c.options), reference = conv2dReference(x, w, b, c.options);
    expect(fast.shape).toEqual(reference.shape);
    expect(maxAbsDifference(fast, reference)).toBeLessThan(1e-12);
  });
});

describe("conv2d gradients equal finite differences (float64)", () => {
  const cases: [string, number[], number[], Conv2dOptions][] = [
    ["x=[2,2,5,5] w=[3,2,3,3]", [2, 2, 5, 5], [3, 2, 3, 3], {}],
    ["stride=[2,1] padding=[1,2] dilation=[1,2]", [1, 2, 6, 7], [2, 2, 2, 3], { stride: [2, 1], padding: [1, 2], dilation: [1, 2] }],
    ["groups=2", [1, 4, 5, 4], [4, 2, 2, 2], { groups: 2 }],
    ["depthwise groups=3", [2, 3, 4, 4], [3, 1, 3, 3], { groups: 3, padding: 1 }],
    ["padding=same k=[2,4]", [1, 1, 5, 6], [2, 1, 2, 4], { padding: "same" }],
    ["paddingMode=reflect padding=2", [1, 2, 5, 4], [1, 2, 3, 3], { padding: 2, paddingMode: "reflect" }],
    ["paddingMode=replicate padding=[1,2] stride=2", [1, 1, 5, 5], [2, 1, 3, 3], { padding: [1, 2], paddingMode: "replicate", stride: 2 }],
    ["paddingMode=circular padding=same k=2 dilation=2", [1, 2, 4, 5], [2, 2, 2, 2], { padding: "same", paddingMode: "circular", dilation: 2 }],
  ];
  test.each(cases)("%s", (_, inputShape, weightShape, options) => {
    const x = randomTensor(inputShape, 1, true), w = randomTensor(weightShape, 2, true), b = randomTensor([weightShape[0]], 3, true);
    expect(gradcheck((x, w, b) => conv2d(x, w, b, options), [x, w, b])).toBe(true);
  });

  test("without a bias, and with only the weight requiring grad", () => {
    const x = randomTensor([1, 2, 4, 4], 4), w = randomTensor([2, 2, 3, 3], 5, true);
    expect(gradcheck((x, w) => conv2d(x, w, null, { padding: 1 }), [x, w])).toBe(true);
    expect(x.grad).toBeNull();
  });

  test("a wrong backward would be caught: gradcheck rejects a conv whose weight gradient is doubled", () => {
    const x = randomTensor([1, 1, 4, 4], 6), w = randomTensor([1, 1, 2, 2], 7, true);
    const wrong = (x: Tensor, w: Tensor) => {
      const out = conv2d(x, w);
      if (out.gradFn === null) return out; // gradcheck's finite differences run without a graph
      const backward = out.gradFn!.backward;
      out.gradFn = { ...out.gradFn!, backward: (g) => backward(g).map((t) => t && t.mul(2)) };
      return out;
    };
    expect(() => gradcheck(wrong, [x, w])).toThrow(/Jacobian mismatch/);
  });
});

describe("conv2d around the edges", () => {
  test("an unbatched [C, H, W] input gives a [C_out, outH, outW] output equal to the batched one", () => {
    const x = randomTensor([2, 5, 5], 8), w = randomTensor([3, 2, 3, 3], 9);
    const unbatched = conv2d(x, w, null, { padding: 1 });
    expect(unbatched.shape).toEqual([3, 5, 5]);
    expect(Array.from(unbatched.data)).toEqual(Array.from(conv2d(x.reshape(1, 2, 5, 5), w, null, { padding: 1 }).data));
  });

  test("float32 stays float32, float64 stays float64", () => {
    const x = randomTensor([1, 1, 4, 4], 10), w = randomTensor([1, 1, 2, 2], 11);
    expect(conv2d(x, w).dtype).toBe("float64");
    expect(conv2d(x.float(), w.float()).dtype).toBe("float32");
  });

  test("input and weight of different dtypes: DTypeError in PyTorch's words", () => {
    const x = randomTensor([1, 1, 4, 4], 12), w = randomTensor([1, 1, 2, 2], 13).float();
    expect(() => conv2d(x, w)).toThrow(DTypeError);
    expect(() => conv2d(x, w)).toThrow("conv2d: Input type (float64) and weight type (float32) should be the same");
  });

  test("integer input is rejected", () => {
    expect(() => conv2d(new Tensor(new Int32Array(16), [1, 1, 4, 4]), randomTensor([1, 1, 2, 2], 16)))
      .toThrow("conv2d: expected a floating point input, but got int32");
  });

  test("an empty batch gives an empty output", () => {
    expect(conv2d(randomTensor([0, 2, 5, 5], 17), randomTensor([3, 2, 3, 3], 18)).shape).toEqual([0, 3, 3, 3]);
  });

  test("a batch larger than one chunk of columns gives the same result as image by image", () => {
    // 40 images of 3×64×64 with a 5×5 kernel: 75·3600·40 column entries, over the 4M per-chunk budget.
    const x = randomTensor([40, 3, 64, 64], 19, true), w = randomTensor([2, 3, 5, 5], 20, true);
    const y = conv2d(x, w);
    const g = randomTensor(y.shape as number[], 21);
    y.backward(g);
    for (const n of [0, 17, 39]) {
      const xn = new Tensor(x.data.slice(n * 3 * 4096, (n + 1) * 3 * 4096), [1, 3, 64, 64]);
      xn.requiresGrad = true;
      const yn = conv2d(xn, w.detach());
      expect(maxAbsDifference(yn, new Tensor(y.data.slice(n * 2 * 3600, (n + 1) * 2 * 3600), [1, 2, 60, 60]))).toBe(0);
      yn.backward(new Tensor(g.data.slice(n * 2 * 3600, (n + 1) * 2 * 3600), [1, 2, 60, 60]));
      expect(maxAbsDifference(xn.grad!, new Tensor(x.grad!.data.slice(n * 3 * 4096, (n + 1) * 3 * 4096), [1, 3, 64, 64]))).toBeLessThan(1e-12);
    }
  });

  test("under noGrad nothing is recorded", () => {
    const x = randomTensor([1, 1, 4, 4], 14, true), w = randomTensor([1, 1, 2, 2], 15, true);
    const out = noGrad(() => conv2d(x, w));
    expect(out.requiresGrad).toBe(false);
    expect(out.gradFn).toBeNull();
    expect(conv2d(x, w).gradFn?.name).toBe("ConvolutionBackward");
  });

  test("padding='same' with an even kernel puts the extra row and column at the bottom / right, like PyTorch", () => {
    // An all-ones 3×3 image and a 2×2 all-ones kernel: the last row and column of the output see padding.
    const ones = new Tensor(new Float64Array(9).fill(1), [1, 1, 3, 3]);
    const y = conv2d(ones, new Tensor(new Float64Array(4).fill(1), [1, 1, 2, 2]), null, { padding: "same" });
    expect(y.toArray()).toEqual([[[[4, 4, 2], [4, 4, 2], [2, 2, 1]]]]);
  });
});
