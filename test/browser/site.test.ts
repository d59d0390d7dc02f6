// The course site page of a lesson with figures: the lesson runs in the lesson runner's worker (the same
// display API as the kernel), the page is rendered by tools/lessons/site.ts and opened from disk.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLesson } from "../../tools/lessons/parse.js";
import { runLesson, WorkerPool } from "../../tools/lessons/runner.js";
import { renderLessonPage } from "../../tools/lessons/site.js";
import { BROWSER_WORK, inkedPixels, launchChromium, NO_CHROMIUM, REPO_ROOT, SCREENSHOTS, watchedPage } from "./chromium.js";

const FIXTURE = join(import.meta.dirname, "fixtures", "viz-demo.md");

describe.skipIf(NO_CHROMIUM)("course site page with figures", () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it("every figure of the lesson shows on the page (final state of the live figure), no page errors", async () => {
    const lesson = parseLesson("lessons/99-viz-demo.md", readFileSync(FIXTURE, "utf8"));
    const results = await runLesson(lesson, { root: REPO_ROOT, quick: true }, new WorkerPool(1)).done;
    expect(results.map((r) => r.status)).toEqual(["ok", "ok", "ok"]);
    const figureOutputs = results.flatMap((r) => r.outputs).filter((o) => o.output_type === "display_data" && "image/svg+xml" in o.data);
    expect(figureOutputs).toHaveLength(4);
    const live = figureOutputs[3] as { data: Record<string, string> };
    expect(live.data["text/plain"]).toContain("train loss: 6 points");

    const dir = join(BROWSER_WORK, "site");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "99-viz-demo.html");
    writeFileSync(path, renderLessonPage(lesson, results));
    const { page, errors, external } = await watchedPage(browser);
    await page.goto(pathToFileURL(path).href);
    // The site shows each figure as our static SVG (<img class="figure">) or as the plotly HTML in a sandboxed
    // iframe; either way every figure must have drawn something.
    const images = await inkedPixels(page, "img.figure");
    const drawn: string[] = images.map((inked) => (inked > 1000 ? "static" : "nothing"));
    for (const frame of page.frames().slice(1)) {
      await frame.waitForLoadState();
      const plots = await frame.locator(".main-svg").count();
      const image = await frame.locator(".convlab-figure img").evaluateAll((found) =>
        (found as HTMLImageElement[]).map((img) => img.complete && img.naturalWidth > 0));
      drawn.push(plots > 0 ? "plotly" : image[0] ? "static" : "nothing");
    }
    expect(drawn).toHaveLength(4);
    expect(drawn).not.toContain("nothing");
    expect(readFileSync(path, "utf8")).not.toContain("offline copy shipped with the package"); // the loader draws nothing
    expect(errors).toEqual([]);
    expect(external).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "viz-site-page.png"), fullPage: true });
  }, 300_000);
});
