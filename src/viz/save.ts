// saveFigure: .svg from our renderer (no browser), .html as a standalone interactive page, and .png by
// rasterising that SVG in headless Chromium (driven by playwright-core) when it is installed.
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, extname } from "node:path";
import { ValueError } from "../errors.js";
import { fileError } from "../fs-errors.js";
import type { Figure } from "./figure.js";
import { standaloneHtml } from "./html.js";
import { renderSvg } from "./svg/render.js";

const CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** Chromium's path: $CONVLAB_CHROMIUM, else the usual Debian / Ubuntu / Chrome locations; null when none exists. */
export function findChromium(): string | null {
  const fromEnvironment = process.env.CONVLAB_CHROMIUM;
  if (fromEnvironment) return existsSync(fromEnvironment) ? fromEnvironment : null;
  return CHROMIUM_CANDIDATES.find((path) => existsSync(path)) ?? null;
}

/** Flags for a headless Chromium that never reaches the network on its own. */
export const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--no-first-run", "--disable-dev-shm-usage", "--disable-extensions", "--disable-sync", "--mute-audio"];

/** PNG bytes of an SVG document, drawn by headless Chromium at `scale` device pixels per CSS pixel. */
export async function rasterizeSvg(svg: string, width: number, height: number, scale = 2): Promise<Buffer> {
  const executablePath = findChromium();
  if (executablePath === null) {
    throw new ValueError(`saveFigure: writing PNG needs Chromium, and none was found (looked at ${process.env.CONVLAB_CHROMIUM ?? CHROMIUM_CANDIDATES.join(", ")}). `
      + `Install it (Debian: apt-get install chromium) or set CONVLAB_CHROMIUM, or save as .svg, which needs no browser.`);
  }
  let playwright: typeof import("playwright-core");
  try {
    playwright = await import("playwright-core");
  } catch {
    throw new ValueError("saveFigure: writing PNG needs the npm package playwright-core (npm install playwright-core), or save as .svg");
  }
  const browser = await playwright.chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: scale });
    await page.route(/^(?!data:|about:)/, (route) => route.abort()); // nothing may load from outside
    await page.setContent(`<!doctype html><html><body style="margin:0;background:#fff">${svg}</body></html>`);
    return await page.screenshot({ clip: { x: 0, y: 0, width, height }, type: "png" });
  } finally {
    await browser.close();
  }
}

/**
 * Writes a figure to `path`; the extension chooses the format: .svg (static, no browser), .png (Chromium),
 * .html (interactive page with plotly.js inline, opens offline). Returns the path.
 */
export async function saveFigure(figure: Figure, path: string, options: { scale?: number } = {}): Promise<string> {
  const extension = extname(path).toLowerCase();
  if (![".svg", ".png", ".html"].includes(extension)) {
    throw new ValueError(`saveFigure: cannot tell the format from '${path}'; use a name ending in .svg, .png or .html`);
  }
  const svg = renderSvg(figure);
  let contents: string | Buffer;
  if (extension === ".svg") contents = svg;
  else if (extension === ".html") contents = standaloneHtml(figure, svg);
  else contents = await rasterizeSvg(svg, figure.layout.width, figure.layout.height, options.scale ?? 2);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, contents);
  } catch (error) {
    throw fileError("saveFigure", "write", path, error);
  }
  return path;
}
