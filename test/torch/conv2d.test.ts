// conv2d against PyTorch: forward output and the gradients of input, weight and bias, case by case.
import { afterAll, describe, expect, test } from "vitest";
import { conv2d, conv2dReference } from "../../src/ops/conv.js";
import type { Conv2dOptions } from "../../src/calc/conv-info.js";
import { loadFixture, recordError, relativeError, toTensor, TOLERANCE, worstSeen, type Encoded, type FixtureDType } from "./fixtures.js";

interface ConvCase {
  name: string;
  dtype: FixtureDType;
  args: Conv2dOptions;
  input: Encoded; weight: Encoded; bias: Encoded | null;
  output: Encoded; grad_output: Encoded;
  grad_input: Encoded; grad_weight: Encoded; grad_bias: Encoded | null;
}

const fixture = loadFixture<{ generated_by: string; cases: ConvCase[] }>("conv2d.json");

describe(`conv2d matches PyTorch (${fixture.generated_by})`, () => {
  test.each(fixture.cases.map((c) => [`${c.name} ${c.dtype}`, c] as const))("%s", (_, c) => {
    const tolerance = TOLERANCE[c.dtype];
    const x = toTensor(c.input, c.dtype, true);
    const w = toTensor(c.weight, c.dtype, true);
    const b = c.bias ? toTensor(c.bias, c.dtype, true) : null;
    const out = conv2d(x, w, b, c.args);
    expect(recordError(c.dtype, relativeError(out, c.output))).toBeLessThan(tolerance);
    expect(relativeError(conv2dReference(x, w, b, c.args), c.output)).toBeLessThan(tolerance);
    out.backward(toTensor(c.grad_output, c.dtype));
    expect(recordError(c.dtype, relativeError(x.grad, c.grad_input))).toBeLessThan(tolerance);
    expect(recordError(c.dtype, relativeError(w.grad, c.grad_weight))).toBeLessThan(tolerance);
    if (b) expect(recordError(c.dtype, relativeError(b.grad, c.grad_bias!))).toBeLessThan(tolerance);
  });

  test("the fixture covers every option", () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(60);
    const modes = new Set(fixture.cases.map((c) => c.args.paddingMode));
    expect([...modes].sort()).toEqual(["circular", "reflect", "replicate", "zeros"]);
  });

  afterAll(() => console.log(`conv2d worst relative error vs PyTorch: float64 ${worstSeen.float64.toExponential(2)}, float32 ${worstSeen.float32.toExponential(2)}`));
});
