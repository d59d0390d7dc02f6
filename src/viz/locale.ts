// The text the figure builders write themselves (panel names, default titles, axis names, legends, notes), in
// English and in Chinese (d2l-zh's terms), chosen by viz.setLocale. Titles and labels a caller passes are drawn
// as given and win over this table. Error messages are not here: they stay English (PyTorch's wording).
import { ValueError } from "../errors.js";

export const LOCALES = ["en", "zh-CN"] as const;
export type Locale = (typeof LOCALES)[number];

const pair = (a: number, b: number) => `(${a}, ${b})`;

const EN = {
  // correlationFigure
  input: "Input", kernel: "Kernel", output: "Output",
  // heatmap panels: hover text of one cell
  cellHover: "row %{y}, column %{x}",
  row: "row", column: "column",
  // paddingStrideFigure
  paddingStrideTitle: (h: number, w: number, kh: number, kw: number, p: [number, number], s: [number, number], oh: number, ow: number) =>
    `${h}×${w} input, ${kh}×${kw} kernel, padding ${pair(...p)}, stride ${pair(...s)}<br>→ ${oh}×${ow} output`,
  paddingNote: "grey cells: zero padding<br>numbered: each window's top-left cell, in visiting order",
  boxesNote: (third: number) => `boxes: windows 1, 2 and ${third}`,
  windowHover: "window %{text} starts at row %{y}, column %{x}",
  // trainingCurves
  trainingTitle: "Training", trainLoss: "train loss", trainAcc: "train acc", testAcc: "test acc", epoch: "epoch",
  noEpochs: "no epochs yet",
  gapAt: (series: string, epoch: number, value: number) => `${series} at epoch ${epoch} is ${value}`,
  gaps: (list: string, more: number) => `gaps: ${list}${more > 0 ? ` (+${more} more)` : ""}`,
  waiting: "(figure: waiting for data)",
  // receptiveFieldFigure
  receptiveTitle: "Receptive field, layer by layer",
  receptiveNote: (i: number, j: number, layer: string) => `output [${i}, ${j}] of ${layer}; red: the unit's field, dashed: the previous layer's`,
  receptivePanel: (layer: string, unit: [number, number], size: [number, number], jump: number) =>
    `${layer}<br>unit [${unit[0]}, ${unit[1]}] sees ${size[0]}×${size[1]}, jump ${jump}`,
  // featureMaps, kernelGrid, imageGrid
  channel: (c: number) => `channel ${c}`,
  featureMapsTitle: (c: number, h: number, w: number) => `Feature maps (${c}×${h}×${w})`,
  firstChannels: (shown: number, total: number) => `showing the first ${shown} of ${total} channels`,
  firstKernels: (shown: number, total: number) => `showing the first ${shown} of ${total} kernels`,
  firstImages: (shown: number, total: number) => `showing the first ${shown} of ${total} images`,
  sharedRange: "one colour range for all channels", rangePerChannel: "colour range per channel",
  kernelsTitle: (o: number, i: number, kh: number, kw: number) => `Kernels (${o}×${i}×${kh}×${kw})`,
  outChannel: (o: number) => `out ${o}`,
  kernelRange: (bound: number, multiple: boolean) => `blue < 0 < red, range ±${bound}` + (multiple ? "; panel title: output channel, input channel" : ""),
  // notes about a grid's values
  gapsMarked: (kinds: string) => `${kinds} shown as gaps marked ×`,
  downsampledEach: (from: string, to: string) => `each panel downsampled ${from} → ${to}`,
  downsampled: (from: string, to: string, step: number) => `downsampled ${from} → ${to} (mean of ${step}×${step} blocks)`,
  // confusionMatrix
  confusionTitle: (accuracy: string, count: number) => `Confusion matrix: accuracy ${accuracy}% of ${count}`,
  predicted: "predicted", actual: "actual",
  confusionHover: "actual %{y}, predicted %{x}: %{z}",
  // describeFigure: the text/plain form (terminals, logs, screen readers)
  figure: "Figure", empty: "empty", note: "note",
  heatmapSize: (rows: number, columns: number) => `heatmap ${rows}×${columns}`,
  heatmapPanels: (count: number) => `${count} heatmap panels`,
  points: (count: number, last: number | undefined) => `${count} points${last !== undefined ? `, last ${last}` : ""}`,
};

