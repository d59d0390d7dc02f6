// show(fig) and liveFigure(): one display message with text/html (plotly.js, interactive), image/svg+xml (our
// static renderer: saved notebooks on GitHub / nbviewer, untrusted notebooks, print) and text/plain.
// The kernel's display API is found on globalThis (tools/jupyter-kernel/display-api.ts), so the library does not
// import the kernel; the lesson runner installs the same API. Outside both, show() prints the text form.
import { trainingCurves, type EpochRecord } from "./curves.js";
import type { Figure } from "./figure.js";
import { figureHtml, plotlyLoaderHtml } from "./html.js";
import { renderSvg } from "./svg/render.js";
import { describeFigure } from "./summary.js";
import { ValueError } from "../errors.js";
import { figureText } from "./locale.js";

export type MimeBundle = Record<string, string>;

interface KernelDisplayApi {
  display(data: MimeBundle, options?: { displayId?: string; metadata?: Record<string, unknown> }): string;
  updateDisplay(displayId: string, data: MimeBundle, options?: { metadata?: Record<string, unknown> }): void;
}

const KERNEL_API_KEY = Symbol.for("convlab.kernel");

/** Marks our HTML for the course site (tools/lessons/site.ts shows text/html only from this renderer). */
export const VIZ_METADATA = { convlab: { renderer: "convlab.viz" } };
/** The output that carries plotly.js; the site can leave it out (it draws nothing). */
export const LOADER_METADATA = { convlab: { role: "plotly-loader" } };

function kernelApi(): KernelDisplayApi | undefined {
  const api = (globalThis as Record<symbol, unknown>)[KERNEL_API_KEY] as KernelDisplayApi | undefined;
  return api && typeof api.display === "function" ? api : undefined;
}

/** The kernel API that plotly.js was sent through: a new kernel (or a restarted one) gets it again. */
let libraryShippedTo: KernelDisplayApi | null = null;
let toldAboutText = false;

function checkFigure(figure: Figure, op: string): void {
  if (typeof figure !== "object" || figure === null || !Array.isArray(figure.data) || typeof figure.layout !== "object") {
    throw new ValueError(`${op}: expected a figure {data, layout} from a convlab.viz builder, but got ${typeof figure === "object" ? JSON.stringify(figure)?.slice(0, 80) : typeof figure}`);
  }
}

export function mimeBundle(figure: Figure): MimeBundle {
  checkFigure(figure, "mimeBundle");
  const svg = renderSvg(figure);
  return { "text/html": figureHtml(figure, svg), "image/svg+xml": svg, "text/plain": describeFigure(figure) };
}

/** Sends plotly.js once per kernel process, as its own output before the first figure (a saved notebook keeps it). */
function shipLibrary(api: KernelDisplayApi): void {
  if (libraryShippedTo === api) return;
  api.display({ "text/html": plotlyLoaderHtml(), "text/plain": "" }, { metadata: LOADER_METADATA });
  libraryShippedTo = api;
}

function printText(bundle: MimeBundle): void {
  console.log(bundle["text/plain"]);
  if (!toldAboutText) {
    toldAboutText = true;
    console.log('(convlab: not in a notebook, so the figure is shown as text; saveFigure(fig, "figure.svg") writes the picture)');
  }
}

/**
 * Shows a figure in the notebook (or prints its summary outside one). Returns nothing, like plotly's
 * fig.show(), so a cell ending in show(fig) does not also print a value; liveFigure() is for redrawing.
 */
export function show(figure: Figure): void {
  const bundle = mimeBundle(figure);
  const api = kernelApi();
  if (!api) {
    printText(bundle);
    return;
  }
  shipLibrary(api);
  api.display(bundle, { metadata: VIZ_METADATA });
}

export interface LiveFigure {
  /** The display id the figure is redrawn under (undefined outside a notebook). */
  readonly displayId: string | undefined;
  /** The last figure given: outside a notebook this is all update() keeps. */
  readonly figure: Figure | undefined;
  /** Redraws in place: a new figure, or training history (drawn with trainingCurves). */
  update(next: Figure | readonly EpochRecord[]): void;
}

/**
 * A figure that is redrawn in place while a cell runs (a display with an id, then display updates), for
 * training curves that grow epoch by epoch:
 *
 *   const live = liveFigure(trainingCurves([], { epochs: 10 }));
 *   train(net, ..., { onEpoch: (m) => live.update([...history, m]) });
 */
export function liveFigure(initial?: Figure, options: { epochs?: number; title?: string } = {}): LiveFigure {
  const api = kernelApi();
  let current = initial;
  let displayId: string | undefined;
  if (api) {
    shipLibrary(api);
    displayId = api.display(initial ? mimeBundle(initial) : { "text/plain": figureText().waiting },
      { metadata: VIZ_METADATA });
  } else if (initial) {
    printText(mimeBundle(initial));
  }
  return {
    get displayId() { return displayId; },
    get figure() { return current; },
    update(next) {
      const figure = Array.isArray(next) ? trainingCurves(next as EpochRecord[], options) : next as Figure;
      checkFigure(figure, "liveFigure.update");
      current = figure;
      if (api && displayId !== undefined) api.updateDisplay(displayId, mimeBundle(figure), { metadata: VIZ_METADATA });
    },
  };
}
