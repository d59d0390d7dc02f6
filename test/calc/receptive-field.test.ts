// convOutputShape / poolOutputShape and receptiveField: closed forms checked on the book's numbers and
// against the receptive field measured by backpropagating from one output unit.
import { describe, expect, test } from "vitest";
import { convOutputShape, poolOutputShape } from "../../src/calc/output-shape.js";
import { receptiveField, type LayerGeometry } from "../../src/calc/receptive-field.js";
import { conv2d } from "../../src/ops/conv.js";
import { avgPool2d } from "../../src/ops/pool.js";
import { Module } from "../../src/nn/module.js";
import { Sequential, Sigmoid, Flatten } from "../../src/nn/layers.js";
import { ShapeError, ValueError } from "../../src/errors.js";
import { Tensor } from "../../src/tensor/tensor.js";
import { lenet } from "../../src/nn/lenet.js";

describe("convOutputShape and poolOutputShape", () => {
  test.each([
    ["8×8 k=3 p=1", [8, 8], [3, 3], { padding: 1 }, [8, 8]],
    ["8×8 k=[5,3] p=[2,1]", [8, 8], [5, 3], { padding: [2, 1] }, [8, 8]],
    ["8×8 k=3 p=1 s=2", [8, 8], [3, 3], { padding: 1, stride: 2 }, [4, 4]],
    ["8×8 k=[3,5] p=[0,1] s=[3,4]", [8, 8], [3, 5], { padding: [0, 1], stride: [3, 4] }, [2, 2]],
    ["x=[256,1,28,28] w=[6,1,5,5] p=2", [256, 1, 28, 28], [6, 1, 5, 5], { padding: 2 }, [256, 6, 28, 28]],
    ["x=[1,6,14,14] w=[16,6,5,5]", [1, 6, 14, 14], [16, 6, 5, 5], {}, [1, 16, 10, 10]],
    ["x=[3,7,7] w=[2,3,2,2] same", [3, 7, 7], [2, 3, 2, 2], { padding: "same" }, [2, 7, 7]],
  ] as const)("convOutputShape %s → %j", (_, input, weight, options, expected) => {
    expect(convOutputShape(input, weight, options)).toEqual(expected);
  });

  test.each([
    ["[1,6,28,28] k=2", [1, 6, 28, 28], 2, {}, [1, 6, 14, 14]],
    ["[5,5] k=2 ceil", [5, 5], 2, { ceilMode: true }, [3, 3]],
    ["[4,4] k=3 p=1 s=2", [4, 4], 3, { padding: 1, stride: 2 }, [2, 2]],
    ["[16,10,10] k=2", [16, 10, 10], 2, {}, [16, 5, 5]],
  ] as const)("poolOutputShape %s → %j", (_, input, kernel, options, expected) => {
    expect(poolOutputShape(input, kernel, options)).toEqual(expected);
  });

  test("errors name the calculator", () => {
    expect(() => convOutputShape([4, 4], [5, 5])).toThrow(ShapeError);
    expect(() => convOutputShape([4, 4], [5, 5])).toThrow("convOutputShape: Calculated padded input size per channel: (4 x 4). Kernel size: (5 x 5). Kernel size can't be greater than actual input size");
    expect(() => poolOutputShape([4, 4], 2, { padding: 2 })).toThrow("poolOutputShape: pad should be at most half of effective kernel size, but got pad=2, kernel_size=2 and dilation=1");
  });
});

const lenetBlock: LayerGeometry[] = [
  { name: "conv1", kernelSize: 5, padding: 2 }, { name: "sigmoid" }, { name: "pool1", kernelSize: 2, stride: 2 },
  { name: "conv2", kernelSize: 5 }, { name: "sigmoid" }, { name: "pool2", kernelSize: 2, stride: 2 },
];

