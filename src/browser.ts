// convlab in a browser: the same library (src/index.ts), bundled by tools/browser/build.ts into
// dist/browser/convlab.js with every module that has a `.browser.ts` sibling swapped for it (src/platform/).
// Importing the bundle fetches and compiles the WebAssembly kernels from next to it (top-level await), so
// kernel calls stay synchronous as in Node. Two threads when the page (or worker) is cross-origin isolated,
// one otherwise; the bits are the same either way.
import { setSubsetUrl } from "./data/fashion-mnist.browser.js";
import { ConvlabError } from "./errors.js";
import { setPlotlySource } from "./platform/plotly.browser.js";
import { loadWasm } from "./platform/wasm.browser.js";

export * from "./index.js";
export { preloadFashionMnist, setFashionMnistUrl, type NamedBlob } from "./data/fashion-mnist.browser.js";

/** Where the bundle was served from: the kernels, plotly.min.js and the data subset sit next to it. */
const HERE = new URL("./", import.meta.url);

/**
 * Loads the WebAssembly kernels from `base` (default: the bundle's folder) and points the Fashion-MNIST subset
 * at `base`/data/fashion-mnist-subset/. Importing convlab already did this once; call it again only to load
 * the kernels from elsewhere.
 */
export async function init(options: { base?: string | URL } = {}): Promise<void> {
  const base = new URL(options.base ?? HERE, HERE);
  await loadWasm(base);
  setSubsetUrl(new URL("data/fashion-mnist-subset/", base).href);
}

let plotly: Promise<string> | null = null;

/**
 * Fetches plotly.min.js from next to the bundle (once), for figures' HTML that carries the library inline
 * (viz.plotlyLoaderHtml, saveFigure(..., ".html")). Returns its source text.
 */
export function loadPlotly(url: string | URL = new URL("plotly.min.js", HERE)): Promise<string> {
  plotly ??= (async () => {
    const response = await fetch(url);
    if (!response.ok) throw new ConvlabError(`loadPlotly: cannot fetch ${String(url)}: HTTP ${response.status}`);
    const text = await response.text();
    setPlotlySource(text);
    return text;
  })();
  return plotly;
}

/** How the kernels run here: "two threads" needs a cross-origin isolated page (COOP/COEP headers). */
export function browserThreads(): { isolated: boolean; threads: number } {
  return { isolated: globalThis.crossOriginIsolated === true, threads: getNumThreads() };
}

import { getNumThreads } from "./kernels/threads.js";

await init();
