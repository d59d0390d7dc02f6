// The frame every page of the course site shares: a header with the search box, the lessons in a sidebar
// (the current one marked), the page's own contents list, and the stylesheets and scripts in assets/.
// Everything taken from lessons is escaped or rendered by markdown-it/KaTeX, never pasted.

import { escapeHtml } from "../html.js";
import type { Lesson } from "../parse.js";
import { d2lLinks, d2lSectionOf } from "./d2l.js";
import { type Heading, plainTitle, renderInlineProse } from "./markdown.js";
import { CJK_CHARACTERS_PER_MINUTE, type SiteLang, STRINGS } from "./i18n.js";
import { lessonPageName } from "./names.js";

/** Words a learner reads per minute, and seconds per line of code read (not typed). */
const PROSE_WORDS_PER_MINUTE = 200;
const CODE_SECONDS_PER_LINE = 3;
/** Han characters (and kana): Chinese prose has no spaces between words, so it is counted by character. */
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]/gu;

/**
 * Minutes to read a lesson: its prose at 200 words a minute (Chinese at 300 characters a minute) and its code at
 * 3 s a line, at least 1.
 */
export function readingMinutes(lesson: Lesson): number {
  let words = 0, characters = 0, codeLines = 0;
  for (const cell of lesson.cells) {
    if (cell.kind === "markdown") {
      characters += cell.source.match(HAN)?.length ?? 0;
      words += cell.source.replace(HAN, " ").split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
    } else codeLines += cell.code.split("\n").filter((line) => line.trim() !== "").length;
  }
  const minutes = words / PROSE_WORDS_PER_MINUTE + characters / CJK_CHARACTERS_PER_MINUTE + (codeLines * CODE_SECONDS_PER_LINE) / 60;
  return Math.max(1, Math.round(minutes));
}

/** "Lesson 6" (第 6 课) from `06-padding-and-stride`. */
export function lessonNumber(lesson: Lesson): string {
  return STRINGS[lesson.lang].lessonNumber(Number(lesson.slug.slice(0, 2)));
}

export function lessonTitleHtml(lesson: Lesson): string {
  return renderInlineProse(lesson.title, lesson.file);
}

/** "follows d2l.ai §7.3 Padding and Stride (《动手学深度学习》 §6.3 填充和步幅)", linked. */
export function d2lNote(lesson: Lesson): string {
  const section = d2lSectionOf(lesson.slug);
  if (!section) return "";
  const links = d2lLinks(section);
  // The Chinese pages point at zh.d2l.ai first, the book their readers follow.
  if (lesson.lang === "zh") {
    return `对应<a href="${links.zh}">《动手学深度学习》§${section.zh} ${escapeHtml(section.titleZh)}</a>
（英文版 <a href="${links.en}" lang="en">d2l.ai §${section.en} ${escapeHtml(section.titleEn)}</a>）`;
  }
  return `follows <a href="${links.en}">d2l.ai §${section.en} ${escapeHtml(section.titleEn)}</a>
(<a href="${links.zh}" lang="zh-CN">《动手学深度学习》 §${section.zh} ${escapeHtml(section.titleZh)}</a>)`;
}

function sidebar(lessons: Lesson[], current: Lesson | undefined, lang: SiteLang): string {
  const items = lessons.map((lesson) => {
    const here = lesson === current ? ' aria-current="page"' : "";
    return `<li><a href="${escapeHtml(lessonPageName(lesson))}"${here}><span class="number">${Number(lesson.slug.slice(0, 2))}</span> ${lessonTitleHtml(lesson)}</a></li>`;
  });
  const label = STRINGS[lang].lessonsNav;
  return `<nav class="sidebar" aria-label="${label}">
<details class="lessons-menu" open><summary>${label}</summary>
<ol class="lesson-list">
${items.join("\n")}
</ol>
</details>
</nav>`;
}

/** The lesson's own sections (h2 and h3); the h1 is the page title. */
export function contents(headings: Heading[], lang: SiteLang = "en"): string {
  const items = headings
    .filter((heading) => heading.level === 2 || heading.level === 3)
    .map((heading) => `<li class="level-${heading.level}"><a href="#${escapeHtml(heading.id)}">${heading.html}</a></li>`);
  if (items.length === 0) return "";
  return `<nav class="toc" aria-labelledby="toc-title">
<h2 id="toc-title">${STRINGS[lang].onThisPage}</h2>
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
  /** The site's edition (default en): <html lang> and the frame's words. */
  lang?: SiteLang;
  /** The same page in the other edition (relative URL), when there is one: the language switch. */
  twinHref?: string;
  /** The glossary page (the Chinese site's 术语表), linked from the header of every page. */
  glossaryHref?: string;
}

/** The header's link to this page in the other edition. */
function languageSwitch(lang: SiteLang, href: string): string {
  const other = lang === "zh" ? STRINGS.en : STRINGS.zh;
  const strings = STRINGS[lang];
  return `<a class="lang-switch" href="${escapeHtml(href)}" hreflang="${other.htmlLang}" lang="${other.htmlLang}" aria-label="${escapeHtml(strings.otherLanguageLabel)}">${escapeHtml(strings.otherLanguage)}</a>`;
}

export function page({ title, lessons, current, main, toc = "", lang = "en", twinHref, glossaryHref }: PageParts): string {
  const strings = STRINGS[lang];
  const other = lang === "zh" ? STRINGS.en : STRINGS.zh;
  const alternate = twinHref ? `\n<link rel="alternate" hreflang="${other.htmlLang}" href="${escapeHtml(twinHref)}">` : "";
  const links = [
    glossaryHref ? `<a class="glossary-link" href="${escapeHtml(glossaryHref)}">${escapeHtml(strings.glossary)}</a>` : "",
    twinHref ? languageSwitch(lang, twinHref) : "",
  ].filter(Boolean);
  const nav = links.length > 0 ? `\n<nav class="site-links">${links.join("\n")}</nav>` : "";
  return `<!doctype html>
<html lang="${strings.htmlLang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${escapeHtml(plainTitle(title))}</title>${alternate}
<link rel="stylesheet" href="assets/katex/katex.min.css">
<link rel="stylesheet" href="assets/highlight.css">
<link rel="stylesheet" href="assets/site.css">
<script src="assets/minisearch.js" defer></script>
<script src="assets/search-index.js" defer></script>
<script src="assets/site.js" defer></script>
</head>
<body${toc ? ' class="with-toc"' : ""}>
<a class="skip-link" href="#content">${strings.skipLink}</a>
<header class="top">
<a class="brand" href="index.html">${strings.brand}</a>
<div class="search" role="search">
<label for="search-box" class="visually-hidden">${strings.search}</label>
<input id="search-box" type="search" placeholder="${strings.search}" autocomplete="off" aria-controls="search-results">
<div id="search-results" class="search-results" aria-live="polite" hidden></div>
</div>${nav}
</header>
<div class="layout">
${sidebar(lessons, current, lang)}
<main id="content">
${main}
</main>
${toc}
</div>
</body>
</html>
`;
}
