// Our own renderer for the static copy of a figure: {data, layout} -> SVG text, in plain TypeScript, with no
// browser. It draws what the builders in src/viz produce (heatmaps, lines and markers, rectangles and lines,
// text annotations, subplot grids, a legend and a colour bar), following Plotly's meaning of each field, so
// the picture matches the interactive plot. Heatmaps become one embedded PNG each (crisp cells, small files).
import { colorAt, contrastText, parseColor, toHex } from "../colors.js";
import { axisKey, FONT_FAMILY, type Annotation, type Axis, type Figure, type Font, type HeatmapTrace, type Layout, type ScatterTrace, type Shape } from "../figure.js";
import { escapeXml, plainLines } from "../text.js";
import { linesWidthPx } from "../text-width.js";
import { bytesToBase64 } from "../../platform/system.js";
import { encodePng } from "./png.js";
import { formatTick, niceTicks } from "./ticks.js";

interface Box { left: number; top: number; width: number; height: number }

/** A placed axis: its pixel span and how values map onto it. */
interface PlacedAxis {
  axis: Axis;
  range: [number, number];
  /** pixel start and length along the axis (left→right for x, top→bottom for y). */
  start: number;
  length: number;
  toPixel(value: number): number;
}

interface Subplot { x: PlacedAxis; y: PlacedAxis; xRef: string; yRef: string; clipId: string }

// Widths of labels and legend entries for layout: text-width.ts (Latin ≈ 0.56 em a glyph, CJK 1 em).
const DASHES: Record<string, string> = { dash: "8,4", dot: "2.5,3", solid: "" };

