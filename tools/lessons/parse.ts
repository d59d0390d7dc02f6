// Lesson sources `lessons/NN-slug.md` -> cells. Markdown is the single source of a lesson (d2l's rule):
// prose becomes markdown cells, ```ts fences become code cells. Markdown cells are slices of the original text
// (by markdown-it's line maps), never re-rendered, so `$a_{i,j}$` and backslashes reach MathJax untouched.

import MarkdownIt from "markdown-it";
import { type CellOptions, type LessonProblem, parseCellOptions } from "./options.js";

export interface MarkdownCell {
  kind: "markdown";
  /** 1-based lesson line of the first line of `source`. */
  line: number;
  source: string;
}

export interface CodeCell {
  kind: "code";
  /** 1-based lesson line of the opening fence. */
  line: number;
  /** 1-based lesson line of the first line of `code` (after the option lines). */
  codeLine: number;
  /** The code without its option lines. */
  code: string;
  options: CellOptions;
}

export type LessonCell = MarkdownCell | CodeCell;

/** The course's editions: English (`lessons/`) and Chinese (`lessons/zh/`, the twins of the English lessons). */
export type LessonLang = "en" | "zh";

export interface Lesson {
  /** Path relative to the repository, with forward slashes: `lessons/03-padding.md`, `lessons/zh/03-padding.md`. */
  file: string;
  /** The edition: `zh` for `lessons/zh/…`, else `en`. */
  lang: LessonLang;
  /** File name without `.md`: `03-padding`; also the notebook's name. */
  slug: string;
  /** Text of the first `# heading`, or the slug. */
  title: string;
  cells: LessonCell[];
}

/** A lesson with problems cannot be compiled; each problem prints as `lessons/x.md:LINE: message`. */
export class LessonLintError extends Error {
  constructor(readonly file: string, readonly problems: LessonProblem[]) {
    super(problems.map((problem) => `${file}:${problem.line}: ${problem.message}`).join("\n"));
    this.name = "LessonLintError";
  }
}

export const LESSON_FILE_PATTERN = /^\d\d-[a-z0-9]+(?:-[a-z0-9]+)*\.md$/;

const CODE_LANGUAGES = new Set(["ts", "typescript"]);
/** Fences shown as they are inside the prose (diagrams, formulas laid out by hand): never executed. */
const DISPLAY_LANGUAGES = new Set(["", "text"]);
/**
 * ```` ```answer ```` holds the model answer (Markdown) to a question the learner answers in words: shown folded
 * on the site, kept in the prose of notebooks/, a hand-graded answer cell in the course editions (tools/course).
 */
export const ANSWER_FENCE = "answer";
/** Lines that are an output pasted from a notebook; outputs are produced by running the lesson, never written. */
const PASTED_OUTPUT_LINE = /^\s*(Out|In)\s*\[\s*\d*\s*\]:?/;

const markdown = new MarkdownIt();

/**
 * A fence is closed when its last mapped line is a run of its marker at least as long as the opening one.
 * Inside a blockquote that line starts with the quote's `>` markers, which are not part of the fence.
 */
function fenceIsClosed(lines: string[], start: number, end: number, markup: string): boolean {
  if (end - start < 2) return false;
  const last = lines[end - 1].replace(/^(?:\s*>)+/, "").trim();
  return last.length >= markup.length && [...last].every((char) => char === markup[0]);
}

function trimBlankLines(lines: string[], firstLine: number): MarkdownCell | null {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === "") start++;
  while (end > start && lines[end - 1].trim() === "") end--;
  if (start === end) return null;
  return { kind: "markdown", line: firstLine + start, source: lines.slice(start, end).join("\n") };
}

/** Finds the first-level heading's text for the lesson's title. */
function titleOf(tokens: ReturnType<typeof markdown.parse>, slug: string): string {
  const index = tokens.findIndex((token) => token.type === "heading_open" && token.tag === "h1");
  return index >= 0 ? tokens[index + 1].content : slug;
}

/**
 * Parses one lesson. Throws LessonLintError listing every problem (unclosed fences, unknown fence languages,
 * pasted outputs, bad cell options) with its line.
 */
