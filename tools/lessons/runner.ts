// Runs lessons headlessly: one child process per lesson (tools/lessons/worker.ts, built), a pool of them in
// parallel, a watchdog per cell. Results arrive cell by cell, so a test can report each cell as it finishes.

import { type ChildProcess, fork } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { availableParallelism } from "node:os";
import { lessonWorkingFolder, packageRoot, workerPath } from "./files.js";
import type { NotebookOutput } from "./notebook.js";
import { OutputCollector } from "./outputs.js";
import type { CodeCell, Lesson } from "./parse.js";
import type { RunRequest, WorkerMessage } from "./protocol.js";
import { raisesMetadata } from "./raises.js";
import { runnableSource } from "./transform.js";

export const DEFAULT_CELL_TIMEOUT_SECONDS = 60;
/** Loading tslab's compiler takes a few seconds; a worker not ready after this is reported as broken. */
const WORKER_START_TIMEOUT_SECONDS = 120;
/** After its last cell a worker only closes its compiler and says "finished"; longer than this, it is stopped. */
const WORKER_FINISH_TIMEOUT_SECONDS = 30;

export type CellStatus =
  | "ok"
  | "error" // the cell threw or did not compile; outputs hold tslab's message
  | "timeout" // the watchdog killed the worker
  | "crashed" // the worker exited during the cell (process.exit, out of memory, ...)
  | "skipped" // `//| skip`
  | "not-run"; // an earlier cell failed

export interface CellResult {
  /** Index in `lesson.cells`. */
  index: number;
  status: CellStatus;
  outputs: NotebookOutput[];
  /** The kernel's execution count for cells that ran (they are numbered 1, 2, ... per lesson). */
  executionCount: number | null;
  milliseconds: number;
  /** Why the cell did not complete, beyond its outputs (timeouts, crashes, earlier failures). */
  note?: string;
}

export interface RunOptions {
  root: string;
  /** Apply the cells' `ci` overrides (tests do). */
  quick: boolean;
  /** Default per-cell limit for cells without `//| timeout`. */
  cellTimeoutSeconds?: number;
  /**
   * The kernels' thread count in each worker (CONVLAB_NUM_THREADS; see kernelThreadsPerWorker). Unset, or set in
   * the environment already: the worker inherits what is there.
   */
  threads?: 1 | 2;
}

/**
 * Threads for each lesson worker's kernels when `workers` lessons run at once on `cores` cores: 2 only when each can
 * have two cores. Two workers training at 2 threads each on 2 cores took 1.34–1.42× longer than at 1 thread each
 * (two 1-epoch full-data trainings side by side, 2026-12-03); results are the same bits either way.
 */
export function kernelThreadsPerWorker(cores: number, workers: number): 1 | 2 {
  return cores >= 2 * Math.max(1, workers) ? 2 : 1;
}

export interface LessonRun {
  lesson: Lesson;
  /** Resolves when the given code cell (index in lesson.cells) has a result. */
  cell(index: number): Promise<CellResult>;
  /** Resolves with the results of every code cell, in lesson order. */
  done: Promise<CellResult[]>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => (resolve = settle));
  return { promise, resolve };
}

/** The worker's environment: ours, with CONVLAB_NUM_THREADS set to `threads` unless the user set it. */
function workerEnvironment(threads: 1 | 2 | undefined): NodeJS.ProcessEnv {
  if (threads === undefined || (process.env.CONVLAB_NUM_THREADS ?? "") !== "") return process.env;
  return { ...process.env, CONVLAB_NUM_THREADS: String(threads) };
}

