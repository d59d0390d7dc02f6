import { describe, expect, it } from "vitest";
import { lenet, randn, ShapeError, tensor, ValueError, zeros } from "../../src/index.js";
import {
  confusionMatrix, featureMaps, imageGrid, kernelGrid, paddingStrideFigure, receptiveFieldFigure, trainingCurves,
  type HeatmapTrace, type ScatterTrace,
} from "../../src/viz/index.js";

const heatmaps = (fig: { data: { type: string }[] }) => fig.data.filter((t) => t.type === "heatmap") as HeatmapTrace[];
const texts = (fig: { layout: { annotations?: { text: string }[] } }) => fig.layout.annotations!.map((a) => a.text);

describe("featureMaps", () => {
  it("[1, 6, 28, 28]: six panels on their own axes, titled by channel, colour range per channel", () => {
    const t = randn([1, 6, 28, 28]);
    const fig = featureMaps(t);
    const panels = heatmaps(fig);
    expect(panels).toHaveLength(6);
    expect(panels.map((p) => p.xaxis)).toEqual(["x", "x2", "x3", "x4", "x5", "x6"]);
    expect(texts(fig)).toEqual(expect.arrayContaining(["channel 0", "channel 5", "colour range per channel"]));
    const channel2 = Array.from(t.data).slice(2 * 784, 3 * 784);
    expect(panels[2].zmin).toBeCloseTo(Math.min(...channel2), 4);
    expect(panels[2].zmax).toBeCloseTo(Math.max(...channel2), 4);
    expect(fig.layout.title!.text).toBe("Feature maps (6×28×28)");
  });

  it("more than 128 channels: the first 128 are drawn, with a note", () => {
    const fig = featureMaps(zeros([200, 4, 4]));
    expect(heatmaps(fig)).toHaveLength(128);
    expect(texts(fig)).toContain("showing the first 128 of 200 channels");
  });

  it("wrong rank is a ShapeError naming the expected layout", () => {
    expect(() => featureMaps(zeros([4, 4]))).toThrow(ShapeError);
    expect(() => featureMaps(zeros([4, 4]))).toThrow("featureMaps: expected feature maps (C, H, W) to be a 3-D tensor, but got a 2-D tensor of shape [4, 4]");
  });
});

describe("kernelGrid", () => {
  it("[2, 3, 1, 2]: one panel per (out, in) pair, one symmetric colour range so white is zero", () => {
    const w = tensor([[[[1, -4]], [[0, 2]], [[3, 0]]], [[[0, 0]], [[1, 1]], [[-2, 0]]]]);
    const fig = kernelGrid(w);
    const panels = heatmaps(fig);
    expect(panels).toHaveLength(6);
    expect(panels.map((p) => p.z)).toEqual([[[1, -4]], [[0, 2]], [[3, 0]], [[0, 0]], [[1, 1]], [[-2, 0]]]);
    expect(panels.every((p) => p.zmin === -4 && p.zmax === 4)).toBe(true);
    expect(texts(fig)).toEqual(expect.arrayContaining(["0, 0", "1, 2", "blue < 0 < red, range ±4; panel title: output channel, input channel"]));
  });
});

describe("imageGrid", () => {
  it("labels above images (newlines become two lines, markup escaped), pixel range 0..1", () => {
    const images = zeros([3, 1, 4, 4]);
    images.data[0] = 0.5;
    const fig = imageGrid(images, ["shirt", "true: coat\npred: bag", "<i>x</i>"], { columns: 2 });
    expect(heatmaps(fig).map((p) => [p.zmin, p.zmax])).toEqual([[0, 1], [0, 1], [0, 1]]);
    expect(texts(fig)).toEqual(["shirt", "true: coat<br>pred: bag", "&lt;i&gt;x&lt;/i&gt;"]);
    // two columns: panel 2 sits under panel 0
    expect(fig.layout.xaxis3!.domain).toEqual(fig.layout.xaxis!.domain);
    expect(fig.layout.yaxis3!.domain![1]).toBeLessThan(fig.layout.yaxis!.domain![0]);
  });

  it("bad input: label count, colour images, empty batch", () => {
    expect(() => imageGrid(zeros([2, 1, 4, 4]), ["a"])).toThrow("imageGrid: got 1 labels for 2 images");
    expect(() => imageGrid(zeros([2, 3, 4, 4]))).toThrow("imageGrid: expected grayscale images with 1 channel, but got 3 channels (shape [2, 3, 4, 4])");
    expect(() => imageGrid(zeros([0, 1, 4, 4]))).toThrow(ValueError);
  });
});

describe("confusionMatrix", () => {
  it("counts with actual classes as rows and predictions as columns; accuracy in the title", () => {
    const fig = confusionMatrix([0, 1, 1, 2, 2, 2], tensor([0, 1, 2, 2, 2, 0], { dtype: "int32" }), ["a", "b", "<c>"]);
    expect(heatmaps(fig)[0].z).toEqual([[1, 0, 1], [0, 1, 0], [0, 1, 2]]);
    expect(heatmaps(fig)[0].text).toEqual([["1", "0", "1"], ["0", "1", "0"], ["0", "1", "2"]]);
    expect(fig.layout.title!.text).toBe("Confusion matrix: accuracy 66.7% of 6");
    expect(fig.layout.xaxis!.ticktext).toEqual(["a", "b", "&lt;c&gt;"]);
    expect(fig.layout.yaxis!.title!.text).toBe("actual");
  });

  it("mismatched lengths and out-of-range classes are errors", () => {
    expect(() => confusionMatrix([0, 1], [0], ["a", "b"])).toThrow("confusionMatrix: predicted has 2 entries but actual has 1");
    expect(() => confusionMatrix([0, 3], [0, 1], ["a", "b"])).toThrow("confusionMatrix: class index 3 is out of range for 2 class names");
    expect(() => confusionMatrix([], [], ["a"])).toThrow("confusionMatrix: expected at least one prediction, but got none");
  });
});

