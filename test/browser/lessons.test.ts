// The real lessons that draw figures, run as `npm start` runs them (lesson runner, CI settings), then opened
// in Chromium twice: the executed notebook rendered to HTML by nbconvert (plotly.js draws every figure) and
// the course site page (every figure's picture is there). Page errors fail the test; screenshots are saved.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lintLessons } from "../../tools/lessons/lint.js";
import { executedNotebook, serializeNotebook } from "../../tools/lessons/notebook.js";
import { runLesson, WorkerPool, type CellResult } from "../../tools/lessons/runner.js";
import { renderLessonPage } from "../../tools/lessons/site.js";
import { venvPython } from "../helpers/jupyter.js";
import { BROWSER_WORK, inkedPixels, launchChromium, NO_CHROMIUM, REPO_ROOT, SCREENSHOTS, watchedPage } from "./chromium.js";

const PYTHON = venvPython();

const { lessons } = lintLessons(REPO_ROOT);

/** The figure builders a lesson calls (`viz.heatmap`, `viz.Figure`, …, and `liveFigure`). */
function buildersOf(lesson: (typeof lessons)[number]): Set<string> {
  const code = lesson.cells.filter((cell) => cell.kind === "code").map((cell) => cell.code).join("\n");
  if (!/\b(show|liveFigure)\(/.test(code)) return new Set();
  return new Set([...code.matchAll(/\bviz\.(\w+)|\b(liveFigure)\(/g)].map((match) => match[1] ?? match[2]));
}

// Every lesson's figures are drawn in JupyterLab (test/browser/jupyterlab/lessons.test.ts); here the fewest lessons
// that together call every figure builder the lessons use (greedy cover, recomputed as lessons change) are run
// and opened twice more, as nbconvert's page and as the site page — a minute of CI instead of three.
const withFigures: typeof lessons = [];
{
  const uncovered = new Set(lessons.flatMap((lesson) => [...buildersOf(lesson)]));
  while (uncovered.size > 0) {
    const gain = (lesson: (typeof lessons)[number]) => [...buildersOf(lesson)].filter((name) => uncovered.has(name)).length;
    const best = lessons.filter((lesson) => !withFigures.includes(lesson)).sort((a, b) => gain(b) - gain(a))[0];
    withFigures.push(best);
    for (const name of buildersOf(best)) uncovered.delete(name);
  }
  withFigures.sort((a, b) => a.slug.localeCompare(b.slug));
}

describe.skipIf(NO_CHROMIUM || withFigures.length === 0)("lessons with figures in the browser", () => {
  let browser: Browser;
  const runs = new Map<string, Promise<CellResult[]>>();
  beforeAll(async () => {
    browser = await launchChromium();
    const pool = new WorkerPool();
    for (const lesson of withFigures) runs.set(lesson.slug, runLesson(lesson, { root: REPO_ROOT, quick: true }, pool).done);
  });
  afterAll(async () => { await browser?.close(); });

  for (const lesson of withFigures) {
    it(`${lesson.slug}: figures draw in the nbconvert page and on the course site`, async () => {
      const results = await runs.get(lesson.slug)!;
      expect(results.filter((r) => r.status !== "ok").map((r) => `${r.status}: ${r.note ?? ""}`)).toEqual([]);
      const figures = results.flatMap((r) => r.outputs).filter((o) => o.output_type === "display_data" && "image/svg+xml" in o.data).length;
      expect(figures).toBeGreaterThan(0);
      const dir = join(BROWSER_WORK, "lessons");
      mkdirSync(dir, { recursive: true });

      // The course site page.
      const sitePath = join(dir, `${lesson.slug}.site.html`);
      writeFileSync(sitePath, renderLessonPage(lesson, results));
      const site = await watchedPage(browser);
      await site.page.goto(pathToFileURL(sitePath).href);
      const inked = await inkedPixels(site.page, "img.figure");
      const frames = await site.page.locator("iframe.viz").count();
      expect(inked.length + frames).toBe(figures);
      expect(inked.filter((count) => count < 500)).toEqual([]);
      expect(site.errors).toEqual([]);
      expect(site.external).toEqual([]);
      await site.page.screenshot({ path: join(SCREENSHOTS, `viz-lesson-${lesson.slug}-site.png`), fullPage: true });

      // The executed notebook, rendered by nbconvert.
      const notebookPath = join(dir, `${lesson.slug}.ipynb`);
      writeFileSync(notebookPath, serializeNotebook(executedNotebook(lesson, results)));
      const converted = spawnSync(PYTHON, ["-m", "nbconvert", "--to", "html", "--output", `${lesson.slug}.nbconvert`, notebookPath],
        { cwd: dir, encoding: "utf8", timeout: 120_000 });
      expect(converted.status, converted.stderr).toBe(0);
      const notebook = await watchedPage(browser);
      await notebook.page.goto(pathToFileURL(join(dir, `${lesson.slug}.nbconvert.html`)).href);
      await notebook.page.waitForFunction((count) => document.querySelectorAll(".convlab-figure .main-svg").length >= count,
        figures, { timeout: 30_000 });
      const undrawn = await notebook.page.$$eval(".convlab-figure", (holders) => holders.filter((h) => !h.querySelector(".main-svg")).length);
      expect(undrawn).toBe(0);
      expect(notebook.errors).toEqual([]);
      expect(notebook.external.filter((url) => !/require|mathjax/i.test(url))).toEqual([]);
      await notebook.page.screenshot({ path: join(SCREENSHOTS, `viz-lesson-${lesson.slug}-nbconvert.png`), fullPage: true });
    }, 900_000);
  }
});
