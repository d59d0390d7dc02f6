// Lints every lesson and reports all problems of all lessons at once (authors fix them in one pass).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lessonFiles } from "./files.js";
import { type Lesson, LessonLintError, parseLesson } from "./parse.js";
import { mathProblems } from "./site/math-check.js";

export interface LintReport {
  lessons: Lesson[];
  /** `lessons/x.md:LINE: message`, one per problem. */
  problems: string[];
}

export function lintLessons(root: string): LintReport {
  const lessons: Lesson[] = [];
  const problems: string[] = [];
  for (const file of lessonFiles(root)) {
    try {
      const lesson = parseLesson(file, readFileSync(join(root, file), "utf8"));
      // Math KaTeX cannot typeset would stop the site's build after every lesson ran: report it here, first.
      const math = mathProblems(lesson);
      if (math.length > 0) throw new LessonLintError(file, math);
      lessons.push(lesson);
    } catch (error) {
      if (!(error instanceof LessonLintError)) throw error;
      problems.push(...error.message.split("\n"));
    }
  }
  return { lessons, problems };
}
