// viz.setLocale: the text figure builders write themselves (panel names, default titles, axis names, legends,
// notes) in English or in Chinese (d2l-zh's terms). Titles a caller passes win; errors stay English.

import { afterEach, describe, expect, it } from "vitest";
import { lenet, tensor, ValueError, viz, zeros } from "../../src/index.js";
import type { Figure } from "../../src/viz/figure.js";
import { LATIN_GLYPH_EM, linesWidthPx, textWidthEm } from "../../src/viz/text-width.js";
import { plainLines } from "../../src/viz/text.js";

afterEach(() => viz.setLocale("en"));

const texts = (fig: Figure) => (fig.layout.annotations ?? []).map((a) => a.text);
const names = (fig: Figure) => fig.data.filter((t) => t.type === "scatter" && t.showlegend !== false).map((t) => t.name);

/** Builds the same figure in English and in Chinese. */
function both(build: () => Figure): { en: Figure; zh: Figure } {
  viz.setLocale("en");
  const en = build();
  viz.setLocale("zh-CN");
  const zh = build();
  viz.setLocale("en");
  return { en, zh };
}

const X = tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), K = tensor([[0, 1], [2, 3]]), Y = tensor([[19, 25], [37, 43]]);

describe("setLocale / getLocale", () => {
  it("defaults to English, switches to zh-CN and back, and returns nothing (a notebook cell ending in it shows nothing)", () => {
    expect(viz.getLocale()).toBe("en");
    expect(viz.setLocale("zh-CN")).toBeUndefined();
    expect(viz.getLocale()).toBe("zh-CN");
    viz.setLocale("en");
    expect(viz.getLocale()).toBe("en");
  });

  it("an unknown locale is a ValueError naming the function and the value, and leaves the locale as it was", () => {
    viz.setLocale("zh-CN");
    expect(() => viz.setLocale("fr" as viz.Locale)).toThrow(ValueError);
    expect(() => viz.setLocale("zh" as viz.Locale)).toThrow('setLocale: unknown locale "zh"; use one of "en", "zh-CN"');
    expect(() => viz.setLocale(undefined as unknown as viz.Locale)).toThrow("setLocale: unknown locale undefined");
    expect(viz.getLocale()).toBe("zh-CN");
  });

  it("switching back restores the English figures exactly", () => {
    const builders: (() => Figure)[] = [
      () => viz.correlationFigure(X, K, Y),
      () => viz.paddingStrideFigure({ inputSize: 3, kernelSize: 2, padding: 1, stride: [3, 2] }),
      () => viz.trainingCurves([{ epoch: 1, trainLoss: 1, trainAcc: 0.5, testAcc: 0.4 }]),
      () => viz.featureMaps(zeros([2, 3, 3])),
      () => viz.kernelGrid(zeros([2, 1, 2, 2])),
      () => viz.confusionMatrix([0, 1], [0, 0], ["a", "b"]),
      () => viz.receptiveFieldFigure(zeros([5, 5]), [{ name: "conv", kernelSize: 3 }, { name: "conv2", kernelSize: 3 }]),
    ];
    for (const build of builders) {
      const before = JSON.stringify(build());
      const { zh } = both(build);
      expect(JSON.stringify(zh)).not.toBe(before);
      expect(JSON.stringify(build())).toBe(before);
    }
  });
});

