// Determinism of the in-process lesson runner (tools/lessons/runner.ts, used by `npm start` and the lesson
// tests): lesson 03 with its CI settings run twice gives the same outputs cell by cell, once the things that
// legitimately vary are normalised (test/reliability/normalise-outputs.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireBuild } from "../../tools/lessons/files.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { runLesson, WorkerPool, type CellResult } from "../../tools/lessons/runner.js";
import { firstDifference, normaliseOutputs } from "./normalise-outputs.js";

const root = repoRoot();
const LESSON = "lessons/03-conv-layer-that-learns.md";

describe("lesson runner, the same seeded lesson twice", () => {
  let runs: CellResult[][];

  beforeAll(async () => {
    requireBuild(root);
    const lesson = parseLesson(LESSON, readFileSync(join(root, LESSON), "utf8"));
    // Two workers side by side: each run gets a fresh worker, as a fresh kernel would be.
    const pool = new WorkerPool(2);
    runs = await Promise.all([1, 2].map(() => runLesson(lesson, { root, quick: true }, pool).done));
  }, 150_000);

  it("every cell of both runs completes as the lesson expects", () => {
    for (const run of runs) expect(run.filter((result) => result.status !== "ok" && result.status !== "skipped")).toEqual([]);
  });

  it("the outputs match cell by cell", () => {
    const [first, second] = runs.map((run) => run.map((result) => result.outputs as never[]));
    expect(firstDifference(first, second)).toBeNull();
    expect(first.flatMap(normaliseOutputs).join("\n")).toMatch(/learned kernel tensor\(\[\[ *-?\d\.\d{4}, *-?\d\.\d{4}\]\]\)/);
  });

  it("the comparison catches a one-digit change in the learned kernel (control)", () => {
    const [first] = runs.map((run) => run.map((result) => structuredClone(result.outputs) as { text?: string[] }[]));
    const tampered = first.map((outputs) => outputs.map((output) => ({
      ...output,
      text: output.text?.map((line) => line.replace(/learned kernel tensor\(\[\[ *-?\d/, (match) => match.slice(0, -1) + (match.endsWith("9") ? "8" : "9"))),
    })));
    expect(firstDifference(first as never[][], tampered as never[][])).toMatch(/learned kernel/);
  });
});
