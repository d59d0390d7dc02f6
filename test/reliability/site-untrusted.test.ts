// Untrusted content on the course site, in headless Chromium: a throwaway lesson whose prose and cell outputs
// carry <script>, javascript: links, onerror/onload attributes and "</script>" inside strings runs through the
// real lesson runner; the site is written as `npm start` writes it (tools/lessons/site/build.ts: the page,
// its scripts and the search index built from the same hostile text), opened from disk, searched for the
// payloads, and no payload may have run, while the figure drawn by our own plot renderer still shows.
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLesson } from "../../tools/lessons/parse.js";
import { runLesson, WorkerPool, type CellResult } from "../../tools/lessons/runner.js";
import { writeSite } from "../../tools/lessons/site/build.js";
import { BROWSER_WORK, inkedPixels, launchChromium, NO_CHROMIUM, REPO_ROOT, SCREENSHOTS, watchedPage } from "../browser/chromium.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "untrusted.md");

describe.skipIf(NO_CHROMIUM)("course site page with untrusted prose and outputs", () => {
  let browser: Browser;
  let results: CellResult[];
  const lesson = parseLesson("lessons/99-untrusted.md", readFileSync(FIXTURE, "utf8"));
  const path = join(BROWSER_WORK, "reliability", "99-untrusted.html");

  beforeAll(async () => {
    results = await runLesson(lesson, { root: REPO_ROOT, quick: true }, new WorkerPool(1)).done;
    rmSync(join(BROWSER_WORK, "reliability"), { recursive: true, force: true });
    mkdirSync(join(BROWSER_WORK, "reliability"), { recursive: true });
    writeSite(join(BROWSER_WORK, "reliability"), [{ lesson, results }]);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => { await browser?.close(); });

  it("the lesson ran and its outputs carry the payloads (so the page is a real test)", () => {
    expect(results.map((result) => result.status)).toEqual(["ok", "ok", "ok", "ok"]);
    const outputs = JSON.stringify(results.flatMap((result) => result.outputs));
    for (const payload of ["stdout script", "stdout onerror", "stderr svg onload", "string closing script", "display html", "figure title"]) {
      expect(outputs).toContain(payload);
    }
  });

  it("no payload ran, none is live markup, and the text of each is shown escaped", async () => {
    const { page, errors, external } = await watchedPage(browser);
    await page.goto(pathToFileURL(path).href);
    await page.waitForLoadState("load");
    // The search box shows titles and headings from an index built from the same text.
    await page.locator("#search-box").fill("pwned");
    await page.locator("#search-results li.result").first().waitFor();
    expect(await page.locator("#search-results").innerText()).toContain("<script>");
    // Give onerror handlers of broken images (if any existed) time to fire.
    await page.waitForTimeout(500);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: unknown }).__pwned)).toBeUndefined();
    // The heading's payload text is in the title, as text; a script that ran would have replaced it with "PWNED".
    expect(await page.title()).toContain(lesson.title);
    expect(await page.title()).not.toBe("PWNED");
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    // The only scripts and event-handler attributes on the page are the site's own (none carry a payload).
    const live = await page.evaluate(() => ({
      scriptsWithPayload: [...document.scripts].filter((script) => /__pwned/.test(script.textContent ?? "")).length,
      handlers: [...document.querySelectorAll("*")].flatMap((element) =>
        [...element.attributes].filter((attribute) => /^on/i.test(attribute.name)).map((attribute) => `${element.tagName} ${attribute.name}`)),
      javascriptLinks: [...document.querySelectorAll("a")].filter((a) => /^\s*javascript:/i.test(a.getAttribute("href") ?? "")).length,
      text: document.body.innerText,
    }));
    expect(live.scriptsWithPayload).toBe(0);
    expect(live.handlers).toEqual([]);
    expect(live.javascriptLinks).toBe(0);
    expect(live.text).toContain('<script>window.__pwned = "markdown script"; document.title = "PWNED"</script>');
    expect(live.text).toContain("<img src=x onerror=\"window.__pwned = 'stdout onerror'; document.title = 'PWNED'\">");
    expect(live.text).toContain("</script><script>window.__pwned = 'string closing script'");
    expect(live.text).toContain("window.__pwned = 'display html'");
    await page.screenshot({ path: join(SCREENSHOTS, "reliability-untrusted-site.png"), fullPage: true });
    await page.context().close();
  });

  it("our own renderer's figure still shows (the static SVG drew)", async () => {
    const { page } = await watchedPage(browser);
    await page.goto(pathToFileURL(path).href);
    const inked = await inkedPixels(page, "img.figure");
    expect(inked).toHaveLength(1);
    expect(inked[0]).toBeGreaterThan(1000);
    await page.context().close();
  });
});
