// Summaries over rounds, convlab/peer ratios, issue 15's targets against the best PyTorch, and the printed table.
import { LENET_MACS, MATMUL_SIZE, median, PYTORCHES, type Framework, type WorkerResult } from "./workload.js";

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
  /** convlab: median GFLOP/s of its MATMUL_SIZE³ matrix product. */
  matmulGflops?: number;
  /** convlab: median GFLOP/s of the engine's register-only SIMD probe on its threads. */
  simdPeakGflops?: number;
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
    ...(rounds.every((r) => r.matmulGflops !== undefined) ? { matmulGflops: median(rounds.map((r) => r.matmulGflops!)) } : {}),
    ...(rounds.every((r) => r.simdPeakGflops !== undefined) ? { simdPeakGflops: median(rounds.map((r) => r.simdPeakGflops!)) } : {}),
    peakRssBytes: Math.max(...rounds.map((r) => r.peakRssBytes)),
  };
}

export interface Ratio { train: number; eval: number }

/** A measured row's name: framework@threads (e.g. "torch2@2"); a skipped framework is its bare name. */
export const rowKey = (s: Pick<FrameworkSummary, "framework" | "threads">): string =>
  (s.threads === undefined ? s.framework : `${s.framework}@${s.threads}`);

const measured = (summaries: FrameworkSummary[]) => summaries.filter((s) => s.status === "measured");
const convlabAt = (summaries: FrameworkSummary[], threads: number | undefined) =>
  measured(summaries).find((s) => s.framework === "convlab" && s.threads === threads);

/** The median over rounds of convlab's rate divided by the peer's in the same round (measured back to back). */
function pairedRatio(convlab: FrameworkSummary, peer: FrameworkSummary, kind: "train" | "eval"): number {
  const rate = (r: WorkerResult) => (kind === "train" ? r.trainExamplesPerSec : r.evalExamplesPerSec);
  const paired = peer.rounds.map((p, round) => ({ peer: p, convlab: convlab.rounds[round] })).filter((p) => p.convlab);
  return median(paired.map((p) => rate(p.convlab) / rate(p.peer)));
}

/**
 * convlab/peer for each measured peer row (keyed framework@threads), against convlab on the same number of
 * threads: the median over rounds of per-round ratios, so a busy spell on the machine falls on both sides.
 */
export function ratios(summaries: FrameworkSummary[]): Record<string, Ratio> {
  const result: Record<string, Ratio> = {};
  for (const s of measured(summaries)) {
    const convlab = convlabAt(summaries, s.threads);
    if (s.framework === "convlab" || !convlab) continue;
    result[rowKey(s)] = { train: pairedRatio(convlab, s, "train"), eval: pairedRatio(convlab, s, "eval") };
  }
  return result;
}

export interface Target {
  name: string;
  kind: "train" | "eval";
  /** convlab's thread count for this target. */
  threads: number;
  goal: number;
  /** The peer row it is measured against, e.g. "torch2@2" (for PyTorch: the best one measured), or null. */
  anchor: string | null;
  anchorVersion: string | null;
  ratio: number | null;
  met: boolean | null;
  /** When not met: how much faster convlab must become (goal / ratio), e.g. 1.6 = 60 % faster. */
  shortfall: number | null;
  /** Why the target could not be measured. */
  missing?: string;
}

/**
 * The anchor of a PyTorch target on convlab's `threads`: of both PyTorches at every thread count ≤ `threads`
 * measured, the one with the highest median rate ("the best PyTorch at its best thread count"; on one thread,
 * one thread each).
 */
export function bestPytorch(summaries: FrameworkSummary[], threads: number, kind: "train" | "eval"): FrameworkSummary | null {
  const rate = (s: FrameworkSummary) => (kind === "train" ? s.trainExamplesPerSec! : s.evalExamplesPerSec!);
  const candidates = measured(summaries).filter((s) => PYTORCHES.includes(s.framework) && (s.threads ?? Infinity) <= threads);
  return candidates.reduce<FrameworkSummary | null>((best, s) => (best === null || rate(s) > rate(best) ? s : best), null);
}

