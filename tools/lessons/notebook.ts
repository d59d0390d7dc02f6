// Lesson -> nbformat 4.5 notebook. Generated notebooks are byte-stable (ids derived from the slug and cell
// index, keys sorted, one-space indent like Jupyter's own writer), so `notebooks/` diffs only when lessons change.

import { languageInfo } from "../kernel/kernel-info.js";
import type { CodeCell, Lesson, LessonCell } from "./parse.js";
import { runnableSource } from "./transform.js";

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
function cellId(slug: string, index: number): string {
  const suffix = `-${index}`;
  return slug.replace(/[^a-zA-Z0-9-_]/g, "-").slice(0, 64 - suffix.length) + suffix;
}

function codeCellMetadata(lesson: Lesson, cell: CodeCell): Record<string, unknown> {
  const convlab: Record<string, unknown> = { source: `${lesson.file}:${cell.line}` };
  const { raises, timeoutSeconds, skip, ci, hideInput } = cell.options;
  if (raises) convlab.raises = { error: raises.errorName, pattern: String(raises.pattern) };
  if (timeoutSeconds !== undefined) convlab.timeout = timeoutSeconds;
  if (skip) convlab.skip = true;
  if (ci) convlab.ci = ci;
  const metadata: Record<string, unknown> = { convlab };
  const tags: string[] = [];
  if (hideInput) {
    // A worked solution opens collapsed, code and output (JupyterLab, Notebook 7, VS Code): a click shows each.
    metadata.jupyter = { source_hidden: true, outputs_hidden: true };
    tags.push("hide-input");
  }
  if (skip) tags.push("skip-execution");
  if (tags.length > 0) metadata.tags = tags;
  return metadata;
}

function notebookCell(lesson: Lesson, cell: LessonCell, index: number, quick: boolean): NotebookCell {
  const id = cellId(lesson.slug, index);
  if (cell.kind === "markdown") {
    return {
      id,
      cell_type: "markdown",
      metadata: { convlab: { source: `${lesson.file}:${cell.line}` } },
      source: splitSourceLines(cell.source),
    };
  }
  return {
    id,
    cell_type: "code",
    execution_count: null,
    metadata: codeCellMetadata(lesson, cell),
    outputs: [],
    source: splitSourceLines(runnableSource(cell, quick)),
  };
}

/**
 * The lesson's notebook. With `quick`, code cells carry their `ci` overrides (for executing the notebooks in
 * the real kernel at reduced cost in CI); the notebooks in notebooks/ are never quick.
 */
export function lessonToNotebook(lesson: Lesson, quick = false): Notebook {
  return {
    cells: lesson.cells.map((cell, index) => notebookCell(lesson, cell, index, quick)),
    metadata: {
      convlab: { source: lesson.file },
      kernelspec: KERNELSPEC,
      language_info: languageInfo(),
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
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
  const notebook = lessonToNotebook(lesson);
  for (const result of results) {
    const cell = notebook.cells[result.index];
    cell.outputs = result.outputs;
    cell.execution_count = result.executionCount;
  }
  return notebook;
}
