// Grids of small heatmaps: the channels of a feature map, the kernels of a conv layer, labelled images.
import { ValueError } from "../errors.js";
import { GREYS, RED_BLUE, VIRIDIS } from "./colors.js";
import type { Colorscale, Figure } from "./figure.js";
import { countNonFinite, finiteRange, gridOf, valuesOf, type Matrix, type MatrixInput } from "./matrix.js";
import { baseLayout, fitToText, footnote, gridLayout, heatmapPanel, panelTitle } from "./panel.js";
import { plotlyText } from "./text.js";
import { colorRange, resolveColorscale } from "./heatmap.js";
import type { ColorscaleName } from "./colors.js";
import { figureText } from "./locale.js";

/** More panels than this make an unreadable page and a slow plot; the rest are left out, with a note. */
export const MAX_PANELS = 128;

interface PanelSpec {
  matrix: Matrix;
  title: string;
  zmin: number;
  zmax: number;
}

interface GridOptions {
  title?: string;
  columns: number;
  colorscale: Colorscale;
  /** Longest side of one panel in pixels. */
  panelPixels: number;
  showValues: boolean;
  titleLines: number;
  notes: string[];
  /** Explanations (grey), after the warnings. */
  explanations?: string[];
}

/** Lays out panels row by row; each keeps its aspect ratio and gets its own axes. */
function panelGrid(panels: PanelSpec[], options: GridOptions): Figure {
  const columns = Math.max(1, Math.min(options.columns, panels.length));
  const rows = Math.ceil(panels.length / columns);
  const first = panels[0].matrix;
  const cell = options.panelPixels / Math.max(first.sourceRows, first.sourceColumns);
  const panelWidth = first.sourceColumns * cell, panelHeight = first.sourceRows * cell;
  const titleSpace = 16 * options.titleLines + 4;
  const notes = options.notes.filter((n) => n !== "");
  const explanations = (options.explanations ?? []).filter((n) => n !== "");
  const noteLines = notes.length + explanations.length;
  const margin = { l: 12, r: 12, t: titleSpace + (options.title ? 40 : 4), b: noteLines > 0 ? 16 + 15 * noteLines : 12 };
  const grid = gridLayout({ rows, columns, panelWidth, panelHeight, gapX: 10, gapY: titleSpace, margin });
  const layout = baseLayout(grid.width, grid.height, margin, options.title === undefined ? undefined : plotlyText(options.title));
  const data: Figure["data"] = [];
  panels.forEach((panel, i) => {
    const built = heatmapPanel(panel.matrix, i + 1, {
      colorscale: options.colorscale, zmin: panel.zmin, zmax: panel.zmax, showValues: options.showValues, cellPixels: cell,
    });
    const suffix = i === 0 ? "" : String(i + 1);
    layout[`xaxis${suffix}`] = { ...built.xaxis, domain: grid.domains[i].x };
    layout[`yaxis${suffix}`] = { ...built.yaxis, domain: grid.domains[i].y };
    data.push(...built.traces);
    if (panel.title !== "") layout.annotations!.push(panelTitle(panel.title, grid.domains[i], 11));
  });
  if (notes.length > 0) layout.annotations!.push(footnote(notes.join("<br>")));
  if (explanations.length > 0) layout.annotations!.push(footnote(explanations.join("<br>"), { below: 4 + 15 * notes.length, warning: false }));
  return fitToText({ data, layout });
}

function gapNote(values: ArrayLike<number>): string {
  const { nan, positiveInfinity, negativeInfinity } = countNonFinite(values);
  const parts = [[nan, "NaN"], [positiveInfinity, "+Inf"], [negativeInfinity, "-Inf"]].filter(([n]) => Number(n) > 0).map(([n, s]) => `${n} ${s}`);
  return parts.length > 0 ? figureText().gapsMarked(parts.join(", ")) : "";
}

function downsampleNote(matrix: Matrix): string {
  return matrix.step > 1 ? figureText().downsampledEach(`${matrix.sourceRows}×${matrix.sourceColumns}`, `${matrix.rows}×${matrix.columns}`) : "";
}

export interface FeatureMapOptions {
  title?: string;
  columns?: number;
  colorscale?: ColorscaleName | Colorscale;
  /** "channel" (default): each panel uses its own colour range; "shared": one range for all. */
  scale?: "channel" | "shared";
}

