// The whole d2l LeNet, one forward and backward with PyTorch's weights, built from the functional ops
// (so this checks conv2d, avgPool2d, sigmoid, linear and crossEntropy composed, with autograd across them).
import { describe, expect, test } from "vitest";
import { conv2d } from "../../src/ops/conv.js";
import { avgPool2d } from "../../src/ops/pool.js";
import { sigmoid } from "../../src/ops/activation.js";
import { linear } from "../../src/ops/linear.js";
import { crossEntropy } from "../../src/ops/loss.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { lenet } from "../../src/nn/lenet.js";
import { loadFixture, relativeError, toTensor, TOLERANCE, type Encoded, type FixtureDType } from "./fixtures.js";

interface LenetFixture {
  generated_by: string;
  input: Encoded; target: Encoded;
  parameters: Record<string, Encoded>;
  results: Record<FixtureDType, { logits: Encoded; loss: number; grads?: Record<string, Encoded> }>;
}

const fixture = loadFixture<LenetFixture>("lenet.json");

/** d2l's LeNet: Conv(1→6, k5, pad 2), sigmoid, avgpool 2, Conv(6→16, k5), sigmoid, avgpool 2, flatten, 400→120→84→10. */
function lenetForward(x: Tensor, p: Record<string, Tensor>): Tensor {
  let h = avgPool2d(sigmoid(conv2d(x, p["0.weight"], p["0.bias"], { padding: 2 })), 2);
  h = avgPool2d(sigmoid(conv2d(h, p["3.weight"], p["3.bias"])), 2);
  h = h.reshape(h.shape[0], -1);
  h = sigmoid(linear(h, p["7.weight"], p["7.bias"]));
  h = sigmoid(linear(h, p["9.weight"], p["9.bias"]));
  return linear(h, p["11.weight"], p["11.bias"]);
}

describe(`LeNet forward and backward match PyTorch (${fixture.generated_by})`, () => {
  for (const dtype of ["float64", "float32"] as const) {
    test(`LeNet batch=4 ${dtype}: logits, loss and all 10 parameter gradients`, () => {
      const params = Object.fromEntries(Object.entries(fixture.parameters).map(([name, e]) => [name, toTensor(e, dtype, true)]));
      const logits = lenetForward(toTensor(fixture.input, dtype), params);
      const loss = crossEntropy(logits, fixture.target.data);
      const expected = fixture.results[dtype];
      expect(relativeError(logits, expected.logits)).toBeLessThan(TOLERANCE[dtype]);
      expect(Math.abs(loss.item() - expected.loss) / Math.abs(expected.loss)).toBeLessThan(TOLERANCE[dtype]);
      loss.backward();
      // float32 gradients are held to PyTorch's float64 ones (the fixture stores only those).
      const grads = fixture.results.float64.grads!;
      expect(Object.keys(grads)).toEqual(["0.weight", "0.bias", "3.weight", "3.bias", "7.weight", "7.bias", "9.weight", "9.bias", "11.weight", "11.bias"]);
      const errors: Record<string, number> = {};
      for (const [name, grad] of Object.entries(grads)) {
        errors[name] = relativeError(params[name].grad, grad);
        expect(errors[name], `gradient of ${name}`).toBeLessThan(TOLERANCE[dtype]);
      }
      console.log(`LeNet ${dtype}: loss ${loss.item()} (PyTorch ${expected.loss}); worst gradient error ${Math.max(...Object.values(errors)).toExponential(2)}`);
    });
  }

  test("nn's lenet() with PyTorch's state dict: same names, logits and gradients (float64)", () => {
    const model = lenet().to("float64");
    expect(model.namedParameters().map(([name]) => name)).toEqual(Object.keys(fixture.parameters));
    model.loadStateDict(Object.fromEntries(Object.entries(fixture.parameters).map(([name, e]) => [name, toTensor(e, "float64")])));
    const logits = model.forward(toTensor(fixture.input, "float64"));
    expect(relativeError(logits, fixture.results.float64.logits)).toBeLessThan(TOLERANCE.float64);
    crossEntropy(logits, fixture.target.data).backward();
    for (const [name, p] of model.namedParameters()) {
      expect(relativeError(p.grad, fixture.results.float64.grads![name]), `gradient of ${name}`).toBeLessThan(TOLERANCE.float64);
    }
  });
});