describe("each builder in both locales", () => {
  it("correlationFigure: Input / Kernel / Output → 输入 / 卷积核 / 输出, drawn in the SVG", () => {
    const { en, zh } = both(() => viz.correlationFigure(X, K, Y));
    expect(texts(en)).toEqual(expect.arrayContaining(["Input (3×3)", "Kernel (2×2)", "Output (2×2)"]));
    expect(texts(zh)).toEqual(expect.arrayContaining(["输入 (3×3)", "卷积核 (2×2)", "输出 (2×2)"]));
    const svg = viz.renderSvg(zh);
    for (const word of ["输入 (3×3)", "卷积核 (2×2)", "输出 (2×2)"]) expect(svg).toContain(word);
    expect(svg).not.toContain("Kernel");
  });

  it("paddingStrideFigure: the automatic title, axis names and notes; a caller's title wins", () => {
    const build = () => viz.paddingStrideFigure({ inputSize: 3, kernelSize: 2, padding: 1, stride: [3, 2] });
    const { en, zh } = both(build);
    expect(en.layout.title!.text).toBe("3×3 input, 2×2 kernel, padding (1, 1), stride (3, 2)<br>→ 2×2 output");
    expect(zh.layout.title!.text).toBe("3×3 输入，2×2 卷积核，填充 (1, 1)，步幅 (3, 2)<br>→ 2×2 输出");
    expect([zh.layout.xaxis!.title!.text, zh.layout.yaxis!.title!.text]).toEqual(["列", "行"]);
    expect(texts(zh).join("\n")).toContain("灰色格子：零填充");
    const svg = viz.renderSvg(zh);
    expect(svg).toContain("步幅 (3, 2)");
    expect(svg).toContain("零填充");
    viz.setLocale("zh-CN");
    expect(viz.paddingStrideFigure({ inputSize: 3, kernelSize: 2, title: "我的标题" }).layout.title!.text).toBe("我的标题");
  });

  it("trainingCurves: legend, x axis, default title, empty note and gap note", () => {
    const history = [{ epoch: 1, trainLoss: 1, trainAcc: 0.5, testAcc: 0.4 }, { epoch: 2, trainLoss: NaN, trainAcc: 0.6, testAcc: 0.5 }];
    const { en, zh } = both(() => viz.trainingCurves(history));
    expect(names(en)).toEqual(["train loss", "train acc", "test acc"]);
    expect(names(zh)).toEqual(["训练损失", "训练准确率", "测试准确率"]);
    expect(zh.layout.xaxis!.title!.text).toBe("迭代周期");
    expect(zh.layout.title!.text).toBe("训练");
    expect(texts(zh)).toContain("空缺：第 2 个迭代周期的训练损失为 NaN");
    expect(texts(en)).toContain("gaps: train loss at epoch 2 is NaN");
    const svg = viz.renderSvg(zh);
    for (const word of ["训练损失", "训练准确率", "测试准确率", "迭代周期"]) expect(svg).toContain(word);
    viz.setLocale("zh-CN");
    expect(viz.describeFigure(zh)).toBe("<训练: 训练损失: 2 个点，最后一个为 1; 训练准确率: 2 个点，最后一个为 0.6; 测试准确率: 2 个点，最后一个为 0.5>\n  注: 空缺：第 2 个迭代周期的训练损失为 NaN");
    viz.setLocale("en");
    expect(viz.describeFigure(en)).toBe("<Training: train loss: 2 points, last 1; train acc: 2 points, last 0.6; test acc: 2 points, last 0.5>\n  note: gaps: train loss at epoch 2 is NaN");
    const empty = both(() => viz.trainingCurves([], { epochs: 3 }));
    expect(texts(empty.zh)).toContain("还没有迭代周期");
    viz.setLocale("zh-CN");
    expect(viz.trainingCurves(history, { title: "学习边缘检测卷积核" }).layout.title!.text).toBe("学习边缘检测卷积核");
  });

  it("receptiveFieldFigure: title, per-layer panel titles and the explanation", () => {
    const { en, zh } = both(() => viz.receptiveFieldFigure(zeros([28, 28]), lenet(), { output: [2, 2] }));
    expect(en.layout.title!.text).toBe("Receptive field, layer by layer");
    expect(zh.layout.title!.text).toBe("各层的感受野");
    expect(texts(zh).some((t) => /单元 \[\d+, \d+\] 看到 \d+×\d+，跨度 \d+/.test(t))).toBe(true);
    expect(texts(zh).some((t) => t.includes("红色：该单元的感受野，虚线：前一层的感受野"))).toBe(true);
    expect(texts(zh).join("")).not.toMatch(/unit|sees|dashed/);
    expect(viz.renderSvg(zh)).toContain("感受野");
  });

  it("featureMaps: panel titles, default title, colour-range explanation and the left-out note", () => {
    const { en, zh } = both(() => viz.featureMaps(zeros([130, 2, 2])));
    expect(texts(en)).toEqual(expect.arrayContaining(["channel 0", "showing the first 128 of 130 channels", "colour range per channel"]));
    expect(texts(zh)).toEqual(expect.arrayContaining(["通道 0", "只显示 130 个通道中的前 128 个", "每个通道各自的颜色范围"]));
    expect(zh.layout.title!.text).toBe("特征映射（130×2×2）");
    const shared = both(() => viz.featureMaps(zeros([2, 2, 2]), { scale: "shared", title: "边缘" }));
    expect(texts(shared.zh)).toContain("所有通道共用一个颜色范围");
    expect(shared.zh.layout.title!.text).toBe("边缘");
    expect(viz.renderSvg(zh)).toContain("特征映射（130×2×2）");
  });

  it("kernelGrid: default title, panel titles and the colour explanation", () => {
    const one = both(() => viz.kernelGrid(tensor([[[[1, -1]]], [[[0, 2]]]])));
    expect(one.en.layout.title!.text).toBe("Kernels (2×1×1×2)");
    expect(one.zh.layout.title!.text).toBe("卷积核（2×1×1×2）");
    expect(texts(one.zh)).toEqual(expect.arrayContaining(["输出通道 0", "输出通道 1", "蓝 < 0 < 红，范围 ±2"]));
    const many = both(() => viz.kernelGrid(zeros([2, 3, 1, 1])));
    expect(texts(many.zh)).toContain("蓝 < 0 < 红，范围 ±1；小标题：输出通道, 输入通道");
  });

  it("confusionMatrix: default title and the axes 真实类别 / 预测类别", () => {
    const { en, zh } = both(() => viz.confusionMatrix([0, 1, 1], [0, 1, 0], ["T恤", "裤子"]));
    expect(en.layout.title!.text).toBe("Confusion matrix: accuracy 66.7% of 3");
    expect(zh.layout.title!.text).toBe("混淆矩阵：3 个样本，准确率 66.7%");
    expect([zh.layout.xaxis!.title!.text, zh.layout.yaxis!.title!.text]).toEqual(["预测类别", "真实类别"]);
    const svg = viz.renderSvg(zh);
    expect(svg).toContain("预测类别");
    expect(svg).toContain("真实类别");
  });

  it("notes about the values (gaps, downsampling) and imageGrid's left-out note", () => {
    const gaps = both(() => viz.heatmap(tensor([[NaN, 1], [2, 3]])));
    expect(texts(gaps.en)).toContain("1 NaN shown as gaps marked ×");
    expect(texts(gaps.zh)).toContain("1 NaN 显示为标有 × 的空缺");
    const big = both(() => viz.heatmap(zeros([300, 300])));
    expect(texts(big.zh)[0]).toMatch(/^从 300×300 下采样到 \d+×\d+（每 \d+×\d+ 块取平均）$/);
    const images = both(() => viz.imageGrid(zeros([130, 2, 2])));
    expect(texts(images.zh)).toContain("只显示 130 张图像中的前 128 张");
  });
});