function fnv(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(36);
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

function fontAttributes(font: Font | undefined, base: Required<Font>): string {
  const size = font?.size ?? base.size, color = font?.color ?? base.color;
  return `font-family="${escapeXml(font?.family ?? base.family)}" font-size="${size}" fill="${escapeXml(color)}"`;
}

/** Multi-line text anchored like a Plotly annotation. */
function textBlock(text: string, x: number, y: number, size: number, attributes: string,
  anchor: "start" | "middle" | "end", vertical: "top" | "middle" | "bottom" | "baseline" = "baseline"): string {
  const lines = plainLines(text);
  const lineHeight = size * 1.25;
  const blockHeight = lines.length * lineHeight;
  const firstBaseline = vertical === "top" ? y + size * 0.95
    : vertical === "middle" ? y - blockHeight / 2 + size * 0.95
    : vertical === "bottom" ? y - blockHeight + size * 0.95 : y;
  const spans = lines.map((line, i) => `<tspan x="${num(x)}" y="${num(firstBaseline + i * lineHeight)}">${escapeXml(line)}</tspan>`).join("");
  return `<text text-anchor="${anchor}" ${attributes}>${spans}</text>`;
}

function rangeFromData(figure: Figure, ref: string): [number, number] {
  let low = Infinity, high = -Infinity;
  for (const trace of figure.data) {
    const traceRef = ref[0] === "x" ? trace.xaxis ?? "x" : trace.yaxis ?? "y";
    if (traceRef !== ref) continue;
    const values = trace.type === "scatter" ? (ref[0] === "x" ? trace.x : trace.y) : [];
    for (const v of values) if (v !== null && Number.isFinite(v)) { low = Math.min(low, v); high = Math.max(high, v); }
  }
  if (low === Infinity) return [0, 1];
  return low === high ? [low - 1, high + 1] : [low, high];
}

function placeSubplots(figure: Figure, area: Box, id: string): Map<string, Subplot> {
  const { layout } = figure;
  const pairs = new Map<string, [string, string]>();
  for (const trace of figure.data) pairs.set(`${trace.xaxis ?? "x"}/${trace.yaxis ?? "y"}`, [trace.xaxis ?? "x", trace.yaxis ?? "y"]);
  for (const shape of layout.shapes ?? []) if (shape.xref !== "paper") pairs.set(`${shape.xref}/${shape.yref}`, [shape.xref, shape.yref]);
  const subplots = new Map<string, Subplot>();
  let index = 0;
  for (const [key, [xRef, yRef]] of pairs) {
    const xAxis = layout[axisKey(xRef)] ?? {}, yAxis = layout[axisKey(yRef)] ?? {};
    const xRange = xAxis.range ?? rangeFromData(figure, xRef), yRange = yAxis.range ?? rangeFromData(figure, yRef);
    const xDomain = xAxis.domain ?? [0, 1], yDomain = yAxis.domain ?? [0, 1];
    let left = area.left + xDomain[0] * area.width, width = (xDomain[1] - xDomain[0]) * area.width;
    let top = area.top + (1 - yDomain[1]) * area.height, height = (yDomain[1] - yDomain[0]) * area.height;
    if (yAxis.scaleanchor === xRef) {
      // Equal units on both axes (square pixels): shrink the longer side's domain about its centre, as Plotly's constrain: "domain".
      const ratio = yAxis.scaleratio ?? 1;
      const xUnits = Math.abs(xRange[1] - xRange[0]), yUnits = Math.abs(yRange[1] - yRange[0]) * ratio;
      const pixelsPerUnit = Math.min(width / xUnits, height / yUnits);
      left += (width - xUnits * pixelsPerUnit) / 2; top += (height - yUnits * pixelsPerUnit) / 2;
      width = xUnits * pixelsPerUnit; height = yUnits * pixelsPerUnit;
    }
    const place = (axis: Axis, range: [number, number], start: number, length: number, flip: boolean): PlacedAxis => ({
      axis, range, start, length,
      toPixel: (v) => flip ? start + length - ((v - range[0]) / (range[1] - range[0])) * length : start + ((v - range[0]) / (range[1] - range[0])) * length,
    });
    subplots.set(key, { x: place(xAxis, xRange, left, width, false), y: place(yAxis, yRange, top, height, true), xRef, yRef, clipId: `${id}-clip${index++}` });
  }
  return subplots;
}

function heatmapImage(trace: HeatmapTrace, plot: Subplot): string {
  const rows = trace.z.length, columns = rows > 0 ? trace.z[0].length : 0;
  if (rows === 0 || columns === 0) return "";
  const dx = trace.dx ?? 1, dy = trace.dy ?? 1, x0 = trace.x0 ?? 0, y0 = trace.y0 ?? 0;
  const left = plot.x.toPixel(x0 - dx / 2), right = plot.x.toPixel(x0 + (columns - 0.5) * dx);
  const top = plot.y.toPixel(y0 - dy / 2), bottom = plot.y.toPixel(y0 + (rows - 0.5) * dy);
  const cellWidth = Math.abs(right - left) / columns, cellHeight = Math.abs(bottom - top) / rows;
  // Upscale with nearest neighbour so viewers that ignore image-rendering: pixelated still show sharp cells
  // (up to 4× per cell: beyond that the file grows faster than the picture improves).
  const scale = Math.max(1, Math.min(Math.round(2 * Math.max(cellWidth, cellHeight)), 4, Math.floor(1600 / Math.max(rows, columns))));
  const width = columns * scale, height = rows * scale;
  const rgba = new Uint8Array(width * height * 4);
  const span = trace.zmax - trace.zmin || 1;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const v = trace.z[r][c];
      if (v === null) continue; // transparent: the plot background shows through the gap
      const [red, green, blue] = colorAt(trace.colorscale, (v - trace.zmin) / span);
      for (let i = 0; i < scale; i++) {
        let p = ((r * scale + i) * width + c * scale) * 4;
        for (let j = 0; j < scale; j++, p += 4) { rgba[p] = red; rgba[p + 1] = green; rgba[p + 2] = blue; rgba[p + 3] = 255; }
      }
    }
  }
  const png = bytesToBase64(encodePng(width, height, rgba));
  const x = Math.min(left, right), y = Math.min(top, bottom);
  let out = `<image x="${num(x)}" y="${num(y)}" width="${num(Math.abs(right - left))}" height="${num(Math.abs(bottom - top))}" preserveAspectRatio="none" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`;
  if (trace.xgap || trace.ygap) {
    const lines: string[] = [];
    for (let c = 1; c < columns; c++) lines.push(`M${num(x + c * cellWidth)},${num(y)}v${num(Math.abs(bottom - top))}`);
    for (let r = 1; r < rows; r++) lines.push(`M${num(x)},${num(y + r * cellHeight)}h${num(Math.abs(right - left))}`);
    out += `<path d="${lines.join("")}" stroke="#ffffff" stroke-width="${trace.xgap ?? trace.ygap}" fill="none"/>`;
  }
  if (trace.text && trace.texttemplate) {
    const size = trace.textfont?.size ?? 12;
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const label = trace.text[r]?.[c] ?? "";
        if (label === "") continue;
        const v = trace.z[r][c];
        const color = trace.textfont?.color ?? (v === null ? "#222222" : contrastText(colorAt(trace.colorscale, (v - trace.zmin) / span)));
        const cx = plot.x.toPixel(x0 + c * dx), cy = plot.y.toPixel(y0 + r * dy);
        out += `<text x="${num(cx)}" y="${num(cy + size * 0.35)}" text-anchor="middle" font-family="${escapeXml(FONT_FAMILY)}" font-size="${size}" fill="${color}">${escapeXml(plainLines(label).join(" "))}</text>`;
      }
    }
  }
  return out;
}

