// The whole course site as `npm start` writes it (tools/lessons/site/build.ts), opened from disk in headless
// Chromium. Built cheaply: every real lesson is on it, but only lesson 06 runs (quick) through the real lesson
// runner for real outputs and figures; the other lessons' cells count as run with no output. Checks: math
// typeset by KaTeX with no TeX left in the text, code highlighted with colours from the themes, sidebar and
// contents links lead where they say, a search for "stride" finds exactly the lessons that mention it,
// solutions folded with their outputs, no page errors or network, no horizontal scrolling on a phone, and
// no serious or critical axe-core violations in light and dark at desktop and phone widths. Screenshots go to
// artifacts/screenshots/site-*.png.
import { createRequire } from "node:module";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadLessons } from "../../tools/lessons/files.js";
import type { Lesson } from "../../tools/lessons/parse.js";
import { runLesson, WorkerPool, type CellResult } from "../../tools/lessons/runner.js";
import { writeSite } from "../../tools/lessons/site/build.js";
import { BROWSER_WORK, launchChromium, NO_CHROMIUM, REPO_ROOT, SCREENSHOTS, watchedPage } from "./chromium.js";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const SITE = join(BROWSER_WORK, "course-site");
const PHONE = 390, DESKTOP = 1400;
const RUN = "06-padding-and-stride";
/** Lessons run for real: 06 (figures, the "stride" lesson) and 01 (solutions that print). */
const RUNS = [RUN, "01-from-dense-to-convolutions"];

const url = (name: string) => pathToFileURL(join(SITE, name)).href;

/** Lessons whose text mentions a word starting with `prefix`, split into words the way MiniSearch's tokenizer does. */
function lessonsMentioning(lessons: Lesson[], prefix: string): string[] {
  return lessons
    .filter((lesson) => {
      const text = [lesson.title, ...lesson.cells.map((cell) => (cell.kind === "code" ? cell.code : cell.source))].join("\n");
      return text.split(/[\n\r\p{Z}\p{P}]+/u).some((word) => word.toLowerCase().startsWith(prefix));
    })
    .map((lesson) => `${lesson.slug}.html`)
    .sort();
}

