// plotly.js's source text in a browser: the browser entry fetches plotly.min.js from next to the bundle when a
// page or kernel asks for figures' HTML with the library inline (setPlotlySource); a page that loads plotly.js
// itself never needs it.
import { ValueError } from "../errors.js";

let source: string | null = null;

export function setPlotlySource(text: string): void {
  source = text;
}

export function readPlotlySource(module: string): string {
  if (source === null) {
    throw new ValueError(`viz: ${module} is not loaded in this page; \`await loadPlotly()\` (from "convlab") first, or load plotly.js in the page`);
  }
  return source;
}
