// The course's round trip with the real nbgrader (PyPI, pinned in requirements.txt) and the real convlab kernel:
// `convlab course` builds a course folder for lessons 02 and 06 in a temp dir; nbgrader releases both
// assignments from its source/; three learners submit (alice: everything right; bob: a wrong answer; carol: one
// solution that throws and one that loops forever); nbgrader autogrades them in our kernel and writes feedback.
// The scores are checked cell by cell against the points the lessons declare, the wrong answer's feedback must
// show the failing check with expected and actual values, and the endless loop must be stopped at the timeout and
// score 0 while the rest of the notebook is graded. And nothing in the student edition (notebooks, site, search
// index) may show a solution, a hidden test or a model answer.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseLesson } from "../../tools/lessons/parse.js";
import { jupyterEnv, REPO_ROOT } from "../helpers/jupyter.js";

const LESSONS = ["02-cross-correlation", "06-padding-and-stride"];
/**
 * nbgrader's per-cell limit as course/nbgrader_config.py sets it for a class (the test uses that file as committed
 * for everything else), and the lower limit this test grades with: far above any cell of lessons 02/06 (a second
 * or two; the first, which compiles the imports, ten or so on a loaded machine), and what carol's endless loop
 * costs the run, spinning a core, while the other test files wait for it.
 */
const CELL_TIMEOUT_SECONDS = Number(/^c\.Execute\.timeout = (\d+)$/m.exec(readFileSync(join(REPO_ROOT, "course", "nbgrader_config.py"), "utf8"))![1]);
const TEST_CELL_TIMEOUT_SECONDS = 30;

interface Cell {
  id: string;
  cell_type: "code" | "markdown";
  source: string[];
  metadata: { nbgrader?: { grade_id: string; solution: boolean; grade: boolean; points?: number; locked: boolean; schema_version: number } };
  outputs?: { output_type: string; ename?: string; evalue?: string; traceback?: string[] }[];
}
interface Notebook {
  cells: Cell[];
  metadata: Record<string, unknown>;
}

let dir = "";
let course = "";
const timings: Record<string, number> = {};

function readNotebook(path: string): Notebook {
  return JSON.parse(readFileSync(path, "utf8")) as Notebook;
}
const text = (cell: Cell) => cell.source.join("");
const byGradeId = (notebook: Notebook, gradeId: string) => notebook.cells.find((cell) => cell.metadata.nbgrader?.grade_id === gradeId)!;

/** Runs a command to the end (asynchronously, so vitest's timeout can still fire); throws with its output on failure. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      timings[`${command.split("/").pop()} ${args.slice(0, 2).join(" ")}`] = (performance.now() - started) / 1000;
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} exited with ${code}:\n${output}`));
    });
  });
}

function nbgrader(args: string[]): Promise<string> {
  const python = jupyterEnv();
  return run(join(python.prefix, "bin", "nbgrader"), args, { cwd: course, env: python.env });
}

/**
 * A learner's submission: the released notebook with its solution cells filled in by `answers` (grade id →
 * code), and its written answers with the model answer unless `writes` is false (then left as released).
 */
