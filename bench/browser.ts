// `npm run bench -- --browser`: LeNet's training and evaluation examples/s in headless Chromium (the browser
// build, tools/browser/build.ts) next to Node's, alternating in rounds: Node (the usual convlab worker process),
// a cross-origin isolated page (two threads: a Web Worker sharing the kernels' memory) and a plain page (one
// thread). Same subject, same timing protocol, same data files (served to the pages by a 127.0.0.1 server).
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { buildBrowser, bundleForBrowser, ROOT } from "../tools/browser/build.js";
import { serveStatic } from "../tools/browser/static-server.js";
import { CHROMIUM_ARGS, findChromium } from "../src/viz/save.js";
import { FASHION_MNIST_FILES } from "../src/data/fashion-mnist-files.js";
import { findFile } from "../src/data/fashion-mnist-read.js";
import type { BenchOptions } from "./options.js";
import { runWorker } from "./spawn.js";
import { median, type WorkerResult, type WorkerSpec } from "./workload.js";

export type BrowserRunner = "node" | "chromium-isolated" | "chromium-plain";
const RUNNERS: readonly BrowserRunner[] = ["node", "chromium-isolated", "chromium-plain"];
const LABELS: Record<BrowserRunner, string> = {
  node: "Node",
  "chromium-isolated": "Chromium, isolated page",
  "chromium-plain": "Chromium, plain page",
};

const PAGE = `<!doctype html><meta charset="utf-8"><title>convlab bench</title>
<script type="importmap">{ "imports": { "convlab": "./convlab.js" } }</script>
<script type="module">
import { runBench } from "./bench-page.js";
window.runBench = runBench;
</script>`;

export interface BrowserBenchRow { runner: BrowserRunner; threads: number; trainExamplesPerSec: number; evalExamplesPerSec: number;
  rounds: WorkerResult[] }

export async function browserBench(options: BenchOptions, dataDir: string, log: (line: string) => void): Promise<BrowserBenchRow[]> {
  const executablePath = findChromium();
  if (executablePath === null) throw new Error("bench --browser: no Chromium found (apt-get install chromium, or set CONVLAB_CHROMIUM)");
  const site = join(ROOT, "artifacts", "bench", "browser-site");
  await buildBrowser(site);
  await bundleForBrowser(join(ROOT, "bench", "browser-page.ts"), join(site, "bench-page.js"), ["convlab"]);
  // The very files the Node worker reads (the loader's choice: the full set when installed, else the subset).
  mkdirSync(join(site, "bench-data"), { recursive: true });
  for (const split of ["train", "test"] as const) {
    for (const file of [FASHION_MNIST_FILES[split].images, FASHION_MNIST_FILES[split].labels]) {
      const path = findFile(dataDir, file);
      if (path === null) throw new Error(`bench --browser: ${dataDir} has no ${file.name}`);
      copyFileSync(path, join(site, "bench-data", path.slice(path.lastIndexOf("/") + 1)));
    }
  }
  const server = await serveStatic(site, { "/bench.html": PAGE });
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS });
  const results = new Map<BrowserRunner, WorkerResult[]>(RUNNERS.map((r) => [r, []]));
  try {
    for (let round = 1; round <= options.rounds; round++) {
      for (const runner of RUNNERS) {
        const spec: WorkerSpec = { framework: "convlab", dataDir, seed: options.seed, threads: Math.max(...options.threads),
          warmupBatches: options.warmupBatches, trainBatches: options.trainBatches, evalBatches: options.evalBatches,
          convRepeats: options.convRepeats };
        let result: WorkerResult;
        if (runner === "node") {
          result = runWorker(spec);
        } else {
          // A fresh page per round, as a fresh process per Node round.
          const page = await browser.newPage();
          try {
            await page.goto(`${server.origin}/${runner === "chromium-isolated" ? "isolated" : "plain"}/bench.html`);
            await page.waitForFunction(() => (globalThis as { runBench?: unknown }).runBench !== undefined);
            result = await page.evaluate(([s, url]) => (globalThis as unknown as
              { runBench(spec: unknown, url: string): Promise<WorkerResult> }).runBench(s, url), [spec, "bench-data/"] as const);
          } finally {
            await page.close();
          }
        }
        results.get(runner)!.push(result);
        log(`round ${round}/${options.rounds} ${LABELS[runner].padEnd(24)}: ${Math.round(result.trainExamplesPerSec)} train ex/s `
          + `(loss ${result.trainLoss.toFixed(3)}), ${Math.round(result.evalExamplesPerSec)} eval ex/s, ${result.threads} thread(s)`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return RUNNERS.map((runner) => {
    const rounds = results.get(runner)!;
    return { runner, threads: rounds[0].threads, rounds,
      trainExamplesPerSec: median(rounds.map((r) => r.trainExamplesPerSec)), evalExamplesPerSec: median(rounds.map((r) => r.evalExamplesPerSec)) };
  });
}

/** The table: medians over rounds, and each browser runner as a fraction of Node. */
export function formatBrowserTable(rows: BrowserBenchRow[]): string {
  const node = rows.find((r) => r.runner === "node")!;
  const lines = ["| runner | threads | train ex/s | eval ex/s | train vs Node | eval vs Node |", "|---|---|---|---|---|---|"];
  for (const row of rows) {
    lines.push(`| ${LABELS[row.runner]} | ${row.threads} | ${Math.round(row.trainExamplesPerSec)} | ${Math.round(row.evalExamplesPerSec)} | `
      + `${(row.trainExamplesPerSec / node.trainExamplesPerSec).toFixed(2)}× | ${(row.evalExamplesPerSec / node.evalExamplesPerSec).toFixed(2)}× |`);
  }
  return lines.join("\n");
}
