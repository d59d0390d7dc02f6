// Math on the course site: `$…$` and `$$…$$` are taken out of markdown-it's hands (so `_` and `\` are not read
// as emphasis or escapes) and typeset by KaTeX at build time into HTML + MathML; the page needs only KaTeX's
// stylesheet and fonts, copied next to it, and no script. KaTeX runs with `trust: false` (no \href, \url,
// \htmlClass… that could carry links or attributes) and throws on anything it cannot parse: the build stops
// with `lessons/x.md:LINE`. Jupyter renders the same source with MathJax.

import katex from "katex";
import type { MarkdownIt } from "markdown-it";
import type { LessonProblem } from "../options.js";

/** What the markdown renderer is given per cell: where the cell's text starts in its lesson. */
export interface MathEnv {
  file: string;
  /** 1-based lesson line of the cell's first line. */
  line: number;
  /** When present, unparsable formulas are collected here (lint) instead of thrown (site build). */
  mathProblems?: LessonProblem[];
}

/** A formula KaTeX could not typeset, with the lesson line it is on. */
export class MathError extends Error {
  constructor(readonly problem: LessonProblem, readonly file: string) {
    super(`${file}:${problem.line}: ${problem.message}`);
    this.name = "MathError";
  }
}

interface MathMeta {
  display: boolean;
  linesBefore: number;
  html?: string;
}

export function typeset(tex: string, displayMode: boolean): string {
  return katex.renderToString(tex, { displayMode, throwOnError: true, trust: false, output: "htmlAndMathml", strict: "ignore" });
}

/** markdown-it plugin: math becomes KaTeX's HTML; an unparsable formula throws MathError naming its line. */
export function katexPlugin(markdown: MarkdownIt): void {
  markdown.inline.ruler.before("escape", "math", (state, silent) => {
    const source = state.src;
    const start = state.pos;
    if (source[start] !== "$") return false;
    const display = source.startsWith("$$", start);
    const delimiter = display ? "$$" : "$";
    let end = start + delimiter.length;
    for (;;) {
      end = source.indexOf(delimiter, end);
      if (end < 0) return false;
      if (source[end - 1] !== "\\") break;
      end += 1;
    }
    const tex = source.slice(start + delimiter.length, end);
    if (tex.trim() === "") return false;
    if (!silent) {
      const token = state.push("math", "span", 0);
      token.content = tex;
      // Lines above the formula inside this inline run, for the error's line number.
      token.meta = { display, linesBefore: source.slice(0, start).split("\n").length - 1 };
    }
    state.pos = end + delimiter.length;
    return true;
  });
  // Typeset right after inline parsing, while the block's line map is at hand, so errors name the right line.
  markdown.core.ruler.after("inline", "katex", (state) => {
    const env = state.env as Partial<MathEnv>;
    for (const block of state.tokens) {
      if (block.type !== "inline" || !block.children) continue;
      for (const token of block.children) {
        if (token.type !== "math") continue;
        try {
          const meta = token.meta as unknown as MathMeta;
          meta.html = typeset(token.content, meta.display);
        } catch (error) {
          if (!(error instanceof katex.ParseError)) throw error;
          const meta = token.meta as unknown as MathMeta;
          const line = (env.line ?? 1) + (block.map?.[0] ?? 0) + meta.linesBefore;
          const delimiter = meta.display ? "$$" : "$";
          const problem = { line, message: `KaTeX cannot typeset ${delimiter}${token.content}${delimiter}: ${error.message}` };
          if (!env.mathProblems) throw new MathError(problem, env.file ?? "lesson");
          env.mathProblems.push(problem);
          meta.html = "";
        }
      }
    }
  });
  // KaTeX's display mode wraps its output in a block-level <span class="katex-display">.
  markdown.renderer.rules.math = (tokens, index) => (tokens[index].meta as unknown as MathMeta).html ?? "";
}
