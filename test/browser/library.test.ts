// convlab in headless Chromium, from the browser build (tools/browser/build.ts → a fresh dist/browser copy in
// artifacts/browser/library): the fast-vs-readable kernel checks (test/browser/library/kernel-checks.ts, every
// WebAssembly kernel) in a cross-origin isolated page (two threads: a Web Worker sharing the memory) and in a
// plain page (one thread); LeNet's forward, backward and SGD step giving Node's bits in both; the Fashion-MNIST
// subset fetched from next to the bundle, as Node reads it from disk.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { Browser } from "playwright-core";
import * as convlab from "../../src/index.js";
import { buildBrowser, bundleForBrowser } from "../../tools/browser/build.js";
import { BROWSER_WORK, launchChromium, NO_CHROMIUM, watchedPage, type WatchedPage } from "./chromium.js";
import { lenetStep } from "./library/lenet-workload.js";
import { serveStatic, type StaticServer } from "../../tools/browser/static-server.js";

const SITE = join(BROWSER_WORK, "library");
const MODES = [
  { mode: "isolated", threads: 2 },
  { mode: "plain", threads: 1 },
] as const;

const PAGES = {
  "/kernels.html": `<!doctype html><meta charset="utf-8"><title>kernel checks</title><script type="module">
import { runKernelChecks } from "./kernel-checks.js";
window.kernelChecks = runKernelChecks().catch((error) => ({ error: String(error && error.stack || error) }));
</script>`,
  "/lenet.html": `<!doctype html><meta charset="utf-8"><title>convlab</title><script type="module">
import * as convlab from "./convlab.js";
window.convlab = convlab;
</script>`,
};