function marker(x: number, y: number, trace: ScatterTrace, fallback: string): string {
  const size = trace.marker?.size ?? 6, color = trace.marker?.color ?? fallback;
  const outline = trace.marker?.line ? ` stroke="${escapeXml(trace.marker.line.color ?? "#444444")}" stroke-width="${trace.marker.line.width ?? 1}"` : "";
  const half = size / 2;
  switch (trace.marker?.symbol ?? "circle") {
    case "x":
      return `<path d="M${num(x - half)},${num(y - half)}L${num(x + half)},${num(y + half)}M${num(x - half)},${num(y + half)}L${num(x + half)},${num(y - half)}" stroke="${escapeXml(color)}" stroke-width="${num(Math.max(1.5, size / 5))}"/>`;
    case "square":
      return `<rect x="${num(x - half)}" y="${num(y - half)}" width="${num(size)}" height="${num(size)}" fill="${escapeXml(color)}"${outline}/>`;
    default:
      return `<circle cx="${num(x)}" cy="${num(y)}" r="${num(half)}" fill="${escapeXml(color)}"${outline}/>`;
  }
}

function scatter(trace: ScatterTrace, plot: Subplot, fallbackColor: string): string {
  const color = trace.line?.color ?? fallbackColor;
  let out = "";
  if (trace.mode.includes("lines")) {
    let path = "", pen = false;
    trace.x.forEach((xv, i) => {
      const yv = trace.y[i];
      if (yv === null || !Number.isFinite(yv) || !Number.isFinite(xv)) { pen = false; return; }
      path += `${pen ? "L" : "M"}${num(plot.x.toPixel(xv))},${num(plot.y.toPixel(yv))}`;
      pen = true;
    });
    const dash = DASHES[trace.line?.dash ?? "solid"];
    out += `<path d="${path}" fill="none" stroke="${escapeXml(color)}" stroke-width="${trace.line?.width ?? 2}" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
  }
  trace.x.forEach((xv, i) => {
    const yv = trace.y[i];
    if (yv === null || !Number.isFinite(yv)) return;
    const px = plot.x.toPixel(xv), py = plot.y.toPixel(yv);
    if (trace.mode.includes("markers")) out += marker(px, py, trace, color);
    if (trace.mode.includes("text") && trace.text?.[i]) {
      const size = trace.textfont?.size ?? 12;
      out += `<text x="${num(px)}" y="${num(py + size * 0.35)}" text-anchor="middle" font-family="${escapeXml(FONT_FAMILY)}" font-size="${size}" fill="${escapeXml(trace.textfont?.color ?? "#222222")}">${escapeXml(plainLines(trace.text[i]).join(" "))}</text>`;
    }
  });
  return out;
}

