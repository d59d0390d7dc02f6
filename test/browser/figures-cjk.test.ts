// Chinese text in figures, drawn by headless Chromium (issue 14): our static SVG (titles, legend, axis labels
// inside the picture and where our layout put them), the PNG export (saveFigure .png: real glyphs, not boxes), and
// plotly.js's interactive figure (a CJK font from the stack). Needs a font with Chinese glyphs: Debian's
// fonts-noto-cjk (.ci/run installs it). Screenshots: artifacts/screenshots/viz-cjk-*.png.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tensor, viz } from "../../src/index.js";
import type { Figure } from "../../src/viz/figure.js";
import { rasterizeSvg } from "../../src/viz/save.js";
import { textWidthEm } from "../../src/viz/text-width.js";
import { BROWSER_WORK, launchChromium, NO_CHROMIUM, SCREENSHOTS, watchedPage } from "./chromium.js";

const WORK = join(BROWSER_WORK, "figures-cjk");

/** Training curves with Chinese legend entries and title, and a confusion matrix with Chinese class names. */
function chineseFigures(): Record<string, Figure> {
  const curves = viz.trainingCurves(
    [{ epoch: 1, trainLoss: 1.2, trainAcc: 0.55, testAcc: 0.6 }, { epoch: 2, trainLoss: 0.7, trainAcc: 0.72, testAcc: 0.7 }],
    { title: "LeNet 在 Fashion-MNIST 上的训练过程（损失与准确率）" },
  );
  const names = ["训练损失", "训练集准确率", "测试集准确率"];
  curves.data = curves.data.map((trace, i) => ({ ...trace, name: names[i] }));
  curves.layout.xaxis!.title = { text: "迭代周期" };
  return {
    curves,
    confusion: viz.confusionMatrix([0, 1, 2, 3, 3], [0, 1, 2, 3, 2], ["T恤", "裤子", "套头衫", "连衣裙"], { title: "混淆矩阵：准确率 80%" }),
    correlation: viz.correlationFigure(tensor([[0, 1, 2], [3, 4, 5], [6, 7, 8]]), tensor([[0, 1], [2, 3]]), tensor([[19, 25], [37, 43]]), { title: "互相关运算：输入 ⋆ 卷积核 = 输出" }),
  };
}

