// Heatmaps of 2-D tensors, and the book's "input ⋆ kernel = output" picture.
import { ValueError } from "../errors.js";
import { BLUES, COLORSCALES, tryParseColor, type ColorscaleName } from "./colors.js";
import type { Colorscale, Figure } from "./figure.js";
import { finiteRange, matrixOf, noteFor, type Matrix, type MatrixInput } from "./matrix.js";
import { baseLayout, fitToText, footnote, gridLayout, heatmapPanel, panelTitle } from "./panel.js";
import { formatCell, plotlyText } from "./text.js";
import { figureText } from "./locale.js";

export interface HeatmapOptions {
  title?: string;
  /** Write each value in its cell; "auto" (default) does so for grids of at most 12 × 12. */
  showValues?: boolean | "auto";
  colorscale?: ColorscaleName | Colorscale;
  /** Colour range; defaults to the finite values' range. */
  zmin?: number;
  zmax?: number;
  showScale?: boolean;
}

const VALUE_CELL_PIXELS = 44;
const MAX_PANEL_PIXELS = 420;

export function resolveColorscale(scale: ColorscaleName | Colorscale | undefined, fallback: Colorscale, op = "heatmap"): Colorscale {
  if (scale === undefined) return fallback;
  if (typeof scale === "string" && Object.hasOwn(COLORSCALES, scale)) return COLORSCALES[scale];
  const valid = Array.isArray(scale) && scale.length >= 2 && scale[0]?.[0] === 0 && scale[scale.length - 1]?.[0] === 1
    && scale.every((stop) => Array.isArray(stop) && typeof stop[0] === "number" && typeof stop[1] === "string" && tryParseColor(stop[1]) !== null);
  if (!valid) {
    throw new ValueError(`${op}: unknown colorscale ${JSON.stringify(scale)}; use one of ${Object.keys(COLORSCALES).join(", ")} or a list [[0, colour], ..., [1, colour]] with colours as #rgb, #rrggbb, rgb(r, g, b) or a basic name`);
  }
  return scale as Colorscale;
}

export function showsValues(option: boolean | "auto" | undefined, matrix: Matrix): boolean {
  if (option === true || option === false) return option;
  return matrix.step === 1 && matrix.rows <= 12 && matrix.columns <= 12;
}

/** zmin/zmax with a non-empty span (a constant grid still gets a colour). */
export function colorRange(matrix: Matrix, zmin?: number, zmax?: number): [number, number] {
  const [low, high] = finiteRange(matrix.values);
  const from = zmin ?? low, to = zmax ?? high;
  return from === to ? [from - 0.5, to + 0.5] : [from, to];
}

/** Pixels per cell so the panel's longer side is at most MAX_PANEL_PIXELS (values need room to be read). */
function cellPixelsFor(matrix: Matrix, showValues: boolean): number {
  if (showValues) return VALUE_CELL_PIXELS;
  return Math.min(28, MAX_PANEL_PIXELS / Math.max(matrix.sourceRows, matrix.sourceColumns));
}

/** A 2-D tensor ([H, W], or with leading size-1 dims) as a heatmap, row 0 at the top. */
export function heatmap(t: MatrixInput, options: HeatmapOptions = {}): Figure {
  const matrix = matrixOf(t, "input", "heatmap");
  const values = showsValues(options.showValues ?? "auto", matrix);
  const colorscale = resolveColorscale(options.colorscale, values ? BLUES : COLORSCALES.viridis);
  const [zmin, zmax] = colorRange(matrix, options.zmin, options.zmax);
  const cell = cellPixelsFor(matrix, values);
  const showscale = options.showScale ?? !values;
  const note = noteFor(matrix);
  const margin = { l: 48, r: showscale ? 90 : 24, t: options.title ? 56 : 24, b: note ? 64 : 36 };
  const panelWidth = Math.max(60, matrix.sourceColumns * cell), panelHeight = Math.max(60, matrix.sourceRows * cell);
  const grid = gridLayout({ rows: 1, columns: 1, panelWidth, panelHeight, gapX: 0, gapY: 0, margin });
  const panel = heatmapPanel(matrix, 1, { colorscale, zmin, zmax, showValues: values, showscale, showTicks: true, cellPixels: cell });
  const layout = baseLayout(grid.width, grid.height, margin, options.title === undefined ? undefined : plotlyText(options.title));
  layout.xaxis = { ...panel.xaxis, domain: grid.domains[0].x };
  layout.yaxis = { ...panel.yaxis, domain: grid.domains[0].y };
  if (note) layout.annotations!.push(footnote(note, { below: 28 }));
  return fitToText({ data: panel.traces, layout });
}

