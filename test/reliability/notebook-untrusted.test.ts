// The same hostile lesson as site-untrusted.test.ts, compiled to the notebook we publish (notebooks/ carry the
// lesson's prose and code, no outputs) and rendered by nbconvert's HTML export — a renderer that copies raw
// HTML from markdown cells into its page — then opened from disk in headless Chromium: no payload may run,
// and the prose must read as the course site shows it (the tags as text).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonToNotebook, serializeNotebook } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { BROWSER_WORK, launchChromium, NO_CHROMIUM, SCREENSHOTS, watchedPage } from "../browser/chromium.js";
import { venvPython } from "../helpers/jupyter.js";

// nbconvert from the project's .venv (requirements.txt), made now if needed; fails loudly, never skips.
const PYTHON = venvPython();
const FIXTURE = join(import.meta.dirname, "fixtures", "untrusted.md");

describe.skipIf(NO_CHROMIUM)("published notebook of a lesson with hostile prose, through nbconvert's HTML export", () => {
  let browser: Browser;
  const dir = join(BROWSER_WORK, "reliability-nbconvert");

  beforeAll(async () => {
    mkdirSync(dir, { recursive: true });
    const lesson = parseLesson("lessons/99-untrusted.md", readFileSync(FIXTURE, "utf8"));
    writeFileSync(join(dir, "99-untrusted.ipynb"), serializeNotebook(lessonToNotebook(lesson)));
    const result = spawnSync(PYTHON, ["-m", "nbconvert", "--to", "html", "--output", "99-untrusted", "99-untrusted.ipynb"], { cwd: dir, encoding: "utf8", timeout: 120_000 });
    expect(result.status, result.stderr).toBe(0);
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => { await browser?.close(); });

  it("no payload from the prose runs, none is live markup, and each reads as text", async () => {
    const { page, external } = await watchedPage(browser);
    await page.goto(pathToFileURL(join(dir, "99-untrusted.html")).href);
    await page.waitForLoadState("load");
    await page.waitForTimeout(500); // onerror handlers of broken images, if any existed, fire by now
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    expect(await page.title()).not.toBe("PWNED");
    const live = await page.evaluate(() => {
      const prose = [...document.querySelectorAll(".jp-MarkdownCell")];
      return {
        cells: prose.length,
        scripts: prose.flatMap((cell) => [...cell.querySelectorAll("script")]).length,
        images: prose.flatMap((cell) => [...cell.querySelectorAll("img")]).length,
        handlers: prose.flatMap((cell) => [...cell.querySelectorAll("*")].flatMap((element) =>
          [...element.attributes].filter((attribute) => /^on/i.test(attribute.name)).map((attribute) => `${element.tagName} ${attribute.name}`))),
        javascriptLinks: [...document.querySelectorAll("a")].filter((a) => /^\s*javascript:/i.test(a.getAttribute("href") ?? "")).length,
        text: prose.map((cell) => (cell as HTMLElement).innerText).join("\n"),
      };
    });
    expect(live.cells).toBeGreaterThan(2);
    expect(live.scripts).toBe(0);
    expect(live.images).toBe(0);
    expect(live.handlers).toEqual([]);
    expect(live.javascriptLinks).toBe(0);
    // The tags read as text, as on the course site (mistune reads the two `__` of a line as bold where
    // markdown-it does not, so the underscores are left out of the comparison).
    const text = live.text.replace(/_/g, "");
    expect(text).toContain('Untrusted <script>window.pwned = "heading script"; document.title = "PWNED"</script> content');
    expect(text).toContain('<script>window.pwned = "markdown script"; document.title = "PWNED"</script>');
    expect(text).toContain("<img src=\"x\" onerror=\"window.pwned = 'markdown onerror'; document.title = 'PWNED'\">");
    // nbconvert's template asks for require.js and MathJax (from /usr/share on Debian, or a CDN); nothing else.
    expect(external.filter((url) => !/require|mathjax/i.test(url))).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "reliability-untrusted-nbconvert.png"), fullPage: true });
    await page.context().close();
  });
});
