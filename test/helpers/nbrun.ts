// Driving `npm run notebooks:exec` (dist/tools/nbrun/main.js) from tests: throwaway notebooks written in the
// convlab kernel's format, the runner started on them with a kernel installed for the test, and its report read
// with the types nbrun itself writes.
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunReport } from "../../tools/nbrun/report.js";
import { REPO_ROOT } from "./root.js";

export type { CellReport, NotebookReport, RunReport } from "../../tools/nbrun/report.js";

export const NBRUN = join(REPO_ROOT, "dist/tools/nbrun/main.js");

/** One code cell: its source and, when given, its metadata (`{ convlab: { timeout: 2 } }`, `{ convlab: { source } }`). */
export interface CellSpec {
  source: string;
  metadata?: Record<string, unknown>;
}

/**
 * Writes `dir/name` as a notebook of the given code cells for the "convlab" kernel and returns its path. With
 * `stale`, every cell is saved with an execution count and an output from an earlier run, which must not count
 * as this run's.
 */
export function writeNotebook(dir: string, name: string, cells: (CellSpec | string)[], options: { stale?: boolean } = {}): string {
  const notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: "convlab", display_name: "TypeScript (convlab)", language: "typescript" } },
    cells: cells.map((given, index) => {
      const cell = typeof given === "string" ? { source: given } : given;
      return {
        id: `cell-${index}`,
        cell_type: "code",
        source: cell.source,
        metadata: cell.metadata ?? {},
        execution_count: options.stale ? 99 : null,
        outputs: options.stale ? [{ output_type: "stream", name: "stdout", text: "stale\n" }] : [],
      };
    }),
  };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(notebook));
  return path;
}

export interface NbrunRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

/** Runs nbrun with `args` against the kernels under `jupyterPath`; never longer than `timeoutMs`. */
export function runNbrun(args: string[], jupyterPath: string, timeoutMs = 240_000): NbrunRun {
  const started = Date.now();
  const run = spawnSync(process.execPath, [NBRUN, ...args], {
    env: { ...process.env, JUPYTER_PATH: jupyterPath },
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: run.status, signal: run.signal, stdout: run.stdout, stderr: run.stderr, seconds: (Date.now() - started) / 1000 };
}

/** The report.json nbrun wrote into its --out folder. */
export function readReport(outDir: string): RunReport {
  return JSON.parse(readFileSync(join(outDir, "report.json"), "utf8")) as RunReport;
}
