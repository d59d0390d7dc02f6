// Autograd after in-place edits (issue 18, item 1): PyTorch's version counters, its error, and in-place writes that
// record their own backward. Expected values and errors come from test/fixtures/torch/inplace.json (generate_inplace.py).
import { describe, expect, it } from "vitest";
import { AutogradError, F, lenet, nn, noGrad, optim, randn, tensor, Tensor, zeros } from "../../src/index.js";
import { versionOf } from "../../src/autograd/version.js";
import { loadFixture } from "../torch/fixtures.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

type Named = Record<string, { value?: unknown; error?: string }>;
const named = loadFixture<{ named: Named }>("inplace.json").named;

/** PyTorch's message without its hint (ours names the op first and gives its own hint). */
const torchCore = (message: string) => message.replace(/ Hint: .*$/, "");

function expectTorchError(fn: () => unknown, name: string): void {
  const expected = named[name].error;
  if (expected === undefined) throw new Error(`fixture '${name}' expected no error`);
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, name).toBeInstanceOf(AutogradError);
  expect((thrown as Error).message).toContain(torchCore(expected));
}

const values = (t: Tensor | null) => (t === null ? null : Array.from(t.data));

describe("saved tensors written in place: PyTorch's error, naming the op and the versions", () => {
  it("mul, then the other factor filled (the issue's first case)", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true }), b = tensor([4, 5, 6]);
    const y = a.mul(b);
    b.fill(100);
    expectTorchError(() => y.sum().backward(), "mul then fill");
    expect(() => y.sum().backward()).toThrow(/^MulBackward0: .* The last write was fill_\./);
    expect(a.grad).toBeNull(); // refused before any gradient was computed
  });

  it("sigmoid's saved output multiplied in place", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const s = a.sigmoid();
    s.mulInPlace(0);
    expectTorchError(() => s.sum().backward(), "sigmoid then mul_");
  });

  it("a saved input assigned through set", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true }), b = tensor([4, 5, 6]);
    const y = a.mul(b);
    b.set("0", 100);
    expectTorchError(() => y.sum().backward(), "set on a saved input");
  });

  it("a convolution's input filled after forward (the weight gradient would be all zeros)", () => {
    const x = randn([1, 1, 5, 5]), w = randn([1, 1, 3, 3], { requiresGrad: true });
    const y = F.conv2d(x, w);
    x.fill(0);
    expectTorchError(() => y.sum().backward(), "conv input filled");
  });

  it("an optimizer step between forward and backward (PyTorch's p.add_ bumps the version too)", () => {
    const w = tensor([1, 2], { requiresGrad: true }), x = tensor([3, 4]);
    const loss = w.mul(x).sum().add(w.mul(w).sum());
    noGrad(() => w.subInPlace(0.1)); // what an optimizer step does, as in the fixture
    expectTorchError(() => loss.backward(), "optimizer step before backward");
  });

  it("ops that save nothing may have their inputs written (add)", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true }), b = tensor([4, 5, 6]);
    const y = a.add(b);
    b.fill(9);
    y.mul(y).sum().backward();
    expect(values(a.grad)).toEqual(named["add saves nothing"].value);
  });
});

