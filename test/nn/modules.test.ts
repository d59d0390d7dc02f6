// nn modules: LeNet's structure, names and counts, summary(), receptive fields of a model, weights files.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  corr2d, ones, DataError, lenet, manualSeed, nn, noGrad, randn, receptiveField, ShapeError, summary, tensor, ValueError, zeros,
} from "../../src/index.js";

describe("lenet()", () => {
  it("is d2l's LeNet: 61,706 parameters with PyTorch's names", () => {
    const net = lenet();
    expect(net.parameterCount()).toBe(61_706);
    expect(net.namedParameters().map(([name, p]) => `${name}:${p.shape.join("x")}`)).toEqual([
      "0.weight:6x1x5x5", "0.bias:6", "3.weight:16x6x5x5", "3.bias:16",
      "7.weight:120x400", "7.bias:120", "9.weight:84x120", "9.bias:84", "11.weight:10x84", "11.bias:10",
    ]);
    expect(net.forward(zeros([2, 1, 28, 28])).shape).toEqual([2, 10]);
  });

  it("summary() lists every layer's output shape (6×28×28 → … → 10)", () => {
    const s = summary(lenet(), [1, 1, 28, 28]);
    expect(s.rows.map((r) => r.outputShape.slice(1).join("x"))).toEqual([
      "6x28x28", "6x28x28", "6x14x14", "16x10x10", "16x10x10", "16x5x5", "400", "120", "120", "84", "84", "10",
    ]);
    expect(s.totalParameters).toBe(61_706);
    expect(String(s)).toContain("Total params: 61,706");
  });

  it("its conv block has receptive field 16 and effective stride 4", () => {
    const rows = receptiveField(lenet());
    const pool2 = rows.find((r) => r.name.startsWith("5:"))!;
    expect(pool2.size).toEqual([16, 16]);
    expect(pool2.jump).toEqual([4, 4]);
  });

  it("the modern variant swaps in ReLU and max pooling", () => {
    const net = lenet({ activation: "relu", pooling: "max" });
    expect(net.layers.map((m) => m.constructor.name).slice(0, 3)).toEqual(["Conv2d", "ReLU", "MaxPool2d"]);
  });
});

describe("Conv2d module", () => {
  const fixtures = JSON.parse(readFileSync(new URL("../core/fixtures/core.json", import.meta.url), "utf8"));
  for (const seed of [0, 42]) {
    it(`default initialisation draws what torch.nn.Conv2d(2, 3, 3) draws after manual_seed(${seed})`, () => {
      manualSeed(seed);
      const conv = new nn.Conv2d(2, 3, 3);
      const expected = fixtures.random[String(seed)];
      expect(Array.from(conv.weight.data)).toEqual((expected.conv_weight as number[][][][]).flat(3).map(Math.fround));
      expect(Array.from(conv.bias!.data)).toEqual((expected.conv_bias as number[]).map(Math.fround));
    });
  }
  it("to('float64') converts every parameter and the model runs in float64", () => {
    const net = lenet().to("float64");
    expect(net.parameters().every((p) => p.dtype === "float64" && p.requiresGrad)).toBe(true);
    const out = net.forward(zeros([1, 1, 28, 28], { dtype: "float64" }));
    expect(out.dtype).toBe("float64");
  });
  it("checks its arguments when built, with PyTorch's wording", () => {
    expect(() => new nn.Conv2d(3, 6, 3, { groups: 2 })).toThrow("in_channels must be divisible by groups");
    expect(() => new nn.Conv2d(1, 1, 3, { padding: "same", stride: 2 })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => new nn.Conv2d(1, 1, 3, { paddingMode: "mirror" as never })).toThrow("padding_mode must be one of");
    expect(() => new nn.Conv2d(0, 1, 3)).toThrow(ValueError);
  });
  it("names a channel mismatch when run", () => {
    const conv = new nn.Conv2d(1, 6, 5);
    expect(() => conv.forward(zeros([1, 3, 28, 28]))).toThrow(
      "conv2d: Given groups=1, weight of size [6, 1, 5, 5], expected input[1, 3, 28, 28] to have 1 channels, but got 3 channels instead");
  });
  it("outputShape agrees with running the layer", () => {
    const conv = new nn.Conv2d(2, 4, [3, 5], { stride: [2, 1], padding: [1, 2], dilation: [1, 2] });
    expect(conv.outputShape([3, 2, 9, 11])).toEqual([...conv.forward(zeros([3, 2, 9, 11])).shape]);
    expect(String(conv)).toBe("Conv2d(2, 4, kernel_size=(3, 5), stride=(2, 1), padding=(1, 2), dilation=(1, 2))");
  });
  it("learns the edge kernel [1, -1] from X and Y (the book's example, lr 3e-2, 10 steps)", () => {
    manualSeed(0);
    const X = ones([6, 8]);
    X.set(":, 2:6", 0);
    const Y = corr2d(X, tensor([[1, -1]]));
    const conv = new nn.Conv2d(1, 1, [1, 2], { bias: false });
    const x4 = X.reshape(1, 1, 6, 8), y4 = Y.reshape(1, 1, 6, 7);
    const lr = 3e-2;
    let loss = Infinity;
    for (let i = 0; i < 10; i++) {
      const l = conv.forward(x4).sub(y4).pow(2);
      conv.zeroGrad();
      l.sum().backward();
      noGrad(() => conv.weight.subInPlace(conv.weight.grad!.mul(lr)));
      loss = l.sum().item();
    }
    expect(loss).toBeLessThan(0.5);
    const [a, b] = conv.weight.reshape(2).toArray() as number[];
    expect(Math.abs(a - 1)).toBeLessThan(0.1);
    expect(Math.abs(b + 1)).toBeLessThan(0.1);
  });
});

