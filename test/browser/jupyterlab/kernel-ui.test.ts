// The convlab kernel as a JupyterLab 4 user meets it, through the UI only: the ■ toolbar button interrupts a
// training run within seconds and the next cell then runs; Restart Kernel (toolbar, dialog) works and the
// notebook runs again; Tab completes TypeScript members (`nn.Con`, `X.` for a tensor) and Shift+Tab shows
// `F.conv2d`'s signature in the tooltip. Screenshots: artifacts/screenshots/jupyterlab/.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { languageInfo } from "../../../tools/jupyter-kernel/kernel-info.js";
import { KERNELSPEC } from "../../../tools/lessons/notebook.js";
import { launchChromium, NO_CHROMIUM, REPO_ROOT, watchedPage } from "../chromium.js";
import { codeCells, LAB_SCREENSHOTS, menu, openNotebook, startJupyterLab, waitForIdle, type JupyterServer } from "./lab.js";

const ROOT = join(REPO_ROOT, "artifacts", "jupyterlab", "kernel-ui");
const NOTEBOOK = "training.ipynb";

function fixture(): string {
  const cell = (id: string, source: string) => ({ id, cell_type: "code", execution_count: null, metadata: {}, outputs: [], source });
  return JSON.stringify({
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: KERNELSPEC, language_info: languageInfo() },
    cells: [
      cell("imports", 'import { nn, F, tensor, lenet, train, DataLoader, loadFashionMnistSync, manualSeed } from "convlab";\nconst X = tensor([[1, 2], [3, 4]]);'),
      cell("epochs", "const epochs = 200;"),
      cell("training", [
        "manualSeed(0);",
        'const data = loadFashionMnistSync({ split: "test", limit: 512 });',
        "const net = lenet();",
        "const result = train(net, new DataLoader(data, { batchSize: 64, shuffle: true, seed: 0 }), new DataLoader(data, { batchSize: 256 }), { epochs: epochs, lr: 0.9 });",
        "result.history.length",
      ].join("\n")),
      cell("next", '"next cell ran: " + 6 * 7'),
      cell("scratch", ""),
    ],
  }, null, 1);
}

/** The code cell `index` (0-based among all cells) as a locator. */
const cellAt = (page: Page, index: number) => page.locator(".jp-Notebook .jp-Cell").nth(index);

/** Puts the cursor in a cell's editor with `text` typed into it (replacing what was there). */
async function typeInto(page: Page, index: number, text: string): Promise<void> {
  await cellAt(page, index).locator(".cm-content").click();
  await page.keyboard.press("Control+a");
  await page.keyboard.press("Delete");
  await page.keyboard.type(text);
}

