// Lesson prose → HTML for the course site. markdown-it runs with raw HTML disabled (it is shown as text) and
// rejects javascript:/vbscript:/file: links; math goes to KaTeX (./math.ts); headings get ids (unique per page)
// and are collected for the page's contents list and the search index.

import MarkdownIt, { type MarkdownIt as MarkdownItInstance, type StateCore, type Token } from "markdown-it";
import { dropCjkSoftBreaks } from "../cjk-lines.js";
import { katexPlugin, type MathEnv } from "./math.js";

export interface Heading {
  level: number;
  id: string;
  /** The heading as inline HTML (math typeset, code spans kept). */
  html: string;
  /** Plain text, for search. */
  text: string;
}

/** Per-page state shared by the page's markdown cells. */
export interface PageEnv extends MathEnv {
  headings: Heading[];
  ids: Set<string>;
}

export function newPageEnv(file: string): PageEnv {
  return { file, line: 1, headings: [], ids: new Set() };
}

/** `Padding and stride` → `padding-and-stride`; non-Latin letters are kept (Chinese headings later). */
export function slugify(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "") || "section";
}

function headingPlugin(markdown: MarkdownItInstance): void {
  markdown.core.ruler.push("heading_ids", (state: StateCore) => {
    const env = state.env as Partial<PageEnv>;
    if (!env.headings || !env.ids) return;
    state.tokens.forEach((token: Token, index: number) => {
      if (token.type !== "heading_open") return;
      const inline = state.tokens[index + 1];
      const text = (inline.children ?? []).map((child: Token) => child.content).join("");
      let id = slugify(text);
      for (let n = 2; env.ids!.has(id); n++) id = `${slugify(text)}-${n}`;
      env.ids!.add(id);
      token.attrSet("id", id);
      env.headings!.push({ level: Number(token.tag.slice(1)), id, text, html: markdown.renderer.renderInline(inline.children ?? [], markdown.options, env) });
    });
  });
}

/**
 * A ```` ```answer ```` fence (a question's model answer, in Markdown) is folded like a worked solution; its text is
 * rendered as prose. The student edition of the course (tools/course) removes these fences before rendering.
 */
function answerPlugin(markdown: MarkdownItInstance): void {
  const fence = markdown.renderer.rules.fence!;
  markdown.renderer.rules.fence = (tokens, index, options, env, self) => {
    const token = tokens[index];
    if (token.info.trim().split(/\s+/)[0].toLowerCase() !== "answer") return fence(tokens, index, options, env, self);
    const pageEnv = env as Partial<PageEnv>;
    // Its own heading bookkeeping would add to the page's contents; an answer has no headings worth listing.
    const inner = markdown.render(token.content, { file: pageEnv.file, line: (pageEnv.line ?? 1) + (token.map?.[0] ?? 0) + 1 });
    const summary = pageEnv.file?.startsWith("lessons/zh/") ? "参考回答" : "Model answer";
    return `<details class="solution answer"><summary>${summary}</summary><div class="answer-text">${inner}</div></details>\n`;
  };
}

const markdown = new MarkdownIt({ html: false, linkify: false, typographer: false });
markdown.use(katexPlugin);
// A line break between two Chinese characters is no space (./cjk-lines.ts).
markdown.core.ruler.push("cjk_soft_breaks", (state: StateCore) => dropCjkSoftBreaks(state.tokens));
markdown.use(headingPlugin);
markdown.use(answerPlugin);

/** One markdown cell as HTML; `line` is the lesson line of the cell's first line (for math errors). */
export function renderProse(source: string, env: PageEnv, line: number): string {
  env.line = line;
  return markdown.render(source, env as unknown as Record<string, unknown>);
}

/** Inline markdown (a title) as HTML, without a page's heading bookkeeping. */
export function renderInlineProse(source: string, file: string): string {
  return markdown.renderInline(source, { file, line: 1 });
}

/** The tokens of one markdown cell (headings carry their page ids in the `id` attribute). */
export function parseProse(source: string, env: PageEnv, line: number): Token[] {
  env.line = line;
  return markdown.parse(source, env as unknown as Record<string, unknown>);
}

/** Plain text of a title written in markdown: `The library's \`corr2d\`` → `The library's corr2d` (math stays TeX). */
export function plainTitle(title: string): string {
  const tokens = markdown.parseInline(title, { file: "title", line: 1 })[0]?.children ?? [];
  return tokens.map((token) => (token.type === "softbreak" ? " " : token.content)).join("");
}
