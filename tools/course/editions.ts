// The course's two editions of a lesson, from the one lesson file: the instructor's (everything; also nbgrader's
// source notebook) and the student's (what nbgrader's `generate_assignment` would release: solutions replaced by
// a stub, hidden tests and model answers removed). Cells carry nbgrader's own metadata, so nbgrader's commands
// work on them unchanged with course/nbgrader_config.py.
//
// What maps to what (tools/lessons/README.md, "Cell options"):
//   //| hide-input cell (a worked solution)  → nbgrader solution cell ("autograded answer"): the code / the stub.
//                                            It takes the place of notebooks/' empty "your answer" cell.
//   //| points: N cell (its tests)           → nbgrader "autograder tests" cell worth N points, locked.
//   //| hidden (on a points cell)            → its code between BEGIN/END HIDDEN TESTS; the student sees a note.
//   ```answer fence in the prose (a "why")   → nbgrader manually graded markdown answer cell (1 point, or
//                                            ```answer 2 for 2): the model answer / "YOUR ANSWER HERE".

import { cellId, KERNELSPEC, type Notebook, type NotebookCell, splitSourceLines } from "../lessons/notebook.js";
import { codeCellMetadata } from "../lessons/notebook.js";
import { languageInfo } from "../jupyter-kernel/kernel-info.js";
import { prosePieces } from "../lessons/answers.js";
import { type Lesson, type LessonCell, LessonLintError } from "../lessons/parse.js";
import { escapeRawHtml } from "../lessons/raw-html.js";

/** What a solution cell becomes in the student edition; course/nbgrader_config.py gives nbgrader the same stub. */
export const CODE_STUB = '// YOUR CODE HERE\nthrow new Error("No answer yet: write your code here, then run this cell.");';
/** What a hand-graded answer becomes in the student edition (nbgrader's own default text stub). */
export const TEXT_STUB = "YOUR ANSWER HERE";
/** The line nbgrader's ClearHiddenTests looks for (its defaults; any comment syntax around them works). */
export const BEGIN_HIDDEN = "// BEGIN HIDDEN TESTS";
export const END_HIDDEN = "// END HIDDEN TESTS";
/** The line a hidden test cell keeps in the student edition. */
export const HIDDEN_NOTE = "// Hidden tests: they run when your work is graded.";

export type Edition = "instructor" | "student";

/** nbgrader's cell metadata (schema version 3). */
function nbgraderMetadata(fields: { gradeId: string; solution: boolean; grade: boolean; locked: boolean; points?: number }): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    grade: fields.grade,
    grade_id: fields.gradeId,
    locked: fields.locked,
    schema_version: 3,
    solution: fields.solution,
    task: false,
  };
  if (fields.points !== undefined) metadata.points = fields.points;
  return metadata;
}

/** A graded piece of a lesson: what the student edition must not reveal, and where it came from. */
export interface Exercise {
  gradeId: string;
  kind: "solution" | "tests" | "answer";
  /** The instructor's text: solution code, test code, model answer. */
  source: string;
  points: number;
  hidden: boolean;
  /** `lessons/x.md:LINE` */
  origin: string;
}

export interface CourseLesson {
  instructor: Notebook;
  student: Notebook;
  /**
   * The lesson as the student site shows it: stubs for solutions, a note for hidden tests, no model answers; cell
   * for cell the lesson's, so a run's results line up (drop those of `hiddenFromStudents` before rendering).
   */
  studentLesson: Lesson;
  /** Indexes (in `lesson.cells`) of the cells whose outputs the student edition must not show. */
  hiddenFromStudents: number[];
  exercises: Exercise[];
}

