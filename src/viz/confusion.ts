// Confusion matrix: rows are the true classes, columns the predicted ones, counts written in the cells.
import { ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { BLUES } from "./colors.js";
import type { Figure } from "./figure.js";
import { gridOf } from "./matrix.js";
import { baseLayout, fitToText, heatmapPanel } from "./panel.js";
import { plotlyText } from "./text.js";
import { LATIN_GLYPH_EM, textWidthEm } from "./text-width.js";
import { figureText } from "./locale.js";

function labelsOf(values: Tensor | readonly number[], name: string, op: string): number[] {
  const list = values instanceof Tensor ? Array.from(values.data as ArrayLike<number>) : [...values];
  for (const v of list) {
    if (!Number.isInteger(v) || v < 0) throw new ValueError(`${op}: ${name} must hold class indices (non-negative integers), but got ${v}`);
  }
  return list;
}

export function confusionMatrix(predicted: Tensor | readonly number[], actual: Tensor | readonly number[],
  classNames: readonly string[], options: { title?: string } = {}): Figure {
  const op = "confusionMatrix";
  const predictions = labelsOf(predicted, "predicted", op), truths = labelsOf(actual, "actual", op);
  if (predictions.length !== truths.length) {
    throw new ValueError(`${op}: predicted has ${predictions.length} entries but actual has ${truths.length}`);
  }
  if (predictions.length === 0) throw new ValueError(`${op}: expected at least one prediction, but got none`);
  const classes = classNames.length;
  if (classes === 0) throw new ValueError(`${op}: expected class names, but got an empty list`);
  const counts = new Float64Array(classes * classes);
  let correct = 0;
  predictions.forEach((p, i) => {
    const t = truths[i];
    if (p >= classes || t >= classes) throw new ValueError(`${op}: class index ${Math.max(p, t)} is out of range for ${classes} class names`);
    counts[t * classes + p]++;
    if (p === t) correct++;
  });
  const matrix = gridOf(counts, classes, classes);
  const cell = classes <= 12 ? 44 : Math.max(12, Math.floor(480 / classes));
  const names = classNames.map((name) => plotlyText(name));
  // The widest class name in Latin-character widths (a Chinese name's characters count almost twice).
  const longest = Math.max(...classNames.map((n) => textWidthEm(n) / LATIN_GLYPH_EM));
  const margin = { l: 40 + Math.min(160, longest * 7.5), r: 90, t: 64, b: 64 };
  const side = classes * cell;
  const accuracy = (100 * correct) / predictions.length;
  const words = figureText();
  const title = options.title ?? words.confusionTitle(accuracy.toFixed(1), predictions.length);
  const layout = baseLayout(Math.round(side + margin.l + margin.r), Math.round(side + margin.t + margin.b), margin, plotlyText(title));
  const panel = heatmapPanel(matrix, 1, {
    colorscale: BLUES, zmin: 0, zmax: Math.max(1, ...counts), showValues: classes <= 12, showscale: true, cellPixels: cell,
  });
  const ticks = { showticklabels: true, tickvals: names.map((_, i) => i), ticktext: names, ticks: "outside" as const };
  layout.xaxis = { ...panel.xaxis, ...ticks, domain: [0, 1], title: { text: words.predicted } };
  layout.yaxis = { ...panel.yaxis, ...ticks, domain: [0, 1], title: { text: words.actual } };
  const heat = panel.traces[0];
  if (heat.type === "heatmap") heat.hovertemplate = `${words.confusionHover}<extra></extra>`;
  return fitToText({ data: panel.traces, layout });
}
