// Progress while training: a bar with ETA in a terminal, an in-place updating display in a notebook,
// and nothing but the per-epoch lines when output goes to a file or a CI log.
import cliProgress from "../platform/progress-bar.js";
import { isTerminal, writeLine } from "../platform/system.js";
import { trainingCurves } from "../viz/curves.js";
import { escapeXml } from "../viz/text.js";
import { liveFigure, type LiveFigure } from "../viz/show.js";

export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  testAcc: number;
  examplesPerSec: number;
  seconds: number;
}

export interface ProgressReporter {
  start(epochs: number, batchesPerEpoch: number): void;
  batch(epoch: number, batch: number, loss: number, acc: number): void;
  epoch(metrics: EpochMetrics, history: EpochMetrics[]): void;
  finish(): void;
}

/** The notebook display API the convlab kernel installs (tools/jupyter-kernel/display-api.ts). */
interface KernelDisplayApi {
  display(data: Record<string, unknown>, options?: { displayId?: string }): string;
  updateDisplay(displayId: string, data: Record<string, unknown>): void;
}

export function kernelDisplayApi(): KernelDisplayApi | undefined {
  return (globalThis as Record<symbol, unknown>)[Symbol.for("convlab.kernel")] as KernelDisplayApi | undefined;
}

export function epochLine(m: EpochMetrics): string {
  return `epoch ${m.epoch}: loss ${m.trainLoss.toFixed(3)}, train acc ${m.trainAcc.toFixed(3)}, test acc ${m.testAcc.toFixed(3)}, ${Math.round(m.examplesPerSec)} examples/sec`;
}

class TerminalProgress implements ProgressReporter {
  private bar: cliProgress.SingleBar | null = null;
  private batches = 0;

  start(epochs: number, batchesPerEpoch: number): void {
    this.batches = batchesPerEpoch;
    this.bar = new cliProgress.SingleBar({
      format: "epoch {epoch}/{epochs} [{bar}] {percentage}% | ETA {eta_formatted} | loss {loss} | acc {acc}",
      hideCursor: true,
      etaBuffer: 50,
    }, cliProgress.Presets.shades_classic);
    this.bar.start(epochs * batchesPerEpoch, 0, { epoch: 1, epochs, loss: "-", acc: "-" });
  }

  batch(epoch: number, batch: number, loss: number, acc: number): void {
    this.bar?.update((epoch - 1) * this.batches + batch, { epoch, loss: loss.toFixed(3), acc: acc.toFixed(3) });
  }

  epoch(metrics: EpochMetrics): void {
    // Print the epoch line above the bar, then redraw the bar below it.
    this.bar?.stop();
    writeLine(epochLine(metrics));
    const total = this.bar?.getTotal() ?? 0;
    this.bar?.start(total, metrics.epoch * this.batches, { epoch: metrics.epoch + 1 });
  }

  finish(): void {
    this.bar?.stop();
  }
}

class LineProgress implements ProgressReporter {
  start(): void {}
  batch(): void {}
  epoch(metrics: EpochMetrics): void {
    console.log(epochLine(metrics));
  }
  finish(): void {}
}

/** Two displays updated in place: a progress bar with the table of finished epochs, and the live training curves. */
class NotebookProgress implements ProgressReporter {
  private curves: LiveFigure | null = null;

  private displayId = "";
  private epochs = 0;
  private batches = 0;
  private lines: string[] = [];
  private lastUpdate = 0;
  private started = 0;

  constructor(private readonly api: KernelDisplayApi) {}

  private render(done: number, status: string): Record<string, unknown> {
    const total = this.epochs * this.batches;
    const fraction = total > 0 ? done / total : 0;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = fraction > 0 ? elapsed / fraction - elapsed : NaN;
    const etaText = Number.isFinite(eta) ? `ETA ${Math.round(eta)} s` : "";
    const text = `[${"#".repeat(Math.round(fraction * 30)).padEnd(30, ".")}] ${Math.round(fraction * 100)}% ${status} ${etaText}`;
    const html = `<div><progress value="${done}" max="${total}" style="width:60%"></progress> ${Math.round(fraction * 100)}% ` +
      `${escapeXml(status)} ${escapeXml(etaText)}<pre>${escapeXml(this.lines.join("\n"))}</pre></div>`;
    return { "text/html": html, "text/plain": [text, ...this.lines].join("\n") };
  }

  start(epochs: number, batchesPerEpoch: number): void {
    this.epochs = epochs;
    this.batches = batchesPerEpoch;
    this.started = Date.now();
    this.displayId = this.api.display(this.render(0, "starting"));
    this.curves = liveFigure(trainingCurves([], { epochs }), { epochs });
  }

  batch(epoch: number, batch: number, loss: number, acc: number): void {
    const now = Date.now();
    if (now - this.lastUpdate < 250) return; // a display update per batch would flood the front end
    this.lastUpdate = now;
    this.api.updateDisplay(this.displayId, this.render((epoch - 1) * this.batches + batch, `epoch ${epoch}: loss ${loss.toFixed(3)}, acc ${acc.toFixed(3)}`));
  }

  epoch(metrics: EpochMetrics, history: EpochMetrics[]): void {
    this.lines.push(epochLine(metrics));
    this.api.updateDisplay(this.displayId, this.render(metrics.epoch * this.batches, `epoch ${metrics.epoch} done`));
    this.curves?.update(history);
  }

  finish(): void {
    this.api.updateDisplay(this.displayId, this.render(this.epochs * this.batches, "done"));
  }
}

export type ProgressMode = "auto" | "terminal" | "notebook" | "lines" | "none";

/** Picks the reporter that fits where the output goes. */
export function createProgress(mode: ProgressMode = "auto"): ProgressReporter {
  const api = kernelDisplayApi();
  if (mode === "none") return { start() {}, batch() {}, epoch() {}, finish() {} };
  if (mode === "notebook" || (mode === "auto" && api)) {
    if (api) return new NotebookProgress(api);
  }
  if (mode === "terminal" || (mode === "auto" && isTerminal())) return new TerminalProgress();
  return new LineProgress();
}
