// The compiled WebAssembly kernels, seen from a browser: fetched and compiled asynchronously before the first
// kernel call (the browser entry, src/browser.ts, awaits loadWasm at import), then handed out synchronously.
// Browsers refuse to compile large modules synchronously on a page's main thread, so there is no lazy path.
import { ConvlabError } from "../errors.js";
import type { WasmModule } from "./webassembly.js";

export type WasmName = "gemm" | "conv";
const NAMES: readonly WasmName[] = ["gemm", "conv"];

let base: URL | null = null;
const compiled = new Map<WasmName, WasmModule>();

/** The URL a module is fetched from: <base><name>.wasm. */
export function wasmPath(name: WasmName): string {
  return new URL(`${name}.wasm`, base ?? "http://unset.invalid/").href;
}

/** Fetches and compiles both modules from the folder `from` (a URL ending in "/"). */
export async function loadWasm(from: URL | string): Promise<void> {
  base = new URL(from);
  await Promise.all(NAMES.map(async (name) => {
    const url = wasmPath(name);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (error) {
      throw new ConvlabError(`convlab: could not fetch the WebAssembly kernels ${url}: ${String(error)}`);
    }
    if (!response.ok) throw new ConvlabError(`convlab: could not fetch the WebAssembly kernels ${url}: HTTP ${response.status}`);
    const module = await WebAssembly.compile(await response.arrayBuffer());
    compiled.set(name, module as unknown as WasmModule);
  }));
}

export function wasmModule(name: WasmName): WasmModule {
  const module = compiled.get(name);
  if (!module) {
    throw new ConvlabError(`convlab: the WebAssembly kernels are not loaded yet; \`await init()\` (from "convlab") before the first kernel call`);
  }
  return module;
}
