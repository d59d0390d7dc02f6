// The site's search: one document per lesson section (the lesson's title, the section heading, its prose and
// its code), indexed by MiniSearch at build time. The index is written as a script that sets a global, not as
// JSON to fetch, because pages opened from file:// cannot fetch; the page loads MiniSearch's own browser
// build next to it and restores the index with the same options (SEARCH_OPTIONS) it was built with.

import MiniSearch from "minisearch";
import type { Lesson } from "../parse.js";
import { lessonPageName } from "./names.js";
import { newPageEnv, parseProse, plainTitle } from "./markdown.js";

export interface SearchDocument {
  id: string;
  /** The page and anchor to open. */
  url: string;
  lesson: string;
  heading: string;
  prose: string;
  code: string;
}

/** Shared by the build and the browser; the browser code reads them from the index file. */
export const SEARCH_OPTIONS = {
  fields: ["lesson", "heading", "prose", "code"],
  storeFields: ["url", "lesson", "heading"],
  searchOptions: { boost: { lesson: 3, heading: 2 }, prefix: true, fuzzy: 0.1 },
};


/** The lesson cut at its headings, with the same heading ids as its page. */
export function lessonSections(lesson: Lesson): SearchDocument[] {
  const env = newPageEnv(lesson.file);
  const lessonTitle = plainTitle(lesson.title);
  const page = lessonPageName(lesson);
  const sections: SearchDocument[] = [];
  let current: SearchDocument = { id: page, url: page, lesson: lessonTitle, heading: "", prose: "", code: "" };
  sections.push(current);
  for (const cell of lesson.cells) {
    if (cell.kind === "code") {
      current.code += cell.code + "\n";
      continue;
    }
    const tokens = parseProse(cell.source, env, cell.line);
    for (let index = 0; index < tokens.length; index++) {
      const token = tokens[index];
      if (token.type === "heading_open") {
        index++; // the heading's own text, indexed as `heading`
        if (token.tag === "h1") continue;
        const id = token.attrGet("id")!;
        const heading = env.headings.find((found) => found.id === id)!.text;
        current = { id: `${page}#${id}`, url: `${page}#${id}`, lesson: lessonTitle, heading, prose: "", code: "" };
        sections.push(current);
      } else if (token.type === "inline" || token.type === "fence" || token.type === "code_block") {
        current.prose += token.content + "\n";
      }
    }
  }
  return sections;
}

/** The script that carries the index: `window.CONVLAB_SEARCH = {options, index}`. */
export function searchIndexScript(lessons: Lesson[]): string {
  const search = new MiniSearch<SearchDocument>(SEARCH_OPTIONS);
  search.addAll(lessons.flatMap(lessonSections));
  // JSON is valid JavaScript; "<" is escaped so no text in the index can end a <script> element early.
  const data = JSON.stringify({ options: SEARCH_OPTIONS, index: search.toJSON() }).replace(/</g, "\\u003c");
  return `window.CONVLAB_SEARCH = ${data};\n`;
}
