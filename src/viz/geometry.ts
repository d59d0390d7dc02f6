// Pictures of convolution geometry: the receptive field of one output, layer by layer, and the windows a kernel
// visits on a padded input with a given stride. Both use the calculators in src/calc, so they agree with the ops.
import { ValueError } from "../errors.js";
import { pairOf, type Pair } from "../calc/args.js";
import { convOutputShape } from "../calc/output-shape.js";
import { receptiveField, type LayerGeometry, type ReceptiveFieldRow } from "../calc/receptive-field.js";
import { GREYS, LINE_COLORS } from "./colors.js";
import type { Figure, Shape } from "./figure.js";
import { finiteRange, gridOf, matrixOf, noteFor, type MatrixInput } from "./matrix.js";
import { baseLayout, fitToText, footnote, gridLayout, heatmapPanel, panelTitle } from "./panel.js";
import { plotlyText } from "./text.js";
import { figureText } from "./locale.js";

type ModelLike = Parameters<typeof receptiveField>[0];

/** Rows where the field changes (conv and pooling layers); activations and Flatten repeat the row before. */
function fieldChanges(rows: ReceptiveFieldRow[]): ReceptiveFieldRow[] {
  const kept: ReceptiveFieldRow[] = [];
  let size = [1, 1], jump = [1, 1];
  for (const row of rows) {
    if (row.size[0] !== size[0] || row.size[1] !== size[1] || row.jump[0] !== jump[0] || row.jump[1] !== jump[1]) kept.push(row);
    size = row.size; jump = row.jump;
  }
  return kept;
}

/**
 * The input `image` with the region that output unit `output` = [i, j] of the last conv / pooling layer sees,
 * one panel per layer: panel l outlines the field of the layer-l unit on the path to that output (the one whose
 * field has the same centre), so the field grows from panel to panel. The previous panel's field is dashed.
 */
