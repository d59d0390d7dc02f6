// Lesson -> nbformat 4.5 notebook. Generated notebooks are byte-stable (ids derived from the slug and cell
// index, keys sorted, one-space indent like Jupyter's own writer), so `notebooks/` diffs only when lessons change.

import { languageInfo } from "../jupyter-kernel/kernel-info.js";
import { type CodeCell, type Lesson, type LessonCell, LessonLintError } from "./parse.js";
import { prosePieces } from "./answers.js";
import { RAISES_TAG, raisesMetadata } from "./raises.js";
import { joinCjkLines } from "./cjk-lines.js";
import { escapeRawHtml } from "./raw-html.js";

/** One Jupyter output, as stored in a notebook. */
export type NotebookOutput =
  | { output_type: "stream"; name: "stdout" | "stderr"; text: string[] }
  | { output_type: "display_data"; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "execute_result"; execution_count: number; data: Record<string, unknown>; metadata: Record<string, unknown> }
  | { output_type: "error"; ename: string; evalue: string; traceback: string[] };

export interface NotebookCell {
  id: string;
  cell_type: "markdown" | "code";
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: number | null;
  outputs?: NotebookOutput[];
}

export interface Notebook {
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  nbformat: 4;
  nbformat_minor: 5;
}

export const KERNELSPEC = { name: "convlab", display_name: "TypeScript (convlab)", language: "typescript" };

/** Jupyter stores multi-line strings as a list of lines, each but the last keeping its "\n". */
export function splitSourceLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  return lines.map((line, index) => (index < lines.length - 1 ? line + "\n" : line)).filter((line) => line !== "");
}

/** Cell ids must match ^[a-zA-Z0-9-_]+$ and be at most 64 characters. */
export function cellId(slug: string, index: string): string {
  const suffix = `-${index}`;
  return slug.replace(/[^a-zA-Z0-9-_]/g, "-").slice(0, 64 - suffix.length) + suffix;
}

export function codeCellMetadata(lesson: Lesson, cell: CodeCell): Record<string, unknown> {
  const convlab: Record<string, unknown> = { source: `${lesson.file}:${cell.line}` };
  const { raises, timeoutSeconds, skip, ci, hideInput, checks, points, hidden } = cell.options;
  if (raises) convlab.raises = raisesMetadata(raises);
  if (timeoutSeconds !== undefined) convlab.timeout = timeoutSeconds;
  if (skip) convlab.skip = true;
  if (ci) convlab.ci = ci;
  if (checks) convlab.checks = true;
  if (points !== undefined) convlab.points = points;
  if (hidden) convlab.hidden = true;
  const metadata: Record<string, unknown> = { convlab };
  const tags: string[] = [];
  if (hideInput) {
    // A worked solution opens collapsed, code and output (JupyterLab, Notebook 7, VS Code): a click shows each.
    metadata.jupyter = { source_hidden: true, outputs_hidden: true };
    tags.push("hide-input");
  }
  if (raises) tags.push(RAISES_TAG);
  // A checks cell (assertions only) is collapsed whole: its code and what it printed.
  if (checks) {
    metadata.jupyter = { outputs_hidden: true, source_hidden: true };
    tags.push("checks");
  }
  if (skip) tags.push("skip-execution");
  if (tags.length > 0) metadata.tags = tags;
  return metadata;
}

/** The first line of a model answer's cell in notebooks/ (the site says it in the fold's summary), by edition. */
export const MODEL_ANSWER_TITLES = { en: "**Model answer.**", zh: "**参考回答。**" } as const;

/** The source of the empty cell before each worked solution: only a comment, so it runs as an empty cell. */
export const ANSWER_PROMPTS = {
  en: "// Your answer: try the exercise here first, then open the solution below.",
  zh: "// 你的答案：先在这里自己做这道练习，再打开下面的参考答案。",
} as const;
export const ANSWER_PROMPT = ANSWER_PROMPTS.en;

