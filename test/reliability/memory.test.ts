// A long run in short: LeNet trained for ten short epochs (6 batches of 64 each) in a child process with
// --expose-gc, resident memory read after each epoch's full GC. Leaks in the autograd graph, the scratch
// arenas or wasm memory growth show up as growth after the warm-up epochs.
// Measured on this machine (2026-11-26, fused conv + sigmoid, two threads): clean run 113.5 → 129 MB, then
// +0.75 MB over epochs 2..10; keeping one forward graph of 256 images per epoch grows ~7.7 MB an epoch (+69.5 MB).
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "../jupyter-kernel/kernel-client.js";

const PROBE = join(REPO_ROOT, "test/reliability/fixtures/rss-per-epoch.mjs");
const CONVLAB = join(REPO_ROOT, "dist/src/index.js");
const EPOCHS = 10;
// About twenty-five times the clean growth, under a third of the one-graph-per-epoch leak.
const GROWTH_BOUND_MB = 20;

function rssPerEpoch(mode: "clean" | "leak"): number[] {
  const run = spawnSync(process.execPath, ["--expose-gc", PROBE, CONVLAB, String(EPOCHS), mode], { encoding: "utf8", timeout: 90_000 });
  if (run.status !== 0) throw new Error(`rss probe failed (${run.status ?? run.signal}): ${run.stderr}`);
  return (JSON.parse(run.stdout) as { rssMegabytes: number[] }).rssMegabytes;
}

const growthAfterWarmUp = (rss: number[]) => rss[rss.length - 1] - rss[1];

describe("memory over a run of short training epochs", () => {
  it(`resident memory grows less than ${GROWTH_BOUND_MB} MB from epoch 2 to epoch ${EPOCHS}`, () => {
    const rss = rssPerEpoch("clean");
    expect(rss).toHaveLength(EPOCHS);
    expect(growthAfterWarmUp(rss), `RSS per epoch (MB): ${rss.map((r) => r.toFixed(1)).join(", ")}`).toBeLessThan(GROWTH_BOUND_MB);
  }, 100_000);

  it("the probe sees a leak of one retained forward graph per epoch", () => {
    const rss = rssPerEpoch("leak");
    expect(growthAfterWarmUp(rss), `RSS per epoch (MB): ${rss.map((r) => r.toFixed(1)).join(", ")}`).toBeGreaterThan(GROWTH_BOUND_MB);
  }, 100_000);
});
