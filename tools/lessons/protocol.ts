// Messages between the runner (parent) and a lesson worker (child process), over Node's IPC channel.

import type { NotebookOutput } from "./notebook.js";
import type { RaisesMetadata } from "./raises.js";

/**
 * How long a worker waits after the last cell for errors its timers or promises throw; nbrun's settle request
 * (tools/nbrun/execute_notebooks.py, SETTLE_SOURCE) waits as long, so both runners judge the same lesson alike.
 */
export const SETTLE_AFTER_LAST_CELL_MS = 500;

export interface CellToRun {
  /** Index of the cell in `lesson.cells`. */
  index: number;
  source: string;
  /** `//| raises:`: the cell must throw this error; the worker checks it and goes on to the next cell. */
  raises?: RaisesMetadata;
}

/** Parent -> worker: run these cells in order, stop at the first failure. */
export interface RunRequest {
  type: "run";
  cells: CellToRun[];
}

/** Worker -> parent. */
export type WorkerMessage =
  | { type: "ready" }
  | { type: "start"; index: number }
  /** With `update`, replaces the earlier output that has the same display id (a redrawn training plot). */
  | { type: "output"; index: number; output: NotebookOutput; displayId?: string; update?: boolean }
  /** clear_output; with `wait`, the clearing happens when the cell's next output arrives. */
  | { type: "clear"; index: number; wait: boolean }
  /**
   * `problem`: why a cell that ran is still a failure (a raises cell that did not throw its error). `lateError`: the
   * cell itself succeeded, but an error thrown by a timer or an unhandled promise rejection surfaced while it ran or
   * just after it (within the settle time after the last cell): the cell fails.
   */
  | { type: "done"; index: number; ok: boolean; executionCount: number; milliseconds: number; problem?: string; lateError?: string }
  /** Every cell has its "done"; the worker exits next (the runner does not wait for that: timers may keep it alive). */
  | { type: "finished" };