function axisDecorations(plot: Subplot, layout: Layout, base: Required<Font>): string {
  let out = "";
  const { x, y } = plot;
  const box = { left: x.start, right: x.start + x.length, top: y.start, bottom: y.start + y.length };
  for (const [placed, isX] of [[x, true], [y, false]] as const) {
    const axis = placed.axis;
    if (axis.visible === false) continue;
    const integerOnly = axis.range !== undefined && Number.isInteger(axis.range[0] + 0.5) && Number.isInteger(axis.range[1] + 0.5);
    const ticks = axis.tickvals ?? niceTicks(placed.range[0], placed.range[1], Math.max(2, Math.round(placed.length / (isX ? 80 : 50))), integerOnly);
    const [lo, hi] = [Math.min(...placed.range), Math.max(...placed.range)];
    const shown = ticks.map((v, i) => [v, axis.ticktext?.[i] ?? formatTick(v)] as const).filter(([v]) => v >= lo - 1e-9 && v <= hi + 1e-9);
    const tickSize = axis.tickfont?.size ?? base.size - 1;
    for (const [value, label] of shown) {
      const p = placed.toPixel(value);
      if (axis.showgrid) {
        out += isX ? `<path d="M${num(p)},${num(box.top)}V${num(box.bottom)}" stroke="${axis.gridcolor ?? "#e6e6e6"}" stroke-width="1"/>`
          : `<path d="M${num(box.left)},${num(p)}H${num(box.right)}" stroke="${axis.gridcolor ?? "#e6e6e6"}" stroke-width="1"/>`;
      }
      if (axis.ticks === "outside") {
        out += isX ? `<path d="M${num(p)},${num(box.bottom)}v5" stroke="#444444"/>` : `<path d="M${num(box.left)},${num(p)}h-5" stroke="#444444"/>`;
      }
      if (axis.showticklabels !== false) {
        const attributes = fontAttributes(axis.tickfont, { ...base, size: tickSize });
        out += isX ? textBlock(label, p, box.bottom + 8, tickSize, attributes, "middle", "top")
          : textBlock(label, box.left - 8, p, tickSize, attributes, "end", "middle");
      }
    }
    if (axis.title?.text) {
      const size = axis.title.font?.size ?? base.size + 1;
      const attributes = fontAttributes(axis.title.font, { ...base, size });
      if (isX) out += textBlock(axis.title.text, box.left + placed.length / 2, box.bottom + (axis.showticklabels === false ? 8 : 26), size, attributes, "middle", "top");
      else {
        const longest = linesWidthPx(shown.map(([, label]) => plainLines(label).join(" ")), tickSize);
        const tx = box.left - (axis.showticklabels === false ? 10 : longest + 16);
        out += `<g transform="rotate(-90 ${num(tx)} ${num(box.top + placed.length / 2)})">${textBlock(axis.title.text, tx, box.top + placed.length / 2, size, attributes, "middle", "bottom")}</g>`;
      }
    }
  }
  if (x.axis.showline || y.axis.showline) {
    const color = x.axis.linecolor ?? y.axis.linecolor ?? "#444444";
    out += x.axis.mirror || y.axis.mirror
      ? `<rect x="${num(box.left)}" y="${num(box.top)}" width="${num(x.length)}" height="${num(y.length)}" fill="none" stroke="${color}" stroke-width="1"/>`
      : `<path d="M${num(box.left)},${num(box.top)}V${num(box.bottom)}H${num(box.right)}" fill="none" stroke="${color}"/>`;
  }
  return out;
}

function paperOrAxis(ref: string, value: number, area: Box, subplots: Map<string, Subplot>, isX: boolean): number {
  if (ref === "paper") return isX ? area.left + value * area.width : area.top + (1 - value) * area.height;
  for (const plot of subplots.values()) {
    if (isX && plot.xRef === ref) return plot.x.toPixel(value);
    if (!isX && plot.yRef === ref) return plot.y.toPixel(value);
  }
  return NaN;
}

