// Printing and random streams agree with PyTorch (fixtures from test/core/fixtures/generate_core.py).
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { arange, Generator, manualSeed, nn, rand, randn, tensor, zeros, type Tensor } from "../../src/index.js";

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/core.json", import.meta.url), "utf8"));

const ours: Record<string, () => Tensor> = {
  "integers as floats": () => tensor([[19, 25], [37, 43]]),
  "fractions": () => arange(12).reshape(3, 4).div(7),
  "requires grad": () => tensor([1.5, 2.0], { requiresGrad: true }),
  "grad_fn": () => tensor([1.5, 2.0], { requiresGrad: true }).mul(2),
  "summarised": () => arange(2000),
  "summarised 2d": () => arange(4000).reshape(40, 100).div(3),
  "scientific small": () => tensor([0.03125, 1e-5, 3.0]),
  "scientific large": () => tensor([[1e10, 1.0]]),
  "bool": () => tensor([true, false]),
  "int32": () => tensor([1, 2], { dtype: "int32" }),
  "empty": () => zeros([0, 3]),
  "nan inf": () => tensor([1.5, NaN, Infinity]),
  "negative": () => tensor([[-1.0, 2.5], [3.25, -4.125]]),
  "float64": () => tensor([1, 2], { dtype: "float64" }),
  "scalar": () => tensor(3),
  "scalar fraction": () => tensor(0.5),
  "3d": () => arange(24).reshape(2, 3, 4),
  "wide row": () => arange(30).div(4),
  "tie rounding": () => tensor([0.03125, 0.5, 0.15625]),
};

describe("printing matches torch's str()", () => {
  for (const { name, torch } of fixtures.printing as { name: string; torch: string }[]) {
    it(name, () => expect(String(ours[name]())).toBe(torch));
  }
});

describe("manualSeed reproduces torch's random streams", () => {
  for (const seed of ["0", "42"]) {
    const expected = fixtures.random[seed];
    it(`seed ${seed}: rand float32 and float64 are identical`, () => {
      manualSeed(Number(seed));
      expect(Array.from(rand([37]).data)).toEqual(expected.rand32.map(Math.fround));
      manualSeed(Number(seed));
      expect(Array.from(rand([37], { dtype: "float64" }).data)).toEqual(expected.rand64);
    });
    it(`seed ${seed}: randn (vectorised path for >= 16, Box-Muller pairs below)`, () => {
      manualSeed(Number(seed));
      const n32 = Array.from(randn([37]).data);
      n32.forEach((v, i) => expect(v).toBeCloseTo(expected.randn32[i], 5));
      manualSeed(Number(seed));
      const n64 = Array.from(randn([37], { dtype: "float64" }).data);
      n64.forEach((v, i) => expect(Math.abs(v - expected.randn64[i])).toBeLessThan(1e-12));
      manualSeed(Number(seed));
      Array.from(randn([5]).data).forEach((v, i) => expect(v).toBeCloseTo(expected.randn5[i], 6));
    });
    it(`seed ${seed}: nn.Linear default initialisation`, () => {
      manualSeed(Number(seed));
      const layer = new nn.Linear(3, 2);
      expect(layer.weight.toArray()).toEqual(expected.linear_weight.map((r: number[]) => r.map(Math.fround)));
      expect(layer.bias!.toArray()).toEqual(expected.linear_bias.map(Math.fround));
    });
  }
  it("a generator prints one short line, not its state (a notebook cell ending in manualSeed(0) shows it)", () => {
    expect(inspect(manualSeed(3))).toBe("<Generator seed=3>");
    expect(String(new Generator(7))).toBe("<Generator seed=7>");
  });

  it("same seed, same numbers; different seed, different numbers", () => {
    manualSeed(7);
    const a = rand([10]).toArray();
    manualSeed(7);
    expect(rand([10]).toArray()).toEqual(a);
    manualSeed(8);
    expect(rand([10]).toArray()).not.toEqual(a);
  });
});
