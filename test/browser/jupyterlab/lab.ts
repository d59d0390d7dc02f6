// JupyterLab 4 (and Notebook 7, served by the same server) from the project's .venv, started on a free loopback
// port with a token in a throwaway Jupyter home, and the UI moves the tests make through it: open a notebook, Run
// All from the Run menu, wait for the kernel to go idle. Cells are driven through the UI (menus, keyboard,
// toolbar buttons), never through the kernel; the app object (exposed with expose_app_in_browser) is only read,
// to see cell tags, execution counts and outputs as JupyterLab holds them (typed `any`: JupyterLab's TypeScript
// types are not a dependency of this project).
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { jupyterEnv } from "../../helpers/jupyter.js";
import { REPO_ROOT } from "../chromium.js";

export const LAB_SCREENSHOTS = join(REPO_ROOT, "artifacts", "screenshots", "jupyterlab");
const PROGRESS_LOG = join(REPO_ROOT, "artifacts", "jupyterlab", "progress.log");

/** A timestamped line in artifacts/jupyterlab/progress.log (vitest shows console output only at the end). */
export function progress(text: string): void {
  mkdirSync(join(REPO_ROOT, "artifacts", "jupyterlab"), { recursive: true });
  appendFileSync(PROGRESS_LOG, `${new Date().toISOString().slice(11, 19)} ${text}\n`);
}

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

