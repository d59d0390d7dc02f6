// Building blocks shared by the heatmap-like figures: one heatmap panel on its own pair of axes, and a grid of
// panels laid out in pixels (so images keep square pixels without relying on a renderer's autosizing).
import { type Annotation, type Axis, type Colorscale, type Figure, FONT_FAMILY, type HeatmapTrace, type Layout, type ScatterTrace, type Trace } from "./figure.js";
import { type Matrix } from "./matrix.js";
import { formatCell, plainLines, roundForJson } from "./text.js";
import { linesWidthPx } from "./text-width.js";
import { figureText } from "./locale.js";

/** Non-finite cells beyond this many are left as unmarked gaps (the note still counts them all). */
const MAX_GAP_MARKERS = 2000;

export interface PanelOptions {
  colorscale: Colorscale;
  zmin: number;
  zmax: number;
  showValues: boolean;
  showscale?: boolean;
  showTicks?: boolean;
  /** Pixel size of one cell, for the × marks on gaps and the value labels. */
  cellPixels: number;
  name?: string;
}

export function axisRefs(index: number): { x: string; y: string; xKey: `xaxis${string}`; yKey: `yaxis${string}` } {
  const suffix = index === 1 ? "" : String(index);
  return { x: `x${suffix}`, y: `y${suffix}`, xKey: `xaxis${suffix}`, yKey: `yaxis${suffix}` };
}

/** A heatmap of `matrix` on axes number `index`, row 0 at the top, with × marks on non-finite cells. */
export function heatmapPanel(matrix: Matrix, index: number, options: PanelOptions): { traces: Trace[]; xaxis: Axis; yaxis: Axis } {
  const refs = axisRefs(index);
  const z: (number | null)[][] = [];
  const gapX: number[] = [], gapY: number[] = [], gapText: string[] = [];
  const text: string[][] = [];
  const half = (matrix.step - 1) / 2;
  for (let r = 0; r < matrix.rows; r++) {
    const row: (number | null)[] = [], labels: string[] = [];
    for (let c = 0; c < matrix.columns; c++) {
      const v = matrix.values[r * matrix.columns + c];
      row.push(Number.isFinite(v) ? roundForJson(v) : null);
      labels.push(formatCell(v));
      if (!Number.isFinite(v) && gapX.length < MAX_GAP_MARKERS) {
        gapX.push(c * matrix.step + half);
        gapY.push(r * matrix.step + half);
        gapText.push(formatCell(v));
      }
    }
    z.push(row);
    text.push(labels);
  }
  const heatmap: HeatmapTrace = {
    type: "heatmap", z, x0: half, dx: matrix.step, y0: half, dy: matrix.step,
    colorscale: options.colorscale, zmin: options.zmin, zmax: options.zmax, showscale: options.showscale ?? false,
    xaxis: refs.x, yaxis: refs.y,
    hovertemplate: `${figureText().cellHover}: %{z}<extra></extra>`,
  };
  if (options.name !== undefined) heatmap.name = options.name;
  if (options.showValues) {
    heatmap.text = text;
    heatmap.texttemplate = "%{text}";
    heatmap.textfont = { size: Math.max(8, Math.min(14, Math.floor(options.cellPixels / 3.2))) };
  }
  const traces: Trace[] = [heatmap];
  if (gapX.length > 0) {
    const marks: ScatterTrace = {
      type: "scatter", x: gapX, y: gapY, mode: "markers", name: "non-finite (gap)", showlegend: false,
      text: gapText, hovertemplate: `${figureText().cellHover}: %{text}<extra></extra>`,
      marker: { symbol: "x", color: "#d62728", size: Math.max(4, Math.min(14, options.cellPixels * 0.6)) },
      xaxis: refs.x, yaxis: refs.y,
    };
    traces.push(marks);
  }
  const showTicks = options.showTicks ?? false;
  const common: Axis = {
    showgrid: false, zeroline: false, showticklabels: showTicks, ticks: showTicks ? "outside" : "", fixedrange: false,
    showline: true, mirror: true, linecolor: "#888888",
  };
  // Small grids get a tick on every row and column (the book's tables are indexed cell by cell).
  const every = (n: number): Partial<Axis> => (showTicks && n <= 16 ? { tickvals: Array.from({ length: n }, (_, i) => i) } : {});
  return {
    traces,
    xaxis: { ...common, ...every(matrix.sourceColumns), anchor: refs.y, range: [-0.5, matrix.sourceColumns - 0.5] },
    yaxis: { ...common, ...every(matrix.sourceRows), anchor: refs.x, range: [matrix.sourceRows - 0.5, -0.5], scaleanchor: refs.x, scaleratio: 1, constrain: "domain" },
  };
}

