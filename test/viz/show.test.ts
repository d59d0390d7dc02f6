// show() and liveFigure() through the kernel's real display API (tools/jupyter-kernel/display-api.ts), with a sink
// that records what the kernel would publish on iopub, as the lesson runner's worker does.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync, crc32 } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { arange } from "../../src/index.js";
import { figureHtml, heatmap, liveFigure, mimeBundle, renderSvg, saveFigure, show, trainingCurves } from "../../src/viz/index.js";
import { encodePng } from "../../src/viz/svg/png.js";
import { encodePng as encodePngStored } from "../../src/viz/svg/png.browser.js";
import { installDisplayApi, KERNEL_API_KEY } from "../../tools/jupyter-kernel/display-api.js";

interface Published { content: Record<string, unknown>; isUpdate: boolean }

function kernelRecorder(): Published[] {
  const published: Published[] = [];
  installDisplayApi({
    displayData: (content, isUpdate) => published.push({ content, isUpdate }),
    clearOutput: () => {},
    page: () => {},
  });
  return published;
}

const data = (p: Published) => p.content.data as Record<string, string>;
const displayIdOf = (p: Published) => (p.content.transient as { display_id: string }).display_id;

afterEach(() => {
  delete (globalThis as Record<symbol, unknown>)[KERNEL_API_KEY];
  vi.restoreAllMocks();
});

describe("show() in a kernel", () => {
  it("first show sends plotly.js once as its own output, then one message with html, svg and text", () => {
    const published = kernelRecorder();
    const fig = heatmap(arange(4).reshape(2, 2).float(), { title: "A & B" });
    show(fig);
    show(fig);
    expect(published.map((p) => p.isUpdate)).toEqual([false, false, false]);
    const [loader, first, second] = published;
    expect(Object.keys(data(loader)).sort()).toEqual(["text/html", "text/plain"]);
    expect(data(loader)["text/html"]).toContain("plotly.js (cartesian - minified) v4.1.1");
    expect(data(loader)["text/html"].length).toBeGreaterThan(1_000_000);
    expect(loader.content.metadata).toEqual({ convlab: { role: "plotly-loader" } });
    for (const output of [first, second]) {
      expect(Object.keys(data(output)).sort()).toEqual(["image/svg+xml", "text/html", "text/plain"]);
      expect(output.content.metadata).toEqual({ convlab: { renderer: "convlab.viz" } });
      expect(data(output)["text/html"].length).toBeLessThan(20_000); // no library inside
      expect(data(output)["image/svg+xml"]).toBe(renderSvg(fig));
      expect(data(output)["text/plain"]).toBe("<A & B: heatmap 2×2>");
    }
    expect(data(first)["text/html"]).toContain('<img alt="A &amp; B" src="data:image/svg+xml;base64,');
  });

  it("a new kernel API (restarted kernel) gets the library again", () => {
    const before = kernelRecorder();
    show(heatmap([[1]]));
    const published = kernelRecorder();
    show(heatmap([[1]]));
    expect(before).toHaveLength(2);
    expect(published).toHaveLength(2);
  });

  it("liveFigure: one display, then updates under the same id that redraw the curves", () => {
    const published = kernelRecorder();
    const live = liveFigure(trainingCurves([], { epochs: 3 }));
    live.update([{ epoch: 1, trainLoss: 2, trainAcc: 0.2, testAcc: 0.3 }]);
    live.update(trainingCurves([{ epoch: 1, trainLoss: 2, trainAcc: 0.2, testAcc: 0.3 }, { epoch: 2, trainLoss: 1, trainAcc: 0.5, testAcc: 0.6 }]));
    expect(published.map((p) => p.isUpdate)).toEqual([false, false, true, true]);
    const id = displayIdOf(published[1]);
    expect(live.displayId).toBe(id);
    expect(published.slice(2).map(displayIdOf)).toEqual([id, id]);
    expect(data(published[3])["text/plain"]).toContain("train loss: 2 points, last 1");
    expect(live.figure!.data).toHaveLength(3);
  });
});