/** Issue 15's targets (convlab vs the best PyTorch) and issue 6's TF.js milestone; null ratios when not measured. */
export function targets(summaries: FrameworkSummary[]): Target[] {
  const goals: [string, "torch" | "tfjs-wasm", "train" | "eval", number, number][] = [
    ["training on 2 threads ≥ 2.0× best PyTorch", "torch", "train", 2, 2],
    ["training on 1 thread ≥ 1.2× best PyTorch on 1", "torch", "train", 1, 1.2],
    ["evaluation on 2 threads ≥ 2.0× best PyTorch", "torch", "eval", 2, 2],
    ["evaluation on 1 thread ≥ 1.2× best PyTorch on 1", "torch", "eval", 1, 1.2],
    ["training on 1 thread ≥ 5× TF.js wasm (issue 6's milestone)", "tfjs-wasm", "train", 1, 5],
  ];
  return goals.map(([name, peer, kind, threads, goal]) => {
    const convlab = convlabAt(summaries, threads);
    const anchor = peer === "torch" ? bestPytorch(summaries, threads, kind)
      : measured(summaries).find((s) => s.framework === peer) ?? null;
    const missing = !convlab ? `convlab not run on ${threads} thread(s)` : !anchor ? `no ${peer === "torch" ? "PyTorch" : peer} measured` : undefined;
    const ratio = convlab && anchor ? pairedRatio(convlab, anchor, kind) : null;
    return {
      name, kind, threads, goal, anchor: anchor ? rowKey(anchor) : null, anchorVersion: anchor?.version ?? null, ratio,
      met: ratio === null ? null : ratio >= goal, shortfall: ratio === null || ratio >= goal ? null : goal / ratio,
      ...(missing ? { missing } : {}),
    };
  });
}

const count = (n: number | undefined): string => (n === undefined ? "—" : Math.round(n).toLocaleString("en-US"));
const fixed = (n: number | undefined, digits: number): string => (n === undefined ? "—" : n.toFixed(digits));
const megabytes = (bytes: number | undefined): string => (bytes === undefined ? "—" : `${Math.round(bytes / 2 ** 20)} MiB`);
const times = (r: number | undefined): string => (r === undefined ? "—" : `${r >= 10 ? r.toFixed(1) : r.toFixed(2)}×`);

