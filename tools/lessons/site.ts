// The static course site: an index and one page per lesson with the outputs of a run. Pages open from disk
// with no network. Everything from lessons and outputs is escaped: markdown-it runs with raw HTML disabled
// (and rejects javascript: links), SVG and PNG outputs are shown through <img> (scripts inside never run),
// and text/html is rendered only when the library's plot renderer made it (src/viz marks it with
// metadata.convlab.renderer = "convlab.viz"), inside a sandboxed iframe; any other HTML is shown as text.

import MarkdownIt from "markdown-it";
import { escapeHtml } from "./html.js";
import { mathPlugin } from "./math.js";
import type { NotebookOutput } from "./notebook.js";
import type { CodeCell, Lesson } from "./parse.js";
import type { CellResult } from "./runner.js";

/** Display metadata that marks HTML made by convlab's plot renderer (src/viz); other HTML is shown as text. */
export const VIZ_RENDERER = "convlab.viz";

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.use(mathPlugin);

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, "");
}

function textOf(value: unknown): string {
  return Array.isArray(value) ? value.join("") : String(value);
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
    return `<img class="figure" alt="figure" src="data:image/svg+xml;base64,${base64}">`;
  }
  const png = data["image/png"];
  if (typeof png === "string" && /^[A-Za-z0-9+/=\s]+$/.test(png)) {
    return `<img class="figure" alt="figure" src="data:image/png;base64,${png.replace(/\s/g, "")}">`;
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

const STATUS_LABELS: Record<string, string> = {
  error: "failed",
  timeout: "timed out",
  crashed: "crashed",
  skipped: "not run (skip)",
  "not-run": "not run",
};

function renderCodeCell(lesson: Lesson, cell: CodeCell, result: CellResult | undefined): string {
  const status = result?.status ?? "not-run";
  const code = `<pre class="input"><code>${escapeHtml(cell.code)}</code></pre>`;
  const input = cell.options.hideInput ? `<details><summary>Show the code</summary>${code}</details>` : code;
  const notes: string[] = [];
  if (cell.options.raises) {
    const { errorName, pattern } = cell.options.raises;
    notes.push(`expected to throw ${escapeHtml(errorName)} matching <code>${escapeHtml(String(pattern))}</code>`);
  }
  if (status !== "ok") notes.push(`<span class="status">${escapeHtml(STATUS_LABELS[status] ?? status)}</span>`);
  if (result?.note) notes.push(escapeHtml(result.note));
  const header = `<div class="cell-head"><span class="where">${escapeHtml(`${lesson.file}:${cell.line}`)}</span>${notes
    .map((note) => ` · ${note}`)
    .join("")}</div>`;
  const outputs = (result?.outputs ?? []).map(renderOutput).join("\n");
  const body = `${input}<div class="outputs">${outputs}</div>`;
  // A checks cell (assertions only) is folded away whole, and opened when it did not pass.
  const content = cell.options.checks
    ? `<details class="checks"${status === "ok" ? "" : " open"}><summary>Checks</summary>${body}</details>`
    : body;
  return `<section class="cell code ${escapeHtml(status)}">${header}${content}</section>`;
}

const STYLE = `
body { font: 16px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d232a; background: #fbfbfa; }
main, nav { max-width: 52rem; margin: 0 auto; padding: 0 1.25rem; }
nav { padding-top: 1rem; font-size: 0.9rem; }
nav a { margin-right: 1rem; }
pre { background: #f2f3f5; padding: 0.6rem 0.8rem; overflow-x: auto; border-radius: 4px; font: 13.5px/1.45 ui-monospace, "SFMono-Regular", Menlo, monospace; }
pre.input { background: #eef2f8; border-left: 3px solid #5a7bb5; }
pre.stream.stderr, pre.error { background: #fbeeee; border-left: 3px solid #b55a5a; }
.cell.code { margin: 1.2rem 0; }
.cell-head { font-size: 0.75rem; color: #667; }
.cell.error .status, .cell.timeout .status, .cell.crashed .status { color: #a01818; font-weight: bold; }
.math { font-family: "Cambria Math", "STIX Two Math", "Times New Roman", serif; font-style: italic; white-space: nowrap; }
.math.display { display: block; text-align: center; margin: 0.8rem 0; font-size: 1.1rem; }
img.figure { max-width: 100%; background: white; }
iframe.viz { width: 100%; height: 460px; border: 1px solid #dde; background: white; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccd; padding: 0.2rem 0.5rem; }
ol.lessons li { margin: 0.4rem 0; }
.summary { color: #667; font-size: 0.85rem; }
.failed { color: #a01818; }
`;

function page(title: string, nav: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<nav>${nav}</nav>
<main>
${body}
</main>
</body>
</html>
`;
}

export function lessonPageName(lesson: Lesson): string {
  return `${lesson.slug}.html`;
}

export interface Neighbours {
  previous?: Lesson;
  next?: Lesson;
}

/** A lesson's page; `results` are the run's code-cell results (missing cells show as not run). */
export function renderLessonPage(lesson: Lesson, results: CellResult[], neighbours: Neighbours = {}): string {
  const resultByIndex = new Map(results.map((result) => [result.index, result]));
  const cells = lesson.cells.map((cell, index) =>
    cell.kind === "markdown"
      ? `<section class="cell markdown">${markdown.render(cell.source)}</section>`
      : renderCodeCell(lesson, cell, resultByIndex.get(index)),
  );
  const link = (target: Lesson | undefined, label: string) =>
    target ? `<a href="${escapeHtml(lessonPageName(target))}">${label}: ${escapeHtml(target.title)}</a>` : "";
  const nav = [
    `<a href="index.html">All lessons</a>`,
    link(neighbours.previous, "Previous"),
    link(neighbours.next, "Next"),
    `<a href="../notebooks/${escapeHtml(lesson.slug)}.ipynb">Executed notebook</a>`,
  ]
    .filter(Boolean)
    .join("\n");
  return page(lesson.title, nav, cells.join("\n"));
}

export interface IndexEntry {
  lesson: Lesson;
  results: CellResult[];
}

export function renderIndex(entries: IndexEntry[]): string {
  const items = entries.map(({ lesson, results }) => {
    const failed = results.filter((result) => result.status !== "ok" && result.status !== "skipped").length;
    const seconds = results.reduce((total, result) => total + result.milliseconds, 0) / 1000;
    const summary = failed
      ? `<span class="failed">${failed} of ${results.length} code cells did not run cleanly</span>`
      : `${results.length} code cells, ${seconds.toFixed(1)} s`;
    return `<li><a href="${escapeHtml(lessonPageName(lesson))}">${escapeHtml(lesson.title)}</a> <span class="summary">${summary}</span></li>`;
  });
  const body = `<h1>convlab lessons</h1>
<p>Convolutional networks in TypeScript, lesson by lesson. Each page shows the lesson as it ran; open the notebooks in
Jupyter (<code>npm run lab</code>) to change and rerun them.</p>
<ol class="lessons">
${items.join("\n")}
</ol>`;
  return page("convlab lessons", `<a href="index.html">All lessons</a>`, body);
}
