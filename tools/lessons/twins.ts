// The twin rule of the Chinese edition (issue 14, /ZH-SPEC): `lessons/zh/NN-slug.md` has the code of
// `lessons/NN-slug.md`, cell by cell, so a fix to an English cell that is not made in the Chinese one fails CI.
// Prose is free. Paired ts cells (the zh lesson's cells minus its `//| zh-only` ones, in order) must have the same
// `//|` option lines and the same TypeScript tokens, except that comments may differ and a string literal (or the
// text of a template literal) may differ when the Chinese one contains CJK characters (it was translated).
// Tokens come from TypeScript's own scanner (through its parser, which knows where a `/` starts a regex and a
// `}` continues a template): tslab's TypeScript, the compiler the lessons run with and the linter parses with.

import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { lessonFiles } from "./files.js";
import { type CodeCell, type Lesson, LessonLintError, parseLesson } from "./parse.js";

type TS = typeof import("typescript");
const ts = createRequire(import.meta.url)("@tslab/typescript-for-tslab") as TS;

/** A lesson and its text (the option lines are read from the text, as written). */
export interface LessonSource {
  lesson: Lesson;
  text: string;
}

/** Han ideographs, CJK punctuation, kana, Hangul and full-width forms: what a translated string contains. */
const CJK = /[\u2e80-\u2fdf\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]|[\u{20000}-\u{3134f}]/u;

export function containsCjk(text: string): boolean {
  return CJK.test(text);
}

interface Token {
  kind: number;
  text: string;
  /** 0-based line within the cell's code. */
  line: number;
}

const STRING_KINDS = new Set<number>([
  ts.SyntaxKind.StringLiteral,
  ts.SyntaxKind.NoSubstitutionTemplateLiteral,
  ts.SyntaxKind.TemplateHead,
  ts.SyntaxKind.TemplateMiddle,
  ts.SyntaxKind.TemplateTail,
]);

/** The cell's tokens in source order, without trivia (whitespace, line breaks, comments, JSDoc). */
export function cellTokens(code: string): Token[] {
  const source = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const tokens: Token[] = [];
  const visit = (node: import("typescript").Node): void => {
    if (node.kind >= ts.SyntaxKind.FirstJSDocNode && node.kind <= ts.SyntaxKind.LastJSDocNode) return;
    const children = node.getChildren(source);
    if (children.length === 0) {
      // The end of the file, and empty syntax lists (`f()`'s arguments), are not tokens.
      if (node.kind === ts.SyntaxKind.EndOfFileToken || node.getWidth(source) === 0) return;
      const start = node.getStart(source);
      tokens.push({ kind: node.kind, text: node.getText(source), line: source.getLineAndCharacterOfPosition(start).line });
      return;
    }
    for (const child of children) visit(child);
  };
  visit(source);
  return tokens;
}

interface PairedCell {
  /** 1-based number among the lesson's ts cells (zh-only ones included). */
  number: number;
  cell: CodeCell;
  optionLines: string[];
}

function firstLineOf(cell: CodeCell): string {
  const line = cell.code.split("\n").find((text) => text.trim() !== "") ?? "";
  const trimmed = line.trim();
  return trimmed.length > 60 ? `${trimmed.slice(0, 57)}...` : trimmed;
}

/** The lesson's ts cells that pair with the other edition's (a zh lesson's `zh-only` cells are left out). */
function pairedCells({ lesson, text }: LessonSource): PairedCell[] {
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  const cells: PairedCell[] = [];
  let number = 0;
  for (const cell of lesson.cells) {
    if (cell.kind !== "code") continue;
    number++;
    if (cell.options.zhOnly) continue;
    // cell.line is the fence (1-based); option lines run from the next line up to the code.
    const optionLines = lines.slice(cell.line, cell.codeLine - 1).map((line) => line.trim());
    cells.push({ number, cell, optionLines });
  }
  return cells;
}

function shown(text: string): string {
  const oneLine = text.replace(/\s*\n\s*/g, " ");
  return `\`${oneLine.length > 70 ? `${oneLine.slice(0, 67)}...` : oneLine}\``;
}

