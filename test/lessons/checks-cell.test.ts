// `//| checks`: a cell of assertions only, collapsed (code and outputs) in the notebook and on the course site.

import { describe, expect, it } from "vitest";
import { lessonToNotebook } from "../../tools/lessons/notebook.js";
import { LessonLintError, parseLesson } from "../../tools/lessons/parse.js";
import type { CellResult } from "../../tools/lessons/runner.js";
import { renderLessonPage } from "../../tools/lessons/site.js";

const fence = "```";
const FILE = "lessons/09-demo.md";

function lessonWith(optionLines: string[], code = "check(accuracy).atLeast(0.5);") {
  return parseLesson(FILE, ["# Demo", "", `${fence}ts`, ...optionLines, code, fence].join("\n"));
}

function problemsOf(optionLines: string[], code?: string): string[] {
  try {
    lessonWith(optionLines, code);
    return [];
  } catch (error) {
    if (!(error instanceof LessonLintError)) throw error;
    return error.message.split("\n");
  }
}

describe("//| checks", () => {
  it("is parsed, and the option line is removed from the code", () => {
    const [, cell] = lessonWith(["//| checks"]).cells;
    if (cell.kind !== "code") throw new Error("expected a code cell");
    expect(cell.options.checks).toBe(true);
    expect(cell.code).toBe("check(accuracy).atLeast(0.5);");
  });

  it("collapses the notebook cell's code and outputs, and tags it", () => {
    const notebook = lessonToNotebook(lessonWith(["//| checks"]));
    expect(notebook.cells[1].metadata).toEqual({
      convlab: { source: `${FILE}:3`, checks: true },
      jupyter: { outputs_hidden: true, source_hidden: true },
      tags: ["checks"],
    });
    expect(lessonToNotebook(lessonWith([])).cells[1].metadata).toEqual({ convlab: { source: `${FILE}:3` } });
  });

  it("folds the cell into a <details> on the site, open when it failed", () => {
    const lesson = lessonWith(["//| checks"]);
    const result = (status: CellResult["status"]): CellResult => ({
      index: 1, status, executionCount: 1, milliseconds: 1,
      outputs: [{ output_type: "stream", name: "stdout", text: ["printed by the check cell\n"] }],
    });
    const passed = renderLessonPage(lesson, [result("ok")]);
    expect(passed).toMatch(/<details class="checks"><summary>Checks<\/summary>[^]*?<pre class="input"><code[^>]*>[^]*?check[^]*?accuracy[^]*printed by the check cell[^]*<\/details>/);
    expect(renderLessonPage(lesson, [result("error")])).toContain('<details class="checks" open>');
    expect(renderLessonPage(lessonWith([]), [result("ok")])).not.toContain('<details class="checks"');
  });

  it.each([
    ["without a check(...)", ["//| checks"], "console.log(1);", 'lessons/09-demo.md:4: a "checks" cell must assert something with check(...)'],
    ["with hide-input", ["//| checks", "//| hide-input"], undefined, 'lessons/09-demo.md:4: cell options "checks" and "hide-input" do not go together'],
    ["with raises", ["//| checks", "//| raises: ValueError /x/"], undefined, 'lessons/09-demo.md:4: cell options "checks" and "raises" do not go together'],
    ["with a value", ["//| checks: yes"], undefined, 'lessons/09-demo.md:4: cell option "checks" takes no value'],
  ])("is a lint error %s", (_case, optionLines, code, expected) => {
    const problems = problemsOf(optionLines, code);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected), problems[0]).toBe(true);
  });
});