export type FigureText = typeof EN;

const ZH: FigureText = {
  input: "输入", kernel: "卷积核", output: "输出",
  cellHover: "第 %{y} 行，第 %{x} 列",
  row: "行", column: "列",
  paddingStrideTitle: (h, w, kh, kw, p, s, oh, ow) =>
    `${h}×${w} 输入，${kh}×${kw} 卷积核，填充 ${pair(...p)}，步幅 ${pair(...s)}<br>→ ${oh}×${ow} 输出`,
  paddingNote: "灰色格子：零填充<br>编号：每个窗口左上角的格子，按访问顺序",
  boxesNote: (third) => `方框：窗口 1、2 和 ${third}`,
  windowHover: "窗口 %{text} 从第 %{y} 行、第 %{x} 列开始",
  trainingTitle: "训练", trainLoss: "训练损失", trainAcc: "训练准确率", testAcc: "测试准确率", epoch: "迭代周期",
  noEpochs: "还没有迭代周期",
  gapAt: (series, epoch, value) => `第 ${epoch} 个迭代周期的${series}为 ${value}`,
  gaps: (list, more) => `空缺：${list}${more > 0 ? `（另有 ${more} 处）` : ""}`,
  waiting: "（图：等待数据）",
  receptiveTitle: "各层的感受野",
  receptiveNote: (i, j, layer) => `${layer} 的输出 [${i}, ${j}]；红色：该单元的感受野，虚线：前一层的感受野`,
  receptivePanel: (layer, unit, size, jump) => `${layer}<br>单元 [${unit[0]}, ${unit[1]}] 看到 ${size[0]}×${size[1]}，跨度 ${jump}`,
  channel: (c) => `通道 ${c}`,
  featureMapsTitle: (c, h, w) => `特征映射（${c}×${h}×${w}）`,
  firstChannels: (shown, total) => `只显示 ${total} 个通道中的前 ${shown} 个`,
  firstKernels: (shown, total) => `只显示 ${total} 个卷积核中的前 ${shown} 个`,
  firstImages: (shown, total) => `只显示 ${total} 张图像中的前 ${shown} 张`,
  sharedRange: "所有通道共用一个颜色范围", rangePerChannel: "每个通道各自的颜色范围",
  kernelsTitle: (o, i, kh, kw) => `卷积核（${o}×${i}×${kh}×${kw}）`,
  outChannel: (o) => `输出通道 ${o}`,
  kernelRange: (bound, multiple) => `蓝 < 0 < 红，范围 ±${bound}` + (multiple ? "；小标题：输出通道, 输入通道" : ""),
  gapsMarked: (kinds) => `${kinds} 显示为标有 × 的空缺`,
  downsampledEach: (from, to) => `每个小图从 ${from} 下采样到 ${to}`,
  downsampled: (from, to, step) => `从 ${from} 下采样到 ${to}（每 ${step}×${step} 块取平均）`,
  confusionTitle: (accuracy, count) => `混淆矩阵：${count} 个样本，准确率 ${accuracy}%`,
  predicted: "预测类别", actual: "真实类别",
  confusionHover: "真实类别 %{y}，预测类别 %{x}：%{z}",
  figure: "图", empty: "空", note: "注",
  heatmapSize: (rows, columns) => `热图 ${rows}×${columns}`,
  heatmapPanels: (count) => `${count} 个热图`,
  points: (count, last) => `${count} 个点${last !== undefined ? `，最后一个为 ${last}` : ""}`,
};

const TABLES: Record<Locale, FigureText> = { en: EN, "zh-CN": ZH };
let current: Locale = "en";

/** The language of the text figures write themselves: "en" (default) or "zh-CN". Returns nothing, so a notebook cell ending in it shows nothing. */
export function setLocale(locale: Locale): void {
  if (typeof locale !== "string" || !(LOCALES as readonly string[]).includes(locale)) {
    throw new ValueError(`setLocale: unknown locale ${JSON.stringify(locale)}; use one of ${LOCALES.map((l) => JSON.stringify(l)).join(", ")}`);
  }
  current = locale;
}

export function getLocale(): Locale {
  return current;
}

/** The built-in figure text in the current locale. */
export function figureText(): FigureText {
  return TABLES[current];
}