function submit(student: string, lesson: string, answers: (gradeId: string, solution: string) => string, writes = true): void {
  const release = readNotebook(join(course, "release", lesson, `${lesson}.ipynb`));
  const source = readNotebook(join(course, "source", lesson, `${lesson}.ipynb`));
  for (const cell of release.cells) {
    const grading = cell.metadata.nbgrader;
    if (!grading?.solution) continue;
    if (cell.cell_type === "code") cell.source = [answers(grading.grade_id, text(byGradeId(source, grading.grade_id)))];
    else if (writes) cell.source = [`My answer: ${text(byGradeId(source, grading.grade_id))}`];
  }
  const folder = join(course, "submitted", student, lesson);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${lesson}.ipynb`), JSON.stringify(release));
}

/** Every grade in the gradebook: student → assignment → grade id → { score, max }. */
function gradebook(): Record<string, Record<string, Record<string, { score: number | null; max: number; auto: number | null }>>> {
  const script = `
import json
from nbgrader.api import Gradebook
out = {}
with Gradebook("sqlite:///gradebook.db") as gb:
    for assignment in gb.assignments:
        for submission in assignment.submissions:
            for notebook in submission.notebooks:
                out.setdefault(submission.student.id, {})[assignment.name] = {
                    grade.name: {"score": grade.score, "max": grade.max_score, "auto": grade.auto_score} for grade in notebook.grades}
print(json.dumps(out))
`;
  const python = jupyterEnv();
  const result = spawnSync(python.python, ["-c", script], { cwd: course, env: python.env, encoding: "utf8" });
  if (result.status !== 0) throw new Error(result.stderr);
  return JSON.parse(result.stdout);
}

/** The text a reader sees in a file: HTML without tags and entities, JS string escapes undone; spaces collapsed. */
function visibleText(path: string): string {
  let content = readFileSync(path, "utf8");
  if (path.endsWith(".ipynb")) {
    content = readNotebook(path).cells.map(text).join("\n");
  } else {
    content = content
      .replace(/<[^>]*>/g, "")
      .replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#x27;|&#39;/g, "'").replace(/&amp;/g, "&")
      .replace(/\\n/g, "\n").replace(/\\"/g, '"').replace(/\\\\/g, "\\");
  }
  return content.replace(/\s+/g, " ");
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * What must not reach learners, as phrases to search for: each line of a solution's or hidden test's code (long
 * enough to be distinctive, and not also code the learner is given), and each run of words of a model answer
 * between formulas and code spans.
 */
function secretsOf(instructor: Notebook, student: Notebook): { phrase: string; from: string }[] {
  const given = new Set(student.cells.flatMap((cell) => text(cell).split("\n").map((line) => line.trim())));
  const secrets: { phrase: string; from: string }[] = [];
  for (const cell of instructor.cells) {
    const grading = cell.metadata.nbgrader;
    if (!grading) continue;
    const hiddenTests = grading.grade && !grading.solution && text(cell).includes("BEGIN HIDDEN TESTS");
    if (grading.solution && cell.cell_type === "code") {
      for (const line of text(cell).split("\n").map((l) => l.trim())) {
        if (line.length >= 16 && !given.has(line)) secrets.push({ phrase: line.replace(/\s+/g, " "), from: grading.grade_id });
      }
    } else if (hiddenTests) {
      const hidden = /BEGIN HIDDEN TESTS\n([\s\S]*?)\n.*END HIDDEN TESTS/.exec(text(cell))![1];
      for (const line of hidden.split("\n").map((l) => l.trim())) if (line.length >= 16) secrets.push({ phrase: line.replace(/\s+/g, " "), from: grading.grade_id });
    } else if (grading.solution && cell.cell_type === "markdown") {
      for (const run of text(cell).split(/\$[^$]*\$|`[^`]*`/)) {
        const words = run.replace(/\s+/g, " ").trim();
        if (words.split(" ").length >= 5) secrets.push({ phrase: words, from: grading.grade_id });
      }
    }
  }
  return secrets;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "convlab-course-"));
  course = join(dir, "course");
  // The kernel resolves `import … from "convlab"` from the notebook's folder upwards, as in out/course/.
  mkdirSync(course);
  symlinkSync(join(REPO_ROOT, "node_modules"), join(course, "node_modules"));
  jupyterEnv(); // the venv (with nbgrader) and the convlab kernel registered in it
  await run(process.execPath, [join(REPO_ROOT, "dist", "tools", "cli", "main.js"), "course", "--only", "02,06", "--quick", "--out", course], { cwd: REPO_ROOT });
}, 900_000);