function shape(s: Shape, area: Box, subplots: Map<string, Subplot>): string {
  const x0 = paperOrAxis(s.xref, s.x0, area, subplots, true), x1 = paperOrAxis(s.xref, s.x1, area, subplots, true);
  const y0 = paperOrAxis(s.yref, s.y0, area, subplots, false), y1 = paperOrAxis(s.yref, s.y1, area, subplots, false);
  if ([x0, x1, y0, y1].some((v) => !Number.isFinite(v))) return "";
  const dash = DASHES[s.line?.dash ?? "solid"];
  const stroke = `stroke="${escapeXml(s.line?.color ?? "#444444")}" stroke-width="${s.line?.width ?? 2}"${dash ? ` stroke-dasharray="${dash}"` : ""}`;
  const opacity = s.opacity !== undefined ? ` opacity="${s.opacity}"` : "";
  if (s.type === "line") return `<path d="M${num(x0)},${num(y0)}L${num(x1)},${num(y1)}" ${stroke}${opacity}/>`;
  const fill = s.fillcolor ? escapeXml(s.fillcolor) : "none";
  return `<rect x="${num(Math.min(x0, x1))}" y="${num(Math.min(y0, y1))}" width="${num(Math.abs(x1 - x0))}" height="${num(Math.abs(y1 - y0))}" fill="${fill}" ${stroke}${opacity}/>`;
}

function annotation(a: Annotation, area: Box, subplots: Map<string, Subplot>, base: Required<Font>): string {
  const x = paperOrAxis(a.xref, a.x, area, subplots, true), y = paperOrAxis(a.yref, a.y, area, subplots, false);
  if (!Number.isFinite(x) || !Number.isFinite(y)) return "";
  const size = a.font?.size ?? base.size;
  const anchor = a.xanchor === "left" ? "start" : a.xanchor === "right" ? "end" : "middle";
  // Plotly's yanchor "bottom" puts the text above the point, with a little padding.
  const vertical = a.yanchor ?? "middle";
  const dy = (vertical === "bottom" ? -3 : vertical === "top" ? 3 : 0) - (a.yshift ?? 0);
  return textBlock(a.text, x, y + dy, size, fontAttributes(a.font, { ...base, size }), anchor, vertical);
}

function legend(figure: Figure, area: Box, base: Required<Font>): string {
  const { layout } = figure;
  const entries = figure.data.filter((t): t is ScatterTrace => t.type === "scatter" && t.showlegend !== false && t.name !== undefined);
  if (!layout.showlegend || entries.length === 0) return "";
  const x = area.left + (layout.legend?.x ?? 1.02) * area.width, y = area.top + (1 - (layout.legend?.y ?? 1)) * area.height;
  const size = base.size;
  const width = 40 + linesWidthPx(entries.map((e) => plainLines(e.name!).join(" ")), size) + 10;
  let out = `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(entries.length * (size + 10) + 8)}" fill="${layout.legend?.bgcolor ?? "#ffffff"}" stroke="#dddddd"/>`;
  entries.forEach((trace, i) => {
    const cy = y + 4 + (size + 10) * i + (size + 10) / 2;
    const color = trace.line?.color ?? trace.marker?.color ?? "#444444";
    const dash = DASHES[trace.line?.dash ?? "solid"];
    if (trace.mode.includes("lines")) out += `<path d="M${num(x + 6)},${num(cy)}h28" stroke="${escapeXml(color)}" stroke-width="${trace.line?.width ?? 2}"${dash ? ` stroke-dasharray="${dash}"` : ""}/>`;
    if (trace.mode.includes("markers")) out += marker(x + 20, cy, trace, color);
    out += textBlock(trace.name!, x + 40, cy, size, fontAttributes(undefined, base), "start", "middle");
  });
  return out;
}

