// The text/plain form of a figure: what a terminal, a log or a screen reader gets.
import type { Figure } from "./figure.js";
import { WARNING_COLOR } from "./panel.js";
import { plainLines } from "./text.js";

export function describeFigure(figure: Figure): string {
  const title = figure.layout.title?.text ? plainLines(figure.layout.title.text).join(" ") : "Figure";
  const heatmaps = figure.data.filter((t) => t.type === "heatmap");
  const lines = figure.data.filter((t) => t.type === "scatter" && t.showlegend !== false && t.name !== undefined);
  const parts: string[] = [];
  if (heatmaps.length > 0) {
    const first = heatmaps[0].z;
    parts.push(heatmaps.length === 1 ? `heatmap ${first.length}×${first[0]?.length ?? 0}` : `${heatmaps.length} heatmap panels`);
  }
  for (const line of lines) {
    if (line.type !== "scatter") continue;
    const last = [...line.y].reverse().find((v) => v !== null);
    parts.push(`${line.name}: ${line.y.length} points${last !== undefined && last !== null ? `, last ${last}` : ""}`);
  }
  const notes = (figure.layout.annotations ?? []).filter((a) => a.font?.color === WARNING_COLOR).map((a) => plainLines(a.text).join("; "));
  return [`<${title}: ${parts.join("; ") || "empty"}>`, ...notes.map((n) => `  note: ${n}`)].join("\n");
}
