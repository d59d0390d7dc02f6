// The report `npm run notebooks:exec` writes (report.json in its --out folder) and prints: one record per
// notebook, one per cell. Written by execute_notebooks.py, read by main.ts and by the tests that drive nbrun.

/** One executed (or not executed) cell of a notebook. */
export interface CellReport {
  /** Index among all the notebook's cells, or null for a failure not tied to one cell (a kernel that never started). */
  index: number | null;
  /** 1-based number among the code cells, as the learner counts them, or null as above. */
  number: number | null;
  cellCount: number;
  source: string | null;
  /** "ok", "error", "timeout", "crashed", "not-run", … as execute_notebooks.py judged it. */
  status: string;
  message?: string;
  /** A `raises` cell that threw what it should: "Name: message" of the error it threw. */
  raised?: string;
  seconds?: number | null;
}

export interface NotebookReport {
  notebook: string;
  passed: boolean;
  seconds: number;
  cells: CellReport[];
  failures: CellReport[];
  /** The executed copy written to --out. */
  artifact?: string;
}

/** report.json: the run's id (so a stale report is never read as this run's) and every notebook's record. */
export interface RunReport {
  runId?: string;
  notebooks: NotebookReport[];
}