/** The first difference between two paired cells' code, or null when they are twins. */
function codeDifference(english: PairedCell, chinese: PairedCell, enFile: string): { zhLine: number; message: string } | null {
  const a = cellTokens(english.cell.code);
  const b = cellTokens(chinese.cell.code);
  for (let index = 0; index < Math.max(a.length, b.length); index++) {
    const en = a[index];
    const zh = b[index];
    const zhLine = zh ? chinese.cell.codeLine + zh.line : chinese.cell.codeLine + (b.length > 0 ? b[b.length - 1].line : 0);
    const enAt = en ? `${enFile}:${english.cell.codeLine + en.line}` : enFile;
    if (!zh) return { zhLine, message: `the code ends where the English code goes on with ${shown(en!.text)} (${enAt})` };
    if (!en) return { zhLine, message: `${shown(zh.text)} is not in the English code, which ends before it` };
    if (en.text === zh.text) continue;
    if (STRING_KINDS.has(en.kind) && en.kind === zh.kind) {
      if (containsCjk(zh.text)) continue; // translated for the learner
      const part = en.kind === ts.SyntaxKind.StringLiteral ? "a string" : "the text of a template literal";
      return {
        zhLine,
        message: `${part} differs: English has ${shown(en.text)} (${enAt}), this has ${shown(zh.text)}; a string may differ only when it is translated (contains Chinese), so paths, option values and keys stay as in English`,
      };
    }
    return { zhLine, message: `the code differs: English has ${shown(en.text)} (${enAt}), this has ${shown(zh.text)}` };
  }
  return null;
}

/**
 * Every way `chinese` (lessons/zh/NN-slug.md) departs from the twin rule against `english`, as
 * `lessons/zh/NN-slug.md:LINE: cell N (`first line`): what differs`.
 */
export function twinProblems(english: LessonSource, chinese: LessonSource): string[] {
  const enCells = pairedCells(english);
  const zhCells = pairedCells(chinese);
  const enFile = english.lesson.file;
  const zhFile = chinese.lesson.file;
  const problems: string[] = [];
  const at = (line: number, cell: PairedCell, message: string) =>
    problems.push(`${zhFile}:${line}: cell ${cell.number} (${shown(firstLineOf(cell.cell))}): ${message}`);
  for (let index = 0; index < Math.min(enCells.length, zhCells.length); index++) {
    const en = enCells[index];
    const zh = zhCells[index];
    const twin = `its twin is English cell ${en.number} at ${enFile}:${en.cell.line}`;
    if (en.optionLines.join("\n") !== zh.optionLines.join("\n")) {
      const describe = (lines: string[]) => (lines.length === 0 ? "no option lines" : lines.map((line) => `\`${line}\``).join(", "));
      at(zh.cell.line, zh, `the cell options differ (${twin}): English has ${describe(en.optionLines)}, this has ${describe(zh.optionLines)}`);
      continue;
    }
    const difference = codeDifference(en, zh, enFile);
    if (difference) at(difference.zhLine, zh, `${difference.message}; ${twin}`);
  }
  for (const zh of zhCells.slice(enCells.length)) {
    at(zh.cell.line, zh, `has no English twin (${enFile} has ${enCells.length} ts cell(s)); a cell of the Chinese edition only needs \`//| zh-only\` as its first line`);
  }
  for (const en of enCells.slice(zhCells.length)) {
    const last = chinese.lesson.cells.length > 0 ? chinese.lesson.cells[chinese.lesson.cells.length - 1].line : 1;
    problems.push(
      `${zhFile}:${last}: English cell ${en.number} at ${enFile}:${en.cell.line} (${shown(firstLineOf(en.cell))}) has no twin here (this lesson has ${zhCells.length} paired ts cell(s))`,
    );
  }
  return problems;
}

/** English lessons (`lessons/NN-slug.md`) without a Chinese twin `lessons/zh/NN-slug.md`. */
export function missingTwins(root: string): string[] {
  const chinese = new Set(lessonFiles(root, "zh").map((file) => file.split("/").pop()));
  return lessonFiles(root, "en").filter((file) => !chinese.has(file.split("/").pop()));
}

function readSource(root: string, file: string): LessonSource | null {
  try {
    const text = readFileSync(join(root, file), "utf8");
    return { lesson: parseLesson(file, text), text };
  } catch (error) {
    // A lesson that does not parse or read is reported by the linter (lintLessons), with its lines.
    if (error instanceof LessonLintError || (error as NodeJS.ErrnoException).code !== undefined) return null;
    throw error;
  }
}

/** Twin problems of every Chinese lesson that has an English twin (both must parse; lint reports the rest). */
export function twinReport(root: string, only?: (file: string) => boolean): string[] {
  const problems: string[] = [];
  for (const zhFile of lessonFiles(root, "zh")) {
    if (only && !only(zhFile)) continue;
    const enFile = `lessons/${zhFile.split("/").pop()}`;
    if (!existsSync(join(root, enFile))) continue; // lint: "no English twin"
    const english = readSource(root, enFile);
    const chinese = readSource(root, zhFile);
    if (english && chinese) problems.push(...twinProblems(english, chinese));
  }
  return problems;
}