describe.skipIf(NO_CHROMIUM)("the convlab kernel in JupyterLab 4: interrupt, restart, completion, tooltip", () => {
  let server: JupyterServer;
  let browser: Browser;

  beforeAll(async () => {
    rmSync(ROOT, { recursive: true, force: true });
    mkdirSync(ROOT, { recursive: true });
    mkdirSync(LAB_SCREENSHOTS, { recursive: true });
    writeFileSync(join(ROOT, NOTEBOOK), fixture());
    [server, browser] = await Promise.all([startJupyterLab(ROOT), launchChromium()]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("■ stops training within seconds, the next cell runs; Tab and Shift+Tab show TypeScript; Restart Kernel and the notebook runs again", async () => {
    const { page, errors } = await watchedPage(browser);
    await openNotebook(page, server.url(NOTEBOOK));
    await menu(page, "Run", /^Run All Cells/);
    // Training has started once its progress bar shows a batch done.
    await cellAt(page, 2).locator("progress").first().waitFor({ timeout: 120_000 });
    await page.waitForFunction(() => Number(document.querySelectorAll(".jp-Notebook .jp-Cell")[2].querySelector("progress")?.getAttribute("value")) > 0,
      undefined, { timeout: 120_000 });
    const clicked = Date.now();
    await page.locator('.jp-NotebookPanel-toolbar [data-command="notebook:interrupt-kernel"]').click();
    await waitForIdle(page, 60_000);
    const stoppedAfter = (Date.now() - clicked) / 1000;
    console.log(`JupyterLab: ■ stopped the training cell after ${stoppedAfter.toFixed(1)} s`);
    expect(stoppedAfter).toBeLessThan(10);
    let cells = await codeCells(page);
    const interrupted = cells[2].outputs.filter((o) => o.output_type === "error");
    expect(interrupted.map((o) => `${o.ename}: ${o.evalue}`).join("\n")).toMatch(/interrupt/i);
    expect(cells[3].executionCount).toBeNull(); // Run All stopped at the interrupted cell
    await cellAt(page, 2).scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(LAB_SCREENSHOTS, "kernel-interrupted.png") });

    // The next cell runs (Shift+Enter on it).
    await cellAt(page, 3).locator(".cm-content").click();
    await page.keyboard.press("Shift+Enter");
    await waitForIdle(page, 60_000);
    cells = await codeCells(page);
    expect(cells[3].executionCount).not.toBeNull();
    await expect.poll(() => cellAt(page, 3).locator(".jp-OutputArea-output").innerText()).toContain("next cell ran: 42");

    // Completion: Tab after `nn.Con` and after `X.` (X is a tensor).
    await typeInto(page, 4, "nn.Con");
    await page.keyboard.press("Tab");
    const items = page.locator(".jp-Completer .jp-Completer-item");
    await items.first().waitFor({ timeout: 30_000 });
    expect(await items.allInnerTexts()).toEqual(expect.arrayContaining([expect.stringContaining("Conv2d")]));
    await page.keyboard.press("Escape");
    await typeInto(page, 4, "X.");
    await page.keyboard.press("Tab");
    await items.first().waitFor({ timeout: 30_000 });
    const tensorMembers = (await items.allInnerTexts()).map((text) => text.trim().split(/\s/)[0]);
    expect(tensorMembers).toEqual(expect.arrayContaining(["reshape", "shape", "sum"]));
    await page.screenshot({ path: join(LAB_SCREENSHOTS, "kernel-completion.png") });
    await page.keyboard.press("Escape");

    // Tooltip: Shift+Tab on F.conv2d shows its signature.
    await typeInto(page, 4, "F.conv2d");
    await page.keyboard.press("Shift+Tab");
    const tooltip = page.locator(".jp-Tooltip");
    await tooltip.waitFor({ timeout: 30_000 });
    const tip = await tooltip.innerText();
    expect(tip).toMatch(/conv2d\(/);
    expect(tip).toMatch(/input/);
    await page.screenshot({ path: join(LAB_SCREENSHOTS, "kernel-tooltip.png") });
    await page.keyboard.press("Escape");
    await typeInto(page, 4, "");

    // Restart Kernel (Kernel menu, then the dialog), fewer epochs typed in, and the notebook runs again.
    await menu(page, "Kernel", /^Restart Kernel…/);
    await page.locator(".jp-Dialog .jp-mod-accept").click(); // "Restart Kernel?" → Restart
    await waitForIdle(page, 120_000);
    await typeInto(page, 1, "const epochs = 1;");
    await page.keyboard.press("Escape");
    await menu(page, "Run", /^Run All Cells/);
    await waitForIdle(page, 300_000);
    cells = await codeCells(page);
    expect(cells.slice(0, 4).map((cell) => cell.outputs.filter((o) => o.output_type === "error").map((o) => o.evalue))).toEqual([[], [], [], []]);
    expect(cells.slice(0, 4).every((cell) => cell.executionCount !== null)).toBe(true);
    await expect.poll(() => cellAt(page, 2).locator(".jp-OutputArea-output").last().innerText()).toBe("1");
    expect(errors).toEqual([]);
  }, 600_000);
});
