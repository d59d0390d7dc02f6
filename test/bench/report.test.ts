// The bench's arithmetic and options, on made-up worker results: medians over rounds, per-round paired
// convlab/peer ratios, issue 6's targets, and the flags that pick the workload.
import { describe, expect, it } from "vitest";
import { parseOptions } from "../../bench/options.js";
import { formatTable, ratios, summarise, targets } from "../../bench/report.js";
import { median, type Framework, type WorkerResult } from "../../bench/workload.js";

function result(framework: Framework, train: number, evaluation: number, rss = 400e6): WorkerResult {
  return {
    framework, version: `${framework} 1.0`, threads: 1, trainExamples: 256, trainSeconds: 256 / train, trainExamplesPerSec: train,
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

  it("ratios pair rounds: a peer measured only in round 1 is compared with convlab's round 1", () => {
    const convlab = summarise("convlab", [result("convlab", 100, 400), result("convlab", 300, 400), result("convlab", 300, 400)]);
    const cpu = summarise("tfjs-cpu", [result("tfjs-cpu", 10, 100)]);
    // Paired per round (convlab 100 vs torch 50, 300 vs 100, 300 vs 200): ratios 2, 3, 1.5 → median 2;
    // medians first would give 300 / 100 = 3.
    const torch = summarise("torch", [result("torch", 50, 800), result("torch", 100, 800), result("torch", 200, 800)]);
    const r = ratios([convlab, cpu, torch, { framework: "tfjs-wasm", status: "skipped", reason: "left out", rounds: [] }]);
    expect(r["tfjs-cpu"]).toEqual({ train: 10, eval: 4 });
    expect(r.torch).toEqual({ train: 2, eval: 0.5 });
    expect(r["tfjs-wasm"]).toBeUndefined();
    const list = targets(r);
    expect(list.map((t) => [t.ratio, t.met])).toEqual([[2, true], [null, null], [0.5, false]]);
    const table = formatTable([convlab, cpu, torch], r);
    expect(table).toMatch(/^torch +1 +100 +\(50–200\) +800 +6\.0 +12\.0 +381 MiB +2\.00× +0\.50× +3$/m);
  });

  it("options: defaults, --short, and framework flags", () => {
    expect(parseOptions([])).toMatchObject({ mode: "full", rounds: 3, warmupBatches: 3, trainBatches: 40, evalBatches: null,
      frameworks: ["convlab", "tfjs-wasm", "tfjs-cpu", "torch"] });
    expect(parseOptions(["--short"])).toMatchObject({ mode: "short", rounds: 1, trainBatches: 3, evalBatches: 2,
      frameworks: ["convlab", "tfjs-wasm", "torch"] });
    expect(parseOptions(["--short", "--with-tfjs-cpu", "--no-torch"])).toMatchObject({ frameworks: ["convlab", "tfjs-wasm", "tfjs-cpu"] });
    expect(parseOptions(["--soak", "--epochs", "4", "--eval-batches", "all"])).toMatchObject({ mode: "soak", epochs: 4, out: "artifacts/bench/soak.json" });
    expect(parseOptions(["--browser"])).toMatchObject({ mode: "full", browser: true, out: "artifacts/bench/browser.json" });
    expect(parseOptions(["--browser", "--short"])).toMatchObject({ mode: "short", browser: true, trainBatches: 3 });
    expect(parseOptions([])).toMatchObject({ browser: false, out: "artifacts/bench/bench.json" });
    expect(parseOptions(["--help"])).toBe("help");
    expect(() => parseOptions(["--rounds", "0"])).toThrow("bench: --rounds needs an integer ≥ 1, got 0");
    expect(() => parseOptions(["--fast"])).toThrow("bench: unknown option --fast");
  });
});