describe("the static SVG gives the Chinese text its width (a CJK character is 1 em)", () => {
  /** The width the SVG gives a legend box: its <rect> after the plot area. */
  function legendBoxWidth(svg: string): number {
    const match = /<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#ffffff" stroke="#dddddd"\/>/.exec(svg);
    if (!match) throw new Error("no legend box in the SVG");
    return Number(match[1]);
  }

  it("the training legend is as wide as 训练准确率 (5 em at 12 px)", () => {
    const { zh } = both(() => viz.trainingCurves([{ epoch: 1, trainLoss: 1, trainAcc: 0.5, testAcc: 0.4 }]));
    expect(legendBoxWidth(viz.renderSvg(zh))).toBeCloseTo(40 + textWidthEm("训练准确率") * 12 + 10);
  });

  it("the paddingStrideFigure title fits: the figure is at least as wide as its Chinese title line", () => {
    const { zh } = both(() => viz.paddingStrideFigure({ inputSize: 3, kernelSize: 2, padding: 1, stride: [3, 2] }));
    const title = zh.layout.title!.text;
    const needed = linesWidthPx(plainLines(title), 16) + 24;
    expect(zh.layout.width).toBeGreaterThanOrEqual(needed);
    // 12 full-width characters (输入，卷积核，填充，步幅): counted at 1 em each, not the Latin 0.56 em.
    const [first] = plainLines(title);
    const fullWidth = [...first].filter((c) => textWidthEm(c) === 1).length;
    expect(fullWidth).toBe(12);
    expect(textWidthEm(first)).toBeCloseTo(fullWidth + ([...first].length - fullWidth) * LATIN_GLYPH_EM);
  });

  it("the y axis title 真实类别 sits left of the class names, not on them", () => {
    const { zh } = both(() => viz.confusionMatrix([0, 1], [0, 1], ["连衣裙", "包"]));
    const svg = viz.renderSvg(zh);
    const rotate = /<g transform="rotate\(-90 ([\d.]+) [\d.]+\)">[^]*?真实类别/.exec(svg);
    expect(rotate).not.toBeNull();
    expect(zh.layout.margin.l - Number(rotate![1])).toBeCloseTo(3 * 11 + 16, 0);
  });
});