async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: Document, options: object): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.impact} ${v.id}: ${v.targets.join(", ")}`);
}

describe.skipIf(NO_CHROMIUM)("course site opened from disk", () => {
  let browser: Browser;
  let lessons: Lesson[];

  beforeAll(async () => {
    lessons = loadLessons(REPO_ROOT);
    const pool = new WorkerPool(1);
    const ran = new Map<string, CellResult[]>();
    for (const slug of RUNS) {
      const results = await runLesson(lessons.find((lesson) => lesson.slug === slug)!, { root: REPO_ROOT, quick: true }, pool).done;
      expect(results.map((result) => result.status).filter((status) => status !== "ok"), slug).toEqual([]);
      ran.set(slug, results);
    }
    const entries = lessons.map((lesson) => ({
      lesson,
      results: ran.get(lesson.slug) ?? lesson.cells.flatMap((cell, index): CellResult[] =>
        cell.kind === "code" ? [{ index, status: "ok", outputs: [], executionCount: index, milliseconds: 1 }] : []),
    }));
    rmSync(SITE, { recursive: true, force: true });
    mkdirSync(SITE, { recursive: true });
    writeSite(SITE, entries);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => { await browser?.close(); });

  it("every page: KaTeX typeset all math and left no TeX in the text, code is highlighted, no page errors or network", async () => {
    for (const name of ["index.html", ...lessons.map((lesson) => `${lesson.slug}.html`)]) {
      const { page, errors, external } = await watchedPage(browser);
      await page.goto(url(name));
      const found = await page.evaluate(() => {
        // Prose text with KaTeX's output and code taken out: what a reader sees as words.
        const prose = [...document.querySelectorAll(".cell.markdown")].map((cell) => {
          const copy = cell.cloneNode(true) as HTMLElement;
          copy.querySelectorAll(".katex, code, pre").forEach((element) => element.remove());
          return copy.textContent ?? "";
        }).join("\n");
        const keyword = document.querySelector("pre.input .hljs-keyword");
        const plain = document.querySelector("pre.input code");
        return {
          katex: document.querySelectorAll(".cell.markdown .katex").length,
          mathml: document.querySelectorAll(".cell.markdown .katex math").length,
          katexErrors: document.querySelectorAll(".katex-error").length,
          texLeft: (prose.match(/\$|\\[A-Za-z]+/g) ?? []).slice(0, 5),
          codeCells: document.querySelectorAll("pre.input").length,
          highlightedCells: [...document.querySelectorAll("pre.input")].filter((pre) => pre.querySelector("[class^=hljs-]")).length,
          keywordColour: keyword ? getComputedStyle(keyword).color : null,
          plainColour: plain ? getComputedStyle(plain).color : null,
          katexFont: document.querySelector(".katex") ? getComputedStyle(document.querySelector(".katex")!).fontFamily : null,
        };
      });
      if (name !== "index.html") {
        const lesson = lessons.find((l) => `${l.slug}.html` === name)!;
        const sourceHasMath = lesson.cells.some((cell) => cell.kind === "markdown" && /\$[^$]+\$/.test(cell.source));
        if (sourceHasMath) expect(found.katex, name).toBeGreaterThan(0);
        expect(found.mathml, name).toBe(found.katex);
        if (found.katex > 0) expect(found.katexFont, name).toMatch(/KaTeX_Main/);
        expect(found.codeCells, name).toBeGreaterThan(0);
        // Every cell with a keyword, string or number is coloured (a one-word cell may have nothing to colour).
        expect(found.highlightedCells, name).toBeGreaterThanOrEqual(found.codeCells - 2);
        expect(found.keywordColour, name).not.toBe(found.plainColour);
      }
      expect(found.katexErrors, name).toBe(0);
      expect(found.texLeft, name).toEqual([]);
      expect(errors, name).toEqual([]);
      expect(external, name).toEqual([]);
      // KaTeX's fonts loaded from assets/ (a missing font file would leave the fallback in use).
      if (found.katex > 0) {
        const fonts = await page.evaluate(async () => {
          await document.fonts.ready;
          const faces = [...(document.fonts as unknown as Iterable<FontFace>)].filter((face) => face.family.replace(/"/g, "").startsWith("KaTeX_"));
          return { loaded: faces.filter((face) => face.status === "loaded").map((face) => face.family.replace(/"/g, "")), failed: faces.filter((face) => face.status === "error").length };
        });
        expect(fonts.loaded, name).toContain("KaTeX_Main");
        expect(fonts.failed, name).toBe(0);
      }
      await page.context().close();
    }
  });

  it("the sidebar lists every lesson, marks the current one, and its links open the lessons", async () => {
    const { page, errors } = await watchedPage(browser);
    await page.goto(url(`${RUN}.html`));
    const links = page.locator(".sidebar a");
    expect(await links.count()).toBe(lessons.length);
    expect(await page.locator('.sidebar a[aria-current="page"]').getAttribute("href")).toBe(`${RUN}.html`);
    await page.locator(".sidebar a", { hasText: "Pooling" }).click();
    await page.waitForURL(/08-pooling\.html$/);
    expect(await page.locator("h1").first().innerText()).toBe("Pooling");
    expect(await page.locator('.sidebar a[aria-current="page"]').getAttribute("href")).toBe("08-pooling.html");
    // Previous / next at the bottom.
    await page.locator(".pager a.next").click();
    await page.waitForURL(/09-lenet\.html$/);
    await page.locator(".pager a.prev").click();
    await page.waitForURL(/08-pooling\.html$/);
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("the contents list names the lesson's sections and each link scrolls to its heading", async () => {
    const { page } = await watchedPage(browser);
    await page.goto(url(`${RUN}.html`));
    const toc = await page.$$eval(".toc a", (anchors) => anchors.map((a) => ({ href: a.getAttribute("href")!, text: a.textContent!.trim() })));
    const headings = await page.$$eval("main h2, main h3", (found) => found.map((h) => ({ id: h.id, text: h.textContent!.trim() })));
    expect(toc.map((entry) => entry.text)).toEqual(headings.map((heading) => heading.text));
    expect(toc.map((entry) => entry.href)).toEqual(headings.map((heading) => `#${heading.id}`));
    expect(toc.map((entry) => entry.text)).toContain("Stride");
    await page.locator(".toc a", { hasText: "The output-size formula" }).click();
    await page.waitForFunction(() => location.hash === "#the-output-size-formula");
    const top = await page.locator("#the-output-size-formula").evaluate((heading) => heading.getBoundingClientRect().top);
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top).toBeLessThan(200);
    await page.context().close();
  });

  it('search for "stride" lists exactly the lessons that mention it, "Padding and stride" first, from file://', async () => {
    const expected = lessonsMentioning(lessons, "stride");
    expect(expected).toContain(`${RUN}.html`);
    expect(expected.length).toBeLessThan(lessons.length); // the query separates lessons
    const { page, errors } = await watchedPage(browser);
    await page.goto(url("index.html"));
    await page.locator("#search-box").fill("stride");
    await page.locator("#search-results li.result").first().waitFor();
    const pages = await page.$$eval("#search-results li.result", (items) => items.map((item) => item.getAttribute("data-page")!));
    expect(pages[0]).toBe(`${RUN}.html`);
    expect([...pages].sort()).toEqual(expected);
    // A section link opens the lesson at that section.
    await page.locator("#search-results li.result").first().locator(".sections a", { hasText: "Stride" }).click();
    await page.waitForURL(new RegExp(`${RUN}\\.html#stride$`));
    // A word no lesson has says so.
    await page.locator("#search-box").fill("zyxwvu");
    await expect.poll(() => page.locator("#search-results").innerText()).toContain("No lesson mentions");
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it("the same search works when the site is served over HTTP (127.0.0.1)", async () => {
    const types: Record<string, string> = { html: "text/html", js: "text/javascript", css: "text/css", woff2: "font/woff2" };
    const server = createServer((request, response) => {
      const path = decodeURIComponent(new URL(request.url!, "http://127.0.0.1").pathname).replace(/^\/+/, "") || "index.html";
      if (path.split("/").includes("..")) { response.writeHead(403).end(); return; }
      try {
        const body = readFileSync(join(SITE, path));
        response.writeHead(200, { "content-type": types[path.split(".").pop()!] ?? "application/octet-stream" }).end(body);
      } catch {
        response.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { page, errors, external } = await watchedPage(browser);
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/${RUN}.html`);
      await page.locator("#search-box").fill("stride");
      await page.locator("#search-results li.result").first().waitFor();
      expect(await page.locator("#search-results li.result").first().getAttribute("data-page")).toBe(`${RUN}.html`);
      expect(await page.locator(".katex").count()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
      await page.context().close();
    } finally {
      server.close();
    }
  });

  it("solutions are folded together with their outputs; each code cell has a copy button", async () => {
    const { page } = await watchedPage(browser);
    await page.goto(url("01-from-dense-to-convolutions.html"));
    const solutions = page.locator("details.solution");
    expect(await solutions.count()).toBeGreaterThan(0);
    expect(await page.locator("details.solution[open]").count()).toBe(0);
    expect(await page.locator("details.solution .outputs").count()).toBeGreaterThan(0);
    expect(await page.locator("details.solution .outputs").first().isVisible()).toBe(false);
    await solutions.first().locator("summary").click();
    expect(await solutions.first().locator("pre.input").isVisible()).toBe(true);
    expect(await page.locator("button.copy").count()).toBe(await page.locator("pre.input").count());
    const copy = page.locator("button.copy").first();
    await copy.click();
    await expect.poll(() => copy.innerText()).toBe("Copied");
    // No source-line labels: the lesson file is named once, in the "Edit this lesson" link.
    expect(await page.locator("main").innerText()).not.toMatch(/lessons\/\d\d-[a-z-]+\.md:\d+/);
    await page.context().close();
  });

  it("the lesson page shows its reading time and the d2l sections it follows", async () => {
    const { page } = await watchedPage(browser);
    await page.goto(url(`${RUN}.html`));
    const meta = await page.locator(".lesson-meta").innerText();
    expect(meta).toMatch(/^Lesson 6 · \d+ min read · follows d2l\.ai §7\.3 Padding and Stride \(《动手学深度学习》 §6\.3 填充和步幅\)$/);
    expect(await page.locator(".lesson-meta a").first().getAttribute("href")).toBe("https://d2l.ai/chapter_convolutional-neural-networks/padding-and-strides.html");
    await page.context().close();
  });

  for (const [width, scheme] of [[DESKTOP, "light"], [PHONE, "light"], [DESKTOP, "dark"], [PHONE, "dark"]] as const) {
    it(`no serious or critical axe-core violations, no sideways scrolling: ${width}px, ${scheme}`, async () => {
      // Light mode also checks the longest page (LeNet); dark mode the same frame and colours on two pages.
      for (const name of scheme === "light" ? ["index.html", `${RUN}.html`, "09-lenet.html"] : ["index.html", `${RUN}.html`]) {
        const { page } = await watchedPage(browser, { width });
        await page.emulateMedia({ colorScheme: scheme });
        await page.goto(url(name));
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth), name).toBeLessThanOrEqual(0);
        expect(await axeViolations(page), `${name} at ${width}px ${scheme}`).toEqual([]);
        if (name === `${RUN}.html`) {
          const device = width === PHONE ? "phone" : "desktop";
          if (scheme === "light") {
            // The README's picture of a lesson (docs/site-lesson-*.png are copies): the "Stride" section.
            await page.goto(`${url(`${RUN}.html`)}#stride`);
            await page.screenshot({ path: join(SCREENSHOTS, `site-lesson-${device}.png`) });
            await page.goto(url(`${RUN}.html`));
          }
          await page.screenshot({ path: join(SCREENSHOTS, `site-${RUN}-${device}-${scheme}.png`) });
          await page.screenshot({ path: join(SCREENSHOTS, `site-${RUN}-${device}-${scheme}-full.png`), fullPage: true });
        }
        if (name === "index.html" && scheme === "light") await page.screenshot({ path: join(SCREENSHOTS, `site-index-${width === PHONE ? "phone" : "desktop"}.png`) });
        await page.context().close();
      }
    });
  }

  it("the print stylesheet leaves out the navigation and opens the solutions", async () => {
    const { page } = await watchedPage(browser);
    await page.goto(url(`${RUN}.html`));
    await page.emulateMedia({ media: "print" });
    const shown = await page.evaluate(() => ({
      sidebar: getComputedStyle(document.querySelector(".sidebar")!).display,
      search: getComputedStyle(document.querySelector("header.top")!).display,
      solutionCode: (document.querySelector("details.solution pre.input") as HTMLElement).getBoundingClientRect().height,
    }));
    expect(shown.sidebar).toBe("none");
    expect(shown.search).toBe("none");
    expect(shown.solutionCode).toBeGreaterThan(0);
    await page.context().close();
  });
});
