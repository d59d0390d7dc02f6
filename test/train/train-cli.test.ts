// Issue 18, item 10: the train command line checks its --out folder before training (it trained fully and then
// failed, losing the run) and refuses --max-batches 0 (it printed NaN loss and accuracy and exited 0).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { DataError, DataLoader, lenet, loadFashionMnistSync, train, TrainingError, ValueError } from "../../src/index.js";
import { main } from "../../tools/train.js";

const dir = mkdtempSync(join(tmpdir(), "convlab-train-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI with args, returning what it printed and what it threw. */
async function cli(args: string[]): Promise<{ printed: string; error: Error | null }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...parts: unknown[]) => { lines.push(parts.join(" ")); });
  try {
    await main(args);
    return { printed: lines.join("\n"), error: null };
  } catch (error) {
    return { printed: lines.join("\n"), error: error as Error };
  } finally {
    log.mockRestore();
  }
}

describe("train CLI", () => {
  it("--out under a file fails before any training, naming the folder", async () => {
    const file = join(dir, "a-file");
    writeFileSync(file, "x");
    const { printed, error } = await cli(["--data", "subset", "--epochs", "1", "--max-batches", "1", "--out", join(file, "out")]);
    expect(error).toBeInstanceOf(DataError);
    expect(error!.message).toBe(`train: cannot create the --out folder ${join(file, "out")}: ENOTDIR (a part of the path is a file, not a directory)`);
    expect(printed).not.toMatch(/loss|examples\/sec/); // nothing was trained
  });

  it("--max-batches 0 (and other non-positive counts) are refused", async () => {
    for (const [flag, value] of [["--max-batches", "0"], ["--max-batches", "-2"], ["--max-batches", "1.5"], ["--epochs", "0"], ["--batch-size", "0"]]) {
      const { error } = await cli(["--data", "subset", "--out", join(dir, "never"), `${flag}=${value}`]);
      expect(error, `${flag} ${value}`).toBeInstanceOf(ValueError);
      expect(error!.message).toBe(`train: ${flag} must be a positive integer, but got '${value}'`);
    }
    expect(existsSync(join(dir, "never"))).toBe(false);
    const unknown = await cli(["--max-batchez", "3"]);
    expect(unknown.error).toBeInstanceOf(ValueError);
    expect(unknown.error!.message).toMatch(/^train: Unknown option '--max-batchez'/);
  });

  it("a short run writes its results into --out", async () => {
    const out = join(dir, "run");
    const { error, printed } = await cli(["--data", "subset", "--epochs", "1", "--max-batches", "2", "--batch-size", "32", "--out", out]);
    expect(error).toBeNull();
    expect(printed).toMatch(/^loss \d\.\d{3}, train acc \d\.\d{3}, test acc \d\.\d{3}$/m);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8"));
    expect(Number.isFinite(metrics.result.trainLoss)).toBe(true);
    expect(existsSync(join(out, "lenet.safetensors"))).toBe(true);
    expect(existsSync(join(out, "curves.svg"))).toBe(true);
  }, 120_000);
});

describe("train() (siblings)", () => {
  const set = loadFashionMnistSync({ split: "test", source: "subset", limit: 64 });
  it("refuses maxBatches 0 instead of returning NaN metrics", () => {
    expect(() => train(lenet(), new DataLoader(set, { batchSize: 32 }), new DataLoader(set, { batchSize: 32 }), { epochs: 1, lr: 0.1, maxBatches: 0, progress: "none" }))
      .toThrow(new ValueError("train: maxBatches must be a positive integer, but got 0"));
  });
  it("an empty training loader is a TrainingError, not NaN", () => {
    expect(() => train(lenet(), [], new DataLoader(set, { batchSize: 32 }), { epochs: 1, lr: 0.1, progress: "none" }))
      .toThrow(TrainingError);
  });
});
