// Error wording against PyTorch's: every bad call in errors.json, made the convlab way, must throw the typed
// error with PyTorch's message prefixed by the op. Where convlab adds a hint, or torch 1.13 prints a known
// glitch, the comparison says so case by case.
import { describe, expect, test } from "vitest";
import { conv2d } from "../../src/ops/conv.js";
import { pad } from "../../src/ops/pad.js";
import { avgPool2d, maxPool2d } from "../../src/ops/pool.js";
import { crossEntropy } from "../../src/ops/loss.js";
import type { PadMode } from "../../src/calc/pad-info.js";
import type { Conv2dPadding, PaddingMode } from "../../src/calc/conv-info.js";
import { IndexError, ShapeError, ValueError } from "../../src/errors.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { Conv2d } from "../../src/nn/conv.js";
import { loadFixture } from "./fixtures.js";

interface ErrorCase { name: string; op: string; type: string; message: string }

const fixture = loadFixture<{ generated_by: string; cases: ErrorCase[] }>("errors.json");
const r = (...shape: number[]) => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)).map((_, i) => Math.sin(i)), shape);

type Compare = "exact" | "startsWith" | "endsWith" | ((ours: string, torch: string) => void);
interface Runner { call: () => unknown; type: typeof ShapeError | typeof ValueError | typeof IndexError; compare?: Compare }

