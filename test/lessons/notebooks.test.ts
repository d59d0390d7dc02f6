// notebooks/ is generated from lessons/: it must be up to date, and every notebook must be valid nbformat 4.5
// (checked by the real `nbformat` validator, from the project's .venv).

import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../../tools/lessons/files.js";
import { findStaleNotebooks } from "../../tools/lessons/generate.js";
import { lintLessons } from "../../tools/lessons/lint.js";
import { ANSWER_PROMPT, executedNotebook, lessonToNotebook, serializeNotebook } from "../../tools/lessons/notebook.js";
import { parseLesson } from "../../tools/lessons/parse.js";
import { venvPython } from "../helpers/jupyter.js";

const root = repoRoot();
// Both editions: notebooks/ and notebooks/zh/ are generated, checked and validated alike.
const { lessons: english, zhLessons } = lintLessons(root);
const lessons = [...english, ...zhLessons];

/** Runs nbformat.validate on each JSON text; returns one line per notebook ("ok" or the validation error). */
function validateWithNbformat(notebooks: string[]): string[] {
  const script = [
    "import json, sys, nbformat",
    "for text in json.load(sys.stdin):",
    "    try:",
    "        nbformat.validate(nbformat.reads(text, as_version=4)); print('ok')",
    "    except Exception as error:",
    "        print(repr(error).replace(chr(10), ' '))",
  ].join("\n");
  const result = spawnSync(venvPython(), ["-c", script], { input: JSON.stringify(notebooks), encoding: "utf8" });
  if (result.status !== 0) throw new Error(`nbformat validation could not run: ${result.stderr}`);
  return result.stdout.trim().split("\n");
}

describe("notebooks/", () => {
  it("is up to date with lessons/ (run `npm run notebooks` and commit)", () => {
    expect(findStaleNotebooks(root, lessons)).toEqual({ outdated: [], orphaned: [] });
  });

  it("regenerating a notebook is byte-stable", () => {
    for (const lesson of lessons) {
      expect(serializeNotebook(lessonToNotebook(lesson))).toBe(serializeNotebook(lessonToNotebook(lesson)));
    }
  });

  it("carries the kernelspec, cell ids, and each cell's lesson line and options", () => {
    const fence = "```";
    const lesson = parseLesson(
      "lessons/07-demo.md",
      ["# Demo", "", `${fence}ts`, "//| timeout: 90", "//| hide-input", '//| ci: {"epochs": 1}', "const epochs = 5;", fence].join("\n"),
    );
    const notebook = lessonToNotebook(lesson);
    expect(notebook.metadata.kernelspec).toEqual({ name: "convlab", display_name: "TypeScript (convlab)", language: "typescript" });
    expect(notebook.cells.map((cell) => cell.id)).toEqual(["07-demo-0", "07-demo-1-answer", "07-demo-1"]);
    // A worked solution: an empty answer cell first, then the solution with input and output collapsed.
    expect(notebook.cells[1]).toEqual({
      id: "07-demo-1-answer",
      cell_type: "code",
      execution_count: null,
      metadata: { convlab: { answer: true, source: "lessons/07-demo.md:3" } },
      outputs: [],
      source: [ANSWER_PROMPT],
    });
    expect(notebook.cells[2]).toEqual({
      id: "07-demo-1",
      cell_type: "code",
      execution_count: null,
      metadata: {
        convlab: { source: "lessons/07-demo.md:3", timeout: 90, ci: { epochs: 1 } },
        jupyter: { outputs_hidden: true, source_hidden: true },
        tags: ["hide-input"],
      },
      outputs: [],
      // The lesson's value: reduced settings are applied by the runners, not written into the notebook.
      source: ["const epochs = 5;"],
    });
  });

  it("a raises cell holds only the learner's code, the raises-exception tag and the expectation", () => {
    const fence = "```";
    const lesson = parseLesson(
      "lessons/07-demo.md",
      ["# Demo", "", `${fence}ts`, "//| raises: ValueError /in_channels must be divisible/i", "new nn.Conv2d(3, 6, 3, { groups: 2 });", fence].join("\n"),
    );
    expect(lessonToNotebook(lesson).cells[1]).toEqual({
      id: "07-demo-1",
      cell_type: "code",
      execution_count: null,
      metadata: {
        convlab: { source: "lessons/07-demo.md:3", raises: { name: "ValueError", pattern: "in_channels must be divisible", flags: "i" } },
        tags: ["raises-exception"],
      },
      outputs: [],
      source: ["new nn.Conv2d(3, 6, 3, { groups: 2 });"],
    });
  });

  it("an executed notebook puts each result in its lesson cell (answer cells shift the notebook's indexes)", () => {
    const fence = "```";
    const lesson = parseLesson(
      "lessons/07-demo.md",
      ["# Demo", "", `${fence}ts`, "//| hide-input", "1", fence, "", "Prose.", "", `${fence}ts`, "2", fence].join("\n"),
    );
    const result = (index: number, text: string) => ({
      index,
      executionCount: index,
      outputs: [{ output_type: "execute_result" as const, execution_count: index, data: { "text/plain": text }, metadata: {} }],
    });
    const cells = executedNotebook(lesson, [result(1, "1"), result(3, "2")]).cells;
    expect(cells.map((cell) => [cell.id, cell.execution_count ?? null])).toEqual([
      ["07-demo-0", null],
      ["07-demo-1-answer", null],
      ["07-demo-1", 1],
      ["07-demo-2", null],
      ["07-demo-3", 3],
    ]);
    expect(cells[4].outputs).toEqual(result(3, "2").outputs);
  });

  it("every notebook (generated and executed forms) passes nbformat.validate", () => {
    // The notebooks as generated (the up-to-date test compares them with the files).
    const texts = lessons.map((lesson) => serializeNotebook(lessonToNotebook(lesson)));
    const fence = "```";
    const sample = parseLesson("lessons/08-sample.md", ["# S", "", `${fence}ts`, "//| raises: Error /x/", 'throw new Error("x");', fence].join("\n"));
    texts.push(
      serializeNotebook(
        executedNotebook(sample, [
          {
            index: 1,
            executionCount: 1,
            outputs: [
              { output_type: "stream", name: "stdout", text: ["Error: x\n"] },
              { output_type: "display_data", data: { "image/svg+xml": "<svg/>", "text/plain": "figure" }, metadata: {} },
              { output_type: "execute_result", execution_count: 1, data: { "text/plain": "1" }, metadata: {} },
              { output_type: "error", ename: "ShapeError", evalue: "bad", traceback: ["ShapeError: bad"] },
            ],
          },
        ]),
      ),
    );
    expect(validateWithNbformat(texts)).toEqual(texts.map(() => "ok"));
  });

  it("the validator rejects a broken notebook (so the check above can fail)", () => {
    const broken = JSON.parse(serializeNotebook(lessonToNotebook(lessons[0] ?? parseLesson("lessons/01-x.md", "# x"))));
    broken.cells[0].id = "has spaces";
    expect(validateWithNbformat([JSON.stringify(broken)])[0]).not.toBe("ok");
  });
});