describe("trainingCurves", () => {
  const history = [
    { epoch: 1, trainLoss: 2.3, trainAcc: 0.1, testAcc: 0.12 },
    { epoch: 2, trainLoss: 1.2, trainAcc: 0.55, testAcc: NaN },
  ];

  it("three named lines over epochs, x fixed to the planned epochs, NaN left as a gap with a note", () => {
    const fig = trainingCurves(history, { epochs: 10 });
    const lines = fig.data as ScatterTrace[];
    expect(lines.map((l) => l.name)).toEqual(["train loss", "train acc", "test acc"]);
    expect(lines.map((l) => l.y)).toEqual([[2.3, 1.2], [0.1, 0.55], [0.12, null]]);
    expect(lines[0].x).toEqual([1, 2]);
    expect(fig.layout.xaxis!.range).toEqual([0.8, 10.2]);
    expect(fig.layout.yaxis!.range).toEqual([0, 2.5]);
    expect(texts(fig)).toContain("gaps: test acc at epoch 2 is NaN");
  });

  it("no epochs yet: an empty frame that says so; a record without epoch is an error", () => {
    expect(texts(trainingCurves([], { epochs: 5 }))).toContain("no epochs yet");
    expect(() => trainingCurves([{ trainLoss: 1 } as never])).toThrow("trainingCurves: every record needs a finite epoch number");
  });
});

describe("receptiveFieldFigure", () => {
  it("LeNet, output [2, 2]: fields 5, 6, 14, 16 pixels; the last one spans columns 6..21", () => {
    const fig = receptiveFieldFigure(zeros([28, 28]), lenet(), { output: [2, 2] });
    expect(heatmaps(fig)).toHaveLength(4);
    expect(texts(fig).slice(0, 4)).toEqual([
      "0: Conv2d<br>unit [14, 14] sees 5×5, jump 1",
      "2: AvgPool2d<br>unit [7, 7] sees 6×6, jump 2",
      "3: Conv2d<br>unit [5, 5] sees 14×14, jump 2",
      "5: AvgPool2d<br>unit [2, 2] sees 16×16, jump 4",
    ]);
    const last = fig.layout.shapes!.filter((s) => s.xref === "x4" && s.line?.dash === "solid")[0];
    expect([last.x0, last.x1, last.y0, last.y1]).toEqual([5.5, 21.5, 5.5, 21.5]);
  });

  it("layers without kernels and bad output indices are errors", () => {
    expect(() => receptiveFieldFigure(zeros([4, 4]), [{ name: "relu" }])).toThrow("receptiveFieldFigure: layers has no conv or pooling layer");
    expect(() => receptiveFieldFigure(zeros([4, 4]), [{ kernelSize: 3 }], { output: [-1, 0] })).toThrow("receptiveFieldFigure: output must be a pair of non-negative integer indices");
    // LeNet's last pooling layer gives 5×5 for a 28×28 image: [4, 4] is the last unit, [5, 0] is outside.
    expect(() => receptiveFieldFigure(zeros([28, 28]), lenet(), { output: [4, 4] })).not.toThrow();
    expect(() => receptiveFieldFigure(zeros([28, 28]), lenet(), { output: [5, 0] })).toThrow("receptiveFieldFigure: output [5, 0] is outside the last layer's 5×5 output for a 28×28 image");
    expect(() => receptiveFieldFigure(zeros([4, 4]), [{ kernelSize: 3 }], { output: [1, 1] })).not.toThrow(); // 2×2 output
    expect(() => receptiveFieldFigure(zeros([4, 4]), [{ kernelSize: 3 }], { output: [2, 0] })).toThrow("outside the last layer's 2×2 output");
  });
});

describe("paddingStrideFigure", () => {
  it("the book's 3x3 input, 2x2 kernel, padding 1, stride (3, 2): four windows starting at (-1,-1), (-1,1), (2,-1), (2,1)", () => {
    const fig = paddingStrideFigure({ inputSize: 3, kernelSize: 2, padding: 1, stride: [3, 2] });
    const corners = fig.data[1] as ScatterTrace;
    expect(corners.y).toEqual([-1, -1, 2, 2]);
    expect(corners.x).toEqual([-1, 1, -1, 1]);
    expect(corners.text).toEqual(["1", "2", "3", "4"]);
    expect(fig.layout.shapes).toHaveLength(4);
    expect(heatmaps(fig)[0].z).toEqual([[0, 0, 0, 0, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 1, 1, 1, 0], [0, 0, 0, 0, 0]]);
    expect(fig.layout.title!.text).toBe("3×3 input, 2×2 kernel, padding (1, 1), stride (3, 2)<br>→ 2×2 output");
  });

  it("uses conv2d's checks: a kernel larger than the padded input is the same error", () => {
    expect(() => paddingStrideFigure({ inputSize: 2, kernelSize: 5 })).toThrow(/convOutputShape/);
  });
});
