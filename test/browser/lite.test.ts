// The course as a JupyterLite site (npm run lite → out/lite, built once and reused while its inputs are
// unchanged), in headless Chromium from a 127.0.0.1 static server with the cross-origin isolation headers:
// lessons run with Run → Run All Cells through the UI in the TypeScript (convlab) kernel (a Web Worker with the
// browser build); every cell ran in order, no error but in cells tagged raises-exception (a failed check(...)
// is an error), every figure drawn by plotly; a new cell's error shows its message and cell line; an endless
// loop is stopped by the interrupt button. Screenshots in artifacts/screenshots/lite/.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser, Page } from "playwright-core";
import { buildLite, LITE_KERNEL_NAME } from "../../tools/lite/build.js";
import { ROOT } from "../../tools/browser/build.js";
import { serveStatic, type StaticServer } from "../../tools/browser/static-server.js";
import { launchChromium, NO_CHROMIUM, SCREENSHOTS, watchedPage } from "./chromium.js";
import { codeCells, menu, type CellState } from "./jupyterlab/lab.js";

const SHOTS = join(SCREENSHOTS, "lite");
const LESSONS = ["02-cross-correlation", "03-conv-layer-that-learns", "06-padding-and-stride", "08-pooling"];

/** The notebook's kernel is idle and nothing waits in the queue, for a second in a row. */
async function settled(page: Page, timeout: number): Promise<void> {
  await page.evaluate(() => { (window as unknown as { idleSince?: number }).idleSince = undefined; });
  await page.waitForFunction(() => {
    const w = window as unknown as { jupyterapp?: any; idleSince?: number };
    const panel = w.jupyterapp?.shell?.currentWidget;
    const status = panel?.sessionContext?.session?.kernel?.status;
    const queued = (panel?.content?.widgets ?? []).some((cell: any) => cell.model.type === "code" && cell.model.executionState === "running");
    const pending = [...document.querySelectorAll(".jp-InputArea-prompt")].some((p) => p.textContent?.includes("*"));
    if (status !== "idle" || queued || pending) { w.idleSince = undefined; return false; }
    w.idleSince ??= Date.now();
    return Date.now() - w.idleSince > 1000;
  }, undefined, { timeout, polling: 250 });
}

async function open(page: Page, origin: string, notebook: string, mode: "isolated" | "plain" = "isolated"): Promise<void> {
  await page.goto(`${origin}/${mode}/notebooks/index.html?path=${notebook}.ipynb`);
  await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 120_000 });
  await page.waitForFunction(() => (window as unknown as { jupyterapp?: any }).jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel?.name === "convlab-lite",
    undefined, { timeout: 120_000 });
  await settled(page, 120_000);
}

/** Scrolls every cell into view in turn (the notebook paints only what is near the view) and counts drawn figures. */
async function drawnFigures(page: Page): Promise<{ figures: number; drawn: number }> {
  const count = await page.evaluate(() => (window as unknown as { jupyterapp: any }).jupyterapp.shell.currentWidget.content.widgets.length as number);
  let figures = 0, drawn = 0;
  for (let index = 0; index < count; index++) {
    const found = await page.evaluate(async (i) => {
      const notebook = (window as unknown as { jupyterapp: any }).jupyterapp.shell.currentWidget.content;
      await notebook.scrollToItem(i, "center");
      const node = notebook.widgets[i].node as HTMLElement;
      const holders = [...node.querySelectorAll(".convlab-figure")];
      return { figures: holders.length, drawn: holders.filter((h) => h.querySelector(".main-svg")).length };
    }, index);
    if (found.figures > found.drawn) await page.waitForTimeout(1500);
    const again = found.figures > found.drawn ? await page.evaluate((i) => {
      const node = (window as unknown as { jupyterapp: any }).jupyterapp.shell.currentWidget.content.widgets[i].node as HTMLElement;
      const holders = [...node.querySelectorAll(".convlab-figure")];
      return { figures: holders.length, drawn: holders.filter((h) => h.querySelector(".main-svg")).length };
    }, index) : found;
    figures += again.figures;
    drawn += again.drawn;
  }
  return { figures, drawn };
}