function digests(arrays: Float32Array[]): string[] {
  return arrays.map((a) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex"));
}

describe.skipIf(NO_CHROMIUM)("convlab's browser build in headless Chromium", () => {
  let browser: Browser;
  let server: StaticServer;
  let bundleBytes = 0;

  beforeAll(async () => {
    ({ bundleBytes } = await buildBrowser(SITE));
    await bundleForBrowser(join(import.meta.dirname, "library", "kernel-checks.ts"), join(SITE, "kernel-checks.js"));
    server = await serveStatic(SITE, PAGES);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(mode: string, page: string): Promise<WatchedPage> {
    const watched = await watchedPage(browser);
    watched.page.on("console", (message) => { if (message.type() === "error") watched.errors.push(message.text()); });
    await watched.page.goto(`${server.origin}/${mode}/${page}`);
    return watched;
  }

  test("the bundle is one ES module without node: imports, and small", () => {
    expect(bundleBytes).toBeGreaterThan(50_000);
    expect(bundleBytes).toBeLessThan(400_000);
  });

  for (const { mode, threads } of MODES) {
    test(`${mode} page: ${threads} thread(s); every fast kernel agrees with its readable twin`, async () => {
      const { page, errors, external } = await open(mode, "kernels.html");
      await page.waitForFunction(() => (window as unknown as { kernelChecks?: unknown }).kernelChecks !== undefined);
      const outcome = await page.evaluate(() => (window as unknown as { kernelChecks: Promise<unknown> }).kernelChecks) as
        { error?: string; threads: number; isolated: boolean; helperChunks: number; results: { name: string; ok: boolean; detail: string }[] };
      expect(outcome.error).toBeUndefined();
      expect(outcome.isolated).toBe(mode === "isolated");
      expect(outcome.threads).toBe(threads);
      const failed = outcome.results.filter((r) => !r.ok).map((r) => `${r.name}: ${r.detail}`);
      expect(failed).toEqual([]);
      expect(outcome.results.length).toBeGreaterThanOrEqual(30);
      // Two threads for real: the Web Worker took some of the chunks.
      if (threads === 2) expect(outcome.helperChunks).toBeGreaterThan(0);
      expect(errors).toEqual([]);
      expect(external).toEqual([]);
    }, 180_000);

    test(`${mode} page: LeNet forward, backward and an SGD step give Node's bits; the subset loads with fetch`, async () => {
      const { page, errors } = await open(mode, "lenet.html");
      await page.waitForFunction(() => (window as unknown as { convlab?: unknown }).convlab !== undefined);
      const browserRun = await page.evaluate(`(async () => {
        const run = (${lenetStep.toString()})(window.convlab);
        const hex = async (a) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(a.buffer, a.byteOffset, a.byteLength)))]
          .map((b) => b.toString(16).padStart(2, "0")).join("");
        let notYet = "";
        try { window.convlab.loadFashionMnistSync({ split: "train" }); } catch (error) { notYet = error.name + ": " + error.message; }
        const test = await window.convlab.loadFashionMnist({ split: "test", limit: 50 });
        // Once a split is loaded, the synchronous loader (the lessons') answers from it.
        const syncTest = window.convlab.loadFashionMnistSync({ split: "test", limit: 5 });
        // The full data's two other ways in: a folder URL (an instructor's copy) and files a learner picks.
        const fromUrl = await window.convlab.loadFashionMnist({ split: "test", url: "data/fashion-mnist-subset/" });
        const names = ["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];
        const files = await Promise.all(names.map(async (name) => new File([await (await fetch("data/fashion-mnist-subset/" + name)).blob()], name)));
        const fromFiles = await window.convlab.loadFashionMnist({ split: "test", files, limit: 10 });
        let missing = "";
        try { await window.convlab.loadFashionMnist({ split: "test", files: files.slice(1) }); } catch (error) { missing = error.name + ": " + error.message; }
        return { notYet, sync: [syncTest.length, Array.from(syncTest.labels.data)], url: [fromUrl.source.kind, fromUrl.source.verified, fromUrl.length, fromUrl.message],
          files: [fromFiles.source.kind, fromFiles.length, Array.from(fromFiles.labels.data)], missing, digests: await Promise.all(run.arrays.map(hex)), loss: run.loss, threads: window.convlab.getNumThreads(),
          labels: Array.from(test.labels.data), pixels: await hex(test.images.data), message: test.message };
      })()`) as { digests: string[]; loss: number; threads: number; labels: number[]; pixels: string; message: string;
        url: unknown[]; files: unknown[]; missing: string; notYet: string; sync: unknown[] };
      const nodeRun = lenetStep(convlab);
      expect(browserRun.threads).toBe(threads);
      expect(browserRun.loss).toBe(nodeRun.loss);
      expect(browserRun.digests).toEqual(digests(nodeRun.arrays));
      const nodeTest = await convlab.loadFashionMnist({ split: "test", source: "subset", limit: 50 });
      expect(browserRun.labels).toEqual(Array.from(nodeTest.labels.data));
      expect(browserRun.pixels).toBe(digests([nodeTest.images.data as Float32Array])[0]);
      expect(browserRun.message).toMatch(/^Fashion-MNIST test: 50 images \(the first 50 of 1000\) from the subset served with this site .*SHA256SUMS checked/);
      expect(browserRun.notYet).toMatch(/^ValueError: loadFashionMnistSync: a browser fetches data asynchronously, and the train split has not been loaded here yet/);
      expect(browserRun.sync).toEqual([5, browserRun.labels.slice(0, 5)]);
      // The subset is not the official files, so from a URL or picked files it loads as unverified.
      expect(browserRun.url.slice(0, 3)).toEqual(["url", false, 1000]);
      expect(browserRun.url[3]).toMatch(/from the course's copy \(http:\/\/127\.0\.0\.1:\d+\/\w+\/data\/fashion-mnist-subset\/\), not the official files' checksums/);
      expect(browserRun.files).toEqual(["files", 10, browserRun.labels.slice(0, 10)]);
      expect(browserRun.missing).toMatch(/^DataError: loadFashionMnist: the files given \(t10k-labels-idx1-ubyte\.gz\) do not include t10k-images-idx3-ubyte\.gz/);
      expect(errors).toEqual([]);
    }, 120_000);
  }
});
