// The course site escapes what lessons and outputs contain: no raw HTML, no javascript: links, no event
// handler attributes, no script from an output except our plot renderer's HTML inside a sandboxed iframe.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lintLessons } from "../../tools/lessons/lint.js";
import type { NotebookOutput } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import type { CellResult } from "../../tools/lessons/runner.js";
import { renderIndex, renderLessonPage, renderOutput } from "../../tools/lessons/site.js";
import { mathProblems } from "../../tools/lessons/site/math-check.js";
import { MathError } from "../../tools/lessons/site/math.js";

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

  it("math is typeset by KaTeX (HTML and MathML), away from markdown's emphasis and escapes", () => {
    const html = body(pageOf(["# T", "", "Index $x_{i,j} * a_k$ and $$\\sum_{k} \\alpha_k$$"]));
    expect(html).toContain('<span class="katex">');
    expect(html).toContain('<span class="katex-display">');
    expect(html).toContain('<annotation encoding="application/x-tex">x_{i,j} * a_k</annotation>');
    expect(html).toContain("<mi>α</mi>");
    expect(html).not.toContain("<em>"); // the two `*`/`_` did not become emphasis
    expect(html).not.toContain("$");
  });

  it("math cannot smuggle HTML, links or attributes (KaTeX with trust: false)", () => {
    const html = body(pageOf(["# T", "", '$a" onmouseover="b$ and $<script>x</script>$', "",
      "$\\href{javascript:alert(1)}{x} \\url{javascript:alert(2)} \\htmlClass{a\\\" onclick=\\\"y}{z} \\htmlData{onclick=alert(3)}{w}$"]));
    expect(html).not.toContain('" onmouseover="');
    expect(html).not.toContain("<script");
    // The TeX source stays in MathML's <annotation> as text; no tag carries a link or a handler.
    expect(html).not.toMatch(/<[^>]*\s(href="javascript|onclick=|onmouseover=|data-onclick=)/i);
    expect(html).toContain("\\href{javascript:alert(1)}"); // shown as source text, KaTeX's way of refusing it
  });

  it("math KaTeX cannot parse stops the page with lessons/x.md:LINE, and lint reports it first", () => {
    const lines = ["# T", "", "Fine $a^2$ here,", "and broken $\\frac{1}{$ there."];
    expect(() => pageOf(lines)).toThrow(MathError);
    expect(() => pageOf(lines)).toThrow(/^lessons\/05-site\.md:4: KaTeX cannot typeset \$\\frac\{1\}\{\$: KaTeX parse error/);
    const lesson = parseLesson("lessons/05-site.md", [...lines, "", "$$x_$$"].join("\n"));
    expect(mathProblems(lesson).map((problem) => problem.line)).toEqual([4, 6]);
  });

  it("lint (and so `npm start`, before running anything) reports every formula KaTeX cannot parse, by file and line", () => {
    const root = mkdtempSync(join(tmpdir(), "convlab-lint-math-"));
    try {
      mkdirSync(join(root, "lessons"));
      writeFileSync(join(root, "lessons", "01-ok.md"), "# Ok\n\n$\\frac{a}{b}$\n");
      writeFileSync(join(root, "lessons", "02-bad.md"), ["# Bad", "", "$\\frac{a}$ and", "", `${fence}ts`, "1", fence, "", "$$\\notacommand x$$"].join("\n"));
      const { lessons, problems } = lintLessons(root);
      expect(lessons.map((lesson) => lesson.slug)).toEqual(["01-ok"]);
      expect(problems).toHaveLength(2);
      expect(problems[0]).toMatch(/^lessons\/02-bad\.md:3: KaTeX cannot typeset \$\\frac\{a\}\$: KaTeX parse error/);
      expect(problems[1]).toMatch(/^lessons\/02-bad\.md:9: KaTeX cannot typeset \$\$\\notacommand x\$\$: KaTeX parse error: Undefined control sequence: \\notacommand/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
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
    // highlight.js wraps tokens in <span class="hljs-…">; the code's own text stays escaped.
    expect(page).toContain('<span class="hljs-string">&quot;&lt;script&gt;&quot;</span>');
    expect(page.replace(/<span class="hljs-[\w-]+">|<\/span>/g, "")).toContain("const tag = &quot;&lt;script&gt;&quot;;");
    expect(page).toContain('<span class="status">failed</span>');
    const index = renderIndex([{ lesson, results: [failed] }]);
    expect(index).toContain('<a href="05-site.html">A &lt;b&gt;title&lt;/b&gt;</a>');
    expect(index).not.toContain("<b>title");
    expect(index).toContain("1 of 1 code cells did not run cleanly");
  });
});
