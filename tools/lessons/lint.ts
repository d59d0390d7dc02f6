// Lints every lesson and reports all problems of all lessons at once (authors fix them in one pass).

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { lessonFiles } from "./files.js";
import type { NotebookOutput } from "./notebook.js";
import { type CodeCell, type Lesson, LessonLintError, parseLesson } from "./parse.js";
import { mathProblems } from "./site/math-check.js";

export interface LintReport {
  /** The English lessons (`lessons/*.md`) that parse. */
  lessons: Lesson[];
  /** The Chinese edition's lessons (`lessons/zh/*.md`) that parse: run in-process and in the real kernel only. */
  zhLessons: Lesson[];
  /** `lessons/x.md:LINE: message`, one per problem, of both editions. */
  problems: string[];
}

/** Lints both editions: the same rules for `lessons/zh/*.md`, plus "a zh lesson has an English twin". */
export function lintLessons(root: string): LintReport {
  const english = lintEdition(root, lessonFiles(root, "en"));
  const zhFiles = lessonFiles(root, "zh");
  const chinese = lintEdition(root, zhFiles);
  const englishNames = new Set(lessonFiles(root, "en").map((file) => file.split("/").pop()));
  for (const file of zhFiles) {
    const name = file.split("/").pop()!;
    if (!englishNames.has(name)) {
      chinese.problems.push(`${file}:1: no English twin lessons/${name}: a lesson of the Chinese edition translates the English lesson of the same file name`);
    }
  }
  return { lessons: english.lessons, zhLessons: chinese.lessons, problems: [...english.problems, ...chinese.problems] };
}

function lintEdition(root: string, files: string[]): { lessons: Lesson[]; problems: string[] } {
  const lessons: Lesson[] = [];
  const problems: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch (error) {
      // A folder named x.md, a dangling link, no permission: a problem of that lesson, not a crash of the linter.
      problems.push(`${file}:1: cannot read the lesson: ${(error as Error).message}`);
      continue;
    }
    try {
      const lesson = parseLesson(file, text);
      // Math KaTeX cannot typeset would stop the site's build after every lesson ran: report it here, first.
      const math = mathProblems(lesson);
      if (math.length > 0) throw new LessonLintError(file, math);
      lessons.push(lesson);
      problems.push(...learnerCellProblems(lesson));
    } catch (error) {
      if (!(error instanceof LessonLintError)) throw error;
      problems.push(...error.message.split("\n"));
    }
  }
  problems.push(...duplicateNumbers(files));
  return { lessons, problems };
}

// ---------------------------------------------------------------------------------------------------------------
// Learner cells: what a learner reads must be the lesson, not its test machinery or an object's insides.

/** tslab's own TypeScript (5.0), so the linter parses cells exactly as the kernel compiles them. */
const cellTypeScript = createRequire(import.meta.url)("@tslab/typescript-for-tslab") as typeof import("typescript");

/**
 * Static rules on a lesson's code cells, as `lessons/x.md:LINE: message`:
 * - a `check(...)` inside an `if`/`else` branch (or a `?:` branch) of a cell that is not a `//| checks` cell is
 *   test plumbing in front of the learner (a lesson asserting one thing here and another there); such assertions
 *   belong in a checks cell, which notebooks and the site collapse;
 * - a cell whose last statement is `manualSeed(…)` shows the generator it returns as the cell's result.
 */
