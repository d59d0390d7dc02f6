// The interactive form of a figure: a <div> drawn by plotly.js, shipped with this package (no CDN). Until
// plotly.js is there (scripts blocked, an untrusted notebook, a sandboxed page without the library) the div
// shows the static SVG, so no reader ever sees an empty box.
import { readPlotlySource } from "../platform/plotly.js";
import { bytesToBase64 } from "../platform/system.js";
import type { Figure } from "./figure.js";
import { escapeXml, plainLines } from "./text.js";

/** The partial bundle with scatter and heatmap (1.5 MB against 4.8 MB for the full one). */
export const PLOTLY_MODULE = "plotly.js-cartesian-dist-min/plotly-cartesian.min.js";
/** Fired on window once plotly.js has loaded, for figures whose script ran first. */
export const PLOTLY_READY_EVENT = "convlab:plotly-ready";

let plotlySourceCache: string | null = null;

export function plotlySource(): string {
  if (plotlySourceCache === null) {
    plotlySourceCache = readPlotlySource(PLOTLY_MODULE);
  }
  return plotlySourceCache;
}

/** JSON that is safe inside a <script> element: no "</script>" or "<!--" can appear. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/**
 * A <script> that defines window.Plotly once. `module`, `exports` and `define` are shadowed so that the UMD
 * wrapper sets the global even in pages with RequireJS (the classic Notebook) or CommonJS shims.
 */
export function plotlyLoaderHtml(): string {
  const source = plotlySource().replace(/<\/script/gi, "<\\/script");
  return `<script type="text/javascript">/* convlab: plotly.js, offline copy shipped with the package */\n`
    + `if (!window.Plotly) { (function (module, exports, define) {\n${source}\n}).call(window); }\n`
    + `window.dispatchEvent(new Event(${JSON.stringify(PLOTLY_READY_EVENT)}));</script>`;
}

/** Plotly's options for a figure in a lesson: no logo, no cloud buttons. */
const PLOT_CONFIG = { displaylogo: false, responsive: false, modeBarButtonsToRemove: ["select2d", "lasso2d", "sendDataToCloud"] };

export function figureHtml(figure: Figure, svg: string, includeLibrary = false): string {
  const id = `convlab-figure-${globalThis.crypto.randomUUID()}`;
  const { width, height } = figure.layout;
  const alt = figure.layout.title?.text ? plainLines(figure.layout.title.text).join(" ") : "figure";
  const image = `data:image/svg+xml;base64,${bytesToBase64(new TextEncoder().encode(svg))}`;
  return (includeLibrary ? plotlyLoaderHtml() : "")
    + `<div class="convlab-figure" id="${id}" style="width:${width}px;max-width:100%">`
    + `<img alt="${escapeXml(alt)}" src="${image}" width="${width}" height="${height}" style="max-width:100%;height:auto">`
    + `</div>\n<script type="text/javascript">(function () {\n`
    + `  var figure = ${scriptJson(figure)};\n`
    + `  function draw() {\n`
    + `    var holder = document.getElementById(${JSON.stringify(id)});\n`
    + `    if (!holder || !window.Plotly || holder.getAttribute("data-drawn")) return !!(holder && window.Plotly);\n`
    + `    holder.setAttribute("data-drawn", "1");\n`
    + `    var plot = document.createElement("div");\n`
    + `    holder.appendChild(plot);\n`
    + `    window.Plotly.newPlot(plot, figure.data, figure.layout, ${scriptJson(PLOT_CONFIG)}).then(function () {\n`
    + `      var still = holder.querySelector("img"); if (still) holder.removeChild(still);\n`
    + `    });\n`
    + `    return true;\n`
    + `  }\n`
    + `  if (!draw()) window.addEventListener(${JSON.stringify(PLOTLY_READY_EVENT)}, draw);\n`
    + `})();</script>`;
}

/** A standalone page with the library inline: opens from disk with no network. */
export function standaloneHtml(figure: Figure, svg: string): string {
  const title = figure.layout.title?.text ? plainLines(figure.layout.title.text).join(" ") : "convlab figure";
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>${escapeXml(title)}</title></head>`
    + `<body style="margin:16px;font-family:sans-serif">\n${figureHtml(figure, svg, true)}\n</body></html>\n`;
}
