// Raw HTML in lesson prose reaches the notebook's markdown cells escaped (tools/lessons/raw-html.ts): every
// Markdown renderer shows it as the text the course site shows, and none finds a tag to run.
import MarkdownIt from "markdown-it";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lessonToNotebook } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { escapeRawHtml } from "../../tools/lessons/raw-html.js";

const fence = "```";
const withHtml = new MarkdownIt({ html: true });
const rawHtml = (source: string) =>
  withHtml.parse(source, {}).flatMap((token) => [token, ...(token.children ?? [])]).filter((token) => token.type.startsWith("html_")).map((token) => token.content);

describe("escapeRawHtml", () => {
  it("escapes inline tags and HTML blocks, keeps the rest of the text byte for byte", () => {
    const source = ["A <b onclick=\"x()\">bold</b> word.", "", "<script>alert(1)</script>", "", "<!-- a comment -->", "", "Plain $a < b$ text."].join("\n");
    const escaped = escapeRawHtml(source)!;
    expect(escaped).toBe(["A &lt;b onclick=\"x()\">bold&lt;/b> word.", "", "&lt;script>alert(1)&lt;/script>", "", "&lt;!-- a comment -->", "", "Plain $a < b$ text."].join("\n"));
    expect(rawHtml(source)).toHaveLength(4);
    expect(rawHtml(escaped)).toEqual([]);
  });

  it("leaves code spans and fences alone (they are text already), even next to a tag that is escaped", () => {
    const source = ["Write `<b>` as <b>bold</b>; `<i>` stays.", "", `${fence}text`, "<script>in a fence</script>", fence].join("\n");
    expect(escapeRawHtml(source)).toBe(["Write `<b>` as &lt;b>bold&lt;/b>; `<i>` stays.", "", `${fence}text`, "<script>in a fence</script>", fence].join("\n"));
  });

  it("a tag inside a list or quote is escaped too", () => {
    const escaped = escapeRawHtml(["- item <img src=x onerror=alert(1)>", "> quote <svg onload=alert(2)>"].join("\n"))!;
    expect(rawHtml(escaped)).toEqual([]);
    expect(escaped).toContain("&lt;img src=x onerror=alert(1)>");
  });

  it("tags in table cells (whose tokens carry no line map) are found by their row", () => {
    const source = ["| a | <b>x</b> |", "|---|---|", "| <i onclick=z>y</i> | `<u>` |"].join("\n");
    expect(escapeRawHtml(source)).toBe(["| a | &lt;b>x&lt;/b> |", "|---|---|", "| &lt;i onclick=z>y&lt;/i> | `<u>` |"].join("\n"));
  });

  it("autolinks and a lone < are not HTML and stay as written", () => {
    for (const text of ["See <https://pytorch.org> and <me@example.org>.", "a < b and c > d", "x <3 y"]) expect(escapeRawHtml(text)).toBe(text);
  });

  it("the notebook's markdown cells carry the escaped text, code cells the code as written", () => {
    const lesson = parseLesson("lessons/05-html.md", ["# T <i>x</i>", "", "<div onclick=\"y\">", "", `${fence}ts`, 'const tag = "<b>";', fence].join("\n"));
    const notebook = lessonToNotebook(lesson);
    expect(notebook.cells[0].source.join("")).toBe('# T &lt;i>x&lt;/i>\n\n&lt;div onclick="y">');
    expect(notebook.cells[1].source.join("")).toBe('const tag = "<b>";');
  });
});

describe("escapeRawHtml on random prose", () => {
  it("always ends with no raw HTML left, and changes nothing where there was none", () => {
    const pieces = ["<b>", "</b>", "<script>x()</script>", "`", "``", "| a |", "|---|", "\n", "\n\n", "> ", "- ", "1. ", "    ",
      "text", "<!-- c -->", "<div>", "</div>", "<img src=x onerror=y>", "```", "$", "*", "_", "[x](y)", "<a href='javascript:x'>", "<?php ?>", "<![CDATA[x]]>", "<https://a.b>", "&lt;", " "];
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
      const source = parts.join("");
      const escaped = escapeRawHtml(source);
      expect(escaped, JSON.stringify(source)).not.toBeNull();
      expect(rawHtml(escaped!), JSON.stringify(source)).toEqual([]);
      if (rawHtml(source).length === 0) expect(escaped).toBe(source);
    }), { numRuns: Number(process.env.CONVLAB_FUZZ_RUNS ?? 300) });
  });
});
