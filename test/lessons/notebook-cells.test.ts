// The notebook a learner opens holds the lesson's code and nothing else: every code cell of notebooks/*.ipynb
// (as committed) equals the code of its lesson fence, read here straight from lessons/*.md with only the
// leading `//|` option lines removed. Options that need code at run time (`raises` checks, `ci` values) are the
// runners' business. The only cells without a fence are the empty "your answer" cells before worked solutions.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../tools/lessons/files.js";
import { lintLessons } from "../../tools/lessons/lint.js";
import { ANSWER_PROMPT } from "../../tools/lessons/notebook.js";

const root = repoRoot();
const { lessons } = lintLessons(root);

interface Cell {
  cell_type: string;
  source: string[] | string;
  metadata: { convlab?: { source?: string; answer?: boolean }; tags?: string[]; jupyter?: Record<string, unknown> };
}

const textOf = (source: string[] | string) => (Array.isArray(source) ? source.join("") : source);

/** The code of the fence opening at `line` (1-based) of the lesson text, without its leading `//|` lines. */
function fenceCode(lessonLines: string[], line: number): string | null {
  const opening = lessonLines[line - 1];
  const marker = /^(`{3,}|~{3,})\s*(ts|typescript)\s*$/.exec(opening ?? "");
  if (!marker) return null;
  const body: string[] = [];
  for (let at = line; at < lessonLines.length; at++) {
    const text = lessonLines[at];
    if (text.trim().startsWith(marker[1][0].repeat(marker[1].length)) && text.trim().replace(/[`~]/g, "") === "") break;
    body.push(text);
  }
  while (body.length > 0 && body[0].trimStart().startsWith("//|")) body.shift();
  return body.join("\n");
}

/** Every way a notebook's code cells differ from the lesson's fences (empty when they are the same). */
function codeCellDifferences(lessonFile: string, lessonText: string, cells: Cell[]): string[] {
  const lessonLines = lessonText.replace(/\r\n/g, "\n").split("\n");
  const problems: string[] = [];
  cells.forEach((cell, index) => {
    if (cell.cell_type !== "code") return;
    const where = `cell ${index + 1}`;
    const source = cell.metadata.convlab?.source ?? "";
    const match = new RegExp(`^${lessonFile.replace(/[.]/g, "\\.")}:(\\d+)$`).exec(source);
    if (!match) {
      problems.push(`${where}: metadata.convlab.source "${source}" does not name a line of ${lessonFile}`);
      return;
    }
    if (cell.metadata.convlab?.answer) {
      const next = cells[index + 1];
      if (textOf(cell.source) !== ANSWER_PROMPT) problems.push(`${where} (answer cell): holds ${JSON.stringify(textOf(cell.source))}`);
      if (next?.metadata.convlab?.source !== source || !next.metadata.tags?.includes("hide-input")) {
        problems.push(`${where} (answer cell): not followed by the worked solution from ${source}`);
      }
      return;
    }
    const expected = fenceCode(lessonLines, Number(match[1]));
    if (expected === null) problems.push(`${where}: ${source} is not a ts fence`);
    else if (textOf(cell.source) !== expected) {
      problems.push(`${where} differs from ${source}:\n--- lesson\n${expected}\n--- notebook\n${textOf(cell.source)}`);
    }
  });
  return problems;
}

function notebookCells(slug: string): Cell[] {
  return (JSON.parse(readFileSync(join(root, "notebooks", `${slug}.ipynb`), "utf8")) as { cells: Cell[] }).cells;
}

describe("notebook code cells are the lesson's code", () => {
  for (const lesson of lessons) {
    it(`notebooks/${lesson.slug}.ipynb`, () => {
      const cells = notebookCells(lesson.slug);
      expect(codeCellDifferences(lesson.file, readFileSync(join(root, lesson.file), "utf8"), cells)).toEqual([]);
      // One notebook cell per lesson fence, in order.
      const fromLesson = lesson.cells.filter((cell) => cell.kind === "code").map((cell) => `${lesson.file}:${cell.line}`);
      const inNotebook = cells.filter((cell) => cell.cell_type === "code" && !cell.metadata.convlab?.answer).map((cell) => cell.metadata.convlab?.source);
      expect(inNotebook).toEqual(fromLesson);
      // Each worked solution is collapsed (input and output) after its answer cell.
      cells.forEach((cell, index) => {
        if (!cell.metadata.tags?.includes("hide-input")) return;
        expect(cell.metadata.jupyter).toEqual({ outputs_hidden: true, source_hidden: true });
        expect(cells[index - 1].metadata.convlab?.answer).toBe(true);
      });
    });
  }

  it("the comparison finds added code, a changed answer cell and an unknown source (so it can fail)", () => {
    const lesson = lessons.find((candidate) => candidate.cells.some((cell) => cell.kind === "code" && cell.options.raises));
    expect(lesson, "a lesson with a raises cell").toBeDefined();
    const text = readFileSync(join(root, lesson!.file), "utf8");
    const cells = notebookCells(lesson!.slug);
    const raisesAt = cells.findIndex((cell) => cell.metadata.tags?.includes("raises-exception"));
    const answerAt = cells.findIndex((cell) => cell.metadata.convlab?.answer);
    const tampered: Cell[] = JSON.parse(JSON.stringify(cells));
    tampered[raisesAt].source = ["try {\n", ...[textOf(cells[raisesAt].source)], "\n} catch {}"];
    tampered[answerAt].source = ["const answer = 42;"];
    tampered[answerAt + 1].metadata.convlab!.source = "lessons/elsewhere.md:1";
    const problems = codeCellDifferences(lesson!.file, text, tampered);
    expect(problems.map((problem) => problem.split(/[:\n]/)[0])).toEqual([
      `cell ${answerAt + 1} (answer cell)`,
      `cell ${answerAt + 1} (answer cell)`,
      `cell ${answerAt + 2}`,
      `cell ${raisesAt + 1} differs from ${lesson!.file}`,
    ].sort((a, b) => Number(a.match(/\d+/)![0]) - Number(b.match(/\d+/)![0])));
  });
});
