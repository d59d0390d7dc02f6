// Issue 18, items 2 and 13: reductions, zero-size kernels, linear with zero input features, stores into int32 and
// bool tensors, huge sizes and arguments that are not tensors. Each against PyTorch's answer in
// test/fixtures/torch/edges.json (generate_edges.py): the same values, or a typed error carrying PyTorch's wording.
import { describe, expect, it } from "vitest";
import {
  arange, ConvlabError, DataLoader, DTypeError, F, full, IndexError, nn, ones, optim, tensor, Tensor, TensorDataset, train,
  ValueError, zeros,
} from "../../src/index.js";
import { loadFixture } from "../torch/fixtures.js";

type Case = { value?: { shape: number[]; dtype: string; data: (number | boolean | null)[] }; error?: string };
const cases = loadFixture<{ cases: Record<string, Case> }>("edges.json").cases;

/** fn's tensor equals PyTorch's (shape, dtype and values; NaN equals NaN). */
function sameAsTorch(name: string, fn: () => Tensor): void {
  const expected = cases[name].value;
  if (expected === undefined) throw new Error(`fixture '${name}' is an error: ${cases[name].error}`);
  const t = fn();
  expect(t.shape, name).toEqual(expected.shape);
  expect(t.dtype, name).toBe(expected.dtype);
  expect(t.toArray() === null ? [] : ([t.toArray()] as unknown[]).flat(Infinity), name)
    .toEqual(expected.data.map((v) => (v === null ? NaN : v)));
}

/** fn throws a typed convlab error of `type` whose message holds PyTorch's (with `wording` where ours words it so). */
function refusedAsTorch(name: string, fn: () => unknown, type: typeof ConvlabError, wording?: string): void {
  const expected = cases[name].error;
  if (expected === undefined) throw new Error(`fixture '${name}' is a value`);
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, name).toBeInstanceOf(type);
  expect((thrown as Error).message, name).toContain(wording ?? expected);
}

describe("item 2: PyTorch's behaviour or error", () => {
  it("an unknown reduction is refused, not summed", () => {
    refusedAsTorch("crossEntropy reduction avg", () => F.crossEntropy(ones([2, 3]), [0, 1], { reduction: "avg" as never }), ValueError);
    refusedAsTorch("mseLoss reduction avg", () => F.mseLoss(ones([2, 3]), ones([2, 3]), { reduction: "avg" as never }), ValueError);
  });

  it("a zero-size kernel is refused (it returned a tensor larger than the input)", () => {
    refusedAsTorch("conv2d zero-size kernel", () => F.conv2d(ones([1, 1, 4, 4]), zeros([1, 1, 0, 0])), ValueError);
    refusedAsTorch("conv2d zero-height kernel", () => F.conv2d(ones([1, 1, 4, 4]), zeros([1, 1, 0, 2])), ValueError);
    refusedAsTorch("Conv2d(1, 1, 0) forward", () => new nn.Conv2d(1, 1, 0).forward(ones([1, 1, 4, 4])), ValueError);
    refusedAsTorch("unfold zero-size kernel", () => F.unfold(ones([1, 1, 4, 4]), 0), ValueError);
  });

  it("linear with zero input features returns the bias (or zeros)", () => {
    sameAsTorch("linear zero features with bias", () => F.linear(ones([2, 0]), ones([3, 0]), tensor([1, 2, 3])));
    sameAsTorch("linear zero features", () => F.linear(ones([2, 0]), ones([3, 0])));
    // and its backward: the bias gets the gradient, the empty input and weight empty ones
    const b = tensor([1, 2, 3], { requiresGrad: true }), w = zeros([3, 0]).requiresGrad_(), x = zeros([2, 0]).requiresGrad_();
    F.linear(x, w, b).sum().backward();
    expect(Array.from(b.grad!.data)).toEqual([2, 2, 2]);
    expect(w.grad!.shape).toEqual([3, 0]);
    expect(x.grad!.shape).toEqual([2, 0]);
  });

  it("numbers stored into int32 raise where they do not fit, truncate where they do", () => {
    refusedAsTorch("tensor int32 1e10", () => tensor([1e10], { dtype: "int32" }), ValueError);
    refusedAsTorch("tensor int32 nan", () => tensor([NaN], { dtype: "int32" }), ValueError);
    sameAsTorch("tensor int32 truncates", () => tensor([2.7, -2.7], { dtype: "int32" }));
    refusedAsTorch("full int32 1e10", () => full([2], 1e10, { dtype: "int32" }), ValueError);
    sameAsTorch("full int32 2.5", () => full([2], 2.5, { dtype: "int32" }));
    refusedAsTorch("fill_ int32 1e10", () => zeros([2], { dtype: "int32" }).fill(1e10), ValueError);
    refusedAsTorch("set int32 1e10", () => zeros([3], { dtype: "int32" }).set("0", 1e10), ValueError);
    sameAsTorch("set int32 2.5", () => zeros([3], { dtype: "int32" }).set("0", 2.5));
  });

  it("a tensor cast to int32 gives PyTorch's -2147483648 for values out of range and NaN (it wrapped 1e10 to 1410065408)", () => {
    sameAsTorch("to int32 1e10", () => tensor([1e10, NaN, -3.5]).to("int32"));
  });

  it("0.5 stored into a bool tensor is true", () => {
    sameAsTorch("tensor bool 0.5", () => tensor([0.5, 0, NaN], { dtype: "bool" }));
    sameAsTorch("fill_ bool 0.5", () => zeros([2], { dtype: "bool" }).fill(0.5));
    sameAsTorch("set bool 0.5", () => zeros([3], { dtype: "bool" }).set("0", 0.5));
  });

  it("in-place arithmetic that int32 or bool cannot hold is refused (siblings)", () => {
    refusedAsTorch("add_ int32 0.5", () => zeros([2], { dtype: "int32" }).addInPlace(0.5), DTypeError);
    refusedAsTorch("mul_ int32 0.5", () => zeros([2], { dtype: "int32" }).mulInPlace(0.5), DTypeError);
    refusedAsTorch("add_ bool 1", () => zeros([2], { dtype: "bool" }).addInPlace(1), DTypeError);
  });

  it("reductions over empty tensors (siblings)", () => {
    sameAsTorch("sum of an empty dim", () => zeros([0, 3]).sum(0));
    sameAsTorch("mean of empty", () => zeros([0, 3]).mean());
    sameAsTorch("mean of an empty dim", () => zeros([0, 3]).mean(0));
    refusedAsTorch("argmax of empty", () => zeros([0]).argmax(), IndexError);
    sameAsTorch("crossEntropy of an empty batch", () => F.crossEntropy(zeros([0, 3]), []));
    sameAsTorch("mseLoss of empty", () => F.mseLoss(zeros([0]), zeros([0])));
    sameAsTorch("matmul with K = 0", () => ones([2, 0]).matmul(ones([0, 3])));
  });
});

