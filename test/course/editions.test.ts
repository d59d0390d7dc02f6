// The course editions of a lesson (tools/course/editions.ts) and the options they read (`//| points`, `//| hidden`,
// ```answer): what each edition holds, nbgrader's metadata, and the lint rules. No Jupyter here: the round trip
// through nbgrader is test/course/nbgrader.test.ts.
import { describe, expect, it } from "vitest";
import { CODE_STUB, courseLesson, HIDDEN_NOTE, TEXT_STUB } from "../../tools/course/editions.js";
import { lessonToNotebook } from "../../tools/lessons/notebook.js";
import { LessonLintError, parseLesson } from "../../tools/lessons/parse.js";

const FILE = "lessons/01-example.md";
const fence = "```";

function problemsOf(text: string): string[] {
  try {
    parseLesson(FILE, text);
  } catch (error) {
    if (error instanceof LessonLintError) return error.message.split("\n");
    throw error;
  }
  return [];
}

const LESSON = [
  "# Example",
  "",
  `${fence}ts`,
  'import { check } from "convlab";',
  fence,
  "",
  "**Exercise 1.** Store 6 × 7 in `answer`.",
  "",
  `${fence}ts`,
  "//| hide-input",
  "// Multiply.",
  "const answer = 6 * 7;",
  fence,
  "",
  `${fence}ts`,
  "//| points: 2",
  'check(answer, "answer").equals(42);',
  fence,
  "",
  `${fence}ts`,
  "//| points: 1",
  "//| hidden",
  'check(answer % 2, "parity").equals(0);',
  fence,
  "",
  "Why is it even?",
  "",
  `${fence}answer 3`,
  "Because $6$ is: an even factor makes the product even.",
  fence,
  "",
  "The end.",
].join("\n");

describe("course editions", () => {
  const lesson = parseLesson(FILE, LESSON);
  const { instructor, student, exercises, studentLesson, hiddenFromStudents } = courseLesson(lesson);
  const source = (cell: { source: string[] }) => cell.source.join("");
  const grading = (cell: { metadata: Record<string, unknown> }) => cell.metadata.nbgrader as Record<string, unknown> | undefined;

  it("the solution is nbgrader's solution cell: the code for the instructor, a stub that throws for the student", () => {
    const index = instructor.cells.findIndex((cell) => grading(cell)?.grade_id === "solution-1");
    expect(source(instructor.cells[index])).toBe("// Multiply.\nconst answer = 6 * 7;");
    expect(source(student.cells[index])).toBe(CODE_STUB);
    expect(CODE_STUB).toMatch(/YOUR CODE HERE[^]*throw /);
    expect(grading(student.cells[index])).toEqual({ grade: false, grade_id: "solution-1", locked: false, schema_version: 3, solution: true, task: false });
    // notebooks/' empty "your answer" cell is this cell now: no second one.
    expect(instructor.cells.filter((cell) => source(cell).includes("Your answer"))).toEqual([]);
  });

  it("tests carry their points and are locked; a hidden test is only a note for the student", () => {
    const tests = instructor.cells.filter((cell) => grading(cell)?.grade === true && grading(cell)?.solution === false);
    expect(tests.map((cell) => [grading(cell)!.grade_id, grading(cell)!.points, grading(cell)!.locked])).toEqual([
      ["solution-1-tests", 2, true],
      ["solution-1-tests-2", 1, true],
    ]);
    expect(source(tests[1])).toBe(`${HIDDEN_NOTE}\n// BEGIN HIDDEN TESTS\ncheck(answer % 2, "parity").equals(0);\n// END HIDDEN TESTS`);
    const studentHidden = student.cells.find((cell) => grading(cell)?.grade_id === "solution-1-tests-2")!;
    expect(source(studentHidden)).toBe(HIDDEN_NOTE);
    expect(source(student.cells.find((cell) => grading(cell)?.grade_id === "solution-1-tests")!)).toBe('check(answer, "answer").equals(42);');
  });

  it("a model answer is a hand-graded markdown cell with the fence's points; the student gets nbgrader's stub", () => {
    const index = instructor.cells.findIndex((cell) => grading(cell)?.grade_id === "answer-1");
    expect(instructor.cells[index].cell_type).toBe("markdown");
    expect(source(instructor.cells[index])).toBe("Because $6$ is: an even factor makes the product even.");
    expect(source(student.cells[index])).toBe(TEXT_STUB);
    expect(grading(instructor.cells[index])).toMatchObject({ solution: true, grade: true, points: 3 });
    // The prose around it stays, in its own cells.
    expect(source(student.cells[index - 1])).toBe("Why is it even?");
    expect(source(student.cells[index + 1])).toBe("The end.");
    expect(student.cells.map(source).join("\n")).not.toContain("even factor");
  });

  it("lists every graded cell, and what the student site must not show", () => {
    expect(exercises.map(({ gradeId, kind, points, hidden }) => [gradeId, kind, points, hidden])).toEqual([
      ["solution-1", "solution", 0, false],
      ["solution-1-tests", "tests", 2, false],
      ["solution-1-tests-2", "tests", 1, true],
      ["answer-1", "answer", 3, false],
    ]);
    expect(studentLesson.cells.length).toBe(lesson.cells.length);
    expect(hiddenFromStudents.map((index) => lesson.cells[index].line)).toEqual([9, 20]);
    const studentText = studentLesson.cells.map((cell) => (cell.kind === "code" ? cell.code : cell.source)).join("\n");
    expect(studentText).not.toContain("6 * 7");
    expect(studentText).not.toContain("parity");
    expect(studentText).not.toContain("even factor");
  });

  it("notebooks/ keep the solution and show the model answer as a collapsed cell of its own", () => {
    const notebook = lessonToNotebook(lesson);
    const answer = notebook.cells.find((cell) => (cell.metadata.tags as string[] | undefined)?.includes("model-answer"))!;
    expect(source(answer)).toBe("**Model answer.**\n\nBecause $6$ is: an even factor makes the product even.");
    expect(answer.metadata.jupyter).toEqual({ source_hidden: true });
    const test = notebook.cells.find((cell) => source(cell).includes("parity"))!;
    expect(test.metadata.convlab).toMatchObject({ checks: true, points: 1, hidden: true });
  });
});

