import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { arange, corr2d, full, ShapeError, tensor, ValueError, zeros } from "../../src/index.js";
import { correlationFigure, heatmap, renderSvg, type HeatmapTrace, type ScatterTrace } from "../../src/viz/index.js";

const heat = (fig: { data: unknown[] }, i = 0) => fig.data[i] as HeatmapTrace;

describe("heatmap", () => {
  it("X = arange(9).reshape(3, 3): rows top-down, values written, colour range 0..8", () => {
    const fig = heatmap(arange(9).reshape(3, 3).float(), { title: "X" });
    expect(heat(fig).z).toEqual([[0, 1, 2], [3, 4, 5], [6, 7, 8]]);
    expect(heat(fig).text).toEqual([["0", "1", "2"], ["3", "4", "5"], ["6", "7", "8"]]);
    expect(heat(fig).texttemplate).toBe("%{text}");
    expect([heat(fig).zmin, heat(fig).zmax]).toEqual([0, 8]);
    expect(fig.layout.yaxis!.range).toEqual([2.5, -0.5]); // row 0 at the top
    expect(fig.layout.xaxis!.range).toEqual([-0.5, 2.5]);
    expect(fig.layout.yaxis!.scaleanchor).toBe("x"); // square cells
    expect(fig.layout.title!.text).toBe("X");
  });

  it("shape [1, 1, 3, 3] is accepted as 3x3; values are not written above 12x12 unless asked", () => {
    expect(heat(heatmap(zeros([1, 1, 3, 3]))).z).toHaveLength(3);
    expect(heat(heatmap(zeros([13, 13]))).text).toBeUndefined();
    expect(heat(heatmap(zeros([13, 13]), { showValues: true })).text).toHaveLength(13);
    expect(heat(heatmap(zeros([2, 2]), { showValues: false })).text).toBeUndefined();
  });

  it("colour scales: a name, or stops from 0 to 1; anything else is an error naming the choices", () => {
    expect(heat(heatmap(zeros([2, 2]), { colorscale: "greys" })).colorscale).toEqual([[0, "#000000"], [1, "#ffffff"]]);
    expect(heat(heatmap(zeros([2, 2]), { colorscale: [[0, "#000"], [1, "red"]] })).colorscale).toEqual([[0, "#000"], [1, "red"]]);
    expect(() => heatmap(zeros([2, 2]), { colorscale: "jet" as never })).toThrow(
      'heatmap: unknown colorscale "jet"; use one of viridis, greys, blues, redBlue or a list [[0, colour], ..., [1, colour]]');
    expect(() => heatmap(zeros([2, 2]), { colorscale: [[0, "#000"], [1, "hotpink-ish"]] })).toThrow(ValueError);
    expect(() => heatmap(zeros([2, 2]), { colorscale: [[0.2, "#000"], [1, "#fff"]] })).toThrow(ValueError);
  });

  it("the static SVG paints user colour stops as plotly.js would (#rgb and names too)", () => {
    const svg = renderSvg(heatmap([[0, 1]], { colorscale: [[0, "#f00"], [1, "blue"]], showValues: false }));
    const png = Buffer.from(/href="data:image\/png;base64,([^"]+)"/.exec(svg)![1], "base64");
    const raw = inflateSync(png.subarray(41, 41 + png.readUInt32BE(33)));
    const width = png.readUInt32BE(16);
    expect([...raw.subarray(1, 4)]).toEqual([255, 0, 0]);
    expect([...raw.subarray(1 + (width - 1) * 4, 4 + (width - 1) * 4)]).toEqual([0, 0, 255]);
  });

  it("a constant grid still gets a colour range of width 1", () => {
    const fig = heatmap(full([2, 2], 3));
    expect([heat(fig).zmin, heat(fig).zmax]).toEqual([2.5, 3.5]);
  });

  it("empty tensors and wrong ranks are clear errors", () => {
    expect(() => heatmap(zeros([0, 3]))).toThrow(ValueError);
    expect(() => heatmap(zeros([0, 3]))).toThrow("heatmap: expected a non-empty input, but got a tensor of shape [0, 3]");
    expect(() => heatmap(zeros([2, 3, 4]))).toThrow(ShapeError);
    expect(() => heatmap(zeros([2, 3, 4]))).toThrow("heatmap: expected input to be a 2-D tensor, but got a 3-D tensor of shape [2, 3, 4]");
    expect(() => heatmap(zeros([5]))).toThrow("heatmap: expected input to be a 2-D tensor, but got a 1-D tensor of shape [5]");
    expect(() => heatmap([[1, 2], [3]])).toThrow("heatmap: expected input as a Tensor or a rectangular array of rows of numbers");
  });

  it("NaN and ±Inf become gaps marked × at their cells, with a note", () => {
    const t = tensor([[1, NaN, 2], [Infinity, 3, -Infinity]]);
    const fig = heatmap(t);
    expect(heat(fig).z).toEqual([[1, null, 2], [null, 3, null]]);
    expect([heat(fig).zmin, heat(fig).zmax]).toEqual([1, 3]);
    const marks = fig.data[1] as ScatterTrace;
    expect(marks.marker?.symbol).toBe("x");
    expect(marks.x).toEqual([1, 0, 2]);
    expect(marks.y).toEqual([0, 1, 1]);
    expect(marks.text).toEqual(["NaN", "+Inf", "-Inf"]);
    const notes = fig.layout.annotations!.map((a) => a.text);
    expect(notes).toContain("1 NaN, 1 +Inf, 1 -Inf shown as gaps marked ×");
    const svg = renderSvg(fig);
    expect(svg).toContain("1 NaN, 1 +Inf, 1 -Inf shown as gaps marked ×");
    expect(svg.match(/<path d="M[^"]*L[^"]*M[^"]*L[^"]*" stroke="#d62728"/g)).toHaveLength(3); // three × marks
  });

  it("an all-NaN grid draws gaps and a note, not a blank or broken plot", () => {
    const fig = heatmap(full([2, 2], NaN));
    expect(heat(fig).z).toEqual([[null, null], [null, null]]);
    expect(Number.isFinite(heat(fig).zmin) && Number.isFinite(heat(fig).zmax)).toBe(true);
    expect(fig.layout.annotations!.map((a) => a.text)).toContain("4 NaN shown as gaps marked ×");
  });

  it("4096x4096 is averaged down to 256x256 (16x16 blocks) with a note, quickly", () => {
    const side = 4096;
    const values = new Float32Array(side * side);
    for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) values[r * side + c] = r; // row index
    const started = performance.now();
    const fig = heatmap(tensor(values, { shape: [side, side] }));
    const svg = renderSvg(fig);
    const seconds = (performance.now() - started) / 1000;
    const z = heat(fig).z;
    expect(z).toHaveLength(256);
    expect(z[0]).toHaveLength(256);
    expect(z[0][0]).toBe(7.5); // mean of rows 0..15
    expect(z[255][0]).toBe(4087.5);
    expect([heat(fig).x0, heat(fig).dx]).toEqual([7.5, 16]); // ticks keep the tensor's own indices
    expect(fig.layout.xaxis!.range).toEqual([-0.5, 4095.5]);
    expect(fig.layout.annotations!.map((a) => a.text)).toContain("downsampled 4096×4096 → 256×256 (mean of 16×16 blocks)");
    expect(JSON.stringify(fig).length).toBeLessThan(700_000);
    expect(svg.length).toBeLessThan(400_000);
    expect(seconds).toBeLessThan(10);
  });

  it("titles are escaped: markup shows as text and never reaches the SVG as tags", () => {
    const fig = heatmap(zeros([2, 2]), { title: "<script>alert(1)</script> & <b>x</b>" });
    expect(fig.layout.title!.text).toBe("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;");
    const svg = renderSvg(fig);
    expect(svg).not.toContain("<script");
    expect(svg).not.toContain("<b>");
    expect(svg).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;");
  });
});