describe("item 13: huge sizes and non-tensor arguments get typed errors naming the op and the value", () => {
  const allocation = (size: string) => `can't allocate memory: you tried to allocate ${size} bytes`;

  it("huge sizes are refused before any allocation (no bare RangeError)", () => {
    refusedAsTorch("zeros 1e6 x 1e6", () => zeros([1e6, 1e6]), ValueError, `zeros: ${allocation("4000000000000")}`);
    refusedAsTorch("arange 1e12", () => arange(1e12), ValueError, `arange: ${allocation("4000000000000")}`);
    refusedAsTorch("Linear(1e5, 1e5)", () => new nn.Linear(1e5, 1e5), ValueError, `Linear: ${allocation("40000000000")}`);
    refusedAsTorch("conv2d padding 1e9", () => F.conv2d(ones([1, 1, 4, 4]), ones([1, 1, 2, 2]), null, { padding: 1e9 }),
      ValueError, "conv2d: can't allocate memory");
    expect(() => F.pad(ones([1, 1, 4, 4]), [1e9, 1e9, 1e9, 1e9])).toThrow(/^pad: can't allocate memory/);
    refusedAsTorch("arange inf", () => arange(Infinity), ValueError, "arange: unsupported range: 0 -> Infinity");
  });

  it("null where a tensor belongs: PyTorch's wording, not 'Cannot read properties of null'", () => {
    refusedAsTorch("conv2d input None", () => F.conv2d(null as never, ones([1, 1, 2, 2])), ValueError,
      "conv2d: argument 'input' (position 1) must be Tensor, not NoneType");
    refusedAsTorch("linear input None", () => F.linear(null as never, ones([2, 2])), ValueError,
      "linear: argument 'input' (position 1) must be Tensor, not NoneType");
    refusedAsTorch("set a string", () => zeros([3]).set("0", "x" as never), ValueError, "set: can't assign a str to a torch.FloatTensor");
  });

  it("siblings: every op's tensor arguments and index specs are checked", () => {
    const bad: [string, () => unknown, RegExp][] = [
      ["get(undefined)", () => zeros([3]).get(undefined as never), /^index: only integers, slices/],
      ["get([{}])", () => zeros([3]).get([{} as never]), /^index: only integers/],
      ["conv2d weight", () => F.conv2d(ones([1, 1, 4, 4]), null as never), /^conv2d: argument 'weight' \(position 2\) must be Tensor/],
      ["conv2d bias", () => F.conv2d(ones([1, 1, 4, 4]), ones([1, 1, 2, 2]), 3 as never), /^conv2d: argument 'bias' \(position 3\) must be Tensor, not int/],
      ["maxPool2d", () => F.maxPool2d(null as never, 2), /^maxPool2d: argument 'input'/],
      ["avgPool2d", () => F.avgPool2d(undefined as never, 2), /^avgPool2d: argument 'input'/],
      ["pad", () => F.pad(null as never, [1, 1]), /^pad: argument 'input'/],
      ["relu", () => F.relu(null as never), /^relu: argument 'input'/],
      ["softmax", () => F.softmax([1, 2] as never, 0), /^softmax: argument 'input' \(position 1\) must be Tensor, not list/],
      ["matmul", () => ones([2, 2]).matmul(null as never), /^matmul: argument 'other'/],
      ["add null", () => ones([2]).add(null as never), /^add: argument 'other' must be a Tensor or a number, not NoneType/],
      ["mul string", () => ones([2]).mul("x" as never), /^mul: argument 'other' must be a Tensor or a number, not str/],
      ["addInPlace null", () => ones([2]).addInPlace(null as never), /^add_: argument 'other'/],
      ["crossEntropy", () => F.crossEntropy(null as never, [0]), /^crossEntropy: argument 'input'/],
      ["mseLoss", () => F.mseLoss(ones([2]), null as never), /^mseLoss: argument 'target'/],
      ["maxPool2d kernel null", () => F.maxPool2d(ones([1, 1, 4, 4]), null as never), /^maxPool2d: kernel_size must be an integer or a pair of integers, but got kernel_size=null/],
      ["crossEntropy target null", () => F.crossEntropy(ones([2, 3]), null as never), /^crossEntropy: argument 'target' must be a Tensor or an array of class indices, not NoneType/],
      ["unfold kernel null", () => F.unfold(ones([1, 1, 4, 4]), null as never), /^unfold: kernel_size must be an integer or a pair/],
      ["get with a fractional bound", () => ones([2, 3]).get([[0.5, 2]]), /^index: slice indices must be integers or null, but got 0\.5/],
      ["SGD(null)", () => new optim.SGD(null as never, { lr: 0.1 }), /^SGD: params argument given to the optimizer should be an iterable of Tensors, but got NoneType/],
      ["TensorDataset(null)", () => new TensorDataset(null as never), /^TensorDataset: argument 'tensors\[0\]' \(position 1\) must be Tensor, not NoneType/],
      ["DataLoader(null)", () => new DataLoader(null as never), /^DataLoader: dataset must be a TensorDataset/],
      ["Sequential(null)", () => new nn.Sequential(null as never), /^Sequential: argument 0 must be a Module, not NoneType/],
      ["train(null)", () => train(null as never, [], [], { epochs: 1, lr: 0.1 }), /^train: argument 'net' must be a Module, not NoneType/],
      ["loadStateDict(null)", () => new nn.Linear(1, 1).loadStateDict(null as never), /^load_state_dict: expected a Map or an object of Tensors/],
      ["loadStateDict null values", () => new nn.Linear(1, 1).loadStateDict({ weight: null, bias: null } as never), /^load_state_dict: argument 'weight' must be Tensor, not NoneType/],
      ["saveWeights(null)", () => nn.saveWeights(null as never, "/tmp/never-written"), /^saveWeights: argument 'model' must be a Module/],
      ["init.uniform(null)", () => nn.init.uniform(null as never), /^uniform_: argument 'tensor' \(position 1\) must be Tensor/],
      ["tensor(undefined)", () => tensor(undefined as never), /^tensor: expected a number, a boolean, a nested array/],
      ["zeros(null)", () => zeros(null as never), /^zeros: size must be an array of integers/],
      ["backward(5)", () => ones([2], { requiresGrad: true }).mul(2).backward(5 as never), /^backward: argument 'gradient' must be a Tensor, not int/],
    ];
    for (const [name, fn, message] of bad) {
      let thrown: unknown;
      try {
        fn();
      } catch (error) {
        thrown = error;
      }
      expect(thrown, name).toBeInstanceOf(ConvlabError);
      expect((thrown as Error).message, name).toMatch(message);
    }
  });
});
