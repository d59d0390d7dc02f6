// The lesson fixture opened in the classic Jupyter Notebook (Debian's jupyter-notebook, on 127.0.0.1), run
// from the browser like a reader would, with the convlab kernel: every figure draws, and the live training
// figure is redrawn in place while the cell runs (several sizes seen, one figure left at the end).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lessonToNotebook, serializeNotebook } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { installKernelSpec, jupyterPathOf } from "../kernel/kernel-client.js";
import { BROWSER_WORK, launchChromium, NO_CHROMIUM, SCREENSHOTS, watchedPage } from "./chromium.js";

const PYTHON = "/usr/bin/python3";
const HAS_NOTEBOOK = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import notebook.notebookapp"]).status === 0;
if (!HAS_NOTEBOOK) console.warn("\n*** classic Notebook test SKIPPED: apt-get install jupyter-notebook ***\n");
const FIXTURE = join(import.meta.dirname, "fixtures", "viz-demo.md");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`jupyter notebook exited (${server.exitCode}):\n${log()}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`jupyter notebook did not answer at ${url} within 60 s:\n${log()}`);
}

describe.skipIf(NO_CHROMIUM || !HAS_NOTEBOOK)("classic Jupyter Notebook", () => {
  let browser: Browser;
  let server: ChildProcess | undefined;
  let serverLog = "";
  let base = "";

  beforeAll(async () => {
    const dir = join(BROWSER_WORK, "classic");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "viz-demo.ipynb"), serializeNotebook(lessonToNotebook(parseLesson("lessons/99-viz-demo.md", readFileSync(FIXTURE, "utf8")))));
    const home = mkdtempSync(join(tmpdir(), "convlab-notebook-"));
    const port = await freePort();
    server = spawn(PYTHON, ["-m", "notebook", "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
      "--NotebookApp.token=", "--NotebookApp.password=", `--notebook-dir=${dir}`,
      ...(process.getuid?.() === 0 ? ["--allow-root"] : [])], { // CI runs as root
      env: {
        ...process.env, JUPYTER_PATH: jupyterPathOf(installKernelSpec()), JUPYTER_CONFIG_DIR: join(home, "config"),
        JUPYTER_RUNTIME_DIR: join(home, "runtime"), IPYTHONDIR: join(home, "ipython"),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    server.stdout!.on("data", (chunk) => (serverLog += chunk));
    server.stderr!.on("data", (chunk) => (serverLog += chunk));
    base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/api`, server, () => serverLog);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.kill("SIGTERM");
  });

  it("runs the lesson: all figures draw, the training figure updates in place epoch by epoch", async () => {
    const { page, errors, external } = await watchedPage(browser);
    await page.goto(`${base}/notebooks/viz-demo.ipynb`);
    await page.waitForFunction(() => {
      const jupyter = (window as unknown as { Jupyter?: { notebook?: { kernel?: { is_connected(): boolean } } } }).Jupyter;
      return jupyter?.notebook?.kernel?.is_connected() === true;
    }, undefined, { timeout: 120_000 });

    // Watch the training cell's output area: each redraw replaces the figure; record how many epochs each shows.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { convlabSeen: number[] }).convlabSeen = seen;
      const codeCells = [...document.querySelectorAll(".cell.code_cell")];
      const area = codeCells[codeCells.length - 1].querySelector(".output")!;
      new MutationObserver(() => {
        const plot = area.querySelector(".js-plotly-plot") as unknown as { data?: { x: unknown[] }[] } | null;
        const epochs = plot?.data?.[0]?.x.length;
        if (epochs !== undefined && seen[seen.length - 1] !== epochs) seen.push(epochs);
      }).observe(area, { childList: true, subtree: true });
    });
    await page.evaluate(() => (window as unknown as { Jupyter: { notebook: { execute_all_cells(): void } } }).Jupyter.notebook.execute_all_cells());
    await page.waitForFunction(() => {
      const cells = (window as unknown as { Jupyter: { notebook: { get_cells(): { cell_type: string; input_prompt_number: unknown }[] } } })
        .Jupyter.notebook.get_cells().filter((cell) => cell.cell_type === "code");
      return cells.every((cell) => typeof cell.input_prompt_number === "number");
    }, undefined, { timeout: 300_000, polling: 250 });
    await page.waitForFunction(() => document.querySelectorAll(".convlab-figure .main-svg").length >= 4, undefined, { timeout: 30_000 });

    const seen = await page.evaluate(() => (window as unknown as { convlabSeen: number[] }).convlabSeen);
    expect(seen.length, `epoch counts seen while the cell ran: ${JSON.stringify(seen)}`).toBeGreaterThanOrEqual(3);
    expect(seen[seen.length - 1]).toBe(6);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen); // it only grew
    const lastCell = page.locator(".cell.code_cell").last();
    expect(await lastCell.locator(".convlab-figure").count()).toBe(1); // redrawn in place, not appended
    expect(await page.locator(".output_area .output_error").count()).toBe(0);
    expect(errors).toEqual([]);
    expect(external.filter((url) => !/mathjax|require/i.test(url))).toEqual([]);
    console.log(`classic Notebook: the training figure showed ${JSON.stringify(seen)} epochs as the cell ran`);
    await page.screenshot({ path: join(SCREENSHOTS, "viz-classic-notebook.png") });
    await lastCell.scrollIntoViewIfNeeded();
    await lastCell.screenshot({ path: join(SCREENSHOTS, "viz-classic-notebook-training.png") });
  }, 420_000);
});