/** Limits how many workers run at once; each holds a TypeScript compiler (~150 MB) and one core. */
export class WorkerPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(readonly size = availableParallelism()) {}

  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.size) await new Promise<void>((start) => this.waiting.push(start));
    this.running++;
    try {
      return await task();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

/** Starts running `lesson` when the pool has room; results resolve cell by cell. */
export function runLesson(lesson: Lesson, options: RunOptions, pool: WorkerPool): LessonRun {
  const codeCells = lesson.cells
    .map((cell, index) => ({ cell, index }))
    .filter((entry): entry is { cell: CodeCell; index: number } => entry.cell.kind === "code");
  const results = new Map(codeCells.map(({ index }) => [index, deferred<CellResult>()]));
  const settled = new Set<number>();
  const settle = (result: CellResult) => {
    if (settled.has(result.index)) return;
    settled.add(result.index);
    results.get(result.index)!.resolve(result);
  };
  for (const { cell, index } of codeCells) {
    if (cell.options.skip) settle({ index, status: "skipped", outputs: [], executionCount: null, milliseconds: 0 });
  }
  const toRun = codeCells.filter(({ cell }) => !cell.options.skip);
  const done = pool
    .use(() => runInWorker(lesson, toRun, options, settle))
    .then(() => Promise.all(codeCells.map(({ index }) => results.get(index)!.promise)));
  return {
    lesson,
    cell(index) {
      const result = results.get(index);
      if (!result) throw new Error(`${lesson.file}: cell ${index} is not a code cell`);
      return result.promise;
    },
    done,
  };
}

function runInWorker(
  lesson: Lesson,
  toRun: { cell: CodeCell; index: number }[],
  options: RunOptions,
  settle: (result: CellResult) => void,
): Promise<void> {
  // The worker is convlab's own file; the lesson's course (options.root) may be another repository.
  const worker = workerPath(packageRoot());
  if (!existsSync(worker)) {
    throw new Error(`${worker} is missing: run \`npm run build\` first (lessons run in the built worker)`);
  }
  const timeoutOf = (cell: CodeCell) => cell.options.timeoutSeconds ?? options.cellTimeoutSeconds ?? DEFAULT_CELL_TIMEOUT_SECONDS;
  const cellByIndex = new Map(toRun.map((entry) => [entry.index, entry.cell]));
  // notebooks/zh/ may not exist yet when a translator runs a new lesson before `npm run notebooks`.
  mkdirSync(lessonWorkingFolder(options.root, lesson), { recursive: true });
  return new Promise<void>((finish) => {
    const child: ChildProcess = fork(worker, [], {
      cwd: lessonWorkingFolder(options.root, lesson),
      // require(esm) of the library prints an ExperimentalWarning on Node 20; it is noise in every cell.
      execArgv: ["--disable-warning=ExperimentalWarning"],
      stdio: ["ignore", "pipe", "pipe", "ipc"],
      env: workerEnvironment(options.threads),
    });
    let workerStderr = "";
    child.stderr!.on("data", (chunk: Buffer) => (workerStderr = (workerStderr + chunk.toString()).slice(-4000)));
    child.stdout!.resume();
    const outputs = new OutputCollector();
    let current: { index: number; started: number } | null = null;
    let failure: { index: number; status: CellStatus } | null = null;
    let watchdog: NodeJS.Timeout | undefined;

    const arm = (seconds: number, onExpiry: () => void) => {
      clearTimeout(watchdog);
      watchdog = setTimeout(onExpiry, seconds * 1000);
    };
    const resultOf = (index: number, status: CellStatus, note?: string): CellResult => ({
      index,
      status,
      outputs: outputs.of(index),
      executionCount: null,
      milliseconds: current?.index === index ? performance.now() - current.started : 0,
      note,
    });
    const stopCurrent = (status: CellStatus, note: string) => {
      if (current) {
        settle(resultOf(current.index, status, note));
        failure ??= { index: current.index, status };
      }
      child.kill("SIGKILL");
    };

    arm(WORKER_START_TIMEOUT_SECONDS, () => {
      workerStderr += `\nworker did not start within ${WORKER_START_TIMEOUT_SECONDS} s`;
      child.kill("SIGKILL");
    });
    let completed = false;
    /** Settles what is left and ends the run; called once, on "finished" or when the worker exits. */
    const complete = (stoppedBecause: string) => {
      if (completed) return;
      completed = true;
      clearTimeout(watchdog);
      const tail = workerStderr.trim();
      if (current) {
        settle(resultOf(current.index, "crashed", `${stoppedBecause} during this cell${tail ? `:\n${tail}` : ""}`));
        failure ??= { index: current.index, status: "crashed" };
      }
      for (const { index } of toRun) {
        const reason = failure
          ? `not run: the cell at ${lesson.file}:${cellByIndex.get(failure.index)!.line} failed (${failure.status})`
          : `not run: ${stoppedBecause} before this cell${tail ? `:\n${tail}` : ""}`;
        settle({ index, status: "not-run", outputs: [], executionCount: null, milliseconds: 0, note: reason });
      }
      finish();
    };
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "ready") {
        clearTimeout(watchdog);
      } else if (message.type === "start") {
        current = { index: message.index, started: performance.now() };
        const seconds = timeoutOf(cellByIndex.get(message.index)!);
        arm(seconds, () => stopCurrent("timeout", `timed out after ${seconds} s (set \`//| timeout: N\` if it needs longer)`));
      } else if (message.type === "output") {
        outputs.add(message.index, message.output, message.displayId, message.update);
      } else if (message.type === "clear") {
        outputs.clear(message.index, message.wait);
      } else if (message.type === "done") {
        clearTimeout(watchdog);
        const result = resultOf(message.index, message.ok ? "ok" : "error", message.problem ?? message.lateError);
        result.milliseconds = message.milliseconds;
        result.executionCount = message.executionCount;
        settle(result);
        if (!message.ok) failure = { index: message.index, status: "error" };
        current = null;
        // After its last cell the worker owes only "finished"; a worker that never sends it must not hang the run.
        const isLast = message.index === toRun[toRun.length - 1].index;
        if (!message.ok || isLast) {
          arm(WORKER_FINISH_TIMEOUT_SECONDS, () => {
            workerStderr += `\nthe worker did not finish within ${WORKER_FINISH_TIMEOUT_SECONDS} s of its last cell`;
            child.kill("SIGKILL");
          });
        }
      } else if (message.type === "finished") {
        // Every result is in. The worker exits by itself next, but a timer or socket a lesson left open may keep
        // it alive (the run used to wait for its exit forever): the run ends here and the worker is stopped.
        complete("the lesson's worker finished");
        child.kill("SIGKILL");
      }
    });
    child.on("exit", (code, signal) => complete(`the lesson's process exited (code ${code}, signal ${signal})`));
    // A worker that cannot be started or signalled reports "error" and may never exit: end the run on it too.
    child.on("error", (error) => {
      child.kill("SIGKILL");
      complete(`the lesson's process failed (${error.message})`);
    });
    const request: RunRequest = {
      type: "run",
      cells: toRun.map(({ cell, index }) => ({
        index,
        source: runnableSource(cell, options.quick),
        ...(cell.options.raises ? { raises: raisesMetadata(cell.options.raises) } : {}),
      })),
    };
    child.send(request);
  });
}
