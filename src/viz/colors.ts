// Colour scales as explicit stop lists, so plotly.js and our SVG renderer paint the same colours.
import type { Colorscale } from "./figure.js";

/** Viridis (perceptually uniform, readable in grey print): feature maps and large heatmaps. */
export const VIRIDIS: Colorscale = [
  [0, "#440154"], [0.125, "#472d7b"], [0.25, "#3b528b"], [0.375, "#2c728e"], [0.5, "#21918c"],
  [0.625, "#28ae80"], [0.75, "#5ec962"], [0.875, "#addc30"], [1, "#fde725"],
];

/** Black to white: images, as the pixel values are (Fashion-MNIST items are light on black). */
export const GREYS: Colorscale = [[0, "#000000"], [1, "#ffffff"]];

/** White to blue: small value tables (the book's input / kernel / output grids), dark text stays readable. */
export const BLUES: Colorscale = [[0, "#f7fbff"], [0.25, "#deebf7"], [0.5, "#9ecae1"], [0.75, "#4292c6"], [1, "#08519c"]];

/** Blue - white - red around zero: kernels and signed weights (zmin = -zmax). */
export const RED_BLUE: Colorscale = [
  [0, "#2166ac"], [0.25, "#92c5de"], [0.5, "#f7f7f7"], [0.75, "#f4a582"], [1, "#b2182b"],
];

export const COLORSCALES = { viridis: VIRIDIS, greys: GREYS, blues: BLUES, redBlue: RED_BLUE } as const;
export type ColorscaleName = keyof typeof COLORSCALES;

/** Line colours (d2l's Animator cycles through matplotlib's; these are the same hues). */
export const LINE_COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

export type Rgb = [number, number, number];

const NAMED: Record<string, string> = {
  black: "#000000", white: "#ffffff", red: "#ff0000", green: "#008000", blue: "#0000ff", gray: "#808080",
  grey: "#808080", orange: "#ffa500", yellow: "#ffff00", purple: "#800080",
};

/** #rgb, #rrggbb, rgb(...) / rgba(...) or a basic colour name; null for anything else. */
export function tryParseColor(color: string): Rgb | null {
  const text = NAMED[color.trim().toLowerCase()] ?? color.trim();
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(text);
  if (short) return [short[1], short[2], short[3]].map((d) => parseInt(d + d, 16)) as Rgb;
  const hex = /^#([0-9a-f]{6})$/i.exec(text);
  if (hex) {
    const n = parseInt(hex[1], 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)/i.exec(text);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])];
  return null;
}

export function parseColor(color: string): Rgb {
  return tryParseColor(color) ?? [0, 0, 0];
}

export function toHex([r, g, b]: Rgb): string {
  return "#" + [r, g, b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
}

/** The colour at position t in 0..1, interpolated linearly in RGB as plotly.js does. */
export function colorAt(scale: Colorscale, t: number): Rgb {
  const clamped = Math.min(1, Math.max(0, Number.isNaN(t) ? 0 : t));
  for (let i = 1; i < scale.length; i++) {
    const [p1, c1] = scale[i];
    if (clamped <= p1) {
      const [p0, c0] = scale[i - 1];
      const f = p1 === p0 ? 0 : (clamped - p0) / (p1 - p0);
      const a = parseColor(c0), b = parseColor(c1);
      return [a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f];
    }
  }
  return parseColor(scale[scale.length - 1][1]);
}

/** Dark or light text, whichever reads better on this background (relative luminance). */
export function contrastText([r, g, b]: Rgb): string {
  const luminance = (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
  return luminance > 0.5 ? "#222222" : "#ffffff";
}