describe("lint of the course options", () => {
  const lesson = (...cells: string[]) => ["# T", "", ...cells].join("\n");
  const ts = (...lines: string[]) => [`${fence}ts`, ...lines, fence, ""].join("\n");

  it("a test must follow its exercise's worked solution", () => {
    expect(problemsOf(lesson(ts("const a = 1;"), ts("//| points: 1", "check(a).equals(1);")))).toEqual([
      `${FILE}:7: a test cell (points) must follow its exercise's worked solution (a hide-input cell, or another test cell of it)`,
    ]);
    expect(problemsOf(lesson(ts("//| hide-input", "const a = 1;"), ts("//| points: 1", "check(a).equals(1);")))).toEqual([]);
  });

  it("points are positive; hidden needs points; a test asserts and is not skipped", () => {
    const after = (...lines: string[]) => problemsOf(lesson(ts("//| hide-input", "const a = 1;"), ts(...lines)));
    expect(after("//| points: 0", "check(a).equals(1);")).toEqual([`${FILE}:9: points: expected a positive number of points, got "0"`]);
    expect(after("//| hidden", "check(a).equals(1);")).toEqual([`${FILE}:9: cell option "hidden" needs "points": only an exercise's test can be hidden`]);
    expect(after("//| points: 1", "a;")[0]).toMatch(/a "checks" cell must assert something with check/);
    expect(after("//| points: 1", "//| skip", "check(a).equals(1);")[0]).toMatch(/"points" and "skip" do not go together/);
  });

  it("an answer fence is not empty, at the top level, and its points are positive", () => {
    expect(problemsOf(lesson(`${fence}answer`, fence))).toEqual([`${FILE}:3: an answer fence is empty: write the model answer in it`]);
    expect(problemsOf(lesson(`${fence}answer x`, "Because.", fence))[0]).toMatch(/answer fence's points must be a positive number/);
    expect(problemsOf(lesson(`- item`, "", `  ${fence}answer`, "  Because.", `  ${fence}`))[0]).toMatch(/answer fence must be at the top level/);
    expect(problemsOf(lesson(`${fence}answer 2`, "Because.", fence))).toEqual([]);
  });
});
