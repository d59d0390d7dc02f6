// The text/plain form of a figure: what a terminal, a log or a screen reader gets.
import type { Figure } from "./figure.js";
import { WARNING_COLOR } from "./panel.js";
import { plainLines } from "./text.js";
import { figureText } from "./locale.js";

export function describeFigure(figure: Figure): string {
  const words = figureText();
  const title = figure.layout.title?.text ? plainLines(figure.layout.title.text).join(" ") : words.figure;
  const heatmaps = figure.data.filter((t) => t.type === "heatmap");
  const lines = figure.data.filter((t) => t.type === "scatter" && t.showlegend !== false && t.name !== undefined);
  const parts: string[] = [];
  if (heatmaps.length > 0) {
    const first = heatmaps[0].z;
    parts.push(heatmaps.length === 1 ? words.heatmapSize(first.length, first[0]?.length ?? 0) : words.heatmapPanels(heatmaps.length));
  }
  for (const line of lines) {
    if (line.type !== "scatter") continue;
    const last = [...line.y].reverse().find((v) => v !== null);
    parts.push(`${line.name}: ${words.points(line.y.length, last ?? undefined)}`);
  }
  const notes = (figure.layout.annotations ?? []).filter((a) => a.font?.color === WARNING_COLOR).map((a) => plainLines(a.text).join("; "));
  return [`<${title}: ${parts.join("; ") || words.empty}>`, ...notes.map((n) => `  ${words.note}: ${n}`)].join("\n");
}
