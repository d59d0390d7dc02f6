// plotly.js's source text, for figures' HTML: read from the installed package.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export function readPlotlySource(module: string): string {
  return readFileSync(createRequire(import.meta.url).resolve(module), "utf8");
}
