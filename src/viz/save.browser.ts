// saveFigure in a browser (the browser build uses this in place of save.ts): there is no file system, so in a
// page the figure is offered as a download named after `path` — .svg from our renderer, .html as a standalone
// interactive page (needs plotly.js loaded: loadPlotly), .png drawn from the SVG on a canvas. In a worker
// (a JupyterLite kernel) there is no page to download from, and it says so.
import { ValueError } from "../errors.js";
import type { Figure } from "./figure.js";
import { standaloneHtml } from "./html.js";
import { renderSvg } from "./svg/render.js";

export function findChromium(): string | null {
  return null;
}

export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--no-first-run", "--disable-dev-shm-usage", "--disable-extensions", "--disable-sync", "--mute-audio"];

export async function rasterizeSvg(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.round(width * scale);
  canvas.height = Math.round(height * scale);
  const context = canvas.getContext("2d")!;
  context.fillStyle = "#fff";
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(image.src);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new ValueError("saveFigure: the canvas gave no PNG"))), "image/png"));
}

export async function saveFigure(figure: Figure, path: string, options: { scale?: number } = {}): Promise<string> {
  const extension = /\.[^./\\]*$/.exec(path)?.[0].toLowerCase() ?? "";
  if (![".svg", ".png", ".html"].includes(extension)) {
    throw new ValueError(`saveFigure: cannot tell the format from '${path}'; use a name ending in .svg, .png or .html`);
  }
  if (typeof document === "undefined") {
    throw new ValueError(`saveFigure: cannot write '${path}': a browser worker has no file system or page to download from; show(figure) and use the figure's own download button`);
  }
  const svg = renderSvg(figure);
  const blob = extension === ".svg" ? new Blob([svg], { type: "image/svg+xml" })
    : extension === ".html" ? new Blob([standaloneHtml(figure, svg)], { type: "text/html" })
    : await rasterizeSvg(svg, figure.layout.width, figure.layout.height, options.scale ?? 2);
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = path.split(/[\\/]/).pop()!;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  return path;
}