/** One panel per channel of a [C, H, W] (or [1, C, H, W]) feature map. */
export function featureMaps(t: MatrixInput, options: FeatureMapOptions = {}): Figure {
  const op = "featureMaps";
  const { shape, values } = valuesOf(t, 3, "feature maps (C, H, W)", op);
  const [channels, height, width] = shape;
  const words = figureText();
  const shown = Math.min(channels, MAX_PANELS);
  const shared = colorRange(gridOf(values, channels * height, width));
  const panels: PanelSpec[] = [];
  for (let c = 0; c < shown; c++) {
    const matrix = gridOf(values, height, width, c * height * width, 128);
    const [zmin, zmax] = options.scale === "shared" ? shared : colorRange(matrix);
    panels.push({ matrix, title: words.channel(c), zmin, zmax });
  }
  const notes = [gapNote(values), downsampleNote(panels[0].matrix),
    shown < channels ? words.firstChannels(shown, channels) : ""];
  return panelGrid(panels, {
    title: options.title ?? words.featureMapsTitle(channels, height, width), columns: options.columns ?? Math.min(8, channels),
    colorscale: resolveColorscale(options.colorscale, VIRIDIS, op), panelPixels: 110, showValues: false, titleLines: 1, notes,
    explanations: [options.scale === "shared" ? words.sharedRange : words.rangePerChannel],
  });
}

/** The kernels of a conv weight [C_out, C_in, kH, kW]: one row per output channel, one column per input channel. */
export function kernelGrid(weight: MatrixInput, options: { title?: string; showValues?: boolean } = {}): Figure {
  const op = "kernelGrid";
  const { shape, values } = valuesOf(weight, 4, "weight (C_out, C_in, kH, kW)", op);
  const [outChannels, inChannels, kh, kw] = shape;
  const words = figureText();
  const [low, high] = finiteRange(values);
  const bound = Math.max(Math.abs(low), Math.abs(high)) || 1; // symmetric, so white means zero
  const panels: PanelSpec[] = [];
  for (let o = 0; o < outChannels && panels.length < MAX_PANELS; o++) {
    for (let i = 0; i < inChannels && panels.length < MAX_PANELS; i++) {
      const matrix = gridOf(values, kh, kw, (o * inChannels + i) * kh * kw);
      panels.push({ matrix, title: inChannels === 1 ? words.outChannel(o) : `${o}, ${i}`, zmin: -bound, zmax: bound });
    }
  }
  const total = outChannels * inChannels;
  const showValues = options.showValues ?? (kh * kw <= 9 && total <= 8);
  const notes = [gapNote(values), total > panels.length ? words.firstKernels(panels.length, total) : ""];
  const explanations = [words.kernelRange(Number(bound.toPrecision(3)), inChannels > 1)];
  return panelGrid(panels, {
    title: options.title ?? words.kernelsTitle(outChannels, inChannels, kh, kw),
    columns: inChannels === 1 ? Math.min(outChannels, 8) : Math.min(inChannels, 16),
    colorscale: RED_BLUE, panelPixels: showValues ? 44 * Math.max(kh, kw) : 64, showValues, titleLines: 1, notes, explanations,
  });
}

/**
 * Images [N, 1, H, W] or [N, H, W] in a grid, each with its label above it ("\n" starts a second line, e.g.
 * "true: Shirt\npred: T-shirt" for misclassified examples), like d2l's show_images.
 */
export function imageGrid(images: MatrixInput, labels: readonly string[] = [], options: { title?: string; columns?: number } = {}): Figure {
  const op = "imageGrid";
  const { shape, values } = tryImages(images, op);
  const [count, height, width] = shape;
  if (labels.length > 0 && labels.length !== count) {
    throw new ValueError(`${op}: got ${labels.length} labels for ${count} images`);
  }
  const [low, high] = finiteRange(values);
  // Pixel intensities in [0, 1] (ToTensor) or [0, 255] keep their meaning; anything else uses the data's range.
  const [zmin, zmax] = low >= 0 && high <= 1 ? [0, 1] : low >= 0 && high <= 255 && high > 1 ? [0, 255] : [low, high === low ? low + 1 : high];
  const panels: PanelSpec[] = [];
  for (let n = 0; n < Math.min(count, MAX_PANELS); n++) {
    panels.push({ matrix: gridOf(values, height, width, n * height * width, 128), title: plotlyText(labels[n] ?? ""), zmin, zmax });
  }
  const lines = Math.max(1, ...labels.map((l) => l.split("\n").length));
  const notes = [gapNote(values), count > panels.length ? figureText().firstImages(panels.length, count) : ""];
  return panelGrid(panels, {
    title: options.title, columns: options.columns ?? Math.min(8, count), colorscale: GREYS,
    panelPixels: 96, showValues: false, titleLines: labels.length > 0 ? lines : 0, notes,
  });
}

/** [N, 1, H, W] or [N, H, W] -> [N, H, W] with its values. */
function tryImages(images: MatrixInput, op: string): { shape: number[]; values: ArrayLike<number> } {
  const shape = images instanceof Object && "shape" in images ? [...(images as { shape: readonly number[] }).shape] : [];
  if (shape.length === 4) {
    if (shape[1] !== 1) throw new ValueError(`${op}: expected grayscale images with 1 channel, but got ${shape[1]} channels (shape [${shape.join(", ")}])`);
    const { values } = valuesOf(images, 4, "images (N, 1, H, W)", op);
    return { shape: [shape[0], shape[2], shape[3]], values };
  }
  return valuesOf(images, 3, "images (N, H, W) or (N, 1, H, W)", op);
}