afterAll(() => {
  console.log(`course round trip, seconds: ${JSON.stringify(timings, (_, value) => (typeof value === "number" ? Math.round(value * 10) / 10 : value))}`);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("course editions", () => {
  it("the student edition shows no solution, hidden test or model answer (notebooks, site, search index); the instructor's shows them all", () => {
    const studentFiles = filesUnder(join(course, "student")).filter((path) => /\.(ipynb|html|js)$/.test(path) && !path.includes("/assets/katex") && !path.endsWith("minisearch.js"));
    const instructorFiles = filesUnder(join(course, "instructor")).filter((path) => /\.(ipynb|html)$/.test(path));
    expect(studentFiles.filter((path) => path.endsWith(".html")).length).toBeGreaterThanOrEqual(3);
    const studentText = studentFiles.map((path) => ({ path, text: visibleText(path) }));
    const instructorText = instructorFiles.map(visibleText).join("\n");
    for (const lesson of LESSONS) {
      const instructor = readNotebook(join(course, "instructor", "notebooks", `${lesson}.ipynb`));
      const student = readNotebook(join(course, "student", "notebooks", `${lesson}.ipynb`));
      const secrets = secretsOf(instructor, student);
      // Every kind is there: solutions, hidden tests, model answers.
      expect(secrets.some((secret) => /^solution-\d+$/.test(secret.from))).toBe(true);
      expect(secrets.some((secret) => /^solution-\d+-tests$/.test(secret.from))).toBe(true);
      expect(secrets.some((secret) => secret.from === "answer-1")).toBe(true);
      for (const secret of secrets) {
        // The search itself works: the instructor's edition does show each one.
        expect(instructorText.includes(secret.phrase), `${lesson} ${secret.from}: "${secret.phrase}" in the instructor edition`).toBe(true);
        const leaks = studentText.filter((file) => file.text.includes(secret.phrase)).map((file) => file.path);
        expect(leaks, `${lesson} ${secret.from}: "${secret.phrase}"`).toEqual([]);
      }
    }
  });

  it("nbgrader's release of each lesson is the student edition, cell for cell", async () => {
    for (const lesson of LESSONS) await nbgrader(["generate_assignment", lesson]);
    for (const lesson of LESSONS) {
      const release = readNotebook(join(course, "release", lesson, `${lesson}.ipynb`));
      const student = readNotebook(join(course, "student", "notebooks", `${lesson}.ipynb`));
      expect(release.cells.map(text)).toEqual(student.cells.map(text));
      expect(release.cells.map((cell) => cell.metadata.nbgrader?.grade_id ?? null)).toEqual(student.cells.map((cell) => cell.metadata.nbgrader?.grade_id ?? null));
      // The points of the tests, in order, are the ones the lesson's //| points lines give.
      const declared = parseLesson(`lessons/${lesson}.md`, readFileSync(join(REPO_ROOT, "lessons", `${lesson}.md`), "utf8"))
        .cells.flatMap((cell) => (cell.kind === "code" && cell.options.points !== undefined ? [cell.options.points] : []));
      const tests = release.cells.filter((cell) => cell.cell_type === "code" && cell.metadata.nbgrader?.grade);
      expect(tests.map((cell) => cell.metadata.nbgrader!.points)).toEqual(declared);
    }
  }, 600_000);

  it("autogrades three submissions in the convlab kernel: right, wrong, throwing and looping; feedback shows expected vs actual", async () => {
    submit("alice", LESSONS[0], (_, solution) => solution);
    submit("alice", LESSONS[1], (_, solution) => solution);
    submit("bob", LESSONS[1], (gradeId, solution) => (gradeId === "solution-8" ? solution.replace("const samePadding = 2;", "const samePadding = 1;") : solution));
    submit("carol", LESSONS[0], (gradeId, solution) =>
      gradeId === "solution-2" ? 'const corner = tensor([[0, 0], [0, 1]]);\nthrow new Error("carol gave up here");'
        : gradeId === "solution-3" ? "let multiplications = 0;\nwhile (true) multiplications += 1;" : solution, false);
    expect(readFileSync(join(course, "submitted", "bob", LESSONS[1], `${LESSONS[1]}.ipynb`), "utf8")).toContain("const samePadding = 1;");

    // The command line overrides the file, as an instructor would for one run.
    expect(CELL_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(TEST_CELL_TIMEOUT_SECONDS);
    const log02 = await nbgrader(["autograde", LESSONS[0], `--Execute.timeout=${TEST_CELL_TIMEOUT_SECONDS}`]);
    await nbgrader(["autograde", LESSONS[1], `--Execute.timeout=${TEST_CELL_TIMEOUT_SECONDS}`]);
    for (const lesson of LESSONS) await nbgrader(["generate_feedback", lesson]);

    // Points as the lessons declare them (//| points, ```answer): grading with other points fails here.
    const grades = gradebook();
    const maxima = (assignment: Record<string, { max: number }>) => Object.fromEntries(Object.entries(assignment).map(([id, grade]) => [id, grade.max]));
    const scores = (assignment: Record<string, { score: number | null }>) => Object.fromEntries(Object.entries(assignment).map(([id, grade]) => [id, grade.score]));
    expect(maxima(grades.alice[LESSONS[0]])).toEqual({ "answer-1": 1, "solution-2-tests": 2, "solution-3-tests": 1, "solution-4-tests": 2 });
    expect(maxima(grades.alice[LESSONS[1]])).toEqual({ "answer-1": 1, "solution-8-tests": 1, "solution-9-tests": 1 });
    // A written answer waits for the instructor (no automatic score; counted 0 until graded); one left as released
    // (carol's) scores 0 at once. Tests score all or nothing.
    expect(scores(grades.alice[LESSONS[0]])).toEqual({ "answer-1": 0, "solution-2-tests": 2, "solution-3-tests": 1, "solution-4-tests": 2 });
    expect(scores(grades.alice[LESSONS[1]])).toEqual({ "answer-1": 0, "solution-8-tests": 1, "solution-9-tests": 1 });
    expect(grades.alice[LESSONS[0]]["answer-1"].auto).toBeNull();
    expect(grades.carol[LESSONS[0]]["answer-1"].auto).toBe(0);
    // bob's wrong padding fails exercise 8's test; his hidden test of exercise 9 (put back by nbgrader) passes.
    expect(scores(grades.bob[LESSONS[1]])).toEqual({ "answer-1": 0, "solution-8-tests": 0, "solution-9-tests": 1 });
    // carol: the throw and the loop score 0, the exercise after them is graded (its hidden tests pass).
    expect(scores(grades.carol[LESSONS[0]])).toEqual({ "answer-1": 0, "solution-2-tests": 0, "solution-3-tests": 0, "solution-4-tests": 2 });

    // The loop was interrupted at the timeout, not left to hang the run, and the kernel went on with the next cells.
    expect(log02).toContain(`Timeout waiting for execute reply (${TEST_CELL_TIMEOUT_SECONDS}s)`);
    const carol = readNotebook(join(course, "autograded", "carol", LESSONS[0], `${LESSONS[0]}.ipynb`));
    const loop = byGradeId(carol, "solution-3");
    expect(loop.outputs!.map((output) => output.ename)).toContain("CellTimeoutError");
    expect(byGradeId(carol, "solution-2").outputs!.map((output) => output.evalue)).toContain("carol gave up here");
    expect(byGradeId(carol, "solution-4-tests").outputs!.filter((output) => output.output_type === "error")).toEqual([]);

    // bob's feedback names the failing check and shows what was expected and what his answer gave.
    const feedback = visibleText(join(course, "feedback", "bob", LESSONS[1], `${LESSONS[1]}.html`));
    const failure = /CheckError[^]*?output shape with samePadding[^]*?(?=CheckError|$)/.exec(feedback)?.[0] ?? "";
    expect(failure).toMatch(/expected[^]*\[28, 28\]/);
    expect(failure).toMatch(/\[26, 26\]/);
    expect(feedback).toMatch(/Score: 1\.0 \/ 3\.0|1\.0 \/ 3\.0/);
  }, 1_800_000);
});