describe("in-place writes into a graph record their own backward", () => {
  it("slice assignment cuts the overwritten elements' gradient: [0, 2, 2] as PyTorch", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(2);
    b.set("0", 5);
    expect(String(b)).toContain("grad_fn=<CopySlices>");
    b.sum().backward();
    expect(values(a.grad)).toEqual(named["slice assignment cuts the gradient"].value);
  });

  it("a value with a gradient assigned into a slice gets the slice's gradient, summed over broadcasting", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true }), c = tensor([7], { requiresGrad: true });
    const b = a.mul(2);
    b.set("1:", c.mul(3));
    b.mul(tensor([1, 2, 3])).sum().backward();
    expect([values(a.grad), values(c.grad)]).toEqual(named["slice assignment of a value with grad"].value);
  });

  it("writes through a reshape view reach the base's history, and the base's reach the view's", () => {
    let a = tensor([1, 2, 3], { requiresGrad: true });
    let b = a.mul(2);
    b.reshape(3).set("0", 5);
    b.sum().backward();
    expect(values(a.grad)).toEqual(named["write through a view"].value);

    a = tensor([1, 2, 3], { requiresGrad: true });
    b = a.mul(2);
    const v = b.reshape(3);
    b.set("0", 5);
    expect(String(v)).toBe("tensor([5., 4., 6.], grad_fn=<AsStridedBackward0>)"); // as PyTorch prints it
    v.sum().backward();
    expect(values(a.grad)).toEqual(named["write to the base, backward through the view"].value);
  });

  it("mul_ by a tensor that needs a gradient: both factors get theirs", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true }), c = tensor([2, 2, 2], { requiresGrad: true });
    const b = a.add(1);
    b.mulInPlace(c);
    b.mul(tensor([1, 2, 3])).sum().backward();
    expect([values(a.grad), values(c.grad)]).toEqual(named["mul_ by a tensor with grad"].value);
  });

  it("fill on a non-leaf: the old values get no gradient", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(2);
    b.fill(1);
    b.mul(a).sum().backward();
    expect(values(a.grad)).toEqual(named["fill_ on a non-leaf"].value);
  });

  it("retainGrad follows the tensor to its new node", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(2).retainGrad();
    b.addInPlace(1);
    b.mul(tensor([1, 2, 3])).sum().backward();
    expect(values(b.grad)).toEqual([1, 2, 3]);
  });

  it("under noGrad an in-place write records nothing but still bumps the version", () => {
    const a = tensor([1, 2, 3], { requiresGrad: true });
    const b = a.mul(2);
    const fn = b.gradFn;
    noGrad(() => b.set("0", 5));
    expect(b.gradFn).toBe(fn);
    expect(versionOf(b)).toBe(1);
  });
});

describe("leaves that require grad", () => {
  it("refuse in-place writes, and so do views of them (PyTorch's messages)", () => {
    expectTorchError(() => tensor([1, 2, 3], { requiresGrad: true }).fill(0), "fill_ on a leaf");
    expectTorchError(() => tensor([1, 2, 3], { requiresGrad: true }).reshape(3).fill(0), "fill_ on a view of a leaf");
    // X[i] = v goes through a view in PyTorch, so it is the view message there too.
    expectTorchError(() => tensor([1, 2, 3], { requiresGrad: true }).set("0", 0), "fill_ on a view of a leaf");
  });
});

describe("every in-place writer bumps the version (siblings of item 1)", () => {
  const cases: [string, (p: Tensor) => void][] = [
    ["addInPlace", (p) => noGrad(() => p.addInPlace(1))],
    ["set", (p) => noGrad(() => p.set("0", 1))],
    ["SGD.step", (p) => { p.grad = zeros(p.shape as number[]).add(1); new optim.SGD([p], { lr: 0.1 }).step(); }],
    ["Adam.step", (p) => { p.grad = zeros(p.shape as number[]).add(1); new optim.Adam([p]).step(); }],
    ["nn.init.uniform", (p) => nn.init.uniform(p)],
    ["nn.init.normal", (p) => nn.init.normal(p)],
    ["nn.init.constant", (p) => nn.init.constant(p, 2)],
  ];
  for (const [name, write] of cases) {
    it(name, () => {
      const p = zeros([2, 3]).requiresGrad_();
      const y = p.mul(p);
      write(p);
      expect(versionOf(p)).toBe(1);
      expect(() => y.sum().backward()).toThrow(AutogradError);
    });
  }

  it("loadStateDict and loadWeights (PyTorch's param.copy_)", () => {
    const net = lenet();
    const weight = net.parameters()[0];
    const before = versionOf(weight);
    net.loadStateDict(new Map(net.namedParameters()));
    expect(versionOf(weight)).toBe(before + 1);
    const dir = mkdtempSync(join(tmpdir(), "convlab-inplace-"));
    try {
      nn.saveWeights(net, join(dir, "w.safetensors"));
      nn.loadWeights(net, join(dir, "w.safetensors"));
      expect(versionOf(weight)).toBe(before + 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a fused Conv2d + Sigmoid output written in place cannot run backward (its backward reads it)", () => {
    const net = new nn.Sequential(new nn.Conv2d(1, 2, 5, { padding: 2 }), new nn.Sigmoid());
    const y = net.forward(randn([2, 1, 28, 28]));
    expect(y.gradFn?.name).toBe("ConvolutionSigmoidBackward");
    y.mulInPlace(2);
    expect(() => y.sum().backward()).toThrow(/^ConvolutionSigmoidBackward0: .*, which is output 0 of ConvolutionSigmoidBackward0, is at version 1; expected version 0/);
  });
});
