// Autograd: accumulation, noGrad, detach, deep graphs, and finite-difference checks of every core op.
import { describe, expect, it } from "vitest";
import {
  AutogradError, F, gradcheck, manualSeed, matmul, noGrad, randn, stack, cat, tensor, ShapeError, type Tensor,
} from "../../src/index.js";

const f64 = (shape: number[]) => randn(shape, { dtype: "float64", requiresGrad: true });

describe("backward", () => {
  it("y = 2·xᵀx has gradient 4x (the book's first autograd example)", () => {
    const x = tensor([0, 1, 2, 3], { requiresGrad: true });
    const y = matmul(x, x).mul(2);
    y.backward();
    expect(x.grad!.toArray()).toEqual([0, 4, 8, 12]);
  });

  it("accumulates across calls until zeroGrad", () => {
    const x = tensor([1, 2, 3], { requiresGrad: true });
    x.mul(x).sum().backward();
    x.mul(x).sum().backward();
    expect(x.grad!.toArray()).toEqual([4, 8, 12]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it("needs an explicit gradient for non-scalar outputs", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => x.mul(2).backward()).toThrow(AutogradError);
    expect(() => x.mul(2).backward()).toThrow("grad can be implicitly created only for scalar outputs");
    expect(() => x.mul(2).backward(tensor([1, 1, 1]))).toThrow(ShapeError);
    x.mul(2).backward(tensor([1, 10]));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });

  it("refuses backward through a tensor that does not require grad", () => {
    expect(() => tensor([1, 2]).sum().backward()).toThrow("does not require grad");
  });

  it("noGrad records nothing and detach cuts the graph", () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => x.mul(3));
    expect(y.requiresGrad).toBe(false);
    expect(y.gradFn).toBeNull();
    const z = x.detach().mul(3).add(x).sum();
    z.backward();
    expect(x.grad!.toArray()).toEqual([1, 1]);
  });

  it("handles a 100,000-op chain without a stack overflow (iterative topological sort)", () => {
    const x = tensor([1], { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.sum().backward();
    expect(x.grad!.item()).toBe(1);
  });

  it("a tensor used twice gets both contributions (diamond graph)", () => {
    const x = tensor([3], { requiresGrad: true });
    const a = x.mul(2), b = x.mul(x);
    a.add(b).sum().backward();
    expect(x.grad!.item()).toBe(2 + 6);
  });

  it("in-place update of a leaf that requires grad is refused unless under noGrad", () => {
    const w = tensor([1, 2], { requiresGrad: true });
    expect(() => w.subInPlace(1)).toThrow("a leaf Variable that requires grad is being used in an in-place operation");
    noGrad(() => w.subInPlace(1));
    expect(w.toArray()).toEqual([0, 1]);
  });
});

describe("finite-difference gradient checks (float64)", () => {
  manualSeed(0);
  const cases: [string, Tensor[], (...t: Tensor[]) => Tensor][] = [
    ["add with broadcasting [2,3]+[3]", [f64([2, 3]), f64([3])], (a, b) => a.add(b)],
    ["sub with broadcasting [2,1]-[1,3]", [f64([2, 1]), f64([1, 3])], (a, b) => a.sub(b)],
    ["mul", [f64([2, 3]), f64([2, 3])], (a, b) => a.mul(b)],
    ["div", [f64([4]), f64([4]).abs().add(1).detach().requiresGrad_()], (a, b) => a.div(b)],
    ["pow scalar", [f64([4]).abs().add(0.5).detach().requiresGrad_()], (a) => a.pow(3)],
    ["exp, log, sqrt", [f64([5]).abs().add(0.5).detach().requiresGrad_()], (a) => a.exp().add(a.log()).add(a.sqrt())],
    ["sum over dim with keepdim", [f64([2, 3, 4])], (a) => a.sum(1, true)],
    ["sum over two dims", [f64([2, 3, 4])], (a) => a.sum([0, 2])],
    ["mean over dim", [f64([3, 4])], (a) => a.mean(0)],
    ["max over dim", [f64([3, 4])], (a) => a.max(1).values],
    ["max of all", [f64([3, 4])], (a) => a.max()],
    ["matmul 2-D", [f64([3, 4]), f64([4, 2])], (a, b) => matmul(a, b)],
    ["matmul batched with broadcast", [f64([2, 3, 4]), f64([4, 5])], (a, b) => matmul(a, b)],
    ["matmul vector", [f64([4]), f64([4, 2])], (a, b) => matmul(a, b)],
    ["permute", [f64([2, 3, 4])], (a) => a.permute(2, 0, 1)],
    ["slice get", [f64([4, 5])], (a) => a.get("1:3, ::2")],
    ["cat and stack", [f64([2, 3]), f64([1, 3])], (a, b) => stack([cat([a, b], 0), cat([b, a], 0)], 1)],
    ["sigmoid", [f64([6])], (a) => F.sigmoid(a)],
    ["relu", [f64([6])], (a) => F.relu(a)],
    ["tanh", [f64([6])], (a) => F.tanh(a)],
    ["softmax", [f64([3, 5])], (a) => F.softmax(a, 1)],
    ["logSoftmax", [f64([3, 5])], (a) => F.logSoftmax(a, 0)],
    ["linear", [f64([4, 3]), f64([2, 3]), f64([2])], (x, w, b) => F.linear(x, w, b)],
    ["crossEntropy", [f64([4, 5])], (x) => F.crossEntropy(x, [0, 4, 2, 2])],
    ["crossEntropy sum", [f64([4, 5])], (x) => F.crossEntropy(x, [1, 3, 2, 0], { reduction: "sum" })],
    ["mseLoss", [f64([3, 2]), f64([3, 2])], (a, b) => F.mseLoss(a, b)],
  ];
  for (const [name, inputs, fn] of cases) {
    it(name, () => expect(gradcheck(fn, inputs)).toBe(true));
  }

  it("gradcheck itself fails on a wrong backward", () => {
    const x = f64([3]);
    const wrong = (a: Tensor) => {
      const out = a.mul(2);
      // Claim a gradient of 3 instead of 2.
      out.gradFn = { name: "Wrong", inputs: [a], backward: (g) => [g.mul(3)] };
      return out;
    };
    expect(() => gradcheck(wrong, [x])).toThrow("Jacobian mismatch");
  });
});
