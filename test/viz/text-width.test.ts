// Width of CJK text in our figure layout (src/viz/text-width.ts): a Chinese character is a full em wide, not the
// 0.56 em of an average Latin glyph, so Chinese titles, legends and axis labels get the room they draw in.
// The pixels themselves are checked in headless Chromium by test/browser/figures-cjk.test.ts.

import { describe, expect, it } from "vitest";
import { tensor, viz } from "../../src/index.js";
import { FONT_FAMILY, type Figure } from "../../src/viz/figure.js";
import { isFullWidth, LATIN_GLYPH_EM, linesWidthPx, textWidthEm } from "../../src/viz/text-width.js";

describe("textWidthEm", () => {
  it("counts a Latin glyph 0.56 em and a CJK character, kana, Hangul or full-width punctuation 1 em", () => {
    expect(textWidthEm("abc")).toBeCloseTo(3 * LATIN_GLYPH_EM);
    expect(textWidthEm("卷积核")).toBe(3);
    expect(textWidthEm("互相关运算：输入 ⋆ 卷积核")).toBeCloseTo(5 + 1 + 2 + 3 + 3 * LATIN_GLYPH_EM);
    expect(textWidthEm("かなカナ한글")).toBe(6);
    expect(textWidthEm("（，。）")).toBe(4);
    expect(textWidthEm("𠀀")).toBe(1); // outside the BMP: one character, not two UTF-16 units
    expect(textWidthEm("")).toBe(0);
  });

  it("isFullWidth: CJK and full-width forms yes; Latin, Greek, math symbols, half-width katakana no", () => {
    for (const character of ["中", "、", "ア", "한", "Ａ", "！"]) expect(isFullWidth(character.codePointAt(0)!), character).toBe(true);
    for (const character of ["a", "σ", "×", "⋆", "ｱ", "·"]) expect(isFullWidth(character.codePointAt(0)!), character).toBe(false);
  });

  it("linesWidthPx is the widest line at the font size", () => {
    expect(linesWidthPx(["ab", "卷积"], 10)).toBe(20);
    expect(linesWidthPx([], 10)).toBe(0);
  });
});

/** The width the SVG gives a legend box: its <rect> after the plot area. */
function legendBoxWidth(svg: string): number {
  const match = /<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="#ffffff" stroke="#dddddd"\/>/.exec(svg);
  if (!match) throw new Error("no legend box in the SVG");
  return Number(match[1]);
}

describe("figures with Chinese text", () => {
  it("a long Chinese title widens the figure so it is not cut (the Latin average would not)", () => {
    const title = "互相关运算：输入与卷积核逐窗口相乘再求和得到输出的每个元素";
    const figure = viz.heatmap(tensor([[1, 2], [3, 4]]), { title });
    // 29 characters, all but a few full-width, at 16 px: more than the ~300 px a 2×2 heatmap needs.
    expect(figure.layout.width).toBeGreaterThanOrEqual(textWidthEm(title) * 16 + 24);
    expect(textWidthEm(title) * 16 + 24).toBeGreaterThan(title.length * LATIN_GLYPH_EM * 16 + 24 + 100);
    const curves = viz.trainingCurves([{ epoch: 1, trainLoss: 1 }], { title: `${"训练过程中的损失和准确率".repeat(3)}` });
    expect(curves.layout.width).toBeGreaterThanOrEqual(textWidthEm("训练过程中的损失和准确率".repeat(3)) * 16 + 24);
  });

  it("a legend box is as wide as its Chinese entries", () => {
    const figure = viz.trainingCurves([{ epoch: 1, trainLoss: 1 }, { epoch: 2, trainLoss: 0.5 }]);
    const english = legendBoxWidth(viz.renderSvg(figure));
    const translated: Figure = { ...figure, data: figure.data.map((trace) => ({ ...trace, name: "训练集上的损失值" })) };
    const chinese = legendBoxWidth(viz.renderSvg(translated));
    expect(chinese).toBeCloseTo(40 + 8 * 12 + 10);
    expect(chinese).toBeGreaterThan(english);
  });

  it("the y axis title moves left of Chinese tick labels instead of overlapping them", () => {
    const names = ["T恤", "裤子", "套头衫", "连衣裙", "外套", "凉鞋", "衬衫", "运动鞋", "包", "短靴"];
    const figure = viz.confusionMatrix([0, 1, 2, 3], [0, 1, 2, 2], names.slice(0, 4), { title: "混淆矩阵" });
    const svg = viz.renderSvg(figure);
    // "actual" is drawn rotated at x = left edge - (widest tick label + 16): widest label 连衣裙 is 3 em at 11 px.
    const rotate = /<g transform="rotate\(-90 ([\d.]+) [\d.]+\)">[^]*?actual/.exec(svg);
    expect(rotate).not.toBeNull();
    const plotLeft = figure.layout.margin.l;
    expect(plotLeft - Number(rotate![1])).toBeCloseTo(3 * 11 + 16, 0);
    // The left margin leaves room for the label: 3 characters count as 3 / 0.56 Latin ones.
    expect(plotLeft).toBeCloseTo(40 + (3 / LATIN_GLYPH_EM) * 7.5, 5);
  });

  it("the font stack has CJK fonts, in the SVG and in the plotly layout", () => {
    for (const font of ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei"]) expect(FONT_FAMILY).toContain(font);
    const figure = viz.heatmap(tensor([[1]]), { title: "卷积核" });
    expect(figure.layout.font?.family).toBe(FONT_FAMILY);
    expect(viz.renderSvg(figure)).toContain("Noto Sans CJK SC");
  });
});