export function formatTable(summaries: FrameworkSummary[], ratioByPeer: Record<string, Ratio>): string {
  const header = ["framework", "thr", "train ex/s", "(min–max)", "eval ex/s", "conv1 GFLOP/s", "conv2 GFLOP/s", "peak RSS",
    "convlab/peer train", "convlab/peer eval", "rounds", "version"];
  const rows = summaries.map((s) => s.status === "skipped"
    ? [s.framework, "", `skipped: ${s.reason ?? ""}`, "", "", "", "", "", "", "", "", ""]
    : [s.framework, String(s.threads), count(s.trainExamplesPerSec),
      `(${count(s.trainExamplesPerSecRange?.[0])}–${count(s.trainExamplesPerSecRange?.[1])})`,
      count(s.evalExamplesPerSec), fixed(s.conv1Gflops, 1), fixed(s.conv2Gflops, 1), megabytes(s.peakRssBytes),
      times(ratioByPeer[rowKey(s)]?.train), times(ratioByPeer[rowKey(s)]?.eval), String(s.rounds.length), s.version ?? ""]);
  const measuredRows = rows.filter((r) => !r[2].startsWith("skipped"));
  const widths = header.map((h, c) => Math.max(h.length, ...measuredRows.map((r) => r[c].length)));
  const last = header.length - 1;
  const line = (cells: string[]): string => cells.map((cell, c) => (c === 0 || c === last ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join("  ").trimEnd();
  const skippedLine = (r: string[]): string => `${r[0].padEnd(widths[0])}  ${r[2]}`;
  return [line(header), ...rows.map((r) => (r[2].startsWith("skipped") ? skippedLine(r) : line(r)))].join("\n");
}

export function formatTargets(list: Target[]): string {
  return list.map((t) => {
    const verdict = t.ratio === null ? `not measured (${t.missing ?? "skipped"})`
      : `${times(t.ratio)} ${t.anchor} (${t.anchorVersion}) — ${t.met ? "met" : `short by ${times(t.shortfall!)} (convlab must get ${Math.round((t.shortfall! - 1) * 100)}% faster)`}`;
    return `  ${t.name}: ${verdict}`;
  }).join("\n");
}

/**
 * What the arithmetic alone allows: if every one of LeNet's multiply-adds ran at convlab's matrix-product rate (its
 * MATMUL_SIZE³ product, measured in the same run on the same threads), and nothing else took any time. A target
 * whose goal is above `ratio` cannot be met by cutting the rest of the step; it needs a faster matrix product.
 * And the hard limit: every multiply-add at the engine's register-only SIMD rate on the same threads
 * (bench/simd-peak.ts) — a goal above that `ratio` is out of reach of any WebAssembly kernel on this machine that uses
 * SIMD without fused multiply-add (relaxed SIMD's, behind a flag in Node 20, gained nothing where it was tried: bench/README.md).
 */
export interface Ceiling {
  kind: "train" | "eval";
  threads: number;
  matmulGflops: number;
  /** Examples/s at that rate. */
  examplesPerSec: number;
  /** The target's anchor and that rate over the anchor's median. */
  anchor: string;
  ratio: number;
  goal: number;
  /** The same at the engine's SIMD peak, when the run measured it. */
  peak?: { gflops: number; examplesPerSec: number; ratio: number };
}

export function ceilings(summaries: FrameworkSummary[], list: Target[]): Ceiling[] {
  return list.flatMap((t) => {
    const convlab = convlabAt(summaries, t.threads);
    const anchor = measured(summaries).find((s) => rowKey(s) === t.anchor);
    if (!convlab?.matmulGflops || !anchor || !PYTORCHES.includes(anchor.framework)) return [];
    const examplesPerSec = convlab.matmulGflops * 1e9 / (2 * LENET_MACS[t.kind]);
    const anchorRate = t.kind === "train" ? anchor.trainExamplesPerSec! : anchor.evalExamplesPerSec!;
    const peakGflops = convlab.simdPeakGflops;
    const peakExamplesPerSec = peakGflops === undefined ? 0 : peakGflops * 1e9 / (2 * LENET_MACS[t.kind]);
    return [{ kind: t.kind, threads: t.threads, matmulGflops: convlab.matmulGflops, examplesPerSec, anchor: t.anchor!,
      ratio: examplesPerSec / anchorRate, goal: t.goal,
      ...(peakGflops === undefined ? {} : { peak: { gflops: peakGflops, examplesPerSec: peakExamplesPerSec, ratio: peakExamplesPerSec / anchorRate } }) }];
  });
}

export function formatCeilings(list: Ceiling[]): string {
  return list.map((c) => `  ${c.kind === "train" ? "training" : "evaluation"} on ${c.threads} thread${c.threads > 1 ? "s" : ""}: `
    + `${MATMUL_SIZE}³ matrix product ${c.matmulGflops.toFixed(1)} GFLOP/s → at most ${count(c.examplesPerSec)} examples/s, `
    + `${times(c.ratio)} ${c.anchor}${c.ratio < c.goal ? ` — below the ${times(c.goal)} goal` : ""}`
    + (c.peak === undefined ? "" : `\n    engine's SIMD peak ${c.peak.gflops.toFixed(1)} GFLOP/s (register-only multiply+add, `
      + `${c.threads} thread${c.threads > 1 ? "s" : ""} at once) → at most ${count(c.peak.examplesPerSec)} examples/s, ${times(c.peak.ratio)} ${c.anchor}`
      + (c.peak.ratio < c.goal ? ` — below the ${times(c.goal)} goal: out of reach of any plain-SIMD WebAssembly kernel here` : ""))).join("\n");
}
