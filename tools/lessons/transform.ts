// What a code cell becomes: the notebook's source (with the `raises` check written out, so the real Jupyter
// kernel verifies the expected error exactly as the test runner does) and, for quick runs, the `ci` overrides.

import type { CodeCell } from "./parse.js";
import { ciDeclarationPattern } from "./parse.js";

/** Lines the `raises` wrapper puts before the cell's own code (used to map cell lines back to lesson lines). */
export const RAISES_PREFIX_LINES = 3;

function raisesWrapper(code: string, errorName: string, pattern: RegExp): string {
  const expectation = `${errorName} with a message matching ${pattern}`;
  // The cell's code runs unchanged inside `try`; anything else than the expected error is rethrown,
  // and a cell that does not throw at all fails. The caught error is printed as the cell's output.
  return [
    `// This cell must throw ${expectation}; the error is caught and printed below.`,
    `{ let raised: any = undefined, threw = false;`,
    `try {`,
    code,
    `} catch (error) { raised = error; threw = true; }`,
    `if (!threw) throw new Error(${JSON.stringify(`expected ${expectation}, but the cell ran without throwing`)});`,
    `if (raised?.name !== ${JSON.stringify(errorName)} || !${pattern}.test(String(raised?.message))) throw raised;`,
    "console.log(`${raised.name}: ${raised.message}`); }",
  ].join("\n");
}

/** The code cell as it appears in the notebook. */
export function notebookSource(cell: CodeCell): string {
  const raises = cell.options.raises;
  return raises ? raisesWrapper(cell.code, raises.errorName, raises.pattern) : cell.code;
}

/** Lines before the cell's own code in `notebookSource(cell)`. */
export function prefixLineCount(cell: CodeCell): number {
  return cell.options.raises ? RAISES_PREFIX_LINES : 0;
}

/**
 * The source a run executes. In a quick run (tests) each `ci` key replaces the value of its single-line
 * declaration, `const epochs = 10;` -> `const epochs = 1;`, keeping the line count so locations still hold.
 */
export function runnableSource(cell: CodeCell, quick: boolean): string {
  const source = notebookSource(cell);
  if (!quick || !cell.options.ci) return source;
  const lines = source.split("\n");
  for (const [name, value] of Object.entries(cell.options.ci)) {
    const pattern = ciDeclarationPattern(name);
    const index = lines.findIndex((line) => pattern.test(line));
    lines[index] = lines[index].replace(
      pattern,
      (_line, declaration: string, lessonValue: string) =>
        `${declaration}= ${JSON.stringify(value)}; // quick run; the lesson has: ${lessonValue.trim()}`,
    );
  }
  return lines.join("\n");
}
