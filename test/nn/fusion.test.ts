// nn.Sequential runs a Conv2d followed by a Sigmoid as one fused op (conv2dSigmoid): it must change nothing
// but speed — the same bits forward and backward as the layers one by one, and never bypass a subclass's forward.
import { describe, expect, test } from "vitest";
import { noGrad } from "../../src/autograd/graph.js";
import { manualSeed } from "../../src/tensor/random.js";
import { randn } from "../../src/tensor/creation.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { crossEntropy } from "../../src/ops/loss.js";
import { lenet } from "../../src/nn/lenet.js";
import { Conv2d } from "../../src/nn/conv.js";
import { Sequential, Sigmoid } from "../../src/nn/layers.js";
import type { Module } from "../../src/nn/module.js";

function bitsEqual(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const x = new Uint32Array(Float32Array.from(a).buffer), y = new Uint32Array(Float32Array.from(b).buffer);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

/** The layers one by one: what Sequential computed before fusion existed. */
function unfused(layers: Module[], x: Tensor): Tensor {
  return layers.reduce((h, layer) => layer.forward(h), x);
}

describe("Conv2d + Sigmoid fused in nn.Sequential", () => {
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

  test("the fusion really happens: both convolutions become one graph node with their sigmoid", () => {
    manualSeed(0);
    const net = lenet();
    const x = randn([4, 1, 28, 28]);
    const afterConv1 = net.layers[0].fuseWith(net.layers[1], x);
    expect(afterConv1?.gradFn?.name).toBe("ConvolutionSigmoidBackward");
    const afterConv2 = net.layers[3].fuseWith(net.layers[4], net.layers[2].forward(afterConv1!));
    expect(afterConv2?.gradFn?.name).toBe("ConvolutionSigmoidBackward");
  });

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
    expect(custom.fuseWith(new Sigmoid(), x)).toBeNull();
    const net = new Sequential(custom, new Sigmoid());
    expect(bitsEqual(net.forward(x).data, new Sigmoid().forward(custom.forward(x)).data)).toBe(true);
    const wide = new Conv2d(1, 16, 3, { dtype: "float64" });
    expect(wide.fuseWith(new Sigmoid(), randn([2, 1, 8, 8], { dtype: "float64" }))).toBeNull();
  });
});
