// show()'s HTML and SVG in a real browser: plotly.js (shipped with the package, offline) draws every figure
// type, the static SVG draws on its own, and with scripts off the reader still sees the picture.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { figureHtml, plotlyLoaderHtml, renderSvg, saveFigure, show } from "../../src/viz/index.js";
import { galleryFigures } from "../../tools/viz/gallery.js";
import { installDisplayApi, KERNEL_API_KEY } from "../../tools/jupyter-kernel/display-api.js";
import { BROWSER_WORK, inkedPixels, launchChromium, NO_CHROMIUM, SCREENSHOTS, watchedPage } from "./chromium.js";

const figures = galleryFigures();
const names = Object.keys(figures);

/** The outputs show() publishes, in order, through the kernel's real display API. */
function showOutputs(): { data: Record<string, string>; metadata: Record<string, unknown> }[] {
  const outputs: { data: Record<string, string>; metadata: Record<string, unknown> }[] = [];
  installDisplayApi({
    displayData: (content) => outputs.push(content as never),
    clearOutput: () => {},
    page: () => {},
  });
  try {
    for (const name of names) show(figures[name]);
  } finally {
    delete (globalThis as Record<symbol, unknown>)[KERNEL_API_KEY];
  }
  return outputs;
}

function writePage(name: string, body: string): string {
  const path = join(BROWSER_WORK, name);
  writeFileSync(path, `<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:12px">${body}</body></html>`);
  return pathToFileURL(path).href;
}

describe.skipIf(NO_CHROMIUM)("figures in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it(`show() outputs, as a notebook lays them out, are all drawn by plotly.js (${names.length} figures)`, async () => {
    const outputs = showOutputs();
    expect(outputs).toHaveLength(names.length + 1); // the library once, then one output per figure
    const url = writePage("show-outputs.html", outputs.map((o) => `<div class="output">${o.data["text/html"]}</div>`).join("\n"));
    const { page, errors, external } = await watchedPage(browser);
    await page.goto(url);
    await page.waitForFunction((count) => document.querySelectorAll(".convlab-figure .main-svg").length >= count, names.length, { timeout: 30_000 });
    const perFigure = await page.$$eval(".convlab-figure", (holders) => holders.map((h) => ({
      plots: h.querySelectorAll(".js-plotly-plot .main-svg").length,
      staticLeft: h.querySelectorAll("img").length,
      heatmapImages: h.querySelectorAll(".js-plotly-plot image, .js-plotly-plot .hm").length,
      lines: h.querySelectorAll(".js-plotly-plot .scatterlayer path.js-line").length,
    })));
    expect(perFigure).toHaveLength(names.length);
    for (const [i, figure] of perFigure.entries()) {
      expect(figure.plots, names[i]).toBeGreaterThan(0);
      expect(figure.staticLeft, `${names[i]}: static image replaced`).toBe(0);
      const hasHeatmap = figures[names[i]].data.some((t) => t.type === "heatmap");
      if (hasHeatmap) expect(figure.heatmapImages, `${names[i]}: heatmap drawn`).toBeGreaterThan(0);
    }
    expect(perFigure[names.indexOf("curves")].lines).toBe(3);
    // Escaped markup in a title reaches the reader as the characters typed, in plotly.js's drawing too.
    const titles = await page.$$eval(".convlab-figure .gtitle", (found) => found.map((t) => t.textContent));
    expect(titles).toContain("Values with NaN and ±Inf <b>escaped</b>");
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "viz-show-outputs.png"), fullPage: true });
    const holders = await page.$$(".convlab-figure");
    for (const [i, holder] of holders.entries()) await holder.screenshot({ path: join(SCREENSHOTS, `viz-plotly-${names[i]}.png`) });
  });

  it("every static SVG draws on its own (non-blank image of the figure's size)", async () => {
    const body = names.map((name) => {
      const svg = renderSvg(figures[name]);
      return `<figure><img id="${name}" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}"><figcaption>${name}</figcaption></figure>`;
    }).join("\n");
    const { page, errors } = await watchedPage(browser);
    await page.goto(writePage("static-svgs.html", body));
    await page.waitForFunction(() => [...document.images].every((img) => img.complete));
    const sizes = await page.$$eval("img", (images) => (images as HTMLImageElement[]).map((img) => [img.naturalWidth, img.naturalHeight]));
    expect(sizes).toEqual(names.map((name) => [figures[name].layout.width, figures[name].layout.height]));
    const inked = await inkedPixels(page, "img");
    for (const [i, count] of inked.entries()) {
      const { width, height } = figures[names[i]].layout;
      expect(count, `${names[i]} has ink`).toBeGreaterThan(width * height * 0.01);
    }
    expect(errors).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "viz-static-svgs.png"), fullPage: true });
  });

  it("with scripts off (untrusted notebook, GitHub, print) the HTML output still shows the static picture", async () => {
    const outputs = showOutputs();
    const { page } = await watchedPage(browser, { javaScriptEnabled: false });
    await page.goto(writePage("scripts-off.html", outputs.map((o) => o.data["text/html"]).join("\n")));
    const inked = await inkedPixels(page, ".convlab-figure img").catch(() => null);
    // With JavaScript off the canvas check cannot run; the browser still decodes and lays out the images.
    const laidOut = await page.$$eval(".convlab-figure img", (images) => (images as HTMLImageElement[]).map((img) => img.complete && img.naturalWidth > 0 && img.getBoundingClientRect().height > 0));
    expect(laidOut).toEqual(names.map(() => true));
    expect(await page.locator(".main-svg").count()).toBe(0);
    void inked;
    await page.screenshot({ path: join(SCREENSHOTS, "viz-scripts-off.png"), fullPage: true });
  });

  it("saveFigure(fig, \"x.png\") rasterises the static SVG in Chromium at 2x: right size, not blank", async () => {
    const fig = figures.correlation;
    const path = await saveFigure(fig, join(BROWSER_WORK, "saved", "correlation.png"));
    const png = readFileSync(path);
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([2 * fig.layout.width, 2 * fig.layout.height]);
    const { page } = await watchedPage(browser);
    await page.goto(writePage("saved-png.html", `<img src="data:image/png;base64,${png.toString("base64")}">`));
    const [inked] = await inkedPixels(page, "img");
    expect(inked).toBeGreaterThan(fig.layout.width * fig.layout.height * 4 * 0.05); // cells, text and outlines
  });

  it("a figure whose script runs before plotly.js arrives draws when the library loads", async () => {
    const fig = figures.curves;
    const { page, errors } = await watchedPage(browser);
    await page.goto(writePage("late-library.html", figureHtml(fig, renderSvg(fig)) + plotlyLoaderHtml()));
    await page.waitForSelector(".convlab-figure .main-svg", { timeout: 20_000 });
    expect(await page.locator(".convlab-figure img").count()).toBe(0);
    expect(errors).toEqual([]);
  });
});
