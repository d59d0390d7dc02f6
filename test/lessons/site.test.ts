// The course site escapes what lessons and outputs contain: no raw HTML, no javascript: links, no event
// handler attributes, no script from an output except our plot renderer's HTML inside a sandboxed iframe.

import { describe, expect, it } from "vitest";
import { texToHtml } from "../../tools/lessons/math.js";
import type { NotebookOutput } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import type { CellResult } from "../../tools/lessons/runner.js";
import { renderIndex, renderLessonPage, renderOutput } from "../../tools/lessons/site.js";

const fence = "```";

function pageOf(markdownLines: string[], outputs: NotebookOutput[] = []): string {
  const lesson = parseLesson("lessons/05-site.md", [...markdownLines, "", `${fence}ts`, "const a = 1;", fence].join("\n"));
  const result: CellResult = { index: 1, status: "ok", outputs, executionCount: 1, milliseconds: 5 };
  return renderLessonPage(lesson, [result]);
}

/** The page without its own fixed <style> block, so assertions look only at rendered content. */
function body(html: string): string {
  return html.slice(html.indexOf("<body>"));
}

describe("lesson markdown", () => {
  it("escapes raw HTML: <script>, <img onerror=...>", () => {
    const html = body(pageOf(["# T", "", "<script>alert(1)</script>", "", 'Text <img src=x onerror="alert(2)"> more']));
    expect(html).not.toContain("<script");
    expect(html).not.toMatch(/<img[^>]*onerror/);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("onerror=&quot;alert(2)&quot;");
  });

  it("does not link javascript: URLs", () => {
    const html = body(pageOf(["# T", "", "[click](javascript:alert(1)) and [ok](https://pytorch.org)"]));
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="https://pytorch.org">ok</a>');
  });

  it("keeps math away from emphasis and renders it readably", () => {
    const html = body(pageOf(["# T", "", "Index $x_{i,j} * a_k$ and $$\\sum_{k} \\alpha_k$$"]));
    expect(html).toContain('<span class="math" title="x_{i,j} * a_k">x<sub>i,j</sub> * a<sub>k</sub></span>');
    expect(html).toContain('<span class="math display" title="\\sum_{k} \\alpha_k">∑<sub>k</sub> α<sub>k</sub></span>');
  });

  it("math cannot smuggle HTML", () => {
    expect(texToHtml("<script>x</script>")).toBe("&lt;script&gt;x&lt;/script&gt;");
    expect(body(pageOf(["# T", "", '$a" onmouseover="b$']))).not.toContain('" onmouseover="');
  });

  it("\\frac and \\sqrt group only what needs it", () => {
    expect(texToHtml("\\frac{1}{n}")).toBe("1/n");
    expect(texToHtml("\\frac{a+b}{2}")).toBe("(a+b)/2");
    expect(texToHtml("\\sqrt{d_k}")).toBe("√(d<sub>k</sub>)");
  });

  it("aligned rows show as lines, without the environment markers or alignment points", () => {
    expect(texToHtml("\\begin{aligned} a &= 19, \\\\ b &= 25. \\end{aligned}")).toBe(" a  = 19, <br> b  = 25. ");
  });
});

describe("outputs", () => {
  it("stream and error text is escaped", () => {
    expect(renderOutput({ output_type: "stream", name: "stdout", text: ["<script>alert(1)</script>\n"] })).toBe(
      '<pre class="stream stdout">&lt;script&gt;alert(1)&lt;/script&gt;\n</pre>',
    );
    expect(renderOutput({ output_type: "error", ename: "E", evalue: "", traceback: ["\u001b[31m<b onerror=x>\u001b[0m"] })).toBe(
      '<pre class="error">&lt;b onerror=x&gt;</pre>',
    );
  });

  it("HTML that is not from our plot renderer is shown as text", () => {
    const html = renderOutput({
      output_type: "display_data",
      data: { "text/html": '<img src=x onerror="alert(1)"><script>alert(2)</script>' },
      metadata: {},
    });
    expect(html).toBe('<pre class="result">&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;</pre>');
  });

  it("our plot renderer's HTML goes into a sandboxed iframe without same-origin access", () => {
    const html = renderOutput({
      output_type: "display_data",
      data: { "text/html": '<div id="p"></div><script>draw("p")</script>' },
      metadata: { convlab: { renderer: "convlab.viz" } },
    });
    expect(html).toBe(
      '<iframe class="viz" sandbox="allow-scripts" srcdoc="&lt;div id=&quot;p&quot;&gt;&lt;/div&gt;&lt;script&gt;draw(&quot;p&quot;)&lt;/script&gt;"></iframe>',
    );
  });

  it("a plot bundle shows its SVG through <img> (scripts in SVG never run there); the plotly loader is left out", () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>';
    const html = renderOutput({
      output_type: "display_data",
      data: { "text/html": "<div></div>", "image/svg+xml": svg, "text/plain": "figure" },
      metadata: { convlab: { renderer: "convlab.viz" } },
    });
    expect(html).toBe(`<img class="figure" alt="figure" src="data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}">`);
    expect(renderOutput({ output_type: "display_data", data: { "text/html": "<script></script>" }, metadata: { convlab: { role: "plotly-loader" } } })).toBe("");
  });

  it("a PNG that is not base64 is not put into a URL", () => {
    const html = renderOutput({ output_type: "display_data", data: { "image/png": '"><script>x</script>', "text/plain": "img" }, metadata: {} });
    expect(html).toBe('<pre class="result">img</pre>');
  });

  it("the lesson page shows code escaped, and the index lists lessons with their status", () => {
    const lesson = parseLesson("lessons/05-site.md", ["# A <b>title</b>", "", `${fence}ts`, 'const tag = "<script>";', fence].join("\n"));
    const failed: CellResult = { index: 1, status: "error", outputs: [], executionCount: 1, milliseconds: 3 };
    const page = body(renderLessonPage(lesson, [failed]));
    expect(page).toContain("const tag = &quot;&lt;script&gt;&quot;;");
    expect(page).toContain('<span class="status">failed</span>');
    const index = renderIndex([{ lesson, results: [failed] }]);
    expect(index).toContain('<a href="05-site.html">A &lt;b&gt;title&lt;/b&gt;</a>');
    expect(index).toContain("1 of 1 code cells did not run cleanly");
  });
});
