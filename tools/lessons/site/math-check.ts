// The lint step's view of the site's math: every formula of a lesson through the site's own markdown and KaTeX,
// so a formula the site could not typeset is reported as `lessons/x.md:LINE` before any lesson runs.
import type { LessonProblem } from "../options.js";
import type { Lesson } from "../parse.js";
import { newPageEnv, parseProse } from "./markdown.js";

export function mathProblems(lesson: Lesson): LessonProblem[] {
  const env = { ...newPageEnv(lesson.file), mathProblems: [] as LessonProblem[] };
  for (const cell of lesson.cells) if (cell.kind === "markdown") parseProse(cell.source, env, cell.line);
  return env.mathProblems;
}
