// Headless Chromium for the browser tests: Debian's /usr/bin/chromium driven by playwright-core (no browser
// download). Tests skip loudly when it is missing. Pages come from file:// or 127.0.0.1 only: every other
// request is aborted and recorded, so a figure that needed the network would fail its test.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { CHROMIUM_ARGS, findChromium } from "../../src/viz/save.js";

export { REPO_ROOT } from "../helpers/root.js";
import { REPO_ROOT } from "../helpers/root.js";
export const SCREENSHOTS = join(REPO_ROOT, "artifacts", "screenshots");
export const BROWSER_WORK = join(REPO_ROOT, "artifacts", "browser");

export const CHROMIUM_PATH = findChromium();
export const NO_CHROMIUM = CHROMIUM_PATH === null;
if (NO_CHROMIUM) {
  console.warn("\n*** browser tests SKIPPED: no Chromium found (apt-get install chromium, or set CONVLAB_CHROMIUM) ***\n");
}

export async function launchChromium(): Promise<Browser> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(BROWSER_WORK, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM_PATH!, args: CHROMIUM_ARGS });
}

export interface WatchedPage {
  page: Page;
  /** Uncaught exceptions in the page. */
  errors: string[];
  /** Requests that would have left this machine (aborted). */
  external: string[];
}

/** A page that records its errors and blocks everything but file://, data:, about: and 127.0.0.1. */
export async function watchedPage(browser: Browser, options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, viewport: { width: options.width ?? 1400, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [], external: string[] = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  await page.route("**/*", (route) => {
    const url = route.request().url();
    if (/^(file:|data:|about:|blob:)/.test(url) || /^https?:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)) return route.continue();
    external.push(url);
    return route.abort();
  });
  return { page, errors, external };
}

/**
 * How many pixels of an <img> differ from white, counted on a canvas in the page: proof that the static
 * picture drew something, not an empty or broken image.
 */
export async function inkedPixels(page: Page, selector: string): Promise<number[]> {
  return page.$$eval(selector, (images) => (images as HTMLImageElement[]).map((img) => {
    if (!img.complete || img.naturalWidth === 0) return 0;
    const canvas = document.createElement("canvas");
    canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
    const context = canvas.getContext("2d")!;
    context.drawImage(img, 0, 0);
    const pixels = context.getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 0; i < pixels.length; i += 4) if (pixels[i] < 240 || pixels[i + 1] < 240 || pixels[i + 2] < 240) inked++;
    return inked;
  }));
}