export interface GridSpec {
  rows: number;
  columns: number;
  panelWidth: number;
  panelHeight: number;
  gapX: number;
  gapY: number;
  margin: Layout["margin"];
}

/** Figure size and each panel's domains (row-major, panel 0 top left) for a rows × columns grid of panels. */
export function gridLayout(spec: GridSpec): { width: number; height: number; domains: { x: [number, number]; y: [number, number] }[] } {
  const plotWidth = spec.columns * spec.panelWidth + (spec.columns - 1) * spec.gapX;
  const plotHeight = spec.rows * spec.panelHeight + (spec.rows - 1) * spec.gapY;
  const domains: { x: [number, number]; y: [number, number] }[] = [];
  for (let r = 0; r < spec.rows; r++) {
    for (let c = 0; c < spec.columns; c++) {
      const left = c * (spec.panelWidth + spec.gapX), top = r * (spec.panelHeight + spec.gapY);
      domains.push({
        x: [left / plotWidth, (left + spec.panelWidth) / plotWidth],
        y: [1 - (top + spec.panelHeight) / plotHeight, 1 - top / plotHeight],
      });
    }
  }
  return {
    width: Math.round(plotWidth + spec.margin.l + spec.margin.r),
    height: Math.round(plotHeight + spec.margin.t + spec.margin.b),
    domains,
  };
}

/** A small title just above a panel (paper coordinates). */
export function panelTitle(text: string, domain: { x: [number, number]; y: [number, number] }, size = 12): Annotation {
  return {
    text, x: (domain.x[0] + domain.x[1]) / 2, y: domain.y[1], xref: "paper", yref: "paper",
    xanchor: "center", yanchor: "bottom", showarrow: false, font: { size },
  };
}

export const WARNING_COLOR = "#b03030";
export const NOTE_COLOR = "#555555";

/**
 * A note under the plot, `below` pixels under the plotting area (room for tick labels). Warnings (gaps,
 * downsampling, left-out panels) are red; explanations grey.
 */
export function footnote(text: string, options: { below?: number; warning?: boolean } = {}): Annotation {
  return {
    text, x: 0, y: 0, xref: "paper", yref: "paper", xanchor: "left", yanchor: "top", showarrow: false, align: "left",
    yshift: -(options.below ?? 4), font: { size: 11, color: options.warning === false ? NOTE_COLOR : WARNING_COLOR },
  };
}

export function baseLayout(width: number, height: number, margin: Layout["margin"], title?: string): Layout {
  const layout: Layout = {
    width, height, margin, showlegend: false, plot_bgcolor: "#eeeeee", paper_bgcolor: "#ffffff",
    font: { size: 12, color: "#222222", family: FONT_FAMILY }, hovermode: "closest", annotations: [], shapes: [],
  };
  if (title !== undefined && title !== "") layout.title = { text: title, font: { size: 16 }, x: 0.5 };
  return layout;
}

/**
 * Rough width of text in pixels (a Latin glyph ≈ 0.56 em, a CJK character 1 em: text-width.ts), enough to keep
 * titles and notes inside the figure.
 */
function textWidth(text: string, size: number): number {
  return linesWidthPx(plainLines(text), size);
}

/**
 * Widens a narrow figure (one small kernel, a few images) so its title and the notes under it are not cut off.
 * The extra room goes to the right margin, so panels keep their size and position.
 */
export function fitToText(figure: Figure): Figure {
  const { layout } = figure;
  let needed = layout.title ? textWidth(layout.title.text, layout.title.font?.size ?? 16) + 24 : 0;
  for (const note of layout.annotations ?? []) {
    if (note.xref === "paper" && note.y <= 0 && note.xanchor === "left") {
      needed = Math.max(needed, layout.margin.l + note.x * (layout.width - layout.margin.l - layout.margin.r) + textWidth(note.text, note.font?.size ?? 12) + 12);
    }
  }
  if (needed > layout.width) {
    const extra = Math.ceil(needed - layout.width);
    layout.width += extra;
    layout.margin.r += extra;
  }
  return figure;
}
