// The frame every page of the course site shares: a header with the search box, the lessons in a sidebar
// (the current one marked), the page's own contents list, and the stylesheets and scripts in assets/.
// Everything taken from lessons is escaped or rendered by markdown-it/KaTeX, never pasted.

import { escapeHtml } from "../html.js";
import type { Lesson } from "../parse.js";
import { d2lLinks, d2lSectionOf } from "./d2l.js";
import { type Heading, plainTitle, renderInlineProse } from "./markdown.js";
import { lessonPageName } from "./names.js";

/** Words a learner reads per minute, and seconds per line of code read (not typed). */
const PROSE_WORDS_PER_MINUTE = 200;
const CODE_SECONDS_PER_LINE = 3;

/** Minutes to read a lesson: its prose at 200 words a minute and its code at 3 s a line, at least 1. */
export function readingMinutes(lesson: Lesson): number {
  let words = 0, codeLines = 0;
  for (const cell of lesson.cells) {
    if (cell.kind === "markdown") words += cell.source.split(/\s+/).filter(Boolean).length;
    else codeLines += cell.code.split("\n").filter((line) => line.trim() !== "").length;
  }
  return Math.max(1, Math.round(words / PROSE_WORDS_PER_MINUTE + (codeLines * CODE_SECONDS_PER_LINE) / 60));
}

/** "Lesson 6" from `06-padding-and-stride`. */
export function lessonNumber(lesson: Lesson): string {
  return `Lesson ${Number(lesson.slug.slice(0, 2))}`;
}

export function lessonTitleHtml(lesson: Lesson): string {
  return renderInlineProse(lesson.title, lesson.file);
}

/** "follows d2l.ai §7.3 Padding and Stride (《动手学深度学习》 §6.3 填充和步幅)", linked. */
export function d2lNote(lesson: Lesson): string {
  const section = d2lSectionOf(lesson.slug);
  if (!section) return "";
  const links = d2lLinks(section);
  return `follows <a href="${links.en}">d2l.ai §${section.en} ${escapeHtml(section.titleEn)}</a>
(<a href="${links.zh}" lang="zh-CN">《动手学深度学习》 §${section.zh} ${escapeHtml(section.titleZh)}</a>)`;
}

function sidebar(lessons: Lesson[], current: Lesson | undefined): string {
  const items = lessons.map((lesson) => {
    const here = lesson === current ? ' aria-current="page"' : "";
    return `<li><a href="${escapeHtml(lessonPageName(lesson))}"${here}><span class="number">${Number(lesson.slug.slice(0, 2))}</span> ${lessonTitleHtml(lesson)}</a></li>`;
  });
  return `<nav class="sidebar" aria-label="Lessons">
<details class="lessons-menu" open><summary>Lessons</summary>
<ol class="lesson-list">
${items.join("\n")}
</ol>
</details>
</nav>`;
}

/** The lesson's own sections (h2 and h3); the h1 is the page title. */
export function contents(headings: Heading[]): string {
  const items = headings
    .filter((heading) => heading.level === 2 || heading.level === 3)
    .map((heading) => `<li class="level-${heading.level}"><a href="#${escapeHtml(heading.id)}">${heading.html}</a></li>`);
  if (items.length === 0) return "";
  return `<nav class="toc" aria-labelledby="toc-title">
<h2 id="toc-title">On this page</h2>
<ol>
${items.join("\n")}
</ol>
</nav>`;
}

export interface PageParts {
  title: string;
  lessons: Lesson[];
  current?: Lesson;
  main: string;
  toc?: string;
}

export function page({ title, lessons, current, main, toc = "" }: PageParts): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(plainTitle(title))}</title>
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/highlight.css">
<link rel="stylesheet" href="assets/site.css">
<script src="assets/minisearch.js" defer></script>
<script src="assets/search-index.js" defer></script>
<script src="assets/site.js" defer></script>
</head>
<body${toc ? ' class="with-toc"' : ""}>
<a class="skip-link" href="#content">Skip to the lesson</a>
<header class="top">
<a class="brand" href="index.html">convlab <span>course</span></a>
<div class="search" role="search">
<label for="search-box" class="visually-hidden">Search the lessons</label>
<input id="search-box" type="search" placeholder="Search the lessons" autocomplete="off" aria-controls="search-results">
<div id="search-results" class="search-results" aria-live="polite" hidden></div>
</div>
</header>
<div class="layout">
${sidebar(lessons, current)}
<main id="content">
${main}
</main>
${toc}
</div>
</body>
</html>
`;
}
