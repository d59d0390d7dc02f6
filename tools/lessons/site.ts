// The static course site: an index and one page per lesson with the outputs of a run. Pages open from disk
// with no network. Everything from lessons and outputs is escaped: markdown-it runs with raw HTML disabled
// (and rejects javascript: links), math is typeset by KaTeX with trust: false, code is highlighted by
// highlight.js (which escapes it), SVG and PNG outputs are shown through <img> (scripts inside never run),
// and text/html is rendered only when the library's plot renderer made it (src/viz marks it with
// metadata.convlab.renderer = "convlab.viz"), inside a sandboxed iframe; any other HTML is shown as text.
// The page frame, math, highlighting, search and the files next to the pages live in ./site/.

import { escapeHtml } from "./html.js";
import type { NotebookOutput } from "./notebook.js";
import type { CodeCell, Lesson } from "./parse.js";
import type { CellResult } from "./runner.js";
import { highlightTypeScript } from "./site/highlight.js";
import { type SiteLang, STRINGS } from "./site/i18n.js";
import { contents, d2lNote, lessonNumber, lessonTitleHtml, page, readingMinutes } from "./site/layout.js";
import { newPageEnv, renderProse } from "./site/markdown.js";
import { lessonPageName } from "./site/names.js";

export { lessonPageName };

/** Display metadata that marks HTML made by convlab's plot renderer (src/viz); other HTML is shown as text. */
export const VIZ_RENDERER = "convlab.viz";

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

function textOf(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value);
}

/** A figure's text alternative: the summary our renderer puts in text/plain (`<title: heatmap 5×5>`). */
function altText(data: Record<string, unknown>): string {
  const summary = typeof data["text/plain"] !== "undefined" ? textOf(data["text/plain"]).replace(/^<|>$/g, "").trim() : "";
  return summary || "figure";
}

/**
 * One rich output (display_data / execute_result) as the richest form that is safe and works offline.
 * A plot's bundle carries both our static SVG and plotly HTML: the SVG is the same picture and needs no script,
 * so it wins; the plotly.js loader output draws nothing on its own and is left out.
 */
function renderBundle(data: Record<string, unknown>, metadata: Record<string, unknown>): string {
  const convlab = metadata.convlab as { renderer?: unknown; role?: unknown } | undefined;
  if (convlab?.role === "plotly-loader") return "";
  if (typeof data["image/svg+xml"] !== "undefined") {
    const base64 = Buffer.from(textOf(data["image/svg+xml"]), "utf8").toString("base64");
    return `<img class="figure" alt="${escapeHtml(altText(data))}" src="data:image/svg+xml;base64,${base64}">`;
  }
  const png = data["image/png"];
  if (typeof png === "string" && /^[A-Za-z0-9+/=\s]+$/.test(png)) {
    return `<img class="figure" alt="${escapeHtml(altText(data))}" src="data:image/png;base64,${png.replace(/\s/g, "")}">`;
  }
  if (typeof data["text/html"] !== "undefined" && convlab?.renderer === VIZ_RENDERER) {
    // Scripts may run but in an opaque origin: they cannot reach this page, its storage or other outputs.
    return `<iframe class="viz" sandbox="allow-scripts" srcdoc="${escapeHtml(textOf(data["text/html"]))}"></iframe>`;
  }
  if (typeof data["text/plain"] !== "undefined") return `<pre class="result">${escapeHtml(stripAnsi(textOf(data["text/plain"])))}</pre>`;
  if (typeof data["text/html"] !== "undefined") return `<pre class="result">${escapeHtml(textOf(data["text/html"]))}</pre>`;
  return `<pre class="result">[output of type ${escapeHtml(Object.keys(data).join(", "))}]</pre>`;
}

export function renderOutput(output: NotebookOutput): string {
  switch (output.output_type) {
    case "stream":
      return `<pre class="stream ${output.name}">${escapeHtml(stripAnsi(output.text.join("")))}</pre>`;
    case "error":
      return `<pre class="error">${escapeHtml(stripAnsi(output.traceback.join("\n")))}</pre>`;
    case "display_data":
    case "execute_result":
      return renderBundle(output.data, output.metadata);
  }
}

function renderCodeCell(cell: CodeCell, result: CellResult | undefined, lang: SiteLang): string {
  const strings = STRINGS[lang];
  const status = result?.status ?? "not-run";
  const code = `<pre class="input"><code class="hljs language-typescript">${highlightTypeScript(cell.code)}</code></pre>`;
  const notes: string[] = [];
  if (cell.options.raises) {
    const { errorName, pattern } = cell.options.raises;
    notes.push(strings.expectedToThrow(escapeHtml(errorName), escapeHtml(String(pattern))));
  }
  if (status !== "ok") notes.push(`<span class="status">${escapeHtml(strings.status[status] ?? status)}</span>`);
  if (result?.note) notes.push(escapeHtml(result.note));
  const head = notes.length > 0 ? `<div class="cell-note">${notes.join(" · ")}</div>` : "";
  const rendered = (result?.outputs ?? []).map(renderOutput).filter(Boolean);
  const outputs = rendered.length > 0 ? `<div class="outputs" role="group" aria-label="${strings.output}">${rendered.join("\n")}</div>` : "";
  const body = `${head}${code}${outputs}`;
  // Worked solutions (hide-input) stay folded with their outputs, so a learner tries the exercise first; a checks
  // cell (assertions only) is folded away whole, and opened when it did not pass.
  const inner = cell.options.hideInput
    ? `<details class="solution"><summary>${strings.solution}</summary>${body}</details>`
    : cell.options.checks
      ? `<details class="checks"${status === "ok" ? "" : " open"}><summary>${strings.checks}</summary>${body}</details>`
      : body;
  return `<div class="cell code ${escapeHtml(status)}">${inner}</div>`;
}

