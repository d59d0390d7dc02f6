// Raw HTML in lesson prose reaches the notebook's markdown cells escaped (tools/lessons/raw-html.ts): every
// Markdown renderer shows it as the text the course site shows, and none finds a tag to run.
import MarkdownIt from "markdown-it";
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

  it("the notebook's markdown cells carry the escaped text, code cells the code as written", () => {
    const lesson = parseLesson("lessons/05-html.md", ["# T <i>x</i>", "", "<div onclick=\"y\">", "", `${fence}ts`, 'const tag = "<b>";', fence].join("\n"));
    const notebook = lessonToNotebook(lesson);
    expect(notebook.cells[0].source.join("")).toBe('# T &lt;i>x&lt;/i>\n\n&lt;div onclick="y">');
    expect(notebook.cells[1].source.join("")).toBe('const tag = "<b>";');
  });
});