export function receptiveFieldFigure(image: MatrixInput, layers: ModelLike | Iterable<LayerGeometry>,
  options: { output?: [number, number]; title?: string; columns?: number } = {}): Figure {
  const op = "receptiveFieldFigure";
  const matrix = matrixOf(image, "image", op, 128);
  const rows = fieldChanges(receptiveField(layers as ModelLike));
  if (rows.length === 0) throw new ValueError(`${op}: layers has no conv or pooling layer, so every unit sees one pixel`);
  const [i, j] = options.output ?? [0, 0];
  if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0) {
    throw new ValueError(`${op}: output must be a pair of non-negative integer indices, but got [${i}, ${j}]`);
  }
  const last = rows[rows.length - 1];
  // Units along an axis: those whose field ends inside the image plus the padding before it (conv/pool floor).
  const units = [matrix.sourceRows, matrix.sourceColumns].map((n, a) =>
    Math.floor((n - 1 + last.padding[a] - (last.size[a] - 1) / 2 - last.start[a]) / last.jump[a]) + 1);
  if (i >= units[0] || j >= units[1]) {
    throw new ValueError(`${op}: output [${i}, ${j}] is outside the last layer's ${units[0]}×${units[1]} output for a ${matrix.sourceRows}×${matrix.sourceColumns} image`);
  }
  const centre = [last.start[0] + i * last.jump[0], last.start[1] + j * last.jump[1]];
  const regions = rows.map((row) => {
    const unit = [0, 1].map((a) => Math.max(0, Math.round((centre[a] - row.start[a]) / row.jump[a])));
    const top = row.start[0] + unit[0] * row.jump[0] - (row.size[0] - 1) / 2;
    const left = row.start[1] + unit[1] * row.jump[1] - (row.size[1] - 1) / 2;
    return { row, unit, top, left, bottom: top + row.size[0] - 1, right: left + row.size[1] - 1 };
  });
  // Axes cover the image and every field (fields reach into the padding).
  const yLow = Math.min(0, ...regions.map((r) => r.top)), yHigh = Math.max(matrix.sourceRows - 1, ...regions.map((r) => r.bottom));
  const xLow = Math.min(0, ...regions.map((r) => r.left)), xHigh = Math.max(matrix.sourceColumns - 1, ...regions.map((r) => r.right));
  const columns = Math.min(options.columns ?? 4, regions.length);
  const span = Math.max(yHigh - yLow + 1, xHigh - xLow + 1);
  const cell = 160 / span;
  const [low, high] = finiteRange(matrix.values);
  const warning = noteFor(matrix);
  const words = figureText();
  const explanation = words.receptiveNote(i, j, plotlyText(last.name));
  const margin = { l: 12, r: 12, t: 92, b: warning ? 52 : 36 };
  const grid = gridLayout({ rows: Math.ceil(regions.length / columns), columns, panelWidth: (xHigh - xLow + 1) * cell,
    panelHeight: (yHigh - yLow + 1) * cell, gapX: 12, gapY: 46, margin });
  const layout = baseLayout(grid.width, grid.height, margin, plotlyText(options.title ?? words.receptiveTitle));
  const data: Figure["data"] = [];
  regions.forEach((region, index) => {
    const panel = heatmapPanel(matrix, index + 1, {
      colorscale: GREYS, zmin: low, zmax: high === low ? low + 1 : high, showValues: false, cellPixels: cell,
    });
    const suffix = index === 0 ? "" : String(index + 1);
    const xref = `x${suffix}`, yref = `y${suffix}`;
    layout[`xaxis${suffix}`] = { ...panel.xaxis, domain: grid.domains[index].x, range: [xLow - 0.5, xHigh + 0.5] };
    layout[`yaxis${suffix}`] = { ...panel.yaxis, domain: grid.domains[index].y, range: [yHigh + 0.5, yLow - 0.5] };
    data.push(...panel.traces);
    const rect = (r: typeof region, dashed: boolean): Shape => ({
      type: "rect", xref, yref, x0: r.left - 0.5, x1: r.right + 0.5, y0: r.top - 0.5, y1: r.bottom + 0.5, layer: "above",
      line: { color: dashed ? "#ffbf00" : "#ff3030", width: dashed ? 1.5 : 2.5, dash: dashed ? "dash" : "solid" },
      fillcolor: dashed ? undefined : "rgba(255, 48, 48, 0.18)",
    });
    layout.shapes!.push(rect(region, false));
    if (index > 0) layout.shapes!.push(rect(regions[index - 1], true));
    const { row, unit } = region;
    layout.annotations!.push(panelTitle(
      words.receptivePanel(plotlyText(row.name), [unit[0], unit[1]], [row.size[0], row.size[1]], row.jump[0]),
      grid.domains[index], 11));
  });
  if (warning) layout.annotations!.push(footnote(warning));
  layout.annotations!.push(footnote(explanation, { below: warning ? 20 : 4, warning: false }));
  return fitToText({ data, layout });
}

export interface PaddingStrideOptions {
  inputSize: Pair;
  kernelSize: Pair;
  padding?: Pair;
  stride?: Pair;
  title?: string;
}

/** Windows drawn one by one up to this many; beyond it the first windows and every window's corner. */
const MAX_DRAWN_WINDOWS = 16;

/**
 * The zero-padded input grid with the windows the kernel visits, numbered in visiting order (row by row),
 * as in the book's padding and stride figures. The output shape comes from convOutputShape.
 */