describe.skipIf(NO_CHROMIUM)("Chinese text in figures, in headless Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    mkdirSync(WORK, { recursive: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => { await browser?.close(); });

  it("our SVG: every title, legend entry and label stays inside the figure, the legend box holds its entries, widths as laid out", async () => {
    for (const [name, figure] of Object.entries(chineseFigures())) {
      const svg = viz.renderSvg(figure);
      const path = join(WORK, `${name}.html`);
      writeFileSync(path, `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><body style="margin:0">${svg}</body></html>`);
      const { page, errors } = await watchedPage(browser);
      await page.goto(pathToFileURL(path).href);
      const boxes = await page.$$eval("svg text", (texts) => texts.map((text) => {
        const box = (text as SVGTextElement).getBBox();
        return { text: text.textContent ?? "", x: box.x, y: box.y, width: box.width, height: box.height, family: getComputedStyle(text).fontFamily };
      }));
      const size = await page.$eval("svg", (svg) => ({ width: Number(svg.getAttribute("width")), height: Number(svg.getAttribute("height")) }));
      for (const box of boxes.filter((b) => b.text.trim() !== "")) {
        expect(box.x, `${name}: "${box.text}" starts left of the figure`).toBeGreaterThanOrEqual(-0.5);
        expect(box.x + box.width, `${name}: "${box.text}" runs past the right edge (${size.width})`).toBeLessThanOrEqual(size.width + 0.5);
        expect(box.y, `${name}: "${box.text}" above the figure`).toBeGreaterThanOrEqual(-0.5);
      }
      // Chinese runs draw about 1 em a character, as text-width.ts counts them (not the 0.56 em of Latin text).
      const title = boxes.find((b) => /[\u4e00-\u9fff]/.test(b.text) && b.height >= 14)!;
      expect(title, `${name}: no Chinese title drawn`).toBeDefined();
      const fontSize = 16;
      const estimated = textWidthEm(title.text) * fontSize;
      expect(title.width / estimated, `${name}: "${title.text}" drew ${title.width} px, laid out for ${estimated}`).toBeGreaterThan(0.8);
      expect(title.width / estimated).toBeLessThan(1.2);
      if (name === "curves") {
        const legend = await page.$eval('svg rect[stroke="#dddddd"]', (rect) => {
          const box = (rect as SVGRectElement).getBBox();
          return { x: box.x, width: box.width };
        });
        for (const entry of boxes.filter((b) => ["训练损失", "训练集准确率", "测试集准确率"].includes(b.text))) {
          expect(entry.x + entry.width, `legend entry "${entry.text}" runs out of its box`).toBeLessThanOrEqual(legend.x + legend.width);
        }
      }
      expect(errors).toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, `viz-cjk-svg-${name}.png`), fullPage: true });
      await page.context().close();
    }
  }, 120_000);

  it("PNG export (saveFigure .png) draws Chinese glyphs, not missing-glyph boxes", async () => {
    // Two different characters rasterized alone: with no font for them both draw the same .notdef box.
    const glyph = (character: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#fff"/>` +
      `<text x="8" y="48" font-size="48" font-family='${viz.renderSvg(viz.heatmap(tensor([[1]]))).match(/font-family="([^"]+)"/)![1].replace(/&quot;/g, '"')}'>${character}</text></svg>`;
    const [juan, ji] = await Promise.all([rasterizeSvg(glyph("卷"), 64, 64, 1), rasterizeSvg(glyph("积"), 64, 64, 1)]);
    expect(Buffer.compare(juan, ji), "卷 and 积 rasterize identically: no font with Chinese glyphs (apt-get install fonts-noto-cjk)").not.toBe(0);

    const figure = chineseFigures().correlation;
    const path = join(SCREENSHOTS, "viz-cjk-export.png");
    await viz.saveFigure(figure, path);
    const png = readFileSync(path);
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    // The exported picture shows the title: look at it in the page as an image, count inked pixels in its top band.
    const { page } = await watchedPage(browser);
    await page.setContent(`<img src="data:image/png;base64,${png.toString("base64")}">`);
    const inked = await page.$eval("img", (img) => {
      const image = img as HTMLImageElement;
      const canvas = document.createElement("canvas");
      canvas.width = image.naturalWidth; canvas.height = 60;
      const context = canvas.getContext("2d")!;
      context.drawImage(image, 0, 0);
      const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
      let count = 0;
      for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 128) count++;
      return count;
    });
    expect(inked).toBeGreaterThan(200);
    await page.context().close();
  }, 120_000);

  it("plotly.js draws the Chinese title with a CJK font from the stack", async () => {
    const figure = chineseFigures().confusion;
    const path = join(WORK, "plotly.html");
    writeFileSync(path, viz.standaloneHtml(figure, viz.renderSvg(figure)));
    const { page, errors, external } = await watchedPage(browser);
    await page.goto(pathToFileURL(path).href);
    await page.waitForSelector(".js-plotly-plot .gtitle", { timeout: 30_000 });
    const title = await page.$eval(".js-plotly-plot .gtitle", (text) => ({
      text: text.textContent, family: getComputedStyle(text).fontFamily, width: (text as SVGTextElement).getBBox().width,
    }));
    expect(title.text).toBe("混淆矩阵：准确率 80%");
    expect(title.family).toContain("Noto Sans CJK SC");
    expect(title.width).toBeGreaterThan(textWidthEm("混淆矩阵：准确率") * 16 * 0.8);
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.locator(".js-plotly-plot").first().screenshot({ path: join(SCREENSHOTS, "viz-cjk-plotly.png") });
    await page.context().close();
  }, 120_000);
});