/** Where the page is shown: the lessons of the site (for the sidebar and previous/next). */
export interface SiteContext {
  lessons?: Lesson[];
  /** This page in the other edition (relative URL): the language switch. */
  twinHref?: string;
  /** The glossary page, linked from the header (the Chinese site). */
  glossaryHref?: string;
}

function lessonLink(target: Lesson | undefined, rel: "prev" | "next"): string {
  if (!target) return "<span></span>";
  const label = rel === "prev" ? STRINGS[target.lang].previous : STRINGS[target.lang].next;
  return `<a class="${rel}" rel="${rel}" href="${escapeHtml(lessonPageName(target))}"><span class="label">${label}</span> ${lessonTitleHtml(target)}</a>`;
}

/** A lesson's page; `results` are the run's code-cell results (missing cells show as not run). */
export function renderLessonPage(lesson: Lesson, results: CellResult[], context: SiteContext = {}): string {
  const lessons = context.lessons ?? [lesson];
  const position = lessons.indexOf(lesson);
  const resultByIndex = new Map(results.map((result) => [result.index, result]));
  const env = newPageEnv(lesson.file);
  const strings = STRINGS[lesson.lang];
  // The Chinese site is out/site/zh/, its executed notebooks out/notebooks/zh/: one folder deeper.
  const up = lesson.lang === "zh" ? "../" : "";
  const notebook = `${up}../notebooks/${lesson.lang === "zh" ? "zh/" : ""}${lesson.slug}.ipynb`;
  // The same notebook in JupyterLite (npm run lite writes out/lite/ beside out/site/).
  const lite = `${up}../lite/notebooks/index.html?path=${encodeURIComponent(`${lesson.lang === "zh" ? "zh/" : ""}${lesson.slug}.ipynb`)}`;
  const meta = `<p class="lesson-meta">${lessonNumber(lesson)} · ${strings.minutesRead(readingMinutes(lesson))}${d2lNote(lesson) ? ` · ${d2lNote(lesson)}` : ""}</p>
<p class="lesson-links"><a href="${escapeHtml(notebook)}" download>${strings.downloadNotebook}</a>
· <a class="run-in-browser" href="${escapeHtml(lite)}">${strings.runInBrowser}</a>
· <a class="edit" href="${up}../../${escapeHtml(lesson.file)}">${strings.editLesson}</a></p>`;
  let metaPlaced = false;
  const cells = lesson.cells.map((cell, index) => {
    if (cell.kind === "code") return renderCodeCell(cell, resultByIndex.get(index), lesson.lang);
    let html = renderProse(cell.source, env, cell.line);
    // The lesson's facts go right under its title.
    if (!metaPlaced && html.includes("</h1>")) {
      html = html.replace("</h1>", () => `</h1>\n${meta}`);
      metaPlaced = true;
    }
    return `<div class="cell markdown">${html}</div>`;
  });
  if (!metaPlaced) cells.unshift(meta);
  const pager = position < 0 ? "" : `<nav class="pager" aria-label="${strings.pagerLabel}">
${lessonLink(lessons[position - 1], "prev")}
${lessonLink(lessons[position + 1], "next")}
</nav>`;
  return page({
    title: lesson.title,
    lessons,
    current: lesson,
    main: `<article class="lesson">\n${cells.join("\n")}\n</article>\n${pager}`,
    toc: contents(env.headings, lesson.lang),
    lang: lesson.lang,
    twinHref: context.twinHref,
    glossaryHref: context.glossaryHref,
  });
}

export interface IndexEntry {
  lesson: Lesson;
  results: CellResult[];
}

/** The index of one edition's site (`lang`, default en); `context` as for lesson pages. */
export function renderIndex(entries: IndexEntry[], context: Omit<SiteContext, "lessons"> & { lang?: SiteLang } = {}): string {
  const lang = context.lang ?? "en";
  const strings = STRINGS[lang];
  const items = entries.map(({ lesson, results }) => {
    const failed = results.filter((result) => result.status !== "ok" && result.status !== "skipped").length;
    const ran = failed ? `<span class="failed">${strings.cellsFailed(failed, results.length)}</span>` : strings.cellsRan(results.length);
    const d2l = d2lNote(lesson);
    return `<li><a href="${escapeHtml(lessonPageName(lesson))}">${lessonTitleHtml(lesson)}</a>
<span class="summary">${strings.minutesRead(readingMinutes(lesson))}${d2l ? ` · ${d2l}` : ""} · ${ran}</span></li>`;
  });
  const main = `<h1>${strings.indexTitle}</h1>
<p>${strings.indexIntro}</p>
<ol class="lessons">
${items.join("\n")}
</ol>`;
  return page({ title: strings.indexTitle, lessons: entries.map((entry) => entry.lesson), main, lang, twinHref: context.twinHref, glossaryHref: context.glossaryHref });
}

/**
 * A page of prose only, from a markdown file of the course (the Chinese site's 术语表, lessons/zh/glossary.md), in
 * the site's frame: rendered like lesson prose (raw HTML off, math by KaTeX), with its contents list.
 */
export function renderProsePage(file: string, text: string, lessons: Lesson[], context: Omit<SiteContext, "lessons"> & { lang: SiteLang }): string {
  const env = newPageEnv(file);
  const html = renderProse(text, env, 1);
  const title = env.headings.find((heading) => heading.level === 1)?.text ?? file;
  return page({
    title,
    lessons,
    main: `<article class="lesson prose-page">\n<div class="cell markdown">${html}</div>\n</article>`,
    toc: contents(env.headings, context.lang),
    lang: context.lang,
    twinHref: context.twinHref,
    glossaryHref: context.glossaryHref,
  });
}
