// Failure messages that point at the lesson: `lessons/x.md:LINE`, the cell's code with lesson line numbers,
// then what tslab printed, with TypeScript diagnostics' cell positions translated to lesson lines.

import type { CodeCell, Lesson } from "./parse.js";
import type { CellResult } from "./runner.js";

/** The lesson line of line `cellLine` (1-based) of the code a run executed (the cell's code), or null past its end. */
export function lessonLineOf(cell: CodeCell, cellLine: number): number | null {
  const codeLineIndex = cellLine - 1;
  const codeLineCount = cell.code.split("\n").length;
  return codeLineIndex >= 0 && codeLineIndex < codeLineCount ? cell.codeLine + codeLineIndex : null;
}

/** tslab prints diagnostics as `LINE:COL - message`; rewrite them as `lessons/x.md:LINE:COL - message`. */
export function translateDiagnostics(lesson: Lesson, cell: CodeCell, text: string): string {
  return text.replace(/^(\d+):(\d+) - /gm, (whole, line: string, column: string) => {
    const lessonLine = lessonLineOf(cell, Number(line));
    return lessonLine === null ? whole : `${lesson.file}:${lessonLine}:${column} - `;
  });
}

function numberedCode(cell: CodeCell): string {
  const lines = cell.code.split("\n");
  const width = String(cell.codeLine + lines.length - 1).length;
  return lines.map((line, index) => `  ${String(cell.codeLine + index).padStart(width)} | ${line}`).join("\n");
}

/** What the cell printed, as plain text: streams, results, the error's traceback, MIME types of rich displays. */
export function outputText(result: CellResult): string {
  return result.outputs
    .map((output) => {
      if (output.output_type === "stream") return output.text.join("");
      if (output.output_type === "error") return output.traceback.join("\n") + "\n";
      if (output.output_type === "execute_result") return `${String(output.data["text/plain"])}\n`;
      return `[display ${Object.keys(output.data).join(", ")}]\n`;
    })
    .join("");
}

/** The message a test or `npm start` shows for a cell that did not complete. */
export function formatCellFailure(lesson: Lesson, cell: CodeCell, result: CellResult): string {
  const parts = [`${lesson.file}:${cell.line}: cell ${result.status}`, numberedCode(cell)];
  const printed = translateDiagnostics(lesson, cell, outputText(result)).trimEnd();
  if (printed) parts.push(printed.split("\n").map((line) => `  ${line}`).join("\n"));
  if (result.note) parts.push(`  ${result.note}`);
  return parts.join("\n");
}
