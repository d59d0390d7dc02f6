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
  /**
   * `//| hide-input`: a worked solution: code and output collapsed in Jupyter (and the code on the site), after
   * an empty "your answer" cell the notebook adds.
   */
  hideInput: boolean;
  /**
   * `//| checks`: a cell of assertions and reduced-setting bookkeeping only (what makes the lesson a test, not
   * what the learner reads); its code and outputs are collapsed in Jupyter and on the site.
   */
  checks: boolean;
  /**
   * `//| zh-only`: a cell of the Chinese edition only (`lessons/zh/`, e.g. the check under a 常见误区 box): it
   * runs like any cell, and the twin test skips it when pairing the zh lesson's cells with the English ones.
   * A lint error in an English lesson.
   */
  zhOnly: boolean;
  /**
   * `//| points: 2`: an autograded test of the exercise whose worked solution (`hide-input`) comes before it; a
   * checks cell worth that many points in the course editions (nbgrader's "autograder tests" cell).
   */
  points?: number;
  /** `//| hidden`: a test (`points`) left out of the student edition; nbgrader puts it back when it autogrades. */
  hidden?: boolean;
}

export const OPTION_PREFIX = "//|";

/** A problem found in one line of a lesson; `line` is 1-based within the lesson file. */
export interface LessonProblem {
  line: number;
  message: string;
}

const OPTION_NAMES = ["raises", "timeout", "skip", "ci", "hide-input", "checks", "points", "hidden", "zh-only"] as const;

const RAISES_FLAGS = ["i", "m", "s", "u"];

/** Parses `ShapeError /expected input\[1, 3/` or `ShapeError /.../i`. */
function parseRaises(value: string): ExpectedError | string {
  const match = /^([A-Za-z_$][\w$]*)\s+\/(.+)\/([a-z]*)$/.exec(value);
  if (!match) return `raises: expected "ErrorClass /regex/", got "${value}"`;
  // The notebook runner checks the message with Python's `re`, which has these flags; `g`, `y` and `d` change
  // nothing a single test of a message needs.
  const badFlag = [...match[3]].find((flag) => !RAISES_FLAGS.includes(flag));
  if (badFlag) return `raises: flag "${badFlag}" is not allowed (allowed: ${RAISES_FLAGS.join(", ")})`;
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
  const options: CellOptions = { skip: false, hideInput: false, checks: false, zhOnly: false };
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
    const takesValue = name === "raises" || name === "timeout" || name === "ci" || name === "points";
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
    } else if (name === "points") {
      const points = Number(value);
      if (!Number.isFinite(points) || points <= 0) {
        problems.push({ line, message: `points: expected a positive number of points, got "${value}"` });
      } else {
        // A test cell is a checks cell: assertions only, collapsed for the reader of the lesson.
        options.points = points;
        options.checks = true;
      }
    } else if (name === "hidden") options.hidden = true;
    else if (name === "skip") options.skip = true;
    else if (name === "hide-input") options.hideInput = true;
    else if (name === "zh-only") options.zhOnly = true;
    else options.checks = true;
  }
  codeLines.slice(optionLineCount).forEach((text, index) => {
    if (text.trimStart().startsWith(OPTION_PREFIX)) {
      problems.push({
        line: firstLine + optionLineCount + index,
        message: `cell option line after code: options must be the first lines of the cell`,
      });
    }
  });
  problems.push(...checksCellProblems(options, codeLines.slice(optionLineCount), firstLine));
  return { options, optionLineCount, problems };
}

/**
 * A checks cell is collapsed with its outputs, so it must be one the learner loses nothing by not reading: it
 * asserts (calls `check(`), and it is neither a worked solution (`hide-input`) nor an error shown on purpose
 * (`raises`), both of which the learner is meant to open and read.
 */
function checksCellProblems(options: CellOptions, code: string[], firstLine: number): LessonProblem[] {
  const problems: LessonProblem[] = [];
  const add = (message: string) => problems.push({ line: firstLine, message });
  if (options.hidden && options.points === undefined) add(`cell option "hidden" needs "points": only an exercise's test can be hidden`);
  if (options.points !== undefined && options.skip) add(`cell options "points" and "skip" do not go together: a test that never runs grades nothing`);
  if (!options.checks) return problems;
  if (options.hideInput) {
    add(`cell options "checks" and "hide-input" do not go together: a worked solution is for the learner to open and read`);
  }
  if (options.raises) add(`cell options "checks" and "raises" do not go together: the error a raises cell shows is for the learner`);
  if (!code.some((line) => /\bcheck\(/.test(line))) {
    add(`a "checks" cell must assert something with check(...); move other code to a cell the learner sees`);
  }
  return problems;
}