export function parseLesson(file: string, text: string): Lesson {
  const fileName = file.split("/").pop()!;
  const slug = fileName.replace(/\.md$/, "");
  const lang = langOfLessonFile(file);
  const problems: LessonProblem[] = [];
  if (!LESSON_FILE_PATTERN.test(fileName)) {
    problems.push({ line: 1, message: `lesson file name must look like NN-lowercase-slug.md, got "${fileName}"` });
  }
  if (text.trim() === "") problems.push({ line: 1, message: "the lesson is empty (a lesson needs a `# Title`, prose and code cells)" });
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const tokens = markdown.parse(text, {});
  const cells: LessonCell[] = [];
  /** First line (0-based) not yet assigned to a cell. */
  let proseStart = 0;
  /** Lines inside any fence or code block: pasted-output lines there are legitimate only for ts code. */
  const codeLineIndexes = new Set<number>();
  let previousCodeFenceEnd = -1;

  for (const token of tokens) {
    if (token.type !== "fence" || !token.map) continue;
    const [start, end] = token.map;
    const language = token.info.trim().split(/\s+/)[0].toLowerCase();
    const closed = fenceIsClosed(lines, start, end, token.markup);
    if (!closed) problems.push({ line: start + 1, message: `unclosed code fence ${token.markup}${token.info}` });
    const isCode = CODE_LANGUAGES.has(language);
    if (language === ANSWER_FENCE) {
      if (token.level > 0) problems.push({ line: start + 1, message: "an answer fence must be at the top level (not inside a list or quote)" });
      if (token.content.trim() === "") problems.push({ line: start + 1, message: "an answer fence is empty: write the model answer in it" });
      const points = token.info.trim().split(/\s+/)[1];
      if (points !== undefined && !(Number(points) > 0)) {
        problems.push({ line: start + 1, message: `an answer fence's points must be a positive number (\`\`\`answer 2), got "${points}"` });
      }
      continue;
    }
    if (!isCode && !DISPLAY_LANGUAGES.has(language)) {
      const hint = /^(out|output|outputs|result|stdout|stderr)$/.test(language)
        ? " (outputs are produced by running the lesson; do not paste them)"
        : ` (allowed: ts, typescript, text, answer, or no language)`;
      problems.push({ line: start + 1, message: `code fence language "${token.info.trim()}" is not allowed${hint}` });
      continue;
    }
    if (!isCode) {
      const onlyBlankLinesBetween =
        previousCodeFenceEnd >= 0 && lines.slice(previousCodeFenceEnd, start).every((line) => line.trim() === "");
      if (onlyBlankLinesBetween) {
        problems.push({
          line: start + 1,
          message: "a text fence right after a ts fence looks like a pasted output; put prose between them or remove it",
        });
      }
      continue;
    }
    if (token.level > 0) {
      problems.push({ line: start + 1, message: "ts code fences must be at the top level (not inside a list or quote)" });
      continue;
    }
    for (let index = start; index < end; index++) codeLineIndexes.add(index);
    const prose = trimBlankLines(lines.slice(proseStart, start), proseStart + 1);
    if (prose) cells.push(prose);
    const codeLines = token.content.replace(/\n$/, "").split("\n");
    const { options, optionLineCount, problems: optionProblems } = parseCellOptions(codeLines, start + 2);
    problems.push(...optionProblems);
    if (options.zhOnly && lang !== "zh") {
      const at = codeLines.slice(0, optionLineCount).findIndex((line) => /^\/\/\|\s*zh-only\b/.test(line.trim()));
      problems.push({ line: start + 2 + at, message: `cell option "zh-only" marks a cell of the Chinese edition; it is only allowed in lessons/zh/` });
    }
    cells.push({
      kind: "code",
      line: start + 1,
      codeLine: start + 2 + optionLineCount,
      code: codeLines.slice(optionLineCount).join("\n"),
      options,
    });
    proseStart = end;
    previousCodeFenceEnd = end;
  }
  const prose = trimBlankLines(lines.slice(proseStart), proseStart + 1);
  if (prose) cells.push(prose);

  lines.forEach((line, index) => {
    if (!codeLineIndexes.has(index) && PASTED_OUTPUT_LINE.test(line)) {
      problems.push({ line: index + 1, message: `"${line.trim()}" looks like a pasted notebook output` });
    }
  });
  problems.push(...checkCodeCells(cells));
  if (problems.length > 0) {
    problems.sort((a, b) => a.line - b.line);
    throw new LessonLintError(file, problems);
  }
  return { file, lang, slug, title: titleOf(tokens, slug), cells };
}

/** `zh` for a lesson of the Chinese edition (`lessons/zh/NN-slug.md`), else `en`. */
export function langOfLessonFile(file: string): LessonLang {
  return /(^|\/)lessons\/zh\/[^/]+$/.test(file.replace(/\\/g, "/")) ? "zh" : "en";
}

/** Problems that need the whole cell: `ci` keys must name a declaration, raises cells cannot import. */
function checkCodeCells(cells: LessonCell[]): LessonProblem[] {
  const problems: LessonProblem[] = [];
  let previousCode: CodeCell | null = null;
  for (const cell of cells) {
    if (cell.kind !== "code") continue;
    if (cell.options.points !== undefined && !(previousCode && (previousCode.options.hideInput || previousCode.options.points !== undefined))) {
      problems.push({
        line: cell.line,
        message: `a test cell (points) must follow its exercise's worked solution (a hide-input cell, or another test cell of it)`,
      });
    }
    previousCode = cell;
    const codeLines = cell.code.split("\n");
    for (const name of Object.keys(cell.options.ci ?? {})) {
      const matches = codeLines.filter((line) => ciDeclarationPattern(name).test(line)).length;
      if (matches !== 1) {
        problems.push({
          line: cell.line,
          message: `ci override "${name}" must match exactly one single-line declaration \`const ${name} = …;\` in the cell, found ${matches}`,
        });
      }
    }
    if (cell.options.raises) {
      codeLines.forEach((line, index) => {
        if (/^\s*import\s/.test(line)) {
          problems.push({ line: cell.codeLine + index, message: "a raises cell cannot contain imports; import in an earlier cell" });
        }
      });
    }
  }
  return problems;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A whole-line `const|let|var NAME[: Type] = value;` (an optional trailing // comment allowed).
 * Groups: 1 indentation + keyword + name + type annotation, 2 the rest after `=`.
 */
export function ciDeclarationPattern(name: string): RegExp {
  return new RegExp(`^(\\s*(?:const|let|var)\\s+${escapeRegExp(name)}\\s*(?::[^=]+)?)=([^;]*;\\s*(?://.*)?)$`);
}
