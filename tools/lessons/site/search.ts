// The site's search: one document per lesson section (the lesson's title, the section heading, its prose and
// its code), indexed by MiniSearch at build time. The index is written as a script that sets a global, not as
// JSON to fetch, because pages opened from file:// cannot fetch; the page loads MiniSearch's own browser
// build next to it and restores the index with the same options (SEARCH_OPTIONS) it was built with.

import MiniSearch from "minisearch";
import type { Lesson } from "../parse.js";
import type { SiteLang } from "./i18n.js";
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
  searchOptions: { boost: { lesson: 3, heading: 2 }, prefix: true, fuzzy: 0.1 } as
    { boost: Record<string, number>; prefix: boolean; fuzzy: number; combineWith?: "AND" | "OR" },
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

/**
 * MiniSearch's tokenizer for Chinese text. Chinese writes no spaces between words, so MiniSearch's default
 * (split at spaces and punctuation) makes a whole clause one term and a search for 汇聚层 finds nothing. Here a
 * run of Han characters (or kana) becomes its overlapping character bigrams (汇聚层 → 汇聚, 聚层; one character
 * stays itself), the usual dictionary-free indexing of CJK text; everything else splits as MiniSearch's default
 * does. Queries go through the same function, so a query's bigrams meet the text's. Self-contained (no outer
 * names): the search index script carries its source to the browser (`window.CONVLAB_TOKENIZE`).
 */
export function cjkTokenize(text: string): string[] {
  const tokens: string[] = [];
  for (const word of text.split(/[\n\r\p{Z}\p{P}]+/u)) {
    if (!word) continue;
    for (const run of word.match(/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[^\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/gu) ?? []) {
      if (!/[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u.test(run)) {
        tokens.push(run);
        continue;
      }
      const characters = Array.from(run);
      if (characters.length === 1) tokens.push(run);
      for (let index = 0; index + 1 < characters.length; index++) tokens.push(characters[index] + characters[index + 1]);
    }
  }
  return tokens;
}

/**
 * The MiniSearch options of an edition's index: the Chinese one tokenizes with cjkTokenize, and a query's bigrams
 * must all match (combineWith AND) — otherwise a phrase of common bigrams (没有, 这个) finds every lesson.
 */
export function searchOptionsOf(lang: SiteLang): typeof SEARCH_OPTIONS & { tokenize?: (text: string) => string[] } {
  if (lang !== "zh") return SEARCH_OPTIONS;
  return { ...SEARCH_OPTIONS, searchOptions: { ...SEARCH_OPTIONS.searchOptions, combineWith: "AND" }, tokenize: cjkTokenize };
}

/** The index itself (tests search it as the page does). */
export function buildSearchIndex(lessons: Lesson[], lang: SiteLang = "en"): MiniSearch<SearchDocument> {
  const search = new MiniSearch<SearchDocument>(searchOptionsOf(lang));
  search.addAll(lessons.flatMap(lessonSections));
  return search;
}

/**
 * The script that carries the index: `window.CONVLAB_SEARCH = {options, index}`, and for the Chinese site the
 * tokenizer it was built with (`window.CONVLAB_TOKENIZE`), which site.js hands to MiniSearch for queries.
 */
export function searchIndexScript(lessons: Lesson[], lang: SiteLang = "en"): string {
  const search = buildSearchIndex(lessons, lang);
  // JSON is valid JavaScript; "<" is escaped so no text in the index can end a <script> element early.
  const { tokenize: _built, ...options } = searchOptionsOf(lang);
  const data = JSON.stringify({ options, index: search.toJSON() }).replace(/</g, "\\u003c");
  const tokenizer = lang === "zh" ? `window.CONVLAB_TOKENIZE = ${cjkTokenize.toString()};\n` : "";
  return `${tokenizer}window.CONVLAB_SEARCH = ${data};\n`;
}
