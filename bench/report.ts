// Summaries over rounds, convlab/peer ratios, the targets of issue 6, and the printed table.
import { median, type Framework, type WorkerResult } from "./workload.js";

export interface FrameworkSummary {
  framework: Framework;
  status: "measured" | "skipped";
  /** Why a framework was not measured. */
  reason?: string;
  version?: string;
  threads?: number;
  rounds: WorkerResult[];
  /** Medians over rounds (peak RSS: the largest). */
  trainExamplesPerSec?: number;
  trainExamplesPerSecRange?: [number, number];
  evalExamplesPerSec?: number;
  conv1Gflops?: number;
  conv2Gflops?: number;
  peakRssBytes?: number;
}

export function summarise(framework: Framework, rounds: WorkerResult[]): FrameworkSummary {
  const train = rounds.map((r) => r.trainExamplesPerSec);
  return {
    framework, status: "measured", version: rounds[0].version, threads: rounds[0].threads, rounds,
    trainExamplesPerSec: median(train),
    trainExamplesPerSecRange: [Math.min(...train), Math.max(...train)],
    evalExamplesPerSec: median(rounds.map((r) => r.evalExamplesPerSec)),
    conv1Gflops: median(rounds.map((r) => r.conv.conv1.gflops)),
    conv2Gflops: median(rounds.map((r) => r.conv.conv2.gflops)),
    peakRssBytes: Math.max(...rounds.map((r) => r.peakRssBytes)),
  };
}

export interface Ratio { train: number; eval: number }

/**
 * convlab/peer for each measured peer: the median over rounds of convlab's examples/s divided by the peer's in
 * the same round (measured back to back, so a busy spell on the machine falls on both sides of each ratio).
 */
export function ratios(summaries: FrameworkSummary[]): Partial<Record<Framework, Ratio>> {
  const convlab = summaries.find((s) => s.framework === "convlab" && s.status === "measured");
  const result: Partial<Record<Framework, Ratio>> = {};
  if (!convlab) return result;
  for (const s of summaries) {
    if (s.framework === "convlab" || s.status !== "measured") continue;
    const paired = s.rounds.map((peer, round) => ({ peer, convlab: convlab.rounds[round] })).filter((p) => p.convlab);
    result[s.framework] = {
      train: median(paired.map((p) => p.convlab.trainExamplesPerSec / p.peer.trainExamplesPerSec)),
      eval: median(paired.map((p) => p.convlab.evalExamplesPerSec / p.peer.evalExamplesPerSec)),
    };
  }
  return result;
}

export interface Target { name: string; peer: Framework; kind: "train" | "eval"; goal: number; ratio: number | null; met: boolean | null }

/** Issue 6's speed targets, as convlab/peer ratios (null when the peer was not measured). */
export function targets(ratioByPeer: Partial<Record<Framework, Ratio>>): Target[] {
  const goals: [string, Framework, "train" | "eval", number][] = [
    ["training ≥ 1.0× PyTorch", "torch", "train", 1],
    ["training ≥ 5× TF.js wasm (first milestone)", "tfjs-wasm", "train", 5],
    ["evaluation ≥ 1.0× PyTorch", "torch", "eval", 1],
  ];
  return goals.map(([name, peer, kind, goal]) => {
    const ratio = ratioByPeer[peer]?.[kind] ?? null;
    return { name, peer, kind, goal, ratio, met: ratio === null ? null : ratio >= goal };
  });
}

const count = (n: number | undefined): string => (n === undefined ? "—" : Math.round(n).toLocaleString("en-US"));
const fixed = (n: number | undefined, digits: number): string => (n === undefined ? "—" : n.toFixed(digits));
const megabytes = (bytes: number | undefined): string => (bytes === undefined ? "—" : `${Math.round(bytes / 2 ** 20)} MiB`);
const times = (r: number | undefined): string => (r === undefined ? "—" : `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`);

export function formatTable(summaries: FrameworkSummary[], ratioByPeer: Partial<Record<Framework, Ratio>>): string {
  const header = ["framework", "thr", "train ex/s", "(min–max)", "eval ex/s", "conv1 GFLOP/s", "conv2 GFLOP/s", "peak RSS",
    "convlab/peer train", "convlab/peer eval", "rounds"];
  const rows = summaries.map((s) => s.status === "skipped"
    ? [s.framework, "", `skipped: ${s.reason ?? ""}`, "", "", "", "", "", "", "", ""]
    : [s.framework, String(s.threads), count(s.trainExamplesPerSec),
      `(${count(s.trainExamplesPerSecRange?.[0])}–${count(s.trainExamplesPerSecRange?.[1])})`,
      count(s.evalExamplesPerSec), fixed(s.conv1Gflops, 1), fixed(s.conv2Gflops, 1), megabytes(s.peakRssBytes),
      times(ratioByPeer[s.framework]?.train), times(ratioByPeer[s.framework]?.eval), String(s.rounds.length)]);
  const measuredRows = rows.filter((r) => !r[2].startsWith("skipped"));
  const widths = header.map((h, c) => Math.max(h.length, ...measuredRows.map((r) => r[c].length)));
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ");
  const skippedLine = (r: string[]): string => `${r[0].padEnd(widths[0])}  ${r[2]}`;
  return [line(header), ...rows.map((r) => (r[2].startsWith("skipped") ? skippedLine(r) : line(r)))].join("\n");
}

export function formatTargets(list: Target[]): string {
  return list.map((t) => {
    const verdict = t.met === null ? `not measured (${t.peer} skipped)` : `${times(t.ratio!)} — ${t.met ? "met" : "not met"}`;
    return `  ${t.name}: ${verdict}`;
  }).join("\n");
}
