// The kernel's Web Worker: loads TypeScript (typescript.js, a classic script) and convlab's browser build from
// next to this file, routes the console and the library's display API to the page as messages (protocol.ts),
// and runs each cell it is sent. Two threads for convlab's kernels when the page is cross-origin isolated (the
// library then starts its own helper worker from here), one otherwise.
import type { Ts } from "./executor.js";
import { KernelWorker, type FromWorker, type ToWorker } from "./protocol.js";

interface WorkerScope {
  location: { href: string };
  importScripts(...urls: string[]): void;
  postMessage(message: FromWorker): void;
  onmessage: ((event: { data: ToWorker }) => void) | null;
  ts?: Ts;
  console: Record<string, (...args: unknown[]) => void>;
}

const scope = self as unknown as WorkerScope;
const here = (path: string) => new URL(path, scope.location.href).href;

let kernel: KernelWorker | null = null;
let convlab: Promise<unknown> | null = null;
/** Cells run one after another, in the order they came. */
let queue: Promise<void> = Promise.resolve();

function loadConvlab(): Promise<unknown> {
  convlab ??= (async () => {
    const module = await import(/* webpackIgnore: true */ here("convlab/convlab.js")) as
      { loadPlotly(): Promise<string>; preloadFashionMnist(): Promise<void> };
    // plotly.js once per kernel: show() sends it to the notebook before the first figure. The data subset (served
    // next to convlab.js) is fetched now, so that the lessons' loadFashionMnistSync can answer from it.
    await Promise.all([module.loadPlotly(), module.preloadFashionMnist()]);
    return module;
  })();
  return convlab;
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === "init") {
    try {
      scope.importScripts(here("typescript/typescript.js"));
    } catch (error) {
      scope.postMessage({ type: "stream", id: -1, name: "stderr", text: `TypeScript failed to load: ${String(error)}\n` });
      scope.postMessage({ type: "ready" });
      return;
    }
    const interrupt = message.interrupt ? new Int32Array(message.interrupt) : null;
    kernel = new KernelWorker(scope.ts!, (m) => scope.postMessage(m), {
      importModule: async (specifier) => {
        if (specifier === "convlab") return loadConvlab();
        throw new Error(`Cannot find module '${specifier}': in JupyterLite, cells can import "convlab"`);
      },
      interruptFlag: interrupt,
    });
    kernel.installDisplayApi();
    // Library code (training progress lines) logs through the global console: into the cell's output too.
    for (const name of ["log", "info", "debug", "warn", "error"] as const) scope.console[name] = kernel.console[name];
    void loadConvlab().then(() => scope.postMessage({ type: "ready" }), (error) => {
      scope.postMessage({ type: "stream", id: -1, name: "stderr", text: `convlab failed to load: ${String(error)}\n` });
      scope.postMessage({ type: "ready" });
    });
  } else if (message.type === "execute") {
    const { id, code } = message;
    queue = queue.then(() => kernel!.execute(id, code));
  }
};
