import { join } from "node:path";
import { it } from "vitest";
import { launchChromium, watchedPage, REPO_ROOT } from "../chromium.js";
import { startJupyterLab } from "./lab.js";

it("explore", async () => {
  const root = join(REPO_ROOT, "artifacts", "jupyterlab", "lessons");
  const server = await startJupyterLab(root);
  const browser = await launchChromium();
  try {
    const { page } = await watchedPage(browser);
    const url = server.url("02-cross-correlation.ipynb");
    await page.goto(url);
    await page.waitForTimeout(15000);
    console.log(url, "->", page.url());
    await page.screenshot({ path: join(REPO_ROOT, "artifacts/explore/reset.png") });
  } finally {
    await browser.close();
    await server.stop();
  }
}, 300_000);