function problems(cells: CellState[]): string[] {
  const found: string[] = [];
  let last = 0;
  for (const cell of cells) {
    const where = `cell ${cell.index} (${cell.head})`;
    const errors = cell.outputs.filter((o) => o.output_type === "error");
    if (cell.executionCount === null) found.push(`${where}: did not run`);
    else if (cell.executionCount <= last) found.push(`${where}: ran out of order`);
    else last = cell.executionCount;
    if (cell.tags.includes("raises-exception")) {
      if (errors.length === 0) found.push(`${where}: tagged raises-exception but shows no error`);
    } else {
      for (const error of errors) found.push(`${where}: ${error.ename}: ${error.evalue}`);
    }
  }
  return found;
}

describe.skipIf(NO_CHROMIUM)("the course in JupyterLite", () => {
  let server: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    const built = await buildLite();
    console.log(`lite: ${built.rebuilt ? "built" : "reused"} ${built.out}, ${(built.bytes / 2 ** 20).toFixed(1)} MiB`);
    server = await serveStatic(built.out);
    browser = await launchChromium();
    mkdirSync(SHOTS, { recursive: true });
  }, 900_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  for (const lesson of LESSONS) {
    test(`${lesson}: Run All Cells — every cell ran, every check passed, every figure drew`, async () => {
      const { page, errors } = await watchedPage(browser);
      await open(page, server.origin, lesson);
      await menu(page, "Run", /^Run All Cells/);
      await page.waitForTimeout(1000);
      await settled(page, 300_000);
      const cells = await codeCells(page);
      expect(problems(cells)).toEqual([]);
      const figureOutputs = cells.reduce((sum, cell) => sum + cell.outputs.filter((o) => o.mimes.includes("image/svg+xml")).length, 0);
      const { figures, drawn } = await drawnFigures(page);
      expect(figures).toBe(figureOutputs);
      expect(drawn).toBe(figures);
      await page.screenshot({ path: join(SHOTS, `${lesson}.png`) });
      expect(errors).toEqual([]);
      await page.context().close();
    }, 420_000);
  }

  test("09-lenet (reduced: the subset, 3 epochs): Run All — checks passed, figures drew, the live training figure updated in place", async () => {
    // The lesson with its cells' `ci` values (convlab notebooks --quick), saved into JupyterLite's own storage
    // through its contents API, as a learner's upload would be.
    const quick = mkdtempSync(join(tmpdir(), "convlab-lite-quick-"));
    execFileSync(process.execPath, [join(ROOT, "dist", "tools", "cli", "main.js"), "notebooks", "--quick", quick], { cwd: ROOT, stdio: "ignore" });
    const notebook = JSON.parse(readFileSync(join(quick, "09-lenet.ipynb"), "utf8")) as { metadata: Record<string, unknown> };
    rmSync(quick, { recursive: true, force: true });
    notebook.metadata.kernelspec = { name: LITE_KERNEL_NAME, display_name: "TypeScript (convlab)", language: "typescript" };
    const { page, errors } = await watchedPage(browser);
    await open(page, server.origin, "02-cross-correlation");
    await page.evaluate((content) => (window as unknown as { jupyterapp: any }).jupyterapp.serviceManager.contents.save("09-lenet-reduced.ipynb",
      { type: "notebook", format: "json", content }), notebook);
    await open(page, server.origin, "09-lenet-reduced");
    await menu(page, "Run", /^Run All Cells/);
    // While training runs, the live figure's output is replaced in place: sample its text until the run ends.
    const snapshots = new Set<string>();
    const started = Date.now();
    for (;;) {
      const state = await page.evaluate(() => {
        const panel = (window as unknown as { jupyterapp: any }).jupyterapp.shell.currentWidget;
        const cells = panel.content.widgets as any[];
        const training = cells.find((cell) => cell.model.type === "code" && cell.model.sharedModel.getSource().includes("const result = train("));
        const outputs = training ? (training.model.outputs.toJSON() as any[]) : [];
        const figure = outputs.find((o) => o.data?.["image/svg+xml"]);
        return { figure: figure ? String(figure.data["text/plain"] ?? "") + String(figure.data["image/svg+xml"]).length : "",
          busy: panel.sessionContext.session.kernel.status !== "idle" || cells.some((c) => c.model.type === "code" && c.model.executionState === "running") };
      });
      if (state.figure) snapshots.add(state.figure);
      if (!state.busy && Date.now() - started > 5000) break;
      if (Date.now() - started > 540_000) throw new Error("lesson 9 did not finish in 9 minutes");
      await page.waitForTimeout(400);
    }
    await settled(page, 60_000);
    expect(snapshots.size).toBeGreaterThanOrEqual(2);
    const cells = await codeCells(page);
    expect(problems(cells)).toEqual([]);
    const { figures, drawn } = await drawnFigures(page);
    expect(figures).toBeGreaterThanOrEqual(3);
    expect(drawn).toBe(figures);
    await page.screenshot({ path: join(SHOTS, "09-lenet-reduced.png") });
    expect(errors).toEqual([]);
    await page.context().close();
  }, 660_000);

  test("served without the isolation headers: one thread, and Interrupt restarts the kernel, saying so", async () => {
    const { page } = await watchedPage(browser);
    await open(page, server.origin, "02-cross-correlation", "plain");
    const runFirst = async (code: string) => {
      void page.evaluate((code) => {
        const app = (window as unknown as { jupyterapp: any }).jupyterapp;
        const notebook = app.shell.currentWidget.content;
        notebook.activeCellIndex = 0;
        notebook.activeCell.model.sharedModel.setSource(code);
        return app.commands.execute("notebook:run-cell");
      }, code);
      await page.waitForTimeout(500);
    };
    const firstOutput = () => page.locator(".jp-Cell").first().locator(".jp-OutputArea-output").innerText();
    await page.evaluate(() => (window as unknown as { jupyterapp: any }).jupyterapp.commands.execute("notebook:insert-cell-above"));
    await runFirst('import { getNumThreads } from "convlab";\nconst kept = 1;\ngetNumThreads()');
    await settled(page, 60_000);
    expect(await firstOutput()).toBe("1");
    await runFirst("while (true) {}");
    await page.waitForTimeout(1500);
    await menu(page, "Kernel", /^Interrupt Kernel/);
    await settled(page, 60_000);
    expect(await firstOutput()).toContain("KeyboardInterrupt: the kernel was restarted to stop the cell (not cross-origin isolated)");
    await runFirst("typeof kept");
    await settled(page, 60_000);
    expect(await firstOutput()).toBe('"undefined"');
    await page.screenshot({ path: join(SHOTS, "plain-interrupt.png") });
    await page.context().close();
  }, 300_000);

  test("a failing cell shows its error and cell line; an endless loop stops at the interrupt button", async () => {
    const { page } = await watchedPage(browser);
    await open(page, server.origin, "02-cross-correlation");
    const runCell = async (index: number, code: string) => page.evaluate(({ index, code }) => {
      const app = (window as unknown as { jupyterapp: any }).jupyterapp;
      const notebook = app.shell.currentWidget.content;
      notebook.activeCellIndex = index;
      notebook.activeCell.model.sharedModel.setSource(code);
      return app.commands.execute("notebook:run-cell");
    }, { index, code });
    await page.evaluate(() => (window as unknown as { jupyterapp: any }).jupyterapp.commands.execute("notebook:insert-cell-above"));
    void runCell(0, 'const ok = 1;\n\nconst broken: number[] = [];\nbroken.get(0);');
    await settled(page, 60_000);
    const first = (await codeCells(page))[0];
    expect(first.outputs).toMatchObject([{ output_type: "error", ename: "TypeError", evalue: "broken.get is not a function" }]);
    const traceback = await page.locator(".jp-Cell").first().locator(".jp-OutputArea-output").innerText();
    expect(traceback).toContain("at cell line 4: broken.get(0);");
    await page.screenshot({ path: join(SHOTS, "error-line.png") });

    void runCell(0, "const kept = 21;");
    await settled(page, 30_000);
    void runCell(0, "let spins = 0;\nwhile (true) {\n  spins++;\n}");
    await page.waitForFunction(() => document.querySelector(".jp-Cell .jp-InputArea-prompt")?.textContent?.includes("*"), undefined, { timeout: 30_000 });
    await page.waitForTimeout(1500);
    await menu(page, "Kernel", /^Interrupt Kernel/);
    await settled(page, 30_000);
    const stopped = (await codeCells(page))[0];
    expect(stopped.outputs.map((o) => o.ename)).toContain("KeyboardInterrupt");
    // Interrupted, not restarted: the kernel kept what earlier cells declared.
    void runCell(0, "kept * 2");
    await settled(page, 30_000);
    expect((await codeCells(page))[0].outputs).toMatchObject([{ output_type: "execute_result" }]);
    expect(await page.locator(".jp-Cell").first().locator(".jp-OutputArea-output").innerText()).toBe("42");
    await page.screenshot({ path: join(SHOTS, "interrupt.png") });
    await page.context().close();
  }, 300_000);
});
