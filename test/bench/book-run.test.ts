// The book run's machinery (bench/book-run.ts) on a tiny run of the real CLI: it must find the result line, time
// it and read a peak RSS. Speeds are never asserted; the 10-epoch run itself is `npm run bench -- --book-run`.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bookRun, BOOK_RUN_ARGS, BOOK_RUN_TARGET_SECONDS } from "../../bench/book-run.js";

const outDir = mkdtempSync(join(tmpdir(), "convlab-book-run-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("bench --book-run machinery", () => {
  it("runs the book's command by default: 10 epochs, batch 256, lr 0.9, target 45 s", () => {
    expect(BOOK_RUN_ARGS).toEqual(["train", "--epochs", "10", "--batch-size", "256", "--lr", "0.9"]);
    expect(BOOK_RUN_TARGET_SECONDS).toBe(45);
  });

  it("times a short train run to its result line and reads its peak RSS", async () => {
    const lines: string[] = [];
    const result = await bookRun((line) => lines.push(line), ["train", "--epochs", "1", "--max-batches", "2", "--data", "subset",
      "--out", outDir]);
    expect(result.exitStatus).toBe(0);
    expect(result.resultLine).toMatch(/^loss \d+\.\d+, train acc \d\.\d+, test acc \d\.\d+$/);
    expect(result.wallSeconds).toBeGreaterThan(0);
    // A Node process with convlab loaded holds tens of MB at least; far below 8 GB.
    expect(result.peakRssBytes).toBeGreaterThan(20 * 2 ** 20);
    expect(result.peakRssBytes).toBeLessThan(8e9);
    expect(result.met).toBe(result.wallSeconds! <= 45);
    expect(lines.at(-1)).toMatch(/^bench: book run: \d+\.\d s to the result line — (met|short by)/);
  }, 120_000);
});
