// File names of the course site's pages and of the notebooks they link to.
import type { Lesson } from "../parse.js";

export function lessonPageName(lesson: Lesson): string {
  return `${lesson.slug}.html`;
}
