// The lead's ops (linear, losses, activations) against PyTorch, from the same fixture generator.
import { afterAll, describe, expect, test } from "vitest";
import { linear } from "../../src/ops/linear.js";
import { crossEntropy, mseLoss, type Reduction } from "../../src/ops/loss.js";
import { logSoftmax, relu, sigmoid, softmax, tanh } from "../../src/ops/activation.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { loadFixture, recordError, relativeError, toTensor, TOLERANCE, worstSeen, type Encoded, type FixtureDType } from "./fixtures.js";

interface NnCase {
  name: string; op: string; dtype: FixtureDType;
  args: { dim?: number; reduction?: Reduction };
  inputs: Record<string, Encoded>;
  output: Encoded; grad_output: Encoded | null; grads: Record<string, Encoded>;
}

const fixture = loadFixture<{ generated_by: string; cases: NnCase[] }>("nn.json");

function run(c: NnCase, t: Record<string, Tensor>, targets: number[]): Tensor {
  const reduction = c.args.reduction ?? "mean";
  switch (c.op) {
    case "linear": return linear(t.input, t.weight, t.bias ?? null);
    case "crossEntropy": return crossEntropy(t.input, targets, { reduction });
    case "mseLoss": return mseLoss(t.input, t.target, { reduction });
    case "sigmoid": return sigmoid(t.input);
    case "relu": return relu(t.input);
    case "tanh": return tanh(t.input);
    case "softmax": return softmax(t.input, c.args.dim!);
    case "logSoftmax": return logSoftmax(t.input, c.args.dim!);
    default: throw new Error(`no runner for ${c.op}`);
  }
}

describe(`linear, losses and activations match PyTorch (${fixture.generated_by})`, () => {
  test.each(fixture.cases.map((c) => [`${c.name} ${c.dtype}`, c] as const))("%s", (_, c) => {
    const tensors: Record<string, Tensor> = {};
    let targets: number[] = [];
    for (const [name, encoded] of Object.entries(c.inputs)) {
      // Integer class targets are the only non-float inputs.
      if (name === "target" && c.op === "crossEntropy") targets = encoded.data;
      else tensors[name] = toTensor(encoded, c.dtype, true);
    }
    const out = run(c, tensors, targets);
    expect(recordError(c.dtype, relativeError(out, c.output))).toBeLessThan(TOLERANCE[c.dtype]);
    out.backward(c.grad_output ? toTensor(c.grad_output, c.dtype) : undefined);
    for (const [name, grad] of Object.entries(c.grads)) {
      expect(recordError(c.dtype, relativeError(tensors[name].grad, grad)), `gradient of ${name}`).toBeLessThan(TOLERANCE[c.dtype]);
    }
  });

  afterAll(() => console.log(`nn ops worst relative error vs PyTorch: float64 ${worstSeen.float64.toExponential(2)}, float32 ${worstSeen.float32.toExponential(2)}`));
});
