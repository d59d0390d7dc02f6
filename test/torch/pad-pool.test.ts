// F.pad, maxPool2d and avgPool2d against PyTorch: forward output and input gradient, case by case.
import { afterAll, describe, expect, test } from "vitest";
import { pad } from "../../src/ops/pad.js";
import { avgPool2d, maxPool2d } from "../../src/ops/pool.js";
import type { PadMode } from "../../src/calc/pad-info.js";
import { loadFixture, recordError, relativeError, toTensor, TOLERANCE, worstSeen, type Encoded, type FixtureDType } from "./fixtures.js";

interface PadCase {
  name: string; dtype: FixtureDType;
  args: { pad: number[]; mode: PadMode; value: number };
  input: Encoded; output: Encoded; grad_output: Encoded; grad_input: Encoded;
}

interface PoolCase {
  name: string; dtype: FixtureDType; op: "maxPool2d" | "avgPool2d";
  args: {
    kernelSize: number | [number, number]; stride: number | [number, number] | null;
    padding: number | [number, number]; dilation?: number | [number, number]; ceilMode: boolean;
    countIncludePad?: boolean; divisorOverride?: number | null;
  };
  input: Encoded; output: Encoded; grad_output: Encoded; grad_input: Encoded;
}

const padFixture = loadFixture<{ generated_by: string; cases: PadCase[] }>("pad.json");
const poolFixture = loadFixture<{ generated_by: string; cases: PoolCase[] }>("pool.json");

describe(`pad matches PyTorch (${padFixture.generated_by})`, () => {
  test.each(padFixture.cases.map((c) => [`${c.name} ${c.dtype}`, c] as const))("%s", (_, c) => {
    const x = toTensor(c.input, c.dtype, true);
    const out = c.args.mode === "constant" ? pad(x, c.args.pad, "constant", c.args.value) : pad(x, c.args.pad, c.args.mode);
    expect(recordError(c.dtype, relativeError(out, c.output))).toBeLessThan(TOLERANCE[c.dtype]);
    out.backward(toTensor(c.grad_output, c.dtype));
    expect(recordError(c.dtype, relativeError(x.grad, c.grad_input))).toBeLessThan(TOLERANCE[c.dtype]);
  });
});

describe(`pooling matches PyTorch (${poolFixture.generated_by})`, () => {
  test.each(poolFixture.cases.map((c) => [`${c.name} ${c.dtype}`, c] as const))("%s", (_, c) => {
    const x = toTensor(c.input, c.dtype, true);
    const { kernelSize, ...options } = c.args;
    const out = c.op === "maxPool2d" ? maxPool2d(x, kernelSize, options) : avgPool2d(x, kernelSize, options);
    expect(recordError(c.dtype, relativeError(out, c.output))).toBeLessThan(TOLERANCE[c.dtype]);
    out.backward(toTensor(c.grad_output, c.dtype));
    expect(recordError(c.dtype, relativeError(x.grad, c.grad_input))).toBeLessThan(TOLERANCE[c.dtype]);
  });

  afterAll(() => console.log(`pad + pooling worst relative error vs PyTorch: float64 ${worstSeen.float64.toExponential(2)}, float32 ${worstSeen.float32.toExponential(2)}`));
});
