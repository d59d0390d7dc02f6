// Messages between the runner (parent) and a lesson worker (child process), over Node's IPC channel.

import type { NotebookOutput } from "./notebook.js";
import type { RaisesMetadata } from "./raises.js";

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
  /** `problem`: why a cell that ran is still a failure (a raises cell that did not throw its error). */
  | { type: "done"; index: number; ok: boolean; executionCount: number; milliseconds: number; problem?: string }
  | { type: "finished" };
