// `//| raises:` cells: the learner's code runs as it is (the notebook holds only that code), and the runner
// checks what it threw. The expectation travels in the notebook as `metadata.convlab.raises` = {name, pattern,
// flags}, next to the `raises-exception` tag with which nbclient and JupyterLab go on past the cell; the
// in-process runner (worker.ts) checks it here, the notebook runner (tools/nbrun/execute_notebooks.py,
// `raises_problem`) checks the same fields in Python.

import type { CellError } from "../jupyter-kernel/cell-runner.js";
import type { ExpectedError } from "./options.js";

/** The expectation as stored in a notebook cell's `metadata.convlab.raises` and sent to the worker. */
export interface RaisesMetadata {
  /** The error's `name`, compared exactly (`ShapeError`). */
  name: string;
  /** The regex's source, searched for in the error's message. */
  pattern: string;
  /** The regex's flags, a subset of `ims` (`u` too, which Python's `re` applies to text by default). */
  flags: string;
}

/** The Jupyter tag for cells meant to fail: nbclient records the error and runs on, so does JupyterLab's Run All. */
export const RAISES_TAG = "raises-exception";

export function raisesMetadata(expected: ExpectedError): RaisesMetadata {
  return { name: expected.errorName, pattern: expected.pattern.source, flags: expected.pattern.flags };
}

/** `ShapeError with a message matching /…/`, as failures word it. */
export function describeExpectation(raises: RaisesMetadata): string {
  return `${raises.name} with a message matching /${raises.pattern}/${raises.flags}`;
}

/**
 * Why a raises cell's outcome is wrong, or null when it threw the expected error. `error` is what the cell
 * threw (the kernel's {ename, evalue}), null when it ran to the end.
 */
export function raisesProblem(raises: RaisesMetadata, error: Pick<CellError, "ename" | "evalue"> | null): string | null {
  const expectation = describeExpectation(raises);
  if (error === null) return `expected ${expectation}, but the cell ran without an error`;
  if (error.ename !== raises.name) return `expected ${expectation}, but the cell failed with ${error.ename}: ${error.evalue}`;
  if (!new RegExp(raises.pattern, raises.flags).test(error.evalue)) {
    return `expected ${expectation}, but the message does not match: ${error.ename}: ${error.evalue}`;
  }
  return null;
}
