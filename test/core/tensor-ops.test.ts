// Tensor creation, shapes, slicing, broadcasting, reductions and losses: values and error wording.
import { describe, expect, it } from "vitest";
import {
  arange, cat, DTypeError, F, full, IndexError, matmul, nn, ones, optim, ShapeError, stack, tensor, ValueError, zeros,
} from "../../src/index.js";

describe("creation", () => {
  it("nested arrays, typed arrays with a shape, dtypes", () => {
    expect(tensor([[1, 2], [3, 4]]).shape).toEqual([2, 2]);
    expect(tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] }).dtype).toBe("float64");
    expect(tensor([1, 2], { dtype: "float64" }).dtype).toBe("float64");
    expect(zeros([2, 3]).toArray()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(ones([2]).toArray()).toEqual([1, 1]);
    expect(full([2], 7).toArray()).toEqual([7, 7]);
    expect(arange(2, 8, 2).toArray()).toEqual([2, 4, 6]);
    expect(tensor(5).item()).toBe(5);
  });
  it("refuses ragged arrays and shapes that do not fit", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(ShapeError);
    expect(() => tensor([1, 2, 3], { shape: [2, 2] })).toThrow("shape [2, 2] is invalid for input of size 3");
    expect(() => zeros([2, -1])).toThrow("negative dimension");
    expect(() => zeros([2.5])).toThrow(ValueError);
  });
  it("dataSync copies, toArray nests", () => {
    const t = arange(4);
    const copy = t.dataSync();
    copy[0] = 100;
    expect(t.toArray()).toEqual([0, 1, 2, 3]);
  });
});

describe("shapes", () => {
  it("reshape with -1, flatten, transpose, permute, squeeze", () => {
    const x = arange(24).reshape(2, 3, 4);
    expect(x.reshape(-1, 4).shape).toEqual([6, 4]);
    expect(x.reshape([1, 1, ...x.shape]).shape).toEqual([1, 1, 2, 3, 4]);
    expect(x.flatten(1).shape).toEqual([2, 12]);
    expect(x.transpose(0, 2).shape).toEqual([4, 3, 2]);
    expect(x.permute(1, 2, 0).get("0, 1").toArray()).toEqual([1, 13]);
    expect(arange(6).reshape(2, 3).T.toArray()).toEqual([[0, 3], [1, 4], [2, 5]]);
    expect(zeros([1, 3, 1]).squeeze().shape).toEqual([3]);
    expect(() => x.reshape(5, -1)).toThrow("shape '[5, -1]' is invalid for input of size 24");
    expect(() => x.transpose(0, 3)).toThrow(IndexError);
  });
  it("cat and stack", () => {
    const a = tensor([[1, 2]]), b = tensor([[3, 4]]);
    expect(cat([a, b], 0).toArray()).toEqual([[1, 2], [3, 4]]);
    expect(cat([a, b], 1).toArray()).toEqual([[1, 2, 3, 4]]);
    expect(stack([a, b], 0).shape).toEqual([2, 1, 2]);
    expect(() => cat([a, tensor([[1, 2, 3]])], 0)).toThrow("Sizes of tensors must match except in dimension 0");
  });
});

describe("slicing (the lessons' X[:, 2:6] = 0 and Y[:, 1] = 1)", () => {
  it("set writes in place through strings and arrays", () => {
    const X = ones([6, 8]);
    X.set(":, 2:6", 0);
    expect(X.get(0).toArray()).toEqual([1, 1, 0, 0, 0, 0, 1, 1]);
    const Y = zeros([6, 7]);
    Y.set([null, 1], 1);
    expect(Y.get(":, 1").toArray()).toEqual([1, 1, 1, 1, 1, 1]);
    expect(Y.sum().item()).toBe(6);
  });
  it("negative indices, steps and broadcasting values", () => {
    const X = arange(10);
    expect(X.get("-3:").toArray()).toEqual([7, 8, 9]);
    expect(X.get("::3").toArray()).toEqual([0, 3, 6, 9]);
    expect(X.get(-1).item()).toBe(9);
    const M = zeros([2, 3]);
    M.set(":", [1, 2, 3]);
    expect(M.toArray()).toEqual([[1, 2, 3], [1, 2, 3]]);
  });
  it("errors name the problem", () => {
    expect(() => arange(3).get(3)).toThrow("index 3 is out of bounds for dimension 0 with size 3");
    expect(() => arange(3).get("0, 0")).toThrow("too many indices for tensor of dimension 1");
    expect(() => zeros([2, 3]).set(":", [1, 2])).toThrow(ShapeError);
  });
});