function colorbar(trace: HeatmapTrace, plot: Subplot, base: Required<Font>): string {
  const x = plot.x.start + plot.x.length + 16, top = plot.y.start, height = plot.y.length, width = 14;
  const id = `cb${fnv(JSON.stringify(trace.colorscale))}`;
  const stops = trace.colorscale.map(([p, c]) => `<stop offset="${p}" stop-color="${toHex(parseColor(c))}"/>`).join("");
  let out = `<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${stops}</linearGradient></defs>`;
  out += `<rect x="${num(x)}" y="${num(top)}" width="${width}" height="${num(height)}" fill="url(#${id})" stroke="#888888" stroke-width="0.5"/>`;
  for (const v of niceTicks(trace.zmin, trace.zmax, Math.max(2, Math.round(height / 50)))) {
    const py = top + height - ((v - trace.zmin) / (trace.zmax - trace.zmin || 1)) * height;
    out += `<path d="M${num(x + width)},${num(py)}h4" stroke="#444444"/>`;
    out += textBlock(formatTick(v), x + width + 7, py, base.size - 1, fontAttributes(undefined, { ...base, size: base.size - 1 }), "start", "middle");
  }
  return out;
}

/** The figure as a standalone SVG document (UTF-8 text). */
export function renderSvg(figure: Figure): string {
  const { layout } = figure;
  const base: Required<Font> = { size: layout.font?.size ?? 12, color: layout.font?.color ?? "#222222", family: layout.font?.family ?? FONT_FAMILY };
  const { width, height, margin } = layout;
  const area: Box = { left: margin.l, top: margin.t, width: width - margin.l - margin.r, height: height - margin.t - margin.b };
  const id = `f${fnv(JSON.stringify(figure)).slice(0, 8)}`;
  const subplots = placeSubplots(figure, area, id);
  const parts: string[] = [];
  parts.push(`<rect width="${width}" height="${height}" fill="${layout.paper_bgcolor ?? "#ffffff"}"/>`);
  const clips: string[] = [];
  for (const plot of subplots.values()) {
    clips.push(`<clipPath id="${plot.clipId}"><rect x="${num(plot.x.start)}" y="${num(plot.y.start)}" width="${num(plot.x.length)}" height="${num(plot.y.length)}"/></clipPath>`);
    parts.push(`<rect x="${num(plot.x.start)}" y="${num(plot.y.start)}" width="${num(plot.x.length)}" height="${num(plot.y.length)}" fill="${layout.plot_bgcolor ?? "#ffffff"}"/>`);
  }
  const plotOf = (xRef = "x", yRef = "y") => subplots.get(`${xRef}/${yRef}`)!;
  for (const s of layout.shapes ?? []) if (s.layer === "below") parts.push(shape(s, area, subplots));
  const axes: string[] = [];
  for (const plot of subplots.values()) axes.push(axisDecorations(plot, layout, base));
  parts.push(...axes.filter((_, i) => [...subplots.values()][i].x.axis.showgrid));
  figure.data.forEach((trace, i) => {
    const plot = plotOf(trace.xaxis, trace.yaxis);
    const drawn = trace.type === "heatmap" ? heatmapImage(trace, plot) : scatter(trace, plot, ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728"][i % 4]);
    parts.push(`<g clip-path="url(#${plot.clipId})">${drawn}</g>`);
    if (trace.type === "heatmap" && trace.showscale) parts.push(colorbar(trace, plot, base));
  });
  parts.push(...axes.filter((_, i) => ![...subplots.values()][i].x.axis.showgrid));
  for (const s of layout.shapes ?? []) if (s.layer !== "below") parts.push(shape(s, area, subplots));
  for (const a of layout.annotations ?? []) parts.push(annotation(a, area, subplots, base));
  parts.push(legend(figure, area, base));
  if (layout.title?.text) {
    const size = layout.title.font?.size ?? base.size + 4;
    parts.push(textBlock(layout.title.text, width * (layout.title.x ?? 0.5), Math.min(margin.t / 2, 30), size, fontAttributes(layout.title.font, { ...base, size }), "middle", "middle"));
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`
    + `<defs>${clips.join("")}</defs>${parts.join("")}</svg>`;
}