const runners: Record<string, Runner> = {
  "conv2d channel mismatch": { call: () => conv2d(r(1, 3, 28, 28), r(6, 1, 5, 5)), type: ShapeError },
  "conv2d kernel larger than padded input": { call: () => conv2d(r(1, 1, 2, 2), r(1, 1, 3, 3)), type: ShapeError },
  "conv2d groups do not divide out channels": {
    call: () => conv2d(r(1, 3, 5, 5), r(3, 1, 3, 3), null, { groups: 2 }), type: ShapeError,
    // torch 1.13 prints the size in double brackets, [[3, 1, 3, 3]]; later versions print [3, 1, 3, 3].
    compare: (ours, torch) => expect(ours).toBe(`conv2d: ${torch.replace("[[", "[").replace("]]", "]")}`),
  },
  "conv2d groups channel mismatch": { call: () => conv2d(r(1, 3, 5, 5), r(4, 1, 3, 3), null, { groups: 2 }), type: ShapeError },
  "conv2d same with stride": { call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { stride: 2, padding: "same" }), type: ValueError },
  "conv2d stride 0": { call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { stride: 0 }), type: ValueError },
  "conv2d dilation 0": { call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { dilation: 0 }), type: ValueError },
  "conv2d negative padding": { call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { padding: -1 }), type: ValueError },
  "conv2d groups 0": { call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { groups: 0 }), type: ValueError },
  // convlab adds how to add the batch and channel axes, as the book's reshape((1, 1) + X.shape).
  "conv2d 2-D input": { call: () => conv2d(r(3, 3), r(1, 1, 2, 2)), type: ShapeError, compare: "startsWith" },
  "conv2d bad padding string": {
    call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { padding: "foo" as Conv2dPadding }), type: ValueError, compare: "startsWith",
  },
  "conv2d padding of 3 values": { call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { padding: [1, 2, 3] }), type: ValueError },
  "conv2d bias size": { call: () => conv2d(r(1, 1, 5, 5), r(6, 1, 3, 3), r(5)), type: ShapeError },
  "Conv2d bad padding_mode": {
    call: () => conv2d(r(1, 1, 5, 5), r(1, 1, 3, 3), null, { paddingMode: "foo" as PaddingMode }), type: ValueError,
    // PyTorch prints the allowed modes as a Python set, in hash order; compare the set, not its order.
    compare: (ours, torch) => {
      const pattern = /^(.*)\{(.*)\}(.*)$/;
      const [, oursHead, oursSet, oursTail] = ours.match(pattern)!;
      const [, torchHead, torchSet, torchTail] = torch.match(pattern)!;
      expect([oursHead, oursTail]).toEqual([`conv2d: ${torchHead}`, torchTail]);
      expect(oursSet.split(", ").sort()).toEqual(torchSet.split(", ").sort());
    },
  },
  "pad reflect too large": {
    call: () => pad(r(1, 1, 2, 2), [2, 2, 2, 2], "reflect"), type: ShapeError,
    // torch 1.13 ends with "of input 4" (the rank); convlab, as later versions, prints the size [1, 1, 2, 2].
    compare: (ours, torch) => {
      expect(ours).toBe(`pad: ${torch.replace(/of input 4$/, "of input [1, 1, 2, 2]")}`);
    },
  },
  "pad odd length": { call: () => pad(r(1, 1, 2, 2), [1, 2, 3]), type: ValueError },
  "pad too long": { call: () => pad(r(1, 1, 2, 2), new Array(10).fill(1)), type: ValueError },
  "pad circular wraps more than once": { call: () => pad(r(1, 1, 2, 2), [3, 3, 3, 3], "circular"), type: ShapeError },
  "pad unknown mode": { call: () => pad(r(1, 1, 2, 2), [1, 1, 1, 1], "foo" as PadMode), type: ValueError, compare: "startsWith" },
  "pad replicate with value": { call: () => pad(r(1, 1, 2, 2), [1, 1, 1, 1], "replicate", 1), type: ValueError },
  // torch 1.13 says "at most half of kernel size"; PyTorch 2 counts dilation ("effective kernel size"), as convlab.
  "maxPool2d pad more than half kernel": {
    call: () => maxPool2d(r(1, 1, 5, 5), 2, { padding: 2 }), type: ValueError,
    compare: (ours, torch) => {
      expect(torch.startsWith("pad should be at most half of kernel size, but got pad=2")).toBe(true);
      expect(ours).toBe("maxPool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1");
    },
  },
  "avgPool2d pad more than half kernel": {
    call: () => avgPool2d(r(1, 1, 5, 5), 2, { padding: 2 }), type: ValueError,
    compare: (ours, torch) => {
      expect(torch.startsWith("pad should be at most half of kernel size, but got pad=2")).toBe(true);
      expect(ours).toBe("avgPool2d: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1");
    },
  },
  "maxPool2d output too small": { call: () => maxPool2d(r(1, 1, 2, 2), 3), type: ShapeError },
  "avgPool2d output too small": { call: () => avgPool2d(r(1, 1, 2, 2), 3), type: ShapeError },
  "maxPool2d stride 0": { call: () => maxPool2d(r(1, 1, 5, 5), 2, { stride: 0 }), type: ValueError },
  "maxPool2d dilation 0": { call: () => maxPool2d(r(1, 1, 5, 5), 2, { dilation: 0 }), type: ValueError },
  "maxPool2d negative padding": { call: () => maxPool2d(r(1, 1, 5, 5), 2, { padding: -1 }), type: ValueError },
  "maxPool2d 2-D input": { call: () => maxPool2d(r(5, 5), 2), type: ShapeError, compare: "startsWith" },
  "avgPool2d divisorOverride 0": { call: () => avgPool2d(r(1, 1, 5, 5), 2, { divisorOverride: 0 }), type: ValueError },
  "Conv2d in_channels not divisible by groups": { call: () => new Conv2d(3, 4, 3, { groups: 2 }), type: ValueError },
  // The lead's op; its prefix is cross_entropy, so only PyTorch's text is compared.
  "crossEntropy target out of range": { call: () => crossEntropy(r(2, 3), [0, 5]), type: IndexError, compare: "endsWith" },
};

// Every case has a runner; a case added to generate.py without one fails the first test below.
const notHere: string[] = [];

describe(`error messages follow PyTorch's (${fixture.generated_by})`, () => {
  test("every fixture case has a runner here or is listed as checked elsewhere", () => {
    const names = fixture.cases.map((c) => c.name).filter((n) => !notHere.includes(n)).sort();
    expect(names).toEqual(Object.keys(runners).sort());
  });

  test.each(fixture.cases.filter((c) => runners[c.name]).map((c) => [c.name, c] as const))("%s", (_, c) => {
    const runner = runners[c.name];
    let thrown: unknown = null;
    try { runner.call(); } catch (e) { thrown = e; }
    expect(thrown).toBeInstanceOf(runner.type);
    const ours = (thrown as Error).message;
    const compare = runner.compare ?? "exact";
    if (compare === "exact") expect(ours).toBe(`${c.op}: ${c.message}`);
    else if (compare === "startsWith") expect(ours.startsWith(`${c.op}: ${c.message}`), ours).toBe(true);
    else if (compare === "endsWith") expect(ours.endsWith(c.message), ours).toBe(true);
    else compare(ours, c.message);
  });
});