describe("broadcasting arithmetic and reductions", () => {
  it("broadcasts like PyTorch and names mismatches", () => {
    expect(arange(3).reshape(3, 1).add(arange(2)).toArray()).toEqual([[0, 1], [1, 2], [2, 3]]);
    expect(() => zeros([2, 3]).add(zeros([4]))).toThrow(
      "add: The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1");
  });
  it("sum, mean, max, argmax with dim and keepdim", () => {
    const X = tensor([[1, 5, 3], [4, 2, 6]]);
    expect(X.sum(0).toArray()).toEqual([5, 7, 9]);
    expect(X.sum(1, true).shape).toEqual([2, 1]);
    expect(X.mean().item()).toBeCloseTo(3.5);
    expect(X.max().item()).toBe(6);
    const { values, indices } = X.max(1);
    expect(values.toArray()).toEqual([5, 6]);
    expect(indices.toArray()).toEqual([1, 2]);
    expect(indices.dtype).toBe("int32");
    expect(X.argmax(1).toArray()).toEqual([1, 2]);
    expect(X.argmax().item()).toBe(5);
    expect(X.argmax(0).eq(tensor([1, 0, 1])).toArray()).toEqual([true, true, true]);
  });
  it("accuracy the d2l way: (argmax == y).sum()", () => {
    const yHat = tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]);
    const y = tensor([0, 2], { dtype: "int32" });
    expect(yHat.argmax(1).eq(y).sum().item()).toBe(1);
  });
  it("NaN propagates through arithmetic, max and relu as in PyTorch", () => {
    const x = tensor([1, NaN, 3]);
    expect(Number.isNaN(x.max().item())).toBe(true);
    expect(Number.isNaN(x.sum().item())).toBe(true);
    expect(Number.isNaN(F.relu(x).toArray()[1 as never] as number)).toBe(true);
  });
  it("matmul shapes and errors", () => {
    expect(matmul(ones([2, 3]), ones([3, 4])).shape).toEqual([2, 4]);
    expect(() => matmul(ones([2, 3]), ones([2, 3]))).toThrow("mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)");
    expect(() => matmul(ones([2, 3]), ones([3, 4], { dtype: "float64" }))).toThrow(DTypeError);
  });
});

describe("losses", () => {
  it("crossEntropy is stable for logits like ±1000", () => {
    const logits = tensor([[1000, -1000, 0], [-1000, 1000, 0]]);
    expect(F.crossEntropy(logits, [0, 1]).item()).toBe(0);
    expect(F.crossEntropy(logits, [1, 0]).item()).toBe(2000);
    expect(Number.isFinite(F.softmax(logits, 1).sum().item())).toBe(true);
  });
  it("crossEntropy refuses bad targets", () => {
    const logits = zeros([2, 10]);
    expect(() => F.crossEntropy(logits, [0, 10])).toThrow("crossEntropy: Target 10 is out of bounds.");
    expect(() => F.crossEntropy(logits, [0, -1])).toThrow(IndexError);
    expect(() => F.crossEntropy(logits, [0, 1.5])).toThrow("expected target class indices (integers)");
    expect(() => F.crossEntropy(logits, [0])).toThrow("Expected input batch_size (2) to match target batch_size (1).");
  });
  it("linear names a shape mismatch", () => {
    expect(() => F.linear(ones([4, 3]), ones([2, 5]))).toThrow("linear: mat1 and mat2 shapes cannot be multiplied (4x3 and 5x2)");
  });
});

describe("nn and optim", () => {
  it("Sequential names parameters as PyTorch does", () => {
    const net = new nn.Sequential(new nn.Linear(4, 3), new nn.Sigmoid(), new nn.Linear(3, 2, { bias: false }));
    expect(net.namedParameters().map(([n, p]) => `${n} ${p.shape}`)).toEqual(["0.weight 3,4", "0.bias 3", "2.weight 2,3"]);
    expect(net.parameterCount()).toBe(12 + 3 + 6);
    expect(String(net)).toContain("(0): Linear(in_features=4, out_features=3, bias=True)");
  });
  it("SGD takes the step PyTorch takes (with momentum and weight decay)", () => {
    const w = tensor([1, -2], { requiresGrad: true });
    const opt = new optim.SGD([w], { lr: 0.1, momentum: 0.9, weightDecay: 0.01 });
    for (let i = 0; i < 2; i++) {
      opt.zeroGrad();
      w.mul(w).sum().backward(); // grad = 2w
      opt.step();
    }
    // torch: w=[1,-2]; step1 d=2w+0.01w=[2.01,-4.02], buf=d, w=[0.799,-1.598]; step2 d=[1.60599,-3.21198],
    // buf=0.9*buf+d=[3.41499,-6.82998], w=[0.457501,-0.915002]
    expect(w.get(0).item()).toBeCloseTo(0.457501, 5);
    expect(w.get(1).item()).toBeCloseTo(-0.915002, 5);
  });
  it("Adam moves against the gradient by about lr at first", () => {
    const w = tensor([1], { requiresGrad: true });
    const opt = new optim.Adam([w], { lr: 0.1 });
    w.mul(w).sum().backward();
    opt.step();
    expect(w.item()).toBeCloseTo(0.9, 6);
    expect(() => new optim.SGD([w], { lr: -1 })).toThrow("Invalid learning rate: -1");
  });
});
