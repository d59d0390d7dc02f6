// Training curves per epoch (train loss, train accuracy, test accuracy) on one pair of axes, like d2l's Animator.
import { ValueError } from "../errors.js";
import { LINE_COLORS } from "./colors.js";
import type { Figure, ScatterTrace } from "./figure.js";
import { baseLayout, fitToText, footnote } from "./panel.js";
import { plotlyText } from "./text.js";
import { figureText } from "./locale.js";

export interface EpochRecord {
  epoch: number;
  trainLoss?: number;
  trainAcc?: number;
  testAcc?: number;
}

const SERIES = [
  { key: "trainLoss", dash: "solid" },
  { key: "trainAcc", dash: "dash" },
  { key: "testAcc", dash: "dot" },
] as const;

/**
 * Curves for the epochs so far. `epochs` fixes the x axis (d2l's Animator sets xlim=[1, num_epochs]), so a live
 * figure does not rescale as it grows. Missing or non-finite values leave a gap and a note.
 */
export function trainingCurves(history: readonly EpochRecord[], options: { title?: string; epochs?: number } = {}): Figure {
  const op = "trainingCurves";
  if (!Array.isArray(history)) throw new ValueError(`${op}: expected an array of {epoch, trainLoss, trainAcc, testAcc} records`);
  for (const record of history) {
    if (typeof record !== "object" || record === null || !Number.isFinite(record.epoch)) {
      throw new ValueError(`${op}: every record needs a finite epoch number, but got ${JSON.stringify(record)}`);
    }
  }
  const words = figureText();
  const epochs = history.map((r) => r.epoch);
  const data: ScatterTrace[] = [];
  let highest = 1;
  const skipped: string[] = [];
  SERIES.forEach((series, i) => {
    const name = words[series.key];
    const present = history.some((r) => r[series.key] !== undefined);
    if (!present) return;
    const y = history.map((r) => {
      const v = r[series.key];
      if (v === undefined || !Number.isFinite(v)) {
        if (v !== undefined) skipped.push(words.gapAt(name, r.epoch, v));
        return null;
      }
      highest = Math.max(highest, v);
      return Number(v.toPrecision(5));
    });
    data.push({
      type: "scatter", x: epochs, y, mode: history.length <= 30 ? "lines+markers" : "lines", name,
      line: { color: LINE_COLORS[i], width: 2.5, dash: series.dash }, marker: { color: LINE_COLORS[i], size: 6 },
      hovertemplate: `${name} %{y:.4f}<extra>${words.epoch} %{x}</extra>`,
    });
  });
  const lastEpoch = Math.max(options.epochs ?? 0, ...epochs, 1);
  const firstEpoch = Math.min(1, ...epochs);
  const margin = { l: 60, r: 150, t: 56, b: skipped.length > 0 ? 80 : 52 };
  const layout = baseLayout(620, 380, margin, plotlyText(options.title ?? words.trainingTitle));
  layout.plot_bgcolor = "#ffffff";
  layout.showlegend = true;
  layout.legend = { x: 1.02, y: 1, xanchor: "left", yanchor: "top", bgcolor: "#ffffff" };
  layout.hovermode = "x unified";
  const axis = { showgrid: true, gridcolor: "#e6e6e6", zeroline: false, showline: true, linecolor: "#444444", ticks: "outside" as const, mirror: true };
  layout.xaxis = { ...axis, domain: [0, 1], anchor: "y", range: [firstEpoch - 0.2, lastEpoch + 0.2], title: { text: words.epoch } };
  layout.yaxis = { ...axis, domain: [0, 1], anchor: "x", range: [0, Math.ceil(highest * 10.5) / 10] };
  if (lastEpoch - firstEpoch <= 20) layout.xaxis.tickvals = Array.from({ length: lastEpoch - firstEpoch + 1 }, (_, i) => firstEpoch + i);
  if (history.length === 0) {
    layout.annotations!.push({ text: words.noEpochs, x: 0.5, y: 0.5, xref: "paper", yref: "paper", showarrow: false, font: { size: 14, color: "#888888" } });
  }
  if (skipped.length > 0) {
    layout.annotations!.push(footnote(words.gaps(skipped.slice(0, 3).join("; "), Math.max(0, skipped.length - 3)), { below: 50 }));
  }
  // A long title (a translated one: Chinese characters are a full em wide) widens the figure instead of being cut.
  return fitToText({ data, layout });
}