describe("receptiveField", () => {
  test("LeNet's conv block: 5, 5, 6, 14, 14, 16 with jumps 1, 1, 2, 2, 2, 4", () => {
    const rows = receptiveField(lenetBlock);
    expect(rows.map((r) => r.size[0])).toEqual([5, 5, 6, 14, 14, 16]);
    expect(rows.map((r) => r.jump[0])).toEqual([1, 1, 2, 2, 2, 4]);
    expect(rows.at(-1)).toEqual({ name: "pool2", size: [16, 16], jump: [4, 4], padding: [2, 2], start: [5.5, 5.5] });
  });

  test("two 3×3 convolutions see 3×3, then 5×5", () => {
    expect(receptiveField([{ kernelSize: 3 }, { kernelSize: 3 }]).map((r) => r.size)).toEqual([[3, 3], [5, 5]]);
  });

  test("dilation 2 makes a 3×3 kernel see 5×5; a [5,3] kernel differs per axis; 'same' pads left by span//2", () => {
    const rows = receptiveField([{ kernelSize: 3, dilation: 2 }, { kernelSize: [5, 3], stride: [2, 1] }, { kernelSize: 4, padding: "same" }]);
    expect(rows.map((r) => r.size)).toEqual([[5, 5], [9, 7], [15, 10]]);
    expect(rows.map((r) => r.jump)).toEqual([[1, 1], [2, 1], [2, 1]]);
    expect(rows[2].padding).toEqual([2, 1]);
  });

  test("on a model: leaf modules in order, named by position and class, activations keep the field, Flatten ends the list", () => {
    class FakeConv extends Module {
      constructor(readonly kernelSize: number, readonly stride = 1, readonly padding = 0, readonly dilation = 1) { super(); }
      forward(x: Tensor): Tensor { return x; }
    }
    const model = new Sequential(new FakeConv(5, 1, 2), new Sigmoid(), new FakeConv(2, 2), new Sequential(new FakeConv(5), new Sigmoid()), new Flatten(), new FakeConv(3));
    const rows = receptiveField(model);
    expect(rows.map((r) => r.name)).toEqual(["0: FakeConv", "1: Sigmoid", "2: FakeConv", "3.0: FakeConv", "3.1: Sigmoid"]);
    expect(rows.map((r) => r.size[0])).toEqual([5, 5, 6, 14, 14]);
  });

  test("on nn's lenet(): 16×16 with jump 4 after the second pooling; rows stop at Flatten (then all of the input)", () => {
    const rows = receptiveField(lenet());
    expect(rows.map((r) => `${r.name} ${r.size[0]}/${r.jump[0]}`)).toEqual([
      "0: Conv2d 5/1", "1: Sigmoid 5/1", "2: AvgPool2d 6/2", "3: Conv2d 14/2", "4: Sigmoid 14/2", "5: AvgPool2d 16/4",
    ]);
  });

  test("bad layers are rejected", () => {
    expect(() => receptiveField([{ kernelSize: 0 }])).toThrow(ValueError);
    expect(() => receptiveField([{ kernelSize: 3, stride: 1.5 }])).toThrow("receptiveField: stride must be an integer or a pair of integers, but got stride=1.5");
  });

  test("the closed form equals the field measured by backpropagation through the LeNet block", () => {
    // All-positive weights and average pooling: every input pixel an output unit depends on gets a
    // non-zero gradient, so the gradient's support is the receptive field.
    const x = new Tensor(new Float64Array(40 * 40).fill(1), [1, 1, 40, 40]);
    x.requiresGrad = true;
    const w1 = new Tensor(new Float64Array(25).fill(0.1), [1, 1, 5, 5]), w2 = new Tensor(new Float64Array(25).fill(0.1), [1, 1, 5, 5]);
    const y = avgPool2d(conv2d(avgPool2d(conv2d(x, w1, null, { padding: 2 }), 2), w2), 2); // [1, 1, 8, 8]
    const [oh, ow] = [3, 5];
    const pick = new Tensor(new Float64Array(y.size), y.shape);
    pick.data[oh * y.shape[3] + ow] = 1;
    y.backward(pick);
    const rows: number[] = [], cols: number[] = [];
    x.grad!.data.forEach((g, i) => { if (g !== 0) { rows.push(Math.floor(i / 40)); cols.push(i % 40); } });
    const field = receptiveField(lenetBlock).at(-1)!;
    // The unit's field starts at -padding + index·jump and spans `size` pixels.
    expect([Math.min(...rows), Math.max(...rows) - Math.min(...rows) + 1]).toEqual([-field.padding[0] + oh * field.jump[0], field.size[0]]);
    expect([Math.min(...cols), Math.max(...cols) - Math.min(...cols) + 1]).toEqual([-field.padding[1] + ow * field.jump[1], field.size[1]]);
  });
});
