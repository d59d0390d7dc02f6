// The bench's arithmetic and options, on made-up worker results: medians over rounds, per-round paired
// convlab/peer ratios at equal thread counts, issue 15's targets against the best PyTorch, the torch 2 pin, and
// the flags that pick the workload.
import { describe, expect, it } from "vitest";
import { parseOptions } from "../../bench/options.js";
import { bestPytorch, ceilings, formatCeilings, formatTable, formatTargets, ratios, summarise, targets } from "../../bench/report.js";
import { torch2Pin } from "../../bench/torch2.js";
import { LENET_MACS, median, type Framework, type WorkerResult } from "../../bench/workload.js";

function result(framework: Framework, train: number, evaluation: number, rss = 400e6, threads = 1): WorkerResult {
  return {
    framework, version: `${framework} 1.0`, threads, trainExamples: 256, trainSeconds: 256 / train, trainExamplesPerSec: train,
    trainLoss: 2.3, evalExamples: 512, evalSeconds: 512 / evaluation, evalExamplesPerSec: evaluation, evalAccuracy: 0.1,
    conv: { conv1: { seconds: 0.01, gflops: 6 }, conv2: { seconds: 0.01, gflops: 12 } }, peakRssBytes: rss,
  };
}

describe("bench report", () => {
  it("median of [3, 1, 2] is 2 and of [4, 1, 3, 2] is 2.5", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it("summarise: medians over rounds, min–max of training, the largest peak RSS", () => {
    const s = summarise("convlab", [result("convlab", 100, 300, 5e8), result("convlab", 300, 900, 4e8), result("convlab", 200, 600, 6e8)]);
    expect(s).toMatchObject({ trainExamplesPerSec: 200, trainExamplesPerSecRange: [100, 300], evalExamplesPerSec: 600, peakRssBytes: 6e8 });
  });

  it("ratios pair rounds and thread counts: a peer measured only in round 1 is compared with convlab's round 1", () => {
    const convlab = summarise("convlab", [result("convlab", 100, 400), result("convlab", 300, 400), result("convlab", 300, 400)]);
    const cpu = summarise("tfjs-cpu", [result("tfjs-cpu", 10, 100)]);
    // Paired per round (convlab 100 vs torch 50, 300 vs 100, 300 vs 200): ratios 2, 3, 1.5 → median 2;
    // medians first would give 300 / 100 = 3.
    const torch = summarise("torch", [result("torch", 50, 800), result("torch", 100, 800), result("torch", 200, 800)]);
    // On two threads convlab is compared with the peer's two-thread row only.
    const convlab2 = summarise("convlab", [1, 2, 3].map(() => result("convlab", 1000, 1000, 4e8, 2)));
    const torch2 = summarise("torch", [1, 2, 3].map(() => result("torch", 250, 2000, 4e8, 2)));
    const r = ratios([convlab, convlab2, cpu, torch, torch2, { framework: "tfjs-wasm", status: "skipped", reason: "left out", rounds: [] }]);
    expect(r["tfjs-cpu@1"]).toEqual({ train: 10, eval: 4 });
    expect(r["torch@1"]).toEqual({ train: 2, eval: 0.5 });
    expect(r["torch@2"]).toEqual({ train: 4, eval: 0.5 });
    expect(r["tfjs-wasm"]).toBeUndefined();
    const table = formatTable([convlab, cpu, torch], r);
    expect(table).toMatch(/^torch +1 +100 +\(50–200\) +800 +6\.0 +12\.0 +381 MiB +2\.00× +0\.50× +3  torch 1\.0$/m);
  });

  it("targets: the anchor is the best PyTorch at its best thread count (≤ convlab's), with met or the shortfall", () => {
    const rows = (framework: Framework, threads: number, train: number, evaluation: number) =>
      summarise(framework, [1, 2, 3].map(() => ({ ...result(framework, train, evaluation, 4e8, threads), version: `${framework} v` })));
    const summaries = [
      rows("convlab", 1, 6000, 12000), rows("convlab", 2, 9000, 30000),
      // 1.13 is faster on one thread than on two for training; 2.13 is the fastest on two.
      rows("torch", 1, 5000, 20000), rows("torch", 2, 4800, 21000),
      rows("torch2", 1, 4000, 19000), rows("torch2", 2, 7500, 29000),
      rows("tfjs-wasm", 1, 1000, 10000),
    ];
    expect(bestPytorch(summaries, 1, "train")).toMatchObject({ framework: "torch", threads: 1 });
    expect(bestPytorch(summaries, 2, "train")).toMatchObject({ framework: "torch2", threads: 2 });
    expect(bestPytorch(summaries, 2, "eval")).toMatchObject({ framework: "torch2", threads: 2 });
    const list = targets(summaries);
    expect(list.map((t) => [t.name, t.anchor, t.ratio, t.met])).toEqual([
      ["training on 2 threads ≥ 2.0× best PyTorch", "torch2@2", 1.2, false],
      ["training on 1 thread ≥ 1.2× best PyTorch on 1", "torch@1", 1.2, true],
      ["evaluation on 2 threads ≥ 2.0× best PyTorch", "torch2@2", 30000 / 29000, false],
      ["evaluation on 1 thread ≥ 1.2× best PyTorch on 1", "torch@1", 0.6, false],
      ["training on 1 thread ≥ 5× TF.js wasm (issue 6's milestone)", "tfjs-wasm@1", 6, true],
    ]);
    expect(list[0].shortfall).toBeCloseTo(2 / 1.2, 12);
    expect(list[1].shortfall).toBeNull();
    const text = formatTargets(list);
    expect(text).toContain("training on 2 threads ≥ 2.0× best PyTorch: 1.20× torch2@2 (torch2 v) — short by 1.67× (convlab must get 67% faster)");
    expect(text).toContain("training on 1 thread ≥ 1.2× best PyTorch on 1: 1.20× torch@1 (torch v) — met");
    // Without any PyTorch the PyTorch targets say so instead of a ratio.
    const none = targets(summaries.filter((s) => s.framework === "convlab"));
    expect(none[0]).toMatchObject({ ratio: null, met: null, missing: "no PyTorch measured" });
  });

  it("ceiling: LeNet's multiply-adds at convlab's matrix-product rate, against each PyTorch target's anchor", () => {
    // A training example: forward 416,520 multiply-adds, backward twice that but conv1's input gradient (117,600).
    expect(LENET_MACS).toEqual({ eval: 416_520, train: 1_131_960 });
    const rows = (framework: Framework, threads: number, train: number, evaluation: number, matmulGflops?: number) =>
      summarise(framework, [1, 2, 3].map((k) => ({ ...result(framework, train, evaluation, 4e8, threads),
        ...(matmulGflops === undefined ? {} : { matmulGflops: matmulGflops + k - 2 }) })));
    const summaries = [rows("convlab", 1, 4000, 10000, 20), rows("convlab", 2, 7000, 17000, 38),
      rows("torch2", 1, 5000, 20000), rows("torch2", 2, 7000, 21000), rows("tfjs-wasm", 1, 1000, 10000)];
    const list = ceilings(summaries, targets(summaries));
    // Median 20 GFLOP/s on one thread: 20e9 / (2 · 1,131,960) = 8,834 training examples/s, 1.77× torch2@1's 5,000.
    expect(list.map((c) => [c.kind, c.threads, c.anchor, c.matmulGflops])).toEqual([
      ["train", 2, "torch2@2", 38], ["train", 1, "torch2@1", 20], ["eval", 2, "torch2@2", 38], ["eval", 1, "torch2@1", 20]]);
    expect(list[1].examplesPerSec).toBeCloseTo(20e9 / (2 * 1_131_960), 6);
    expect(list[1].ratio).toBeCloseTo(20e9 / (2 * 1_131_960) / 5000, 12);
    expect(list[3].ratio).toBeCloseTo(20e9 / (2 * 416_520) / 20000, 12);
    const text = formatCeilings(list);
    expect(text).toContain("training on 1 thread: 512³ matrix product 20.0 GFLOP/s → at most 8,834 examples/s, 1.77× torch2@1\n");
    expect(text).toContain("training on 2 threads: 512³ matrix product 38.0 GFLOP/s → at most 16,785 examples/s, 2.40× torch2@2\n");
    expect(text).toContain("evaluation on 2 threads: 512³ matrix product 38.0 GFLOP/s → at most 45,616 examples/s, 2.17× torch2@2\n");
    // 24,008 examples/s is 1.20× torch2@1's 20,000: exactly at the goal, so no "below" note; a slower product has one.
    expect(text).toMatch(/evaluation on 1 thread: 512³ matrix product 20\.0 GFLOP\/s → at most 24,008 examples\/s, 1\.20× torch2@1$/);
    const slower = ceilings([rows("convlab", 1, 4000, 10000, 12), summaries[2]], targets([rows("convlab", 1, 4000, 10000, 12), summaries[2]]));
    expect(formatCeilings(slower)).toContain("1.06× torch2@1 — below the 1.20× goal");
    // No matrix product measured (an older worker, or a PyTorch-less run): no ceiling lines.
    expect(ceilings(summaries.slice(2), targets(summaries.slice(2)))).toEqual([]);
    // No engine peak measured: no peak line.
    expect(text).not.toContain("engine's SIMD peak");
  });

  it("ceiling at the engine's SIMD peak: a second line per target, marked out of reach when below the goal", () => {
    const rows = (framework: Framework, threads: number, train: number, evaluation: number, gflops?: [number, number]) =>
      summarise(framework, [1, 2, 3].map(() => ({ ...result(framework, train, evaluation, 4e8, threads),
        ...(gflops === undefined ? {} : { matmulGflops: gflops[0], simdPeakGflops: gflops[1] }) })));
    const summaries = [rows("convlab", 1, 6000, 16000, [27, 28]), rows("convlab", 2, 9000, 27000, [37, 56]),
      rows("torch2", 1, 6400, 16900), rows("torch2", 2, 11600, 37400)];
    const list = ceilings(summaries, targets(summaries));
    // 56e9 / (2 · 1,131,960) = 24,736 training examples/s: 2.13× torch2@2's 11,600, above the 2.0× goal.
    expect(list[0].peak!.gflops).toBe(56);
    expect(list[0].peak!.examplesPerSec).toBeCloseTo(56e9 / (2 * 1_131_960), 6);
    expect(list[0].peak!.ratio).toBeCloseTo(56e9 / (2 * 1_131_960) / 11600, 12);
    const text = formatCeilings(list);
    expect(text).toContain("training on 2 threads: 512³ matrix product 37.0 GFLOP/s → at most 16,343 examples/s, 1.41× torch2@2 — below the 2.00× goal\n"
      + "    engine's SIMD peak 56.0 GFLOP/s (register-only multiply+add, 2 threads at once) → at most 24,736 examples/s, 2.13× torch2@2\n");
    // 56e9 / (2 · 416,520) = 67,224 evaluation examples/s: 1.80× torch2@2's 37,400 — no kernel can reach 2.0×.
    expect(text).toContain("    engine's SIMD peak 56.0 GFLOP/s (register-only multiply+add, 2 threads at once) → at most 67,224 examples/s, "
      + "1.80× torch2@2 — below the 2.00× goal: out of reach of any plain-SIMD WebAssembly kernel here");
  });

  it("the PyTorch 2 pin is read from requirements.txt's '# bench: torch==' comment, which pip ignores", () => {
    expect(torch2Pin()).toBe("2.13.0");
    expect(torch2Pin("jupyterlab==4.6.6\n# bench: torch==9.9.9\n")).toBe("9.9.9");
    expect(() => torch2Pin("jupyterlab==4.6.6\n")).toThrow("has no '# bench: torch==X.Y.Z' line");
  });

  it("options: defaults, --short, and framework flags", () => {
    expect(parseOptions([])).toMatchObject({ mode: "full", rounds: 3, warmupBatches: 3, trainBatches: 40, evalBatches: null,
      threads: [1, 2], withTorch2: false, frameworks: ["convlab", "tfjs-wasm", "tfjs-cpu", "torch", "torch2"] });
    expect(parseOptions(["--short"])).toMatchObject({ mode: "short", rounds: 1, trainBatches: 3, evalBatches: 2,
      frameworks: ["convlab", "tfjs-wasm", "torch", "torch2"] });
    expect(parseOptions(["--short", "--with-tfjs-cpu", "--no-torch", "--no-torch2"])).toMatchObject({ frameworks: ["convlab", "tfjs-wasm", "tfjs-cpu"] });
    expect(parseOptions(["--threads", "2,1,2", "--with-torch2"])).toMatchObject({ threads: [1, 2], withTorch2: true });
    expect(parseOptions(["--threads", "1"])).toMatchObject({ threads: [1] });
    expect(parseOptions(["--book-run"])).toMatchObject({ mode: "book", out: "artifacts/bench/book-run.json" });
    expect(() => parseOptions(["--threads", "1,x"])).toThrow("bench: --threads needs an integer ≥ 1, got x");
    expect(parseOptions(["--soak", "--epochs", "4", "--eval-batches", "all"])).toMatchObject({ mode: "soak", epochs: 4, out: "artifacts/bench/soak.json" });
    expect(parseOptions(["--browser"])).toMatchObject({ mode: "full", browser: true, out: "artifacts/bench/browser.json" });
    expect(parseOptions(["--browser", "--short"])).toMatchObject({ mode: "short", browser: true, trainBatches: 3 });
    expect(parseOptions([])).toMatchObject({ browser: false, out: "artifacts/bench/bench.json" });
    expect(parseOptions(["--help"])).toBe("help");
    expect(() => parseOptions(["--rounds", "0"])).toThrow("bench: --rounds needs an integer ≥ 1, got 0");
    expect(() => parseOptions(["--fast"])).toThrow("bench: unknown option --fast");
  });
});
