// The Chinese course site (out/site/zh/) next to the English one, on fixture lessons: <html lang>, the language
// switch both ways (lesson pages and indexes), Chinese UI strings, zh.d2l.ai links, the glossary page linked from
// every Chinese page, and a search index that finds Chinese words (character bigrams). The browser half is
// test/browser/course-site-zh.test.ts.

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLesson, type Lesson } from "../../tools/lessons/parse.js";
import type { CellResult } from "../../tools/lessons/runner.js";
import { writeSite } from "../../tools/lessons/site/build.js";
import { readingMinutes } from "../../tools/lessons/site/layout.js";
import { buildSearchIndex, cjkTokenize } from "../../tools/lessons/site/search.js";

const fence = "```";
const EN_POOL = `# Pooling\n\nA pooling layer reduces resolution.\n\n## Max pooling\n\nThe largest value of each window.\n\n${fence}ts\n//| checks\ncheck(1).equals(1);\n${fence}\n`;
const ZH_POOL = `# 汇聚层\n\n汇聚层（pooling layer，也常译作池化层）降低特征映射的分辨率。\n\n## 最大汇聚层\n\n取每个窗口中的最大值。\n\n${fence}ts\n//| checks\ncheck(1).equals(1);\n${fence}\n`;
const EN_PAD = `# Padding and stride\n\nPadding keeps the size.\n\n${fence}ts\n1 + 1\n${fence}\n`;
const ZH_PAD = `# 填充和步幅\n\n填充保持输出的大小，步幅让窗口每次移动多行或多列。\n\n${fence}ts\n1 + 1\n${fence}\n`;
const EN_CORR = `# Cross-correlation\n\nThe operation a conv layer computes.\n`;
const ZH_CORR = `# 互相关运算\n\n卷积层计算的其实是互相关运算。\n`;

const lessons = {
  en: [parseLesson("lessons/02-cross-correlation.md", EN_CORR), parseLesson("lessons/06-padding-and-stride.md", EN_PAD), parseLesson("lessons/08-pooling.md", EN_POOL)],
  // lesson 06 is not translated: its English page has no switch.
  zh: [parseLesson("lessons/zh/02-cross-correlation.md", ZH_CORR), parseLesson("lessons/zh/08-pooling.md", ZH_POOL)],
};
const ran = (lesson: Lesson): CellResult[] =>
  lesson.cells.flatMap((cell, index): CellResult[] => (cell.kind === "code" ? [{ index, status: "ok", outputs: [{ output_type: "stream", name: "stdout", text: ["2\n"] }], executionCount: 1, milliseconds: 1 }] : []));

let site = "";
const read = (name: string) => readFileSync(join(site, name), "utf8");

beforeAll(() => {
  site = mkdtempSync(join(tmpdir(), "convlab-site-zh-"));
  const slugs = (list: Lesson[]) => new Set(list.map((lesson) => lesson.slug));
  writeSite(site, lessons.en.map((lesson) => ({ lesson, results: ran(lesson) })), { lang: "en", twins: slugs(lessons.zh), otherSite: "zh/" });
  mkdirSync(join(site, "zh"));
  writeSite(join(site, "zh"), lessons.zh.map((lesson) => ({ lesson, results: ran(lesson) })), {
    lang: "zh",
    twins: slugs(lessons.en),
    otherSite: "../",
    glossary: { name: "glossary.html", file: "lessons/zh/glossary.md", text: "# 术语表\n\n| 中文 | English |\n| --- | --- |\n| 汇聚层 | pooling layer |\n" },
  });
});
afterAll(() => rmSync(site, { recursive: true, force: true }));

