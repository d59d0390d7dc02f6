// The Chinese course site (out/site/zh/) next to the English one, opened from disk in headless Chromium. Cheap: no
// lesson runs (cells count as run with no output), the English lessons are the real ones, and the Chinese edition
// is the real lessons/zh/ when it has lessons, else one fixture twin of lesson 06 (lessons are translated on other
// branches). Checks: <html lang> on both sides, the language switch goes to the twin and back (lesson pages and
// indexes), the glossary page is linked from the Chinese page and shows the terms, a Chinese search finds the
// lesson, no page errors or network. Screenshots: artifacts/screenshots/site-zh-*.png.
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLessons } from "../../tools/lessons/files.js";
import { GLOSSARY_FILE } from "../../tools/lessons/glossary.js";
import { type Lesson, parseLesson } from "../../tools/lessons/parse.js";
import type { CellResult } from "../../tools/lessons/runner.js";
import { writeSite } from "../../tools/lessons/site/build.js";
import { BROWSER_WORK, launchChromium, NO_CHROMIUM, REPO_ROOT, SCREENSHOTS, watchedPage } from "./chromium.js";

const SITE = join(BROWSER_WORK, "course-site-zh");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const SLUG = "06-padding-and-stride";

/** A Chinese twin of lesson 06 for this test: the English cells under a Chinese title and paragraph. */
function fixtureTwin(english: Lesson): Lesson {
  const text = readFileSync(join(REPO_ROOT, english.file), "utf8").replace(/^# .*$/m, "# 填充和步幅\n\n卷积的输出形状取决于输入形状、卷积核形状、填充和步幅。");
  return parseLesson(`lessons/zh/${SLUG}.md`, text);
}

const notRun = (lesson: Lesson): CellResult[] =>
  lesson.cells.flatMap((cell, index): CellResult[] => (cell.kind === "code" ? [{ index, status: "ok", outputs: [], executionCount: index, milliseconds: 1 }] : []));

describe.skipIf(NO_CHROMIUM)("the Chinese course site opened from disk", () => {
  let browser: Browser;
  const url = (name: string) => pathToFileURL(join(SITE, name)).href;

  beforeAll(async () => {
    const english = loadLessons(REPO_ROOT, "en");
    const translated = loadLessons(REPO_ROOT, "zh");
    const chinese = translated.some((lesson) => lesson.slug === SLUG) ? translated : [...translated, fixtureTwin(english.find((lesson) => lesson.slug === SLUG)!)];
    rmSync(SITE, { recursive: true, force: true });
    mkdirSync(join(SITE, "zh"), { recursive: true });
    const slugs = (list: Lesson[]) => new Set(list.map((lesson) => lesson.slug));
    writeSite(SITE, english.map((lesson) => ({ lesson, results: notRun(lesson) })), { lang: "en", twins: slugs(chinese), otherSite: "zh/" });
    writeSite(join(SITE, "zh"), chinese.map((lesson) => ({ lesson, results: notRun(lesson) })), {
      lang: "zh", twins: slugs(english), otherSite: "../",
      glossary: { name: "glossary.html", file: GLOSSARY_FILE, text: readFileSync(join(REPO_ROOT, GLOSSARY_FILE), "utf8") },
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => { await browser?.close(); });

  it("the language switch leads from each page to its twin and back, and <html lang> follows", async () => {
    const { page, errors, external } = await watchedPage(browser);
    await page.goto(url(`zh/${SLUG}.html`));
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.locator("#search-box").getAttribute("placeholder")).toBe("搜索课程");
    expect(await page.locator("#toc-title").textContent()).toBe("本页内容");
    expect(await page.locator(".lesson-meta").textContent()).toMatch(/^第 6 课 · 阅读约 \d+ 分钟 · 对应《动手学深度学习》§6\.3 填充和步幅/);
    expect(await page.locator(".lesson-meta a").first().getAttribute("href")).toBe("https://zh.d2l.ai/chapter_convolutional-neural-networks/padding-and-strides.html");
    await page.screenshot({ path: join(SCREENSHOTS, "site-zh-lesson.png") });

    await page.click("a.lang-switch");
    expect(page.url()).toBe(url(`${SLUG}.html`));
    expect(await page.getAttribute("html", "lang")).toBe("en");
    expect(await page.locator("a.lang-switch").textContent()).toBe("中文");
    await page.click("a.lang-switch");
    expect(page.url()).toBe(url(`zh/${SLUG}.html`));

    await page.click("a.brand");
    expect(page.url()).toBe(url("zh/index.html"));
    expect(await page.locator("h1").textContent()).toBe("convlab 课程");
    await page.click("a.lang-switch");
    expect(page.url()).toBe(url("index.html"));
    expect(await page.getAttribute("html", "lang")).toBe("en");
    await page.click("a.lang-switch");
    expect(page.url()).toBe(url("zh/index.html"));
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
  }, 60_000);

  it("the glossary page is linked from the Chinese pages and lists the terms", async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(url(`zh/${SLUG}.html`));
    await page.click("a.glossary-link");
    expect(page.url()).toBe(url("zh/glossary.html"));
    expect(await page.getAttribute("html", "lang")).toBe("zh-CN");
    expect(await page.locator("h1").textContent()).toBe("术语表");
    const rows = await page.$$eval("table tbody tr", (trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent!.trim())));
    expect(rows).toContainEqual(["汇聚层", "pooling layer", "nn.MaxPool2d、nn.AvgPool2d", "池化层、池化"]);
    expect(await page.locator("table s").first().textContent()).toBe("核函数");
    await page.screenshot({ path: join(SCREENSHOTS, "site-zh-glossary.png"), fullPage: true });
    expect(errors).toEqual([]);
  }, 60_000);

  it("a Chinese search finds the lesson that says it", async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(url("zh/index.html"));
    await page.fill("#search-box", "步幅");
    const results = page.locator("#search-results li.result");
    await results.first().waitFor();
    const pages = await results.evaluateAll((items) => items.map((item) => item.getAttribute("data-page")));
    expect(pages).toContain(`${SLUG}.html`);
    expect(await page.locator("#search-results p").first().textContent()).toMatch(/^\d+ 节课$/);
    await page.screenshot({ path: join(SCREENSHOTS, "site-zh-search.png") });
    await page.fill("#search-box", "没有这个词语");
    await expect.poll(() => page.locator("#search-results p").first().textContent()).toBe("没有课程提到“没有这个词语”。");
    expect(errors).toEqual([]);
  }, 60_000);

  it("on a phone, in dark mode: no sideways scrolling and no serious or critical axe-core violations (header with switch and glossary link)", async () => {
    for (const name of [`zh/${SLUG}.html`, "zh/glossary.html", `${SLUG}.html`]) {
      const { page } = await watchedPage(browser, { width: 390 });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto(url(name));
      expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), name).toBeLessThanOrEqual(0);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: { id: string; impact: string }[] }> } }).axe;
        return (await axe.run(document)).violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}`);
      });
      expect(violations, name).toEqual([]);
      if (name === `zh/${SLUG}.html`) await page.screenshot({ path: join(SCREENSHOTS, "site-zh-phone-dark.png") });
      await page.context().close();
    }
  }, 180_000);

  it("built with the real glossary file", () => {
    expect(existsSync(join(SITE, "zh", "glossary.html"))).toBe(true);
  });
});