describe("figure HTML", () => {
  it("JSON in the script cannot end it: every < is written as \\u003c", () => {
    const html = figureHtml({ data: [], layout: { width: 10, height: 10, margin: { l: 0, r: 0, t: 0, b: 0 }, title: { text: "</script>" } } }, "<svg/>");
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('"text":"\\u003c/script>"');
  });

  it("a title that tries to close the script is inert: one script element, markup escaped in alt text and JSON", () => {
    const published = kernelRecorder();
    show(heatmap([[1]], { title: "</script><script>alert(1)</script>" }));
    const html = data(published[1])["text/html"];
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('alt="&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html).toContain('"text":"&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"'); // inside the figure JSON
  });
});

describe("show() outside a kernel", () => {
  it("prints the text form and a hint once; liveFigure keeps the last figure", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(show(heatmap([[1, 2]]))).toBeUndefined();
    const live = liveFigure();
    live.update([{ epoch: 1, trainLoss: 1 }]);
    expect(live.displayId).toBeUndefined();
    expect((live.figure!.data[0] as { y: number[] }).y).toEqual([1]);
    expect(log.mock.calls[0][0]).toBe("<Figure: heatmap 1×2>");
    expect(String(log.mock.calls[1]?.[0] ?? "")).toContain('saveFigure(fig, "figure.svg")');
  });

  it("a value that is not a figure is a clear error", () => {
    expect(() => mimeBundle({} as never)).toThrow("mimeBundle: expected a figure {data, layout} from a convlab.viz builder");
  });
});

describe("saveFigure", () => {
  it("writes .svg (our renderer) and .html (plotly.js inline); other extensions are refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convlab-viz-"));
    const fig = heatmap([[1, 2], [3, 4]]);
    await saveFigure(fig, join(dir, "a.svg"));
    expect(readFileSync(join(dir, "a.svg"), "utf8")).toBe(renderSvg(fig));
    await saveFigure(fig, join(dir, "sub/a.html"));
    const html = readFileSync(join(dir, "sub/a.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("window.Plotly");
    await expect(saveFigure(fig, join(dir, "a.jpg"))).rejects.toThrow("saveFigure: cannot tell the format from");
  });

  it("PNG without Chromium says what to install", async () => {
    vi.stubEnv("CONVLAB_CHROMIUM", "/nonexistent/chromium");
    try {
      await expect(saveFigure(heatmap([[1]]), join(tmpdir(), "x.png"))).rejects.toThrow(/writing PNG needs Chromium.*apt-get install chromium.*save as \.svg/);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("SVG renderer", () => {
  it("is deterministic and embeds each heatmap as a PNG of the cell colours", () => {
    const fig = heatmap([[0, 1]], { colorscale: "greys", showValues: false });
    const svg = renderSvg(fig);
    expect(renderSvg(fig)).toBe(svg);
    const base64 = /href="data:image\/png;base64,([^"]+)"/.exec(svg)![1];
    const png = Buffer.from(base64, "base64");
    expect(png.subarray(1, 4).toString("ascii")).toBe("PNG");
    const width = png.readUInt32BE(16), height = png.readUInt32BE(20);
    expect(width).toBe(2 * height); // two cells side by side, upscaled by the same factor
    const idatLength = png.readUInt32BE(33);
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    expect([...raw.subarray(1, 5)]).toEqual([0, 0, 0, 255]); // first pixel black (value 0)
    expect([...raw.subarray(1 + (width - 1) * 4, 1 + width * 4)]).toEqual([255, 255, 255, 255]); // last white
  });
});

describe("encodePng", () => {
  // Node's (deflate) and the browser build's (stored zlib blocks): the same format, the same pixels.
  for (const [name, encode] of [["node", encodePng], ["browser", encodePngStored]] as const) {
    it(`${name}: writes chunks with correct CRCs and the pixels, row by row`, () => {
      const pixels = new Uint8Array([255, 0, 0, 255, 0, 0, 255, 128]);
      const png = Buffer.from(encode(2, 1, pixels));
      let offset = 8;
      const types: string[] = [];
      while (offset < png.length) {
        const length = png.readUInt32BE(offset);
        types.push(png.subarray(offset + 4, offset + 8).toString("ascii"));
        expect(png.readUInt32BE(offset + 8 + length)).toBe(crc32(png.subarray(offset + 4, offset + 8 + length)));
        if (types.at(-1) === "IDAT") expect([...inflateSync(png.subarray(offset + 8, offset + 8 + length))]).toEqual([0, ...pixels]);
        offset += 12 + length;
      }
      expect(types).toEqual(["IHDR", "IDAT", "IEND"]);
      expect(() => encode(2, 2, pixels)).toThrow(RangeError);
    });
  }
});
