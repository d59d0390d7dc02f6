// The rich-display API the kernel offers to code running in it (the library's plots, lessons).
//
// It lives on globalThis under a registered symbol so that library code can find it without
// importing the kernel (or tslab, which would load a TypeScript compiler) and can fall back to
// plain text when it runs outside a notebook:
//
//   const kernel = (globalThis as any)[Symbol.for("convlab.kernel")];
//   if (kernel) kernel.display({ "text/html": html, "image/svg+xml": svg, "text/plain": text }, { displayId });
//
// tslab's own `display` object (import * as tslab from "tslab") is also routed here.
import { createRequire } from "node:module";
import { randomUUID } from "node:crypto";

export const KERNEL_API_KEY = Symbol.for("convlab.kernel");

/** MIME type -> representation (strings, or JSON values for application/json-like types). */
export type MimeBundle = Record<string, unknown>;

export interface DisplayOptions {
  /** Give the output an id so later updateDisplay calls replace it in place. */
  displayId?: string;
  metadata?: Record<string, unknown>;
}

export interface ConvlabKernelApi {
  readonly version: 1;
  /** Sends one display_data message holding every MIME type of `data`; returns its display id. */
  display(data: MimeBundle, options?: DisplayOptions): string;
  /** Replaces, wherever it is shown, the output displayed earlier with `displayId`. */
  updateDisplay(displayId: string, data: MimeBundle, options?: { metadata?: Record<string, unknown> }): void;
  /** Clears the current cell's output; with wait, only when the next output arrives (no flicker). */
  clearOutput(wait?: boolean): void;
  /** Shows text or a bundle in the front end's pager (a payload of the execute reply). */
  page(data: string | MimeBundle): void;
  /** A fresh id for display(); convenient for a figure that is redrawn while training runs. */
  newDisplayId(): string;
}

/** What the kernel does with the calls; the server implements it for the running cell. */
export interface DisplaySink {
  displayData(content: Record<string, unknown>, isUpdate: boolean): void;
  clearOutput(wait: boolean): void;
  page(data: MimeBundle): void;
}

export function installDisplayApi(sink: DisplaySink): ConvlabKernelApi {
  const api: ConvlabKernelApi = {
    version: 1,
    display(data, options = {}) {
      const displayId = options.displayId ?? randomUUID();
      sink.displayData({ data, metadata: options.metadata ?? {}, transient: { display_id: displayId } }, false);
      return displayId;
    },
    updateDisplay(displayId, data, options = {}) {
      sink.displayData({ data, metadata: options.metadata ?? {}, transient: { display_id: displayId } }, true);
    },
    clearOutput(wait = false) {
      sink.clearOutput(wait);
    },
    page(data) {
      sink.page(typeof data === "string" ? { "text/plain": data } : data);
    },
    newDisplayId: () => randomUUID(),
  };
  Object.defineProperty(globalThis, KERNEL_API_KEY, { value: api, configurable: true });

  // tslab's display/newDisplay send through this module-level hook (one MIME type per message).
  const requireFromHere = createRequire(import.meta.url);
  const tslabJupyter = requireFromHere("tslab/dist/jupyter.js") as {
    lastWriteDisplayData: ((content: Record<string, unknown>, isUpdate: boolean) => void) | null;
  };
  tslabJupyter.lastWriteDisplayData = (content, isUpdate) => sink.displayData(content, isUpdate);
  return api;
}
