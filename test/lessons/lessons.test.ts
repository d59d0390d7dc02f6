// Every lesson, executed: one `describe` per lesson, one `it` per code cell, in lesson order.
// Cells run in child processes through the same tslab compiler and cell runner as the Jupyter kernel,
// with the `//| ci` overrides applied; lessons run in parallel (a pool of one worker per core) while the
// tests report cell by cell. A failure names `lessons/x.md:LINE`, shows the cell and what it printed.
// The Chinese edition (lessons/zh/*.md) runs here too, with the same checks, from notebooks/zh/; an English lesson
// not translated yet is simply not run in Chinese (test/lessons/twins.test.ts says which twins are missing).

import { beforeAll, describe, expect, it } from "vitest";
import { repoRoot, requireBuild } from "../../tools/lessons/files.js";
import { internalObjectResultProblems, lintLessons } from "../../tools/lessons/lint.js";
import type { CodeCell } from "../../tools/lessons/parse.js";
import { formatCellFailure } from "../../tools/lessons/report.js";
import { DEFAULT_CELL_TIMEOUT_SECONDS, type LessonRun, runLesson, WorkerPool } from "../../tools/lessons/runner.js";

const root = repoRoot();
const { lessons: english, zhLessons, problems } = lintLessons(root);
const lessons = [...english, ...zhLessons];
const runs = new Map<string, LessonRun>();

/** A cell's test may wait for every lesson queued before it, so its limit is the whole budget (workers enforce theirs). */
const budgetMs =
  lessons
    .flatMap((lesson) => lesson.cells)
    .filter((cell): cell is CodeCell => cell.kind === "code")
    .reduce((total, cell) => total + (cell.options.timeoutSeconds ?? DEFAULT_CELL_TIMEOUT_SECONDS), 0) *
    1000 +
  lessons.length * 120_000;

beforeAll(() => {
  requireBuild(root);
  const pool = new WorkerPool();
  for (const lesson of lessons) runs.set(lesson.file, runLesson(lesson, { root, quick: true }, pool));
});

it("lessons/*.md and lessons/zh/*.md lint clean", () => {
  expect(problems, problems.join("\n")).toEqual([]);
});

for (const lesson of lessons) {
  describe(lesson.file, () => {
    lesson.cells.forEach((cell, index) => {
      if (cell.kind !== "code") return;
      const firstLine = cell.code.split("\n").find((line) => line.trim() !== "") ?? "";
      it(`${lesson.file}:${cell.line} ${firstLine.trim().slice(0, 60)}`, { timeout: budgetMs }, async (context) => {
        const result = await runs.get(lesson.file)!.cell(index);
        if (result.status === "skipped") context.skip("//| skip");
        if (result.status === "not-run") context.skip(result.note);
        if (result.status !== "ok") throw new Error(formatCellFailure(lesson, cell, result));
        const shown = internalObjectResultProblems(lesson, cell, result.outputs);
        if (shown.length > 0) throw new Error(shown.join("\n"));
      });
    });
  });
}
