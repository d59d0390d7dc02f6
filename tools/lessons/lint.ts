// Lints every lesson and reports all problems of all lessons at once (authors fix them in one pass).

import { readFileSync } from "node:fs";
import { join } from "node:path";
import { lessonFiles } from "./files.js";
import { type Lesson, LessonLintError, parseLesson } from "./parse.js";

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
      lessons.push(parseLesson(file, readFileSync(join(root, file), "utf8")));
    } catch (error) {
      if (!(error instanceof LessonLintError)) throw error;
      problems.push(...error.message.split("\n"));
    }
  }
  return { lessons, problems };
}
