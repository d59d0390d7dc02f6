// The figure format: a small subset of Plotly's {data, layout} JSON. Builders return these plain objects, so a
// figure can be tested without a browser, drawn by plotly.js in a notebook, and drawn by our own SVG renderer
// (src/viz/svg) for the static copy. Only fields both renderers understand are listed here.

/** Plotly's colorscale form: [position in 0..1, CSS colour] pairs, first at 0 and last at 1. */
export type Colorscale = [number, string][];

export interface Font {
  size?: number;
  color?: string;
  family?: string;
}

export interface HeatmapTrace {
  type: "heatmap";
  /** Rows of values, row 0 first; null is a gap (non-finite values become null). */
  z: (number | null)[][];
  /** Centre of column 0 and the step between columns, in axis units (defaults 0 and 1); same for rows. */
  x0?: number;
  dx?: number;
  y0?: number;
  dy?: number;
  colorscale: Colorscale;
  zmin: number;
  zmax: number;
  showscale?: boolean;
  colorbar?: { thickness?: number; len?: number; x?: number; y?: number; yanchor?: "top" | "middle" | "bottom" };
  /** Cell labels drawn over the colours (with texttemplate "%{text}"). */
  text?: string[][];
  texttemplate?: string;
  textfont?: Font;
  hovertemplate?: string;
  name?: string;
  xaxis?: string;
  yaxis?: string;
  xgap?: number;
  ygap?: number;
}

export interface ScatterTrace {
  type: "scatter";
  x: number[];
  /** null leaves a gap in a line. */
  y: (number | null)[];
  mode: "lines" | "markers" | "lines+markers" | "text" | "markers+text";
  name?: string;
  showlegend?: boolean;
  line?: { color?: string; width?: number; dash?: "solid" | "dash" | "dot" };
  marker?: { color?: string; size?: number; symbol?: "circle" | "x" | "square"; line?: { color?: string; width?: number } };
  text?: string[];
  textposition?: "middle center";
  textfont?: Font;
  hovertemplate?: string;
  hoverinfo?: "skip";
  xaxis?: string;
  yaxis?: string;
}

export type Trace = HeatmapTrace | ScatterTrace;

export interface Axis {
  /** Fraction of the plotting area this axis spans (Plotly's domain). */
  domain?: [number, number];
  anchor?: string;
  /** Shown range; [high, low] reverses the axis (images: row 0 at the top). */
  range?: [number, number];
  title?: { text: string; font?: Font; standoff?: number };
  showticklabels?: boolean;
  ticks?: "" | "outside";
  tickvals?: number[];
  ticktext?: string[];
  tickfont?: Font;
  showgrid?: boolean;
  gridcolor?: string;
  zeroline?: boolean;
  showline?: boolean;
  linecolor?: string;
  mirror?: boolean;
  visible?: boolean;
  fixedrange?: boolean;
  /** Keep one unit of this axis as long as one unit of the named axis (square pixels); the domain shrinks. */
  scaleanchor?: string;
  scaleratio?: number;
  constrain?: "domain";
}

export interface Annotation {
  text: string;
  x: number;
  y: number;
  xref: string;
  yref: string;
  xanchor?: "left" | "center" | "right";
  yanchor?: "top" | "middle" | "bottom";
  showarrow: false;
  font?: Font;
  align?: "left" | "center" | "right";
  /** Pixels to move the text up (negative: down), after anchoring. */
  yshift?: number;
}

export interface Shape {
  type: "rect" | "line";
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  xref: string;
  yref: string;
  line?: { color?: string; width?: number; dash?: "solid" | "dash" | "dot" };
  fillcolor?: string;
  opacity?: number;
  layer?: "above" | "below";
}

export interface Layout {
  title?: { text: string; font?: Font; x?: number };
  width: number;
  height: number;
  margin: { l: number; r: number; t: number; b: number };
  font?: Font;
  showlegend?: boolean;
  legend?: { x?: number; y?: number; xanchor?: "left" | "right"; yanchor?: "top" | "bottom"; orientation?: "v" | "h"; bgcolor?: string };
  plot_bgcolor?: string;
  paper_bgcolor?: string;
  annotations?: Annotation[];
  shapes?: Shape[];
  hovermode?: "closest" | "x unified" | false;
  /** xaxis, xaxis2, ..., yaxis, yaxis2, ... */
  [axis: `xaxis${string}` | `yaxis${string}`]: Axis | undefined;
}

export interface Figure {
  data: Trace[];
  layout: Layout;
}

/**
 * Plotly's own font stack, then fonts with Chinese (and Japanese, Korean) glyphs found on common systems: Noto Sans
 * CJK / Source Han Sans (Linux: Debian's fonts-noto-cjk; Android), PingFang and Hiragino (macOS), Microsoft YaHei
 * (Windows), WenQuanYi (older Linux). Latin text still draws in the first fonts; CJK titles and labels in these.
 */
export const FONT_FAMILY =
  '"Open Sans", verdana, arial, "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif';

/** "x" -> "xaxis", "x3" -> "xaxis3": the layout key of a trace's axis reference. */
export function axisKey(ref: string): `xaxis${string}` | `yaxis${string}` {
  return `${ref[0]}axis${ref.slice(1)}` as `xaxis${string}`;
}
