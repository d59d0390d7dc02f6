// What a code cell runs. The notebook holds the lesson's code exactly (options removed); whatever an option
// needs at run time is done by the runners, never written into the notebook: `raises` is checked by the
// runners (raises.ts), `ci` values are substituted here for quick runs (tests, `npm start -- --quick`) and by
// the notebook runner (tools/nbrun/execute_notebooks.py --quick) for the real kernel.

import type { CodeCell } from "./parse.js";
import { ciDeclarationPattern } from "./parse.js";

/**
 * `code` with each `ci` key's single-line declaration given the override's value, `const epochs = 10;` ->
 * `const epochs = 1;`, keeping the line count so locations still hold.
 */
export function applyCiOverrides(code: string, ci: Record<string, unknown>): string {
  const lines = code.split("\n");
  for (const [name, value] of Object.entries(ci)) {
    const pattern = ciDeclarationPattern(name);
    const index = lines.findIndex((line) => pattern.test(line));
    if (index < 0) throw new Error(`ci override "${name}": no single-line declaration \`const ${name} = …;\` in the cell`);
    lines[index] = lines[index].replace(
      pattern,
      (_line, declaration: string, lessonValue: string) =>
        `${declaration}= ${JSON.stringify(value)}; // quick run; the lesson has: ${lessonValue.trim()}`,
    );
  }
  return lines.join("\n");
}

/** The source a run executes: the cell's code, with its `ci` overrides in a quick run. */
export function runnableSource(cell: CodeCell, quick: boolean): string {
  return quick && cell.options.ci ? applyCiOverrides(cell.code, cell.options.ci) : cell.code;
}