export interface JupyterServer {
  base: string;
  token: string;
  /** URL of a notebook (path relative to the server's root) in JupyterLab or Notebook 7, token included. */
  url(notebookPath: string, app?: "lab" | "notebook"): string;
  /** JupyterLab with no notebook open (the file browser on the root). */
  labUrl(): string;
  /** Shuts down every kernel (REST; cleanup between lessons, not part of what is tested). */
  shutdownKernels(): Promise<void>;
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts `jupyter lab` (or `jupyter notebook`: Notebook 7) on `root`. Its config, data (the notebook signature database), runtime and settings
 * folders are fresh, so nothing from the user's Jupyter leaks in and the server trusts no notebook it did not
 * sign itself. The convlab kernel comes from the venv's prefix.
 */
export async function startJupyterLab(root: string, app: "lab" | "notebook" = "lab"): Promise<JupyterServer> {
  const python = jupyterEnv();
  const home = mkdtempSync(join(tmpdir(), "convlab-jupyterlab-"));
  const settings = join(home, "lab-settings");
  if (app === "lab") {
    // No "Would you like to get notified about official Jupyter news?" toast over the notebook. (Only for
    // JupyterLab: Notebook 7 has no such plugin and its page throws on settings for one.)
    mkdirSync(join(settings, "@jupyterlab", "apputils-extension"), { recursive: true });
    writeFileSync(join(settings, "@jupyterlab", "apputils-extension", "notification.jupyterlab-settings"),
      JSON.stringify({ fetchNews: "false", checkForUpdates: false }));
  }
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  // Notebook 7 runs as `jupyter notebook`, as `npm run lab -- --notebook` starts it. (Its page served by
  // `jupyter lab` threw "Cannot read properties of undefined (reading 'schema')" from its shortcut settings.)
  const args = [app, "--no-browser", "--ip=127.0.0.1", `--port=${port}`, "--port-retries=0",
    `--IdentityProvider.token=${token}`, `--ServerApp.root_dir=${root}`, "--LabApp.expose_app_in_browser=True",
    "--JupyterNotebookApp.expose_app_in_browser=True",
    // No news feed or update check: there is no network here.
    "--LabApp.news_url=None", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ...(process.getuid?.() === 0 ? ["--allow-root"] : [])]; // CI runs as root
  const server: ChildProcess = spawn(python.jupyter, args, {
    cwd: home,
    env: {
      ...python.env, JUPYTER_CONFIG_DIR: join(home, "config"), JUPYTER_DATA_DIR: join(home, "data"),
      JUPYTER_RUNTIME_DIR: join(home, "runtime"), IPYTHONDIR: join(home, "ipython"),
      JUPYTERLAB_SETTINGS_DIR: settings, JUPYTERLAB_WORKSPACES_DIR: join(home, "workspaces"),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  server.stdout!.on("data", (chunk) => (log += chunk));
  server.stderr!.on("data", (chunk) => (log += chunk));
  const base = `http://127.0.0.1:${port}`;
  const api = (path: string, init?: RequestInit) => fetch(`${base}${path}`, { ...init, headers: { Authorization: `token ${token}` } });
  let workspaces = 0;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`jupyter ${app} exited (${server.exitCode}):\n${log}`);
    try {
      if ((await api("/api/status")).ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      server.kill("SIGKILL");
      throw new Error(`jupyter ${app} did not answer at ${base} within 90 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base,
    token,
    url: (notebookPath, app = "lab") => {
      const path = notebookPath.split("/").map(encodeURIComponent).join("/");
      // A workspace of its own for each page: JupyterLab would otherwise reopen every notebook an earlier page had
      // open (each with its kernel).
      workspaces += 1;
      return app === "lab" ? `${base}/lab/workspaces/test-${workspaces}/tree/${path}?token=${token}&reset` : `${base}/notebooks/${path}?token=${token}`;
    },
    labUrl: () => `${base}/lab/workspaces/test-${++workspaces}?token=${token}&reset`,
    async shutdownKernels() {
      // Sessions first: a session left pointing at a deleted kernel would start a new one for the next page.
      const sessions = await (await api("/api/sessions")).json() as { id: string }[];
      await Promise.all(sessions.map((session) => api(`/api/sessions/${session.id}`, { method: "DELETE" })));
      const kernels = await (await api("/api/kernels")).json() as { id: string }[];
      await Promise.all(kernels.map((kernel) => api(`/api/kernels/${kernel.id}`, { method: "DELETE" })));
    },
    log: () => log,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once("exit", resolve));
        server.kill("SIGTERM"); // Jupyter shuts its kernels down on SIGTERM
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (server.exitCode === null) server.kill("SIGKILL");
      }
      rmSync(home, { recursive: true, force: true });
      // Kept for reading after a failure: the kernels' stderr (e.g. "unsupported message type") lands here too.
      writeFileSync(join(REPO_ROOT, "artifacts", "jupyterlab", `server-${port}.log`), log);
    },
  };
}

/**
 * Opens a notebook in an already loaded JupyterLab by double-clicking it in the file browser (no page reload:
 * loading JupyterLab's code again per notebook would cost more than running most lessons), then waits until it
 * is the current tab with its kernel idle.
 */
export async function openFromFileBrowser(page: Page, name: string): Promise<void> {
  await page.locator(".jp-DirListing-item .jp-DirListing-itemText", { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }).dblclick();
  await page.waitForFunction((title) => {
    const panel = (window as unknown as { jupyterapp?: any }).jupyterapp?.shell?.currentWidget;
    return panel?.title?.label === title && panel.content?.widgets?.length > 0;
  }, name, { timeout: 120_000 });
  await waitForIdle(page, 120_000);
}

/** Opens a notebook by URL and waits until its cells are there and its kernel is idle. */
export async function openNotebook(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator(".jp-Notebook .jp-Cell").first().waitFor({ timeout: 120_000 });
  await waitForIdle(page, 120_000);
}

/** The current notebook's kernel is idle and no cell waits in the queue ("[*]"), for a second in a row. */
export async function waitForIdle(page: Page, timeout: number): Promise<void> {
  await page.evaluate(() => { (window as unknown as { convlabIdleSince?: number }).convlabIdleSince = undefined; });
  await page.waitForFunction(() => {
    const w = window as unknown as { jupyterapp?: any; convlabIdleSince?: number };
    const panel = w.jupyterapp?.shell?.currentWidget;
    const status = panel?.sessionContext?.session?.kernel?.status;
    const pending = [...document.querySelectorAll(".jp-Notebook .jp-InputArea-prompt")].some((p) => p.textContent?.includes("*"));
    if (status !== "idle" || pending) {
      w.convlabIdleSince = undefined;
      return false;
    }
    w.convlabIdleSince ??= Date.now();
    return Date.now() - w.convlabIdleSince > 1000;
  }, undefined, { timeout, polling: 200 });
}

/**
 * Scrolls the nth element matching `selector` to the middle of the notebook and lets the notebook paint the
 * cells around it (JupyterLab skips painting off-screen cells), for a screenshot a person can read.
 */
export async function centreOn(page: Page, selector: string, nth = 0): Promise<void> {
  // Cells painted for the first time take their real height and push the target away: scroll until it stays.
  for (let attempt = 0; attempt < 4; attempt++) {
    await page.evaluate(({ selector, nth }) => document.querySelectorAll(selector)[nth]?.scrollIntoView({ block: "center" }), { selector, nth });
    await page.waitForTimeout(500);
  }
}

/** Clicks a menu bar menu, then an item in it (JupyterLab and Notebook 7 share the menu widgets). */
export async function menu(page: Page, top: string, item: RegExp): Promise<void> {
  await page.locator(".lm-MenuBar-itemLabel", { hasText: new RegExp(`^${top}$`) }).click();
  await page.locator(".lm-Menu-content .lm-Menu-item:not(.lm-mod-disabled)").filter({ hasText: item }).first().click();
}

export interface CellOutput { output_type: string; ename?: string; evalue?: string; mimes: string[]; name?: string }

export interface CellState {
  index: number;
  /** First source line, for messages. */
  head: string;
  tags: string[];
  executionCount: number | null;
  trusted: boolean;
  /** The editor's language, from the notebook's language_info (TypeScript: application/typescript). */
  mimeType: string;
  outputs: CellOutput[];
  /** Outputs as rendered: the data-mime-type of each output node, in order. */
  rendered: string[];
  sourceHidden: boolean;
  outputsHidden: boolean;
  /** Figures in the outputs (our renderer's holder) and how many of them plotly drew / show their picture. */
  figures: number;
  plotlyDrawn: number;
  picturesShown: number;
}

/** Every code cell of the current notebook as JupyterLab holds and shows it. */
export async function codeCells(page: Page): Promise<CellState[]> {
  return page.evaluate(() => {
    const panel = (window as unknown as { jupyterapp: any }).jupyterapp.shell.currentWidget;
    const cells = panel.content.widgets as any[];
    return cells.map((cell, index) => ({ cell, index })).filter(({ cell }) => cell.model.type === "code").map(({ cell, index }) => {
      const source: string = cell.model.sharedModel.getSource();
      const outputs = (cell.model.outputs.toJSON() as any[]).map((o) => ({
        output_type: o.output_type, ename: o.ename, evalue: o.evalue, name: o.name, mimes: Object.keys(o.data ?? {}),
      }));
      const node = cell.node as HTMLElement;
      const holders = [...node.querySelectorAll(".convlab-figure")];
      return {
        index,
        head: source.split("\n").find((line) => line.trim() !== "" && !line.startsWith("//"))?.slice(0, 90) ?? "",
        tags: (cell.model.getMetadata("tags") as string[] | undefined) ?? [],
        executionCount: cell.model.executionCount ?? null,
        trusted: cell.model.trusted,
        mimeType: cell.model.mimeType,
        outputs,
        rendered: [...node.querySelectorAll(".jp-OutputArea-output")].map((o) => o.getAttribute("data-mime-type") ?? ""),
        sourceHidden: cell.inputHidden,
        outputsHidden: cell.outputHidden,
        figures: holders.length,
        plotlyDrawn: holders.filter((h) => h.querySelector(".main-svg")).length,
        picturesShown: holders.filter((h) => {
          const img = h.querySelector("img") as HTMLImageElement | null;
          return img !== null && img.complete && img.naturalWidth > 0;
        }).length,
      };
    });
  });
}
