// Where in the learner's cell an error happened. tslab runs a cell as JavaScript compiled from it (types stripped,
// imports rewritten, wrapped in a function) under the script name `evalmachine.<anonymous>`, so a thrown error's
// frames name positions in that compiled text, which the learner never sees. tslab emits no source map, but the
// compiled statements keep the cell's expressions token for token, apart from import aliases (`convlab_1.nn`,
// `(0, convlab_1.corr2d)(…)`) and `exports.` prefixes. So the text at a frame's position, with those removed,
// is searched for in the cell's lines; a frame is named by its cell line only when exactly one line holds the
// longest match (at least MIN_MATCH characters), and otherwise left as it was.

/** What the runner knows of the cell that ran: its source and the JavaScript tslab compiled it to. */
export interface CompiledCell {
  source: string;
  /** tslab's converter output for the cell. */
  output: string;
  /** tslab wraps the output in an async function when the cell has top-level await. */
  hasToplevelAwait: boolean;
}

/** tslab's executor runs `prefix + output + "\n})(__tslab__.exports, __tslab__.require)"` (executor.js). */
const WRAPPER_PREFIX = { sync: "(function(exports, require) { ", async: "(async function(exports, require) { " };

/** Shorter matches could name the wrong line (`new`, `x)`). */
const MIN_MATCH = 6;

const FRAME_LOCATION = /evalmachine\.<anonymous>:(\d+):(\d+)/;

function withoutCompilerNoise(text: string): string {
  return text
    .replace(/\bexports\./g, "")
    .replace(/\b[A-Za-z_$][\w$]*_\d+\./g, "") // import aliases: convlab_1.nn → nn
    .replace(/\(0,\s*([\w$.]+)\)/g, "$1") // (0, corr2d)(…) → corr2d(…)
    .replace(/\s+/g, "");
}

/** The 1-based cell line that compiled line `line`, column `column` (1-based, as in stack frames) came from. */
export function cellLineOf(cell: CompiledCell, line: number, column: number): number | null {
  const compiledLines = cell.output.split("\n");
  if (line < 1 || line > compiledLines.length) return null;
  const prefix = line === 1 ? (cell.hasToplevelAwait ? WRAPPER_PREFIX.async : WRAPPER_PREFIX.sync).length : 0;
  const at = column - 1 - prefix;
  if (at < 0) return null;
  const snippet = withoutCompilerNoise(compiledLines[line - 1].slice(at));
  const sourceLines = cell.source.split("\n").map((text) => text.replace(/\s+/g, ""));
  for (let length = snippet.length; length >= MIN_MATCH; length--) {
    const probe = snippet.slice(0, length);
    const hits = sourceLines.flatMap((text, index) => (text.includes(probe) ? [index] : []));
    if (hits.length === 1) return hits[0] + 1;
    if (hits.length > 1) return null; // the same code on two lines: naming one could mislead
  }
  return null;
}

/**
 * The traceback's frames with positions in the compiled cell named by cell line (`at new Conv2d (…)`,
 * `at cell line 3`), the wrapper's own frame dropped, and the innermost cell line shown as IPython shows it
 * (`----> 3 the line`). Frames of functions from earlier cells are left as they are.
 */
export function framesInCell(frames: string[], cell: CompiledCell | null): string[] {
  if (!cell) return frames;
  const wrapperLine = cell.output.split("\n").length + 1;
  const rewritten: string[] = [];
  let innermost: number | null = null;
  for (const frame of frames) {
    const location = FRAME_LOCATION.exec(frame);
    if (!location) {
      rewritten.push(frame);
      continue;
    }
    const [line, column] = [Number(location[1]), Number(location[2])];
    if (line === wrapperLine) continue; // the `})(__tslab__.exports, …)` call that runs the cell
    const cellLine = cellLineOf(cell, line, column);
    if (cellLine === null) {
      rewritten.push(frame);
      continue;
    }
    innermost ??= cellLine;
    rewritten.push(frame.replace(FRAME_LOCATION, `cell line ${cellLine}`));
  }
  if (innermost !== null) {
    const text = cell.source.split("\n")[innermost - 1];
    rewritten.push(`----> ${innermost} ${text.trim()}`);
  }
  return rewritten;
}
