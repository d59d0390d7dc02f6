// A line break between Chinese characters is no space: joined in notebook markdown, dropped on the site.
import { describe, expect, it } from "vitest";
import { joinCjkLines } from "../../tools/lessons/cjk-lines.js";
import { newPageEnv, renderProse } from "../../tools/lessons/site/markdown.js";

describe("line breaks inside Chinese prose", () => {
  it("joins the lines of a Chinese paragraph and of a Chinese blockquote", () => {
    expect(joinCjkLines("卷积层里执行的运算，\n严格来说是互相关运算。")).toBe("卷积层里执行的运算，严格来说是互相关运算。");
    expect(joinCjkLines("> **常见误区**：笔记里写作\n> 核函数，应当说卷积核。")).toBe("> **常见误区**：笔记里写作核函数，应当说卷积核。");
  });

  it("keeps breaks next to Latin text, and every block boundary", () => {
    const kept = [
      "a line in English\nand the next",
      "中文后面是`code`\n中文",
      "## 定义\n对于输入",
      "中文段落\n\n下一段",
      "列表前的中文\n- 列表项",
      "中文\n| 表格 | 行 |",
      "```text\n输入\n输出\n```",
      "$$\n中文\n中文\n$$",
      "段落\n> 引用",
    ];
    for (const text of kept) expect(joinCjkLines(text)).toBe(text);
  });

  it("the site renders no space where a Chinese sentence crosses a line, and keeps English spaces", () => {
    const html = renderProse("卷积层里执行的运算，\n严格来说是互相关运算。\nIt is cross-\ncorrelation.", newPageEnv("lessons/zh/x.md"), 1);
    expect(html).toContain("卷积层里执行的运算，严格来说是互相关运算。");
    expect(html).toContain("It is cross-\ncorrelation.");
  });
});