/** Both editions of one lesson. */
export function courseLesson(lesson: Lesson): CourseLesson {
  const exercises: Exercise[] = [];
  const instructorCells: NotebookCell[] = [];
  const studentCells: NotebookCell[] = [];
  const studentLessonCells: LessonCell[] = [];
  let solutionCount = 0;
  let testCount = 0;
  let answerCount = 0;
  const hiddenFromStudents: number[] = [];
  const both = (cell: NotebookCell) => {
    instructorCells.push(cell);
    studentCells.push(structuredClone(cell));
  };

  lesson.cells.forEach((cell, index) => {
    const origin = `${lesson.file}:${cell.line}`;
    if (cell.kind === "markdown") {
      const studentProse: string[] = [];
      prosePieces(cell, lesson.file).forEach((piece, pieceIndex) => {
        const id = cellId(lesson.slug, pieceIndex === 0 ? String(index) : `${index}-${pieceIndex}`);
        if (piece.kind === "prose") {
          const prose = escapeRawHtml(piece.source);
          if (prose === null) {
            throw new LessonLintError(lesson.file, [{ line: piece.line, message: "raw HTML in this paragraph could not be escaped for the notebook" }]);
          }
          both({ id, cell_type: "markdown", metadata: { convlab: { source: `${lesson.file}:${piece.line}` } }, source: splitSourceLines(prose) });
          studentProse.push(piece.source);
          return;
        }
        answerCount++;
        const gradeId = `answer-${answerCount}`;
        exercises.push({ gradeId, kind: "answer", source: piece.source, points: piece.points, hidden: false, origin: `${lesson.file}:${piece.line}` });
        const metadata = (): Record<string, unknown> => ({
          convlab: { source: `${lesson.file}:${piece.line}`, answer: true },
          nbgrader: nbgraderMetadata({ gradeId, solution: true, grade: true, locked: false, points: piece.points }),
        });
        const answer = escapeRawHtml(piece.source) ?? piece.source;
        instructorCells.push({ id, cell_type: "markdown", metadata: metadata(), source: splitSourceLines(answer) });
        studentCells.push({ id, cell_type: "markdown", metadata: metadata(), source: splitSourceLines(TEXT_STUB) });
        studentProse.push(`*Answer this question in the notebook (graded by your instructor).*`);
      });
      studentLessonCells.push({ ...cell, source: studentProse.join("\n\n") });
      return;
    }
    const id = cellId(lesson.slug, String(index));
    const base = codeCellMetadata(lesson, cell);
    if (cell.options.hideInput) {
      solutionCount++;
      testCount = 0;
      const gradeId = `solution-${solutionCount}`;
      exercises.push({ gradeId, kind: "solution", source: cell.code, points: 0, hidden: false, origin });
      hiddenFromStudents.push(index);
      // The answer cell of notebooks/, now holding the solution: open (not collapsed), for the learner to write in.
      const metadata = (): Record<string, unknown> => ({
        convlab: { ...(base.convlab as object), solution: true },
        nbgrader: nbgraderMetadata({ gradeId, solution: true, grade: false, locked: false }),
      });
      instructorCells.push({ id, cell_type: "code", execution_count: null, metadata: metadata(), outputs: [], source: splitSourceLines(cell.code) });
      studentCells.push({ id, cell_type: "code", execution_count: null, metadata: metadata(), outputs: [], source: splitSourceLines(CODE_STUB) });
      studentLessonCells.push({ ...cell, code: CODE_STUB, options: { ...cell.options, hideInput: false } });
      return;
    }
    if (cell.options.points !== undefined) {
      testCount++;
      const gradeId = `solution-${solutionCount}-tests${testCount > 1 ? `-${testCount}` : ""}`;
      const points = cell.options.points;
      const hidden = cell.options.hidden === true;
      exercises.push({ gradeId, kind: "tests", source: cell.code, points, hidden, origin });
      if (hidden) hiddenFromStudents.push(index);
      const metadata = (): Record<string, unknown> => ({
        ...structuredClone(base),
        nbgrader: nbgraderMetadata({ gradeId, solution: false, grade: true, locked: true, points }),
      });
      const instructorSource = hidden ? `${HIDDEN_NOTE}\n${BEGIN_HIDDEN}\n${cell.code}\n${END_HIDDEN}` : cell.code;
      instructorCells.push({ id, cell_type: "code", execution_count: null, metadata: metadata(), outputs: [], source: splitSourceLines(instructorSource) });
      studentCells.push({ id, cell_type: "code", execution_count: null, metadata: metadata(), outputs: [], source: splitSourceLines(hidden ? HIDDEN_NOTE : cell.code) });
      // Same cell count as the lesson, so a run's results (by cell index) still line up.
      studentLessonCells.push(hidden ? { ...cell, code: HIDDEN_NOTE } : cell);
      return;
    }
    both({ id, cell_type: "code", execution_count: null, metadata: base, outputs: [], source: splitSourceLines(cell.code) });
    studentLessonCells.push(cell);
  });

  const notebook = (cells: NotebookCell[], edition: Edition): Notebook => ({
    cells,
    metadata: { convlab: { source: lesson.file, edition }, kernelspec: KERNELSPEC, language_info: languageInfo() },
    nbformat: 4,
    nbformat_minor: 5,
  });
  return {
    instructor: notebook(instructorCells, "instructor"),
    student: notebook(studentCells, "student"),
    studentLesson: { ...lesson, cells: studentLessonCells },
    hiddenFromStudents,
    exercises,
  };
}