describe("the two sites", () => {
  it("set <html lang> and link each page to its twin, both ways, indexes too", () => {
    expect(read("08-pooling.html")).toContain('<html lang="en">');
    expect(read("zh/08-pooling.html")).toContain('<html lang="zh-CN">');
    expect(read("08-pooling.html")).toContain('<a class="lang-switch" href="zh/08-pooling.html" hreflang="zh-CN" lang="zh-CN"');
    expect(read("zh/08-pooling.html")).toContain('<a class="lang-switch" href="../08-pooling.html" hreflang="en" lang="en"');
    expect(read("08-pooling.html")).toContain('<link rel="alternate" hreflang="zh-CN" href="zh/08-pooling.html">');
    expect(read("index.html")).toContain('href="zh/index.html"');
    expect(read("zh/index.html")).toContain('href="../index.html"');
    expect(read("zh/glossary.html")).toContain('href="../index.html"');
    // No twin, no switch.
    expect(read("06-padding-and-stride.html")).not.toContain("lang-switch");
  });

  it("speak Chinese on the Chinese pages: header, search, contents, reading time, checks, pager, d2l-zh", () => {
    const page = read("zh/08-pooling.html");
    for (const text of ['placeholder="搜索课程"', "跳到课程内容", "<h2 id=\"toc-title\">本页内容</h2>", "第 8 课 · 阅读约 1 分钟",
      "<summary>检查</summary>", 'aria-label="输出"', "下载 Jupyter 笔记本", "编辑本课", '<span class="label">上一课</span>',
      'href="https://zh.d2l.ai/chapter_convolutional-neural-networks/pooling.html">《动手学深度学习》§6.5 汇聚层</a>',
      'href="../../../lessons/zh/08-pooling.md"', 'href="../../notebooks/zh/08-pooling.ipynb"', "convlab <span>课程</span>"]) {
      expect(page, text).toContain(text);
    }
    expect(page).not.toMatch(/On this page|min read|Search the lessons|>Checks</);
    expect(read("zh/index.html")).toContain("<h1>convlab 课程</h1>");
  });

  it("link the glossary from every Chinese page, and render it", () => {
    for (const name of ["zh/index.html", "zh/02-cross-correlation.html", "zh/08-pooling.html", "zh/glossary.html"]) {
      expect(read(name), name).toContain('<a class="glossary-link" href="glossary.html">术语表</a>');
    }
    expect(read("zh/glossary.html")).toMatch(/<table>[\s\S]*<td>汇聚层<\/td>\s*<td>pooling layer<\/td>/);
    expect(read("index.html")).not.toContain("glossary-link");
  });

  it("carry the Chinese tokenizer to the browser with the Chinese index only", () => {
    expect(read("zh/assets/search-index.js")).toMatch(/^window\.CONVLAB_TOKENIZE = function cjkTokenize\(/);
    expect(read("assets/search-index.js")).not.toContain("CONVLAB_TOKENIZE");
  });
});

describe("Chinese search", () => {
  it("cjkTokenize indexes Han text as character bigrams and splits the rest as MiniSearch does", () => {
    expect(cjkTokenize("汇聚层（pooling layer）")).toEqual(["汇聚", "聚层", "pooling", "layer"]);
    expect(cjkTokenize("层 nn.MaxPool2d的输出")).toEqual(["层", "nn", "MaxPool2d", "的输", "输出"]);
  });

  it("a Chinese query finds the lesson that says it, and only that one", () => {
    const index = buildSearchIndex(lessons.zh, "zh");
    const pages = (query: string) => [...new Set(index.search(query).map((hit) => String(hit.url).split("#")[0]))];
    expect(pages("互相关运算")).toEqual(["02-cross-correlation.html"]);
    expect(pages("最大汇聚层")[0]).toBe("08-pooling.html");
    expect(pages("分辨率")).toEqual(["08-pooling.html"]);
    // Whitespace tokenization (MiniSearch's default) finds nothing for the same query: the reason for bigrams.
    expect(buildSearchIndex(lessons.zh, "en").search("分辨率")).toEqual([]);
  });

  it("reading time counts Chinese by character", () => {
    const long = parseLesson("lessons/zh/01-long.md", `# 长\n\n${"卷积".repeat(450)}\n`); // 900 characters: 3 minutes
    expect(readingMinutes(long)).toBe(3);
  });
});