export function paddingStrideFigure(options: PaddingStrideOptions): Figure {
  const op = "paddingStrideFigure";
  const [height, width] = pairOf(options.inputSize, "inputSize", op);
  const [kh, kw] = pairOf(options.kernelSize, "kernel_size", op);
  const [ph, pw] = pairOf(options.padding ?? 0, "padding", op);
  const [sh, sw] = pairOf(options.stride ?? 1, "stride", op);
  if (height <= 0 || width <= 0) throw new ValueError(`${op}: inputSize must be positive, but got [${height}, ${width}]`);
  const [outH, outW] = convOutputShape([height, width], [kh, kw], { padding: [ph, pw], stride: [sh, sw] });
  if (height + 2 * ph > 64 || width + 2 * pw > 64) {
    throw new ValueError(`${op}: a padded input of ${height + 2 * ph}×${width + 2 * pw} cells is too large to draw; use at most 64×64`);
  }
  const paddedH = height + 2 * ph, paddedW = width + 2 * pw;
  const cells = new Float64Array(paddedH * paddedW);
  for (let r = 0; r < paddedH; r++) {
    for (let c = 0; c < paddedW; c++) cells[r * paddedW + c] = r >= ph && r < ph + height && c >= pw && c < pw + width ? 1 : 0;
  }
  const matrix = gridOf(cells, paddedH, paddedW);
  const cell = Math.max(14, Math.min(44, 420 / Math.max(paddedH, paddedW)));
  const margin = { l: 48, r: 24, t: 84, b: outH * outW > MAX_DRAWN_WINDOWS ? 100 : 84 };
  const grid = gridLayout({ rows: 1, columns: 1, panelWidth: paddedW * cell, panelHeight: paddedH * cell, gapX: 0, gapY: 0, margin });
  const words = figureText();
  const title = options.title === undefined
    ? words.paddingStrideTitle(height, width, kh, kw, [ph, pw], [sh, sw], outH, outW)
    : plotlyText(options.title);
  const layout = baseLayout(Math.max(grid.width, 440), grid.height, margin, title);
  const panel = heatmapPanel(matrix, 1, {
    colorscale: [[0, "#eeeeee"], [1, "#c6dbef"]], zmin: 0, zmax: 1, showValues: false, showTicks: true, cellPixels: cell,
  });
  const heat = panel.traces[0];
  if (heat.type === "heatmap") {
    heat.x0 = -pw; heat.y0 = -ph;
    heat.text = Array.from({ length: paddedH }, (_, r) => Array.from({ length: paddedW }, (_, c) => (cells[r * paddedW + c] === 0 ? "0" : "")));
    heat.texttemplate = "%{text}";
    heat.textfont = { size: Math.max(8, Math.min(13, cell / 3)), color: "#999999" };
    heat.hovertemplate = `${words.cellHover}<extra></extra>`;
    heat.xgap = 1; heat.ygap = 1;
  }
  const plotWidthFraction = (paddedW * cell) / (layout.width - margin.l - margin.r);
  const fraction = Math.min(1, plotWidthFraction);
  const indices = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, k) => from + k);
  layout.xaxis = { ...panel.xaxis, domain: [(1 - fraction) / 2, (1 + fraction) / 2], range: [-pw - 0.5, width + pw - 0.5], title: { text: words.column } };
  layout.yaxis = { ...panel.yaxis, domain: [0, 1], range: [height + ph - 0.5, -ph - 0.5], title: { text: words.row } };
  if (paddedW <= 24) layout.xaxis.tickvals = indices(-pw, width + pw - 1);
  if (paddedH <= 24) layout.yaxis.tickvals = indices(-ph, height + ph - 1);
  const data: Figure["data"] = [...panel.traces];
  const total = outH * outW;
  const corners = { x: [] as number[], y: [] as number[], text: [] as string[] };
  for (let oi = 0; oi < outH; oi++) {
    for (let oj = 0; oj < outW; oj++) {
      const n = oi * outW + oj;
      const top = oi * sh - ph, left = oj * sw - pw;
      const drawn = total <= MAX_DRAWN_WINDOWS || n === 0 || (oi === 0 && oj === 1) || (oi === 1 && oj === 0);
      if (drawn) {
        const inset = total <= MAX_DRAWN_WINDOWS ? 0.06 + 0.05 * (n % 4) : 0.06;
        layout.shapes!.push({
          type: "rect", xref: "x", yref: "y", x0: left - 0.5 + inset, x1: left + kw - 0.5 - inset, y0: top - 0.5 + inset, y1: top + kh - 0.5 - inset,
          line: { color: LINE_COLORS[n % LINE_COLORS.length], width: n === 0 ? 3 : 2, dash: n === 0 ? "solid" : "dash" }, layer: "above",
        });
      }
      corners.x.push(left); corners.y.push(top); corners.text.push(String(n + 1));
    }
  }
  data.push({
    type: "scatter", x: corners.x, y: corners.y, mode: total <= 64 ? "markers+text" : "markers", text: corners.text,
    textfont: { size: 11, color: "#000000" }, showlegend: false, name: "window corners",
    marker: { color: "rgba(255, 255, 255, 0.85)", size: total <= 64 ? 16 : 6, symbol: "circle", line: { color: "#333333", width: 1 } },
    hovertemplate: `${words.windowHover}<extra></extra>`,
  });
  layout.annotations!.push(footnote(words.paddingNote
    + (total > MAX_DRAWN_WINDOWS ? `<br>${words.boxesNote(outW + 1)}` : ""), { below: 48, warning: false }));
  return fitToText({ data, layout });
}
