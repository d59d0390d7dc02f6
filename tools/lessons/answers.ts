// Model answers: a ```answer fence in a lesson's prose holds the model answer (Markdown) to a question the learner
// answers in words ("why ...?"). notebooks/ show it as its own collapsed markdown cell, the site folds it like a
// worked solution (site/markdown.ts), and the course editions make it a hand-graded nbgrader answer cell
// (tools/course/editions.ts). An optional number after the language gives its points: ```answer 2.

import MarkdownIt from "markdown-it";
import { ANSWER_FENCE, LessonLintError, type MarkdownCell } from "./parse.js";

/** One prose piece of a markdown cell: plain prose, or a model answer (an ```answer fence) worth `points`. */
export type ProsePiece = { kind: "prose"; source: string; line: number } | { kind: "answer"; source: string; line: number; points: number };

const markdown = new MarkdownIt();

/** Splits a markdown cell at its ```answer fences. */
export function prosePieces(cell: MarkdownCell, file = "lesson"): ProsePiece[] {
  const lines = cell.source.split("\n");
  const pieces: ProsePiece[] = [];
  let from = 0;
  const pushProse = (to: number) => {
    const slice = lines.slice(from, to);
    while (slice.length > 0 && slice[0].trim() === "") {
      slice.shift();
      from++;
    }
    while (slice.length > 0 && slice[slice.length - 1].trim() === "") slice.pop();
    if (slice.length > 0) pieces.push({ kind: "prose", source: slice.join("\n"), line: cell.line + from });
  };
  for (const token of markdown.parse(cell.source, {})) {
    if (token.type !== "fence" || !token.map || token.level > 0) continue;
    const [language, pointsText] = token.info.trim().split(/\s+/);
    if (language?.toLowerCase() !== ANSWER_FENCE) continue;
    const [start, end] = token.map;
    pushProse(start);
    const points = pointsText === undefined ? 1 : Number(pointsText);
    if (!Number.isFinite(points) || points <= 0) {
      throw new LessonLintError(file, [{ line: cell.line + start, message: `answer fence: points must be a positive number, got "${pointsText}"` }]);
    }
    pieces.push({ kind: "answer", source: token.content.replace(/\n$/, ""), line: cell.line + start, points });
    from = end;
  }
  pushProse(lines.length);
  return pieces;
}

