// The lesson parser: cells, cell options, and every lint rule reported as `lessons/x.md:LINE: message`.

import { describe, expect, it } from "vitest";
import { LessonLintError, parseLesson } from "../../tools/lessons/parse.js";

const FILE = "lessons/01-example.md";
const fence = "```";

function problemsOf(text: string, file = FILE): string[] {
  try {
    parseLesson(file, text);
  } catch (error) {
    if (error instanceof LessonLintError) return error.message.split("\n");
    throw error;
  }
  return [];
}

describe("cells", () => {
  it("prose and ts fences alternate; markdown is the original text, math untouched", () => {
    const text = [
      "# Title",
      "",
      "Index $x_{i,j}$ and $a_1 * b_2$ with \\\\ and _under_scores_.",
      "",
      `${fence}ts`,
      "const a = 1;",
      fence,
      "",
      "After.",
      "",
    ].join("\n");
    const lesson = parseLesson(FILE, text);
    expect(lesson.title).toBe("Title");
    expect(lesson.slug).toBe("01-example");
    expect(lesson.cells).toEqual([
      { kind: "markdown", line: 1, source: "# Title\n\nIndex $x_{i,j}$ and $a_1 * b_2$ with \\\\ and _under_scores_." },
      { kind: "code", line: 5, codeLine: 6, code: "const a = 1;", options: { skip: false, hideInput: false, checks: false, zhOnly: false } },
      { kind: "markdown", line: 9, source: "After." },
    ]);
  });

  it("text and plain fences stay in the prose", () => {
    const lesson = parseLesson(FILE, ["Shape:", "", `${fence}text`, "[1, 6, 28, 28]", fence, "", `${fence}`, "a b", fence].join("\n"));
    expect(lesson.cells).toHaveLength(1);
    expect(lesson.cells[0].kind).toBe("markdown");
  });

  it("options: raises, timeout, skip, ci, hide-input; option lines are removed from the code", () => {
    const text = [
      `${fence}ts`,
      "//| raises: ShapeError /expected input\\[1, 3/i",
      "//| timeout: 120",
      "//| skip",
      '//| ci: {"epochs": 1, "lr": 0.5}',
      "//| hide-input",
      "const epochs = 10;",
      "const lr: number = 0.9; // learning rate",
      fence,
    ].join("\n");
    const [cell] = parseLesson(FILE, text).cells;
    if (cell.kind !== "code") throw new Error("expected a code cell");
    expect(cell.codeLine).toBe(7);
    expect(cell.code).toBe("const epochs = 10;\nconst lr: number = 0.9; // learning rate");
    expect(cell.options.raises?.errorName).toBe("ShapeError");
    expect(cell.options.raises?.pattern).toEqual(/expected input\[1, 3/i);
    expect(cell.options).toMatchObject({ timeoutSeconds: 120, skip: true, ci: { epochs: 1, lr: 0.5 }, hideInput: true });
  });
});

describe("lint errors name the file and line", () => {
  it.each([
    ["unknown option", [`${fence}ts`, "//| retries: 3", "1", fence], "lessons/01-example.md:2: unknown cell option \"retries\""],
    ["option after code", [`${fence}ts`, "const a = 1;", "//| skip", fence], "lessons/01-example.md:3: cell option line after code"],
    ["option twice", [`${fence}ts`, "//| skip", "//| skip", "1", fence], 'lessons/01-example.md:3: cell option "skip" given twice'],
    ["raises without regex", [`${fence}ts`, "//| raises: ShapeError", "1", fence], 'lessons/01-example.md:2: raises: expected "ErrorClass /regex/"'],
    ["raises with a bad regex", [`${fence}ts`, "//| raises: ShapeError /(/", "1", fence], "lessons/01-example.md:2: raises: invalid regex"],
    ["raises with a flag the notebook runner cannot apply", [`${fence}ts`, "//| raises: ShapeError /x/g", "1", fence], 'lessons/01-example.md:2: raises: flag "g" is not allowed (allowed: i, m, s, u)'],
    ["timeout not a number", [`${fence}ts`, "//| timeout: soon", "1", fence], "lessons/01-example.md:2: timeout: expected a positive number"],
    ["skip with a value", [`${fence}ts`, "//| skip: yes", "1", fence], 'lessons/01-example.md:2: cell option "skip" takes no value'],
    ["ci not JSON", [`${fence}ts`, "//| ci: epochs=1", "const epochs = 2;", fence], "lessons/01-example.md:2: ci: expected a JSON object"],
    ["ci key without declaration", [`${fence}ts`, '//| ci: {"epochs": 1}', "train(10);", fence], 'lessons/01-example.md:1: ci override "epochs" must match exactly one'],
    ["raises cell with an import", [`${fence}ts`, "//| raises: ShapeError /x/", 'import { F } from "convlab";', fence], "lessons/01-example.md:3: a raises cell cannot contain imports"],
    ["unclosed fence", ["Text", "", `${fence}ts`, "const a = 1;"], "lessons/01-example.md:3: unclosed code fence"],
    ["python fence", ["Text", "", `${fence}python`, "x = 1", fence], 'lessons/01-example.md:3: code fence language "python" is not allowed'],
    ["output fence", [`${fence}output`, "tensor([1])", fence], 'lessons/01-example.md:1: code fence language "output" is not allowed (outputs are produced'],
    ["text fence right after a ts fence", [`${fence}ts`, "1", fence, "", `${fence}text`, "1", fence], "lessons/01-example.md:5: a text fence right after a ts fence looks like a pasted output"],
    ["Out[ line in prose", ["Result:", "", "Out[3]: tensor([1, 2])"], 'lessons/01-example.md:3: "Out[3]: tensor([1, 2])" looks like a pasted notebook output'],
    ["ts fence inside a list", ["- step", "", `  ${fence}ts`, "  1", `  ${fence}`], "lessons/01-example.md:3: ts code fences must be at the top level"],
  ])("%s", (_case, lines, expected) => {
    const problems = problemsOf(lines.join("\n"));
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(expected), problems[0]).toBe(true);
  });

  it("a bad file name", () => {
    expect(problemsOf("# x", "lessons/Intro.md")).toEqual([
      'lessons/Intro.md:1: lesson file name must look like NN-lowercase-slug.md, got "Intro.md"',
    ]);
  });

  it("every problem of a lesson is reported, in line order", () => {
    const problems = problemsOf([`${fence}ts`, "//| nope", "1", fence, "", `${fence}js`, "1", fence].join("\n"));
    expect(problems.map((problem) => problem.split(":").slice(0, 2).join(":"))).toEqual([
      "lessons/01-example.md:2",
      "lessons/01-example.md:6",
    ]);
  });
});