describe("correlationFigure", () => {
  it("the book's example: X ⋆ K = [[19, 25], [37, 43]], first window outlined and written out", () => {
    const X = arange(9).reshape(3, 3).float(), K = tensor([[0, 1], [2, 3]]);
    const fig = correlationFigure(X, K, corr2d(X, K));
    const heatmaps = fig.data.filter((t) => t.type === "heatmap") as HeatmapTrace[];
    expect(heatmaps.map((h) => h.z)).toEqual([[[0, 1, 2], [3, 4, 5], [6, 7, 8]], [[0, 1], [2, 3]], [[19, 25], [37, 43]]]);
    expect(heatmaps.map((h) => [h.xaxis, h.yaxis])).toEqual([["x", "y"], ["x2", "y2"], ["x3", "y3"]]);
    const texts = fig.layout.annotations!.map((a) => a.text);
    expect(texts).toEqual(expect.arrayContaining(["Input (3×3)", "Kernel (2×2)", "Output (2×2)", "⋆", "=", "0×0 + 1×1 + 3×2 + 4×3 = 19"]));
    expect(fig.layout.shapes!.map((s) => [s.xref, s.x1, s.y1])).toEqual([["x", 1.5, 1.5], ["x2", 1.5, 1.5], ["x3", 0.5, 0.5]]);
  });
});