/** The dot product that makes output[0, 0], written out: "0×0 + 1×1 + ... = 19". */
function firstWindowSum(input: Matrix, kernel: Matrix): string {
  const terms: string[] = [];
  let total = 0;
  for (let i = 0; i < kernel.rows; i++) {
    for (let j = 0; j < kernel.columns; j++) {
      const x = input.values[i * input.columns + j], k = kernel.values[i * kernel.columns + j];
      terms.push(`${formatCell(x)}×${formatCell(k)}`);
      total += x * k;
    }
  }
  return terms.length <= 9 ? `${terms.join(" + ")} = ${formatCell(total)}` : "";
}

/**
 * Input, kernel and output side by side with "⋆" and "=" between them, values written in the cells and the
 * first window (input[:kH, :kW], the kernel, output[0, 0]) outlined, like the book's cross-correlation figure.
 */
export function correlationFigure(input: MatrixInput, kernel: MatrixInput, output: MatrixInput, options: { title?: string } = {}): Figure {
  const op = "correlationFigure";
  const matrices = [matrixOf(input, "input", op), matrixOf(kernel, "kernel", op), matrixOf(output, "output", op)];
  const [x, k] = matrices;
  const values = matrices.every((m) => showsValues("auto", m));
  const cell = values ? VALUE_CELL_PIXELS : Math.min(...matrices.map((m) => cellPixelsFor(m, false)));
  const tallest = Math.max(...matrices.map((m) => m.sourceRows));
  const widths = matrices.map((m) => m.sourceColumns * cell);
  const gap = 56;
  const margin = { l: 24, r: 24, t: options.title ? 80 : 48, b: 44 };
  const plotWidth = widths.reduce((a, b) => a + b, 0) + 2 * gap, plotHeight = tallest * cell;
  const layout = baseLayout(Math.round(plotWidth + margin.l + margin.r), Math.round(plotHeight + margin.t + margin.b), margin,
    options.title === undefined ? undefined : plotlyText(options.title));
  const words = figureText();
  const names = [words.input, words.kernel, words.output];
  const data: Figure["data"] = [];
  let left = 0;
  matrices.forEach((m, i) => {
    const [zmin, zmax] = colorRange(m);
    const panel = heatmapPanel(m, i + 1, { colorscale: BLUES, zmin, zmax, showValues: values, cellPixels: cell });
    const domain = {
      x: [left / plotWidth, (left + widths[i]) / plotWidth] as [number, number],
      y: [1 - (m.sourceRows * cell) / plotHeight, 1] as [number, number],
    };
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { ...panel.xaxis, domain: domain.x };
    layout[`yaxis${suffix}`] = { ...panel.yaxis, domain: domain.y };
    data.push(...panel.traces);
    layout.annotations!.push(panelTitle(`${names[i]} (${m.sourceRows}×${m.sourceColumns})`, domain, 13));
    // The first window and what it produces.
    const [rows, columns] = i === 0 ? [k.sourceRows, k.sourceColumns] : i === 1 ? [m.sourceRows, m.sourceColumns] : [1, 1];
    layout.shapes!.push({
      type: "rect", xref: `x${suffix}`, yref: `y${suffix}`, x0: -0.5, y0: -0.5, x1: columns - 0.5, y1: rows - 0.5,
      line: { color: "#d62728", width: 3 }, layer: "above",
    });
    if (i < 2) {
      const centre = (left + widths[i] + gap / 2) / plotWidth;
      layout.annotations!.push({
        text: i === 0 ? "⋆" : "=", x: centre, y: 1 - (tallest * cell) / 2 / plotHeight, xref: "paper", yref: "paper",
        xanchor: "center", yanchor: "middle", showarrow: false, font: { size: 30 },
      });
    }
    left += widths[i] + gap;
  });
  const sum = firstWindowSum(x, k);
  if (sum) {
    layout.annotations!.push({ ...footnote(sum, { below: 4 }), font: { size: 13, color: "#d62728" } });
  }
  const notes = matrices.map(noteFor).filter((n) => n !== "");
  if (notes.length > 0) {
    layout.height += 20;
    layout.margin.b += 20;
    layout.annotations!.push(footnote(notes.join("; "), { below: 24 }));
  }
  return fitToText({ data, layout });
}
