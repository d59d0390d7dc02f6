// `npm run course` (`convlab course`): the course folder an instructor teaches from, written from lessons/.
//
//   OUT/instructor/notebooks/NN-slug.ipynb   everything: solutions, hidden tests, model answers (nbgrader source)
//   OUT/instructor/site/                     the course site with solutions and model answers (a run's outputs)
//   OUT/student/notebooks/NN-slug.ipynb      what learners get: stubs, no hidden tests, no model answers
//   OUT/student/site/                        the site without them (solution outputs removed as well)
//   OUT/source/NN-slug/NN-slug.ipynb         nbgrader's source layout: one assignment per lesson
//   OUT/nbgrader_config.py                   course/nbgrader_config.py: run nbgrader's commands in OUT
//   OUT/exercises.json                       per lesson, its graded cells (grade id, points, origin) and totals
//
// OUT is nbgrader's course folder too, so a rebuild replaces only what it writes: release/, submitted/,
// autograded/, feedback/ and gradebook.db (the class's work) are never touched.

import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../lessons/files.js";
import { cellId, type Notebook, serializeNotebook } from "../lessons/notebook.js";
import type { Lesson } from "../lessons/parse.js";
import type { CellResult } from "../lessons/runner.js";
import { writeSite } from "../lessons/site/build.js";
import { courseLesson, type CourseLesson } from "./editions.js";

/** The folders a build owns (replaced whole on every build). */
export const BUILT_FOLDERS = ["instructor", "student", "source"] as const;

export interface CourseBuild {
  lessons: Lesson[];
  editions: CourseLesson[];
}

/** Both editions of every lesson, computed (nothing written). */
export function courseEditions(lessons: Lesson[]): CourseBuild {
  return { lessons, editions: lessons.map(courseLesson) };
}

function writeNotebook(folder: string, slug: string, notebook: Notebook): void {
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `${slug}.ipynb`), serializeNotebook(notebook));
}

/** A notebook with a run's outputs in its code cells (cells matched by the lesson cell index in their id). */
function withOutputs(notebook: Notebook, lesson: Lesson, results: CellResult[], drop: Set<number>): Notebook {
  const copy = structuredClone(notebook);
  const byId = new Map(copy.cells.map((cell) => [cell.id, cell]));
  for (const result of results) {
    if (drop.has(result.index)) continue;
    const cell = byId.get(cellId(lesson.slug, String(result.index)));
    if (!cell || cell.cell_type !== "code") continue;
    cell.outputs = result.outputs;
    cell.execution_count = result.executionCount;
  }
  return copy;
}

/** The student site must not point at the lesson file (it holds the solutions). */
function withoutEditLinks(folder: string): void {
  for (const name of readdirSync(folder).filter((file) => file.endsWith(".html"))) {
    const path = join(folder, name);
    const html = readFileSync(path, "utf8").replace(/\n· <a class="edit" href="[^"]*">Edit this lesson<\/a>/g, "");
    writeFileSync(path, html);
  }
}

export interface WriteOptions {
  /** A run's results per lesson (same order as `build.lessons`), for the sites; no sites without them. */
  results?: CellResult[][];
}

/** Writes the course folder `out` (see the top of this file). */
export function writeCourse(out: string, build: CourseBuild, options: WriteOptions = {}): void {
  for (const folder of BUILT_FOLDERS) rmSync(join(out, folder), { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  build.lessons.forEach((lesson, index) => {
    const edition = build.editions[index];
    writeNotebook(join(out, "instructor", "notebooks"), lesson.slug, edition.instructor);
    writeNotebook(join(out, "student", "notebooks"), lesson.slug, edition.student);
    writeNotebook(join(out, "source", lesson.slug), lesson.slug, edition.instructor);
  });
  copyFileSync(join(packageRoot(), "course", "nbgrader_config.py"), join(out, "nbgrader_config.py"));
  const summary = build.lessons.map((lesson, index) => {
    const { exercises } = build.editions[index];
    return {
      assignment: lesson.slug,
      notebook: `${lesson.slug}.ipynb`,
      autogradedPoints: exercises.filter((exercise) => exercise.kind === "tests").reduce((sum, exercise) => sum + exercise.points, 0),
      manualPoints: exercises.filter((exercise) => exercise.kind === "answer").reduce((sum, exercise) => sum + exercise.points, 0),
      cells: exercises.map(({ gradeId, kind, points, hidden, origin }) => ({ gradeId, kind, points, hidden, origin })),
    };
  });
  writeFileSync(join(out, "exercises.json"), JSON.stringify(summary, null, 2) + "\n");

  if (!options.results) return;
  const results = options.results;
  const instructorSite = join(out, "instructor", "site");
  const studentSite = join(out, "student", "site");
  mkdirSync(instructorSite, { recursive: true });
  mkdirSync(studentSite, { recursive: true });
  writeSite(instructorSite, build.lessons.map((lesson, index) => ({ lesson, results: results[index] })));
  const studentLessons = build.editions.map((edition) => edition.studentLesson);
  writeSite(
    studentSite,
    studentLessons.map((lesson, index) => {
      const hidden = new Set(build.editions[index].hiddenFromStudents);
      // A solution's outputs show its answer; a hidden test's would show what it checks.
      return { lesson, results: results[index].map((result) => (hidden.has(result.index) ? { ...result, outputs: [] } : result)) };
    }),
  );
  withoutEditLinks(studentSite);
  // The instructor's executed notebooks: the run's outputs under the cells (the student's stay unexecuted).
  build.lessons.forEach((lesson, index) => {
    const executed = withOutputs(build.editions[index].instructor, lesson, results[index], new Set());
    writeNotebook(join(out, "instructor", "executed"), lesson.slug, executed);
  });
}

/** True when `out` already holds a class's work (so a user can be told it was kept). */
export function hasClassWork(out: string): boolean {
  return ["submitted", "autograded", "feedback", "gradebook.db"].some((name) => existsSync(join(out, name)));
}
