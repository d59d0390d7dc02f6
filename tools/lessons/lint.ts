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
    let text: string;
    try {
      text = readFileSync(join(root, file), "utf8");
    } catch (error) {
      // A folder named x.md, a dangling link, no permission: a problem of that lesson, not a crash of the linter.
      problems.push(`${file}:1: cannot read the lesson: ${(error as Error).message}`);
      continue;
    }
    try {
      lessons.push(parseLesson(file, text));
    } catch (error) {
      if (!(error instanceof LessonLintError)) throw error;
      problems.push(...error.message.split("\n"));
    }
  }
  problems.push(...duplicateNumbers(lessonFiles(root)));
  return { lessons, problems };
}

/** The two-digit number orders the course (site, notebooks, `--only 03`): two lessons cannot share one. */
function duplicateNumbers(files: string[]): string[] {
  const byNumber = new Map<string, string[]>();
  for (const file of files) {
    const number = /^lessons\/(\d\d)-/.exec(file)?.[1];
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
