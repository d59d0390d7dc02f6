// Cell options: leading `//| key: value` lines of a ```ts fence in a lesson.
// They steer how the cell is run and shown; they are stripped from the notebook's code and kept in its metadata.

/** What a cell must throw: the error's `name` (its class name) and a regex its message must match. */
export interface ExpectedError {
  errorName: string;
  pattern: RegExp;
}

export interface CellOptions {
  /** `//| raises: ShapeError /regex/flags` */
  raises?: ExpectedError;
  /** `//| timeout: 120` (seconds) */
  timeoutSeconds?: number;
  /** `//| skip`: kept in the notebook, never executed by convlab's runner. */
  skip: boolean;
  /** `//| ci: {"epochs": 1}`: replacements for single-line declarations in quick runs (tests). */
  ci?: Record<string, unknown>;
  /** `//| hide-input`: the code is collapsed in Jupyter and on the site (worked solutions). */
  hideInput: boolean;
  /**
   * `//| checks`: a cell holding only assertions (notebooks and the site collapse it). Parsed here minimally so the
   * lint rule "no test plumbing in learner cells" can tell checks cells apart; the lessonsB branch implements how
   * notebooks and the site show them.
   */
  checks?: boolean;
}

export const OPTION_PREFIX = "//|";

/** A problem found in one line of a lesson; `line` is 1-based within the lesson file. */
export interface LessonProblem {
  line: number;
  message: string;
}

const OPTION_NAMES = ["raises", "timeout", "skip", "ci", "hide-input", "checks"] as const;

/** Parses `ShapeError /expected input\[1, 3/` or `ShapeError /.../i`. */
function parseRaises(value: string): ExpectedError | string {
  const match = /^([A-Za-z_$][\w$]*)\s+\/(.+)\/([dgimsuy]*)$/.exec(value);
  if (!match) return `raises: expected "ErrorClass /regex/", got "${value}"`;
  try {
    return { errorName: match[1], pattern: new RegExp(match[2], match[3]) };
  } catch (error) {
    return `raises: invalid regex /${match[2]}/: ${(error as Error).message}`;
  }
}

function parseCi(value: string): Record<string, unknown> | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (error) {
    return `ci: expected a JSON object like {"epochs": 1}, got "${value}" (${(error as Error).message})`;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0) {
    return `ci: expected a non-empty JSON object like {"epochs": 1}, got "${value}"`;
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads the option lines at the top of a code cell. `firstLine` is the lesson line of `codeLines[0]`.
 * Returns the options, how many leading lines they occupy, and the problems found.
 */
export function parseCellOptions(
  codeLines: string[],
  firstLine: number,
): { options: CellOptions; optionLineCount: number; problems: LessonProblem[] } {
  const options: CellOptions = { skip: false, hideInput: false };
  const problems: LessonProblem[] = [];
  const seen = new Set<string>();
  let optionLineCount = 0;
  while (optionLineCount < codeLines.length && codeLines[optionLineCount].trimStart().startsWith(OPTION_PREFIX)) {
    const line = firstLine + optionLineCount;
    const text = codeLines[optionLineCount].trimStart().slice(OPTION_PREFIX.length).trim();
    optionLineCount++;
    const match = /^([a-z-]+)\s*(?::\s*(.*))?$/.exec(text);
    const name = match?.[1] ?? text;
    const value = match?.[2]?.trim();
    if (!match || !(OPTION_NAMES as readonly string[]).includes(name)) {
      problems.push({ line, message: `unknown cell option "${name}" (known: ${OPTION_NAMES.join(", ")})` });
      continue;
    }
    if (seen.has(name)) {
      problems.push({ line, message: `cell option "${name}" given twice` });
      continue;
    }
    seen.add(name);
    const takesValue = name === "raises" || name === "timeout" || name === "ci";
    if (takesValue && !value) {
      problems.push({ line, message: `cell option "${name}" needs a value` });
      continue;
    }
    if (!takesValue && value !== undefined) {
      problems.push({ line, message: `cell option "${name}" takes no value, got "${value}"` });
      continue;
    }
    if (name === "raises") {
      const raises = parseRaises(value!);
      if (typeof raises === "string") problems.push({ line, message: raises });
      else options.raises = raises;
    } else if (name === "timeout") {
      const seconds = Number(value);
      if (!Number.isFinite(seconds) || seconds <= 0) {
        problems.push({ line, message: `timeout: expected a positive number of seconds, got "${value}"` });
      } else options.timeoutSeconds = seconds;
    } else if (name === "ci") {
      const ci = parseCi(value!);
      if (typeof ci === "string") problems.push({ line, message: ci });
      else options.ci = ci;
    } else if (name === "skip") options.skip = true;
    else if (name === "checks") options.checks = true;
    else options.hideInput = true;
  }
  codeLines.slice(optionLineCount).forEach((text, index) => {
    if (text.trimStart().startsWith(OPTION_PREFIX)) {
      problems.push({
        line: firstLine + optionLineCount + index,
        message: `cell option line after code: options must be the first lines of the cell`,
      });
    }
  });
  return { options, optionLineCount, problems };
}