/** The "your answer" cell before the solution `cell` (`metadata.convlab.answer` marks it as generated). */
function answerCell(lesson: Lesson, cell: CodeCell, index: number): NotebookCell {
  return {
    id: cellId(lesson.slug, `${index}-answer`),
    cell_type: "code",
    execution_count: null,
    metadata: { convlab: { answer: true, source: `${lesson.file}:${cell.line}` } },
    outputs: [],
    source: [ANSWER_PROMPTS[lesson.lang]],
  };
}

/** Notebook cells of one lesson cell: the cell itself, after its answer cell for a worked solution. */
function notebookCells(lesson: Lesson, cell: LessonCell, index: number): NotebookCell[] {
  const id = cellId(lesson.slug, String(index));
  if (cell.kind === "markdown") {
    // A model answer (```answer) is a cell of its own, opened collapsed like a worked solution.
    return prosePieces(cell, lesson.file).map((piece, pieceIndex) => {
      // Raw HTML is text on the site; other renderers (nbconvert's HTML export) would run it.
      // Chinese lines joined where Jupyter would show a line break as a space (./cjk-lines.ts).
      const prose = escapeRawHtml(joinCjkLines(piece.source));
      if (prose === null) {
        throw new LessonLintError(lesson.file, [{ line: piece.line, message: "raw HTML in this paragraph could not be escaped for the notebook; write it as text or in `code`" }]);
      }
      const pieceId = pieceIndex === 0 ? id : cellId(lesson.slug, `${index}-${pieceIndex}`);
      const convlab = { source: `${lesson.file}:${piece.line}` };
      if (piece.kind === "prose") return { id: pieceId, cell_type: "markdown", metadata: { convlab }, source: splitSourceLines(prose) };
      return {
        id: pieceId,
        cell_type: "markdown",
        metadata: { convlab: { ...convlab, answer: "model", points: piece.points }, jupyter: { source_hidden: true }, tags: ["model-answer"] },
        source: splitSourceLines(`${MODEL_ANSWER_TITLES[lesson.lang]}\n\n${prose}`),
      };
    });
  }
  const code: NotebookCell = {
    id,
    cell_type: "code",
    execution_count: null,
    metadata: codeCellMetadata(lesson, cell),
    outputs: [],
    // The lesson's code and nothing else; what options need at run time the runners do (transform.ts, raises.ts).
    source: splitSourceLines(cell.code),
  };
  return cell.options.hideInput ? [answerCell(lesson, cell, index), code] : [code];
}

/** The lesson's notebook, and for each lesson cell (by index in `lesson.cells`) its cell in the notebook. */
function lessonNotebook(lesson: Lesson): { notebook: Notebook; cellOf: NotebookCell[] } {
  const cellOf: NotebookCell[] = [];
  const cells = lesson.cells.flatMap((cell, index) => {
    const made = notebookCells(lesson, cell, index);
    cellOf.push(made[made.length - 1]);
    return made;
  });
  const notebook: Notebook = {
    cells,
    metadata: {
      // The Chinese edition says so (BCP 47, as the site's <html lang>); English notebooks carry no tag, as before.
      convlab: lesson.lang === "zh" ? { lang: "zh-CN", source: lesson.file } : { source: lesson.file },
      kernelspec: KERNELSPEC,
      language_info: languageInfo(),
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { notebook, cellOf };
}

/** The lesson's notebook, as committed in notebooks/. */
export function lessonToNotebook(lesson: Lesson): Notebook {
  return lessonNotebook(lesson).notebook;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== "object" || value === null) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
  return sorted;
}

/** Serializes as `nbformat.writes` does (sorted keys, indent 1, trailing newline). */
export function serializeNotebook(notebook: Notebook): string {
  return JSON.stringify(sortKeys(notebook), null, 1) + "\n";
}

/** What a run produced for one cell (index in `lesson.cells`). */
export interface CellOutputs {
  index: number;
  outputs: NotebookOutput[];
  executionCount: number | null;
}

/** The lesson's notebook with the outputs of a run filled in, as Jupyter would save it after "Run all". */
export function executedNotebook(lesson: Lesson, results: CellOutputs[]): Notebook {
  const { notebook, cellOf } = lessonNotebook(lesson);
  for (const result of results) {
    const cell = cellOf[result.index];
    cell.outputs = result.outputs;
    cell.execution_count = result.executionCount;
  }
  return notebook;
}