export function learnerCellProblems(lesson: Lesson): string[] {
  const problems: { line: number; message: string }[] = [];
  for (const cell of lesson.cells) {
    if (cell.kind !== "code") continue;
    const source = cellTypeScript.createSourceFile("cell.ts", cell.code, cellTypeScript.ScriptTarget.Latest, true);
    const lineOf = (node: import("typescript").Node) =>
      cell.codeLine + source.getLineAndCharacterOfPosition(node.getStart(source)).line;
    if (!cell.options.checks) {
      const visit = (node: import("typescript").Node, branch: string | null): void => {
        if (branch && isCheckCall(node)) {
          problems.push({
            line: lineOf(node),
            message: `check(...) inside ${branch} branch of a learner cell: test plumbing the learner should not read; put the assertions in a \`//| checks\` cell`,
          });
        }
        if (cellTypeScript.isIfStatement(node)) {
          visit(node.expression, branch);
          visit(node.thenStatement, "an if");
          if (node.elseStatement) visit(node.elseStatement, "an else");
        } else if (cellTypeScript.isConditionalExpression(node)) {
          visit(node.condition, branch);
          visit(node.whenTrue, "a `?:`");
          visit(node.whenFalse, "a `?:`");
        } else {
          cellTypeScript.forEachChild(node, (child) => visit(child, branch));
        }
      };
      visit(source, null);
    }
    const last = source.statements[source.statements.length - 1];
    if (!cell.options.raises && last && cellTypeScript.isExpressionStatement(last) && isManualSeedCall(last.expression)) {
      problems.push({
        line: lineOf(last),
        message: "the cell ends in manualSeed(...), so the notebook shows the generator it returns as the cell's result; seed at the top of the cell that draws the numbers",
      });
    }
  }
  return problems.sort((a, b) => a.line - b.line).map((problem) => `${lesson.file}:${problem.line}: ${problem.message}`);
}

/** `check(x)` itself (the head of `check(x).equals(…)`). */
function isCheckCall(node: import("typescript").Node): boolean {
  return cellTypeScript.isCallExpression(node) && cellTypeScript.isIdentifier(node.expression) && node.expression.text === "check";
}

/** `manualSeed(n)` or `generator.manualSeed(n)`. */
function isManualSeedCall(node: import("typescript").Expression): boolean {
  if (!cellTypeScript.isCallExpression(node)) return false;
  const callee = node.expression;
  if (cellTypeScript.isIdentifier(callee)) return callee.text === "manualSeed";
  return cellTypeScript.isPropertyAccessExpression(callee) && callee.name.text === "manualSeed";
}

/** An execute_result that shows an object's insides rather than a value a learner reads. */
const INTERNAL_OBJECT_RESULTS: { pattern: RegExp; what: string }[] = [
  // The short repr objects without a readable value print (PyTorch's `<torch._C.Generator object at …>`).
  { pattern: /^<[A-Za-z_$][\w$.]*(?:\s[^>\n]*)?>$/, what: "an object's one-line repr" },
  // util.inspect's default for a class instance with no display of its own: its private fields.
  { pattern: /^[A-Z][\w$]* \{/, what: "a class instance's fields (util.inspect's default)" },
  { pattern: /^\[(?:class|Function|AsyncFunction)\b/, what: "a function or class" },
  // A raw array too long to print, cut by util.inspect.
  { pattern: /\.\.\. \d+ more items?\b/, what: "a raw array dump" },
];

/**
 * Runtime rule on one executed cell: its result (the value of its last expression) must not be an internal
 * object. Returns `lessons/x.md:LINE: message` per offending execute_result.
 */
export function internalObjectResultProblems(lesson: Lesson, cell: CodeCell, outputs: readonly NotebookOutput[]): string[] {
  const problems: string[] = [];
  for (const output of outputs) {
    if (output.output_type !== "execute_result") continue;
    const text = String(output.data["text/plain"] ?? "");
    const match = INTERNAL_OBJECT_RESULTS.find(({ pattern }) => pattern.test(text));
    if (!match) continue;
    const firstLine = text.split("\n")[0].slice(0, 80);
    problems.push(
      `${lesson.file}:${cell.line}: the cell's last expression shows ${match.what} (\`${firstLine}\`${text.includes("\n") ? " …" : ""}), not a value a learner reads; end the cell with a statement, or show the value meant`,
    );
  }
  return problems;
}

/** The two-digit number orders the course (site, notebooks, `--only 03`): two lessons cannot share one. */
function duplicateNumbers(files: string[]): string[] {
  const byNumber = new Map<string, string[]>();
  for (const file of files) {
    const number = /^lessons\/(?:zh\/)?(\d\d)-/.exec(file)?.[1];
    if (number === undefined) continue; // a misnamed file is reported by parseLesson
    byNumber.set(number, [...(byNumber.get(number) ?? []), file]);
  }
  const problems: string[] = [];
  for (const [number, sharing] of byNumber) {
    for (const file of sharing.slice(1)) {
      problems.push(`${file}:1: lesson number ${number} is already used by ${sharing[0]}; give each lesson its own number`);
    }
  }
  return problems;
}
