// A notebook with figures executed in the real convlab kernel by nbconvert (nbclient), saved, and rendered
// to HTML by nbconvert: the saved notebook carries plotly.js once and a static SVG per figure, and the HTML
// page draws every figure offline, including the live training figure in its final state.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonToNotebook, serializeNotebook } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { venvPython } from "../helpers/jupyter.js";
import { installKernelSpec, jupyterPathOf } from "../jupyter-kernel/kernel-client.js";
import { BROWSER_WORK, launchChromium, NO_CHROMIUM, SCREENSHOTS, watchedPage } from "./chromium.js";

const PYTHON = venvPython();
const FIXTURE = join(import.meta.dirname, "fixtures", "viz-demo.md");

interface Output { output_type: string; data?: Record<string, string | string[]>; metadata?: Record<string, unknown> }
const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join("") : value ?? "");

describe.skipIf(NO_CHROMIUM)("notebook executed and rendered by nbconvert", () => {
  let browser: Browser;
  beforeAll(async () => { browser = await launchChromium(); });
  afterAll(async () => { await browser?.close(); });

  it("saved notebook: the library once, a static SVG per figure; HTML page: every figure drawn by plotly.js", async () => {
    const dir = join(BROWSER_WORK, "nbconvert");
    mkdirSync(dir, { recursive: true });
    const source = join(dir, "viz-demo.ipynb");
    writeFileSync(source, serializeNotebook(lessonToNotebook(parseLesson("lessons/99-viz-demo.md", readFileSync(FIXTURE, "utf8")))));
    const env = { ...process.env, JUPYTER_PATH: jupyterPathOf(installKernelSpec()) };
    const run = (args: string[]) => {
      const result = spawnSync(PYTHON, ["-m", "nbconvert", ...args], { cwd: dir, env, encoding: "utf8", timeout: 600_000 });
      expect(result.status, result.stderr).toBe(0);
    };
    run(["--to", "notebook", "--execute", "--ExecutePreprocessor.kernel_name=convlab", "--ExecutePreprocessor.timeout=300",
      "--output", "viz-demo.executed.ipynb", "viz-demo.ipynb"]);
    run(["--to", "html", "--output", "viz-demo", "viz-demo.executed.ipynb"]);

    const executed = JSON.parse(readFileSync(join(dir, "viz-demo.executed.ipynb"), "utf8")) as { cells: { outputs?: Output[] }[] };
    const outputs = executed.cells.flatMap((cell) => cell.outputs ?? []);
    const loaders = outputs.filter((o) => text(o.data?.["text/html"]).includes("offline copy shipped with the package"));
    expect(loaders).toHaveLength(1);
    expect(outputs.indexOf(loaders[0])).toBe(0); // before every figure, so a re-opened notebook has it first
    const figures = outputs.filter((o) => o.data?.["image/svg+xml"] !== undefined);
    expect(figures).toHaveLength(4);
    expect(text(figures[3].data!["text/plain"])).toContain("train loss: 6 points"); // the display updates reached the file
    expect(outputs.some((o) => o.output_type === "error")).toBe(false);

    const { page, errors, external } = await watchedPage(browser);
    await page.goto(pathToFileURL(join(dir, "viz-demo.html")).href);
    await page.waitForFunction(() => document.querySelectorAll(".convlab-figure .main-svg").length >= 4, undefined, { timeout: 30_000 });
    const points = await page.$$eval(".convlab-figure .js-plotly-plot", (plots) =>
      plots.map((plot) => ((plot as unknown as { data: { x: unknown[] }[] }).data ?? []).map((trace) => trace.x?.length ?? 0)));
    expect(points).toHaveLength(4);
    expect(points[3]).toEqual([6, 6, 6]); // train loss, train acc, test acc after 6 epochs
    expect(await page.locator(".convlab-figure img").count()).toBe(0);
    expect(errors).toEqual([]);
    // nbconvert's template asks a CDN for require.js and MathJax; nothing of ours does.
    expect(external.filter((url) => !/require|mathjax/i.test(url))).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOTS, "viz-nbconvert-page.png"), fullPage: true });
  }, 600_000);
});
