// nn.Sequential runs Conv2d → Sigmoid → AvgPool2d(2) (conv2dSigmoidAvgPool2) and Conv2d → Sigmoid or ReLU (conv2dActivation)
// as fused ops: they must change nothing but speed — the same bits forward and backward as the layers one by one —
// and never bypass a subclass's forward.
import { describe, expect, test } from "vitest";
import { noGrad } from "../../src/autograd/graph.js";
import { manualSeed } from "../../src/tensor/random.js";
import { randn } from "../../src/tensor/creation.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { crossEntropy } from "../../src/ops/loss.js";
import { lenet } from "../../src/nn/lenet.js";
import { Conv2d } from "../../src/nn/conv.js";
import { Flatten, Sequential, Sigmoid } from "../../src/nn/layers.js";
import { AvgPool2d } from "../../src/nn/conv.js";
import type { Module } from "../../src/nn/module.js";

function bitsEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const x = new Uint32Array(Float32Array.from(a).buffer), y = new Uint32Array(Float32Array.from(b).buffer);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The layers one by one: what Sequential computed before fusion existed. */
function unfused(layers: Module[], x: Tensor): Tensor {
  return layers.reduce((h, layer) => layer.forward(h), x);
}

describe("Conv2d + Sigmoid (+ AvgPool2d) fused in nn.Sequential", () => {
  for (const inputGrad of [false, true]) {
    test(`LeNet: logits and every gradient bit for bit (input ${inputGrad ? "needs" : "needs no"} gradient)`, () => {
      manualSeed(4);
      const net = lenet();
      const images = randn([32, 1, 28, 28]);
      images.requiresGrad = inputGrad;
      const labels = new Tensor(Int32Array.from({ length: 32 }, (_, i) => (i * 7) % 10), [32]);
      const results = [true, false].map((fusedRun) => {
        net.zeroGrad();
        images.grad = null;
        const logits = fusedRun ? net.forward(images) : unfused(net.layers, images);
        crossEntropy(logits, labels).backward();
        return { logits, grads: [...net.parameters().map((p) => p.grad!.data), ...(inputGrad ? [images.grad!.data] : [])] };
      });
      const [fused, separate] = results;
      expect(bitsEqual(fused.logits.data, separate.logits.data)).toBe(true);
      expect(fused.grads.length).toBe(separate.grads.length);
      fused.grads.forEach((g, i) => expect(bitsEqual(g, separate.grads[i])).toBe(true));
    });
  }

  test("the fusion really happens: each of LeNet's blocks becomes one graph node with its sigmoid and pooling", () => {
    manualSeed(0);
    const net = lenet();
    const x = randn([4, 1, 28, 28]);
    const block1 = net.layers[0].fuse(net.layers.slice(1, 3), x);
    expect(block1?.layers).toBe(2);
    expect(block1?.output.gradFn?.name).toBe("ConvolutionSigmoidAvgPoolBackward");
    expect(block1?.output.shape).toEqual([4, 6, 14, 14]);
    const block2 = net.layers[3].fuse(net.layers.slice(4, 6), block1!.output);
    expect(block2?.output.gradFn?.name).toBe("ConvolutionSigmoidAvgPoolBackward");
    expect(block2?.output.shape).toEqual([4, 16, 5, 5]);
    // Without a plain 2×2 pooling after it, the convolution fuses with its sigmoid only.
    const pair = net.layers[0].fuse([net.layers[1], new AvgPool2d(2, { padding: 1 })], x);
    expect(pair?.layers).toBe(1);
    expect(pair?.output.gradFn?.name).toBe("ConvolutionSigmoidBackward");
  });

  test("Conv2d + Sigmoid alone, and a block whose sigmoid output was dropped from wasm memory, match bit for bit", () => {
    manualSeed(5);
    const conv = new Conv2d(3, 16, 3, { padding: 1 });
    const net = new Sequential(conv, new Sigmoid(), new Flatten());
    const x = randn([6, 3, 9, 9]);
    x.requiresGrad = true;
    const runs = [true, false].map((fusedRun) => {
      conv.zeroGrad();
      x.grad = null;
      const out = fusedRun ? net.forward(x) : unfused(net.layers, x);
      out.mul(out).sum().backward();
      return [out.data, conv.weight.grad!.data, conv.bias!.grad!.data, x.grad!.data];
    });
    runs[0].forEach((a, i) => expect(bitsEqual(a, runs[1][i])).toBe(true));

    // Two forwards, then the first one's backward: its entry sits under the second's, and backward order
    // releases both, so the second recomputes its sigmoid output. Same gradients as the separate ops.
    const block = lenet().layers.slice(0, 3);
    const seq = new Sequential(...block);
    const a = randn([5, 1, 28, 28]), b = randn([5, 1, 28, 28]);
    const first = seq.forward(a).sum(), second = seq.forward(b).sum();
    first.backward();
    second.backward();
    const fusedGrad = Float32Array.from(block[0].parameters()[0].grad!.data);
    block[0].zeroGrad();
    unfused(block, a).sum().backward();
    unfused(block, b).sum().backward();
    expect(bitsEqual(fusedGrad, block[0].parameters()[0].grad!.data)).toBe(true);
  });

  for (const inputGrad of [false, true]) {
    test(`LeNet with ReLU and max pooling (Conv2d + ReLU fused): bit for bit (input ${inputGrad ? "needs" : "needs no"} gradient)`, () => {
      manualSeed(6);
      const net = lenet({ activation: "relu", pooling: "max" });
      const images = randn([16, 1, 28, 28]);
      images.requiresGrad = inputGrad;
      const labels = new Tensor(Int32Array.from({ length: 16 }, (_, i) => (i * 3) % 10), [16]);
      expect(net.layers[0].fuse(net.layers.slice(1, 3), images)?.output.gradFn?.name).toBe("ConvolutionReluBackward");
      const [fused, separate] = [true, false].map((fusedRun) => {
        net.zeroGrad();
        images.grad = null;
        const logits = fusedRun ? net.forward(images) : unfused(net.layers, images);
        crossEntropy(logits, labels).backward();
        return [logits.data, ...net.parameters().map((p) => p.grad!.data), ...(inputGrad ? [images.grad!.data] : [])];
      });
      expect(fused.length).toBe(separate.length);
      fused.forEach((a, i) => expect(bitsEqual(a, separate[i])).toBe(true));
    });
  }

  test("under noGrad: same values, nothing recorded", () => {
    manualSeed(1);
    const net = lenet();
    const x = randn([8, 1, 28, 28]);
    const fused = noGrad(() => net.forward(x)), separate = noGrad(() => unfused(net.layers, x));
    expect(bitsEqual(fused.data, separate.data)).toBe(true);
    expect(fused.gradFn).toBeNull();
  });

  test("a Conv2d subclass with its own forward, and float64, are never fused", () => {
    class Doubling extends Conv2d {
      override forward(input: Tensor): Tensor { return super.forward(input).mul(2); }
    }
    manualSeed(2);
    const custom = new Doubling(1, 16, 3);
    const x = randn([2, 1, 8, 8]);
    expect(custom.fuse([new Sigmoid()], x)).toBeNull();
    const net = new Sequential(custom, new Sigmoid());
    expect(bitsEqual(net.forward(x).data, new Sigmoid().forward(custom.forward(x)).data)).toBe(true);
    const wide = new Conv2d(1, 16, 3, { dtype: "float64" });
    expect(wide.fuse([new Sigmoid()], randn([2, 1, 8, 8], { dtype: "float64" }))).toBeNull();
  });
});
