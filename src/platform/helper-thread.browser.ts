// The kernels' helper thread, seen from a browser: a Web Worker (from a blob: URL, so nothing else needs
// serving) that receives the module, the shared memory and the control block in its first message. Only a
// cross-origin isolated page can share memory with it; elsewhere the kernels run on one thread
// (system.browser.ts reports one usable core) and the control block is a plain ArrayBuffer.
import type { WasmMemory, WasmModule } from "./webassembly.js";

export interface HelperData {
  module: WasmModule;
  memory: WasmMemory;
  control: ArrayBufferLike;
  names: readonly string[];
}

export function startHelperThread(loop: string, data: HelperData): void {
  const source = `self.onmessage = (event) => {\n  self.onmessage = null;\n`
    + `  const { module, memory, control, names } = event.data;\n${loop}\n};\n`;
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { name: "convlab kernels" });
  worker.postMessage({ ...data, names: [...data.names] });
}

export function sharedBuffer(bytes: number): ArrayBufferLike {
  return typeof SharedArrayBuffer === "function" ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** A page's main thread may not Atomics.wait; it spins instead (only ever for the helper's last chunk). */
const canWait = typeof (globalThis as { document?: unknown }).document === "undefined";

export function waitWhile(slots: Int32Array, index: number, value: number): void {
  if (canWait) {
    while (Atomics.load(slots, index) === value) Atomics.wait(slots, index, value);
  } else {
    while (Atomics.load(slots, index) === value) { /* the helper is finishing a chunk */ }
  }
}