describe("weights files (safetensors layout)", () => {
  const dir = mkdtempSync(join(tmpdir(), "convlab-weights-"));
  it("round-trip into a fresh model of the same architecture", () => {
    manualSeed(1);
    const a = lenet();
    const path = join(dir, "a.safetensors");
    nn.saveWeights(a, path);
    manualSeed(2);
    const b = lenet();
    nn.loadWeights(b, path);
    const x = randn([2, 1, 28, 28]);
    expect(b.forward(x).toArray()).toEqual(a.forward(x).toArray());
    const header = readFileSync(path);
    const length = Number(header.readBigUInt64LE(0));
    expect(JSON.parse(header.subarray(8, 8 + length).toString())["0.weight"]).toEqual({ dtype: "F32", shape: [6, 1, 5, 5], data_offsets: [0, 600] });
  });
  it("refuse a different architecture, naming the parameter", () => {
    const path = join(dir, "small.safetensors");
    nn.saveWeights(new nn.Sequential(new nn.Sigmoid(), new nn.Linear(4, 2)), path);
    expect(() => nn.loadWeights(lenet(), path)).toThrow("has no parameter '0.weight'");
    nn.saveWeights(new nn.Sequential(new nn.Conv2d(1, 6, 3)), path);
    expect(() => nn.loadWeights(new nn.Sequential(new nn.Conv2d(1, 6, 5)), path)).toThrow(ShapeError);
  });
  it("refuse truncated files and lying headers before allocating", () => {
    const path = join(dir, "bad.safetensors");
    const good = nn.encodeWeights([["w", zeros([2, 2])]]);
    writeFileSync(path, good.subarray(0, good.length - 4));
    expect(() => nn.loadWeights(new nn.Sequential(), path)).toThrow(DataError);
    const lying = Buffer.from(good);
    lying.writeBigUInt64LE(10n ** 12n, 0);
    expect(() => nn.decodeWeights(lying)).toThrow("claims a 1000000000000-byte header");
    const header = JSON.stringify({ w: { dtype: "F32", shape: [1e9, 1e9], data_offsets: [0, 16] } });
    const buf = Buffer.alloc(8 + header.length + 16);
    buf.writeBigUInt64LE(BigInt(header.length), 0);
    buf.write(header, 8);
    expect(() => nn.decodeWeights(buf)).toThrow("claims bytes [0, 16)");
    const negative = header.replace("[1e9, 1e9]", "[-4, 1]").replace("1000000000,1000000000", "-4,1");
    const buf2 = Buffer.alloc(8 + negative.length + 16);
    buf2.writeBigUInt64LE(BigInt(negative.length), 0);
    buf2.write(negative, 8);
    expect(() => nn.decodeWeights(buf2)).toThrow("invalid shape");
    const f16 = header.replace("F32", "F16");
    const buf3 = Buffer.alloc(8 + f16.length);
    buf3.writeBigUInt64LE(BigInt(f16.length), 0);
    buf3.write(f16, 8);
    expect(() => nn.decodeWeights(buf3)).toThrow("only F32 is supported");
  });
});
