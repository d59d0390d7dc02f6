// Child process that runs one lesson's cells the way the convlab Jupyter kernel does, without ZeroMQ:
// tslab's converter and executor (its TypeScript 5.0 fork, CommonJS wrapping), the kernel's CellRunner
// (errors as {ename, evalue, traceback}, the last expression as an execute_result) and its display API
// (`Symbol.for("convlab.kernel")`, used by the library's plots). The runner starts it with cwd = notebooks/,
// so cells resolve `convlab` and relative paths exactly as a notebook opened from that folder does.
// One process per lesson lets the runner kill a cell stuck in a synchronous loop.

import { createRequire } from "node:module";
import { format } from "node:util";
import type * as ConverterModule from "tslab/dist/converter.js";
import type * as ExecutorModule from "tslab/dist/executor.js";
import { CellRunner } from "../jupyter-kernel/cell-runner.js";
import { installDisplayApi } from "../jupyter-kernel/display-api.js";
import { mimeBundleOf } from "../jupyter-kernel/server.js";
import type { NotebookOutput } from "./notebook.js";
import { type RunRequest, SETTLE_AFTER_LAST_CELL_MS, type WorkerMessage } from "./protocol.js";
import { raisesProblem } from "./raises.js";

const requireFromHere = createRequire(import.meta.url);
const { createConverter } = requireFromHere("tslab/dist/converter.js") as typeof ConverterModule;
const { createExecutor } = requireFromHere("tslab/dist/executor.js") as typeof ExecutorModule;

// Cell output replaces process.stdout/stderr below; failures of the worker itself go to the real stderr.
const writeToRealStderr = process.stderr.write.bind(process.stderr);

/** Resolves when the message has been handed to the IPC channel (large plot outputs take a while). */
function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, undefined, () => resolve()));
}

/** The cell that owns output now: the one running, or the last one (late timer output lands there, as in Jupyter). */
let currentCell = -1;

function emit(output: NotebookOutput, displayId?: string, update = false): void {
  if (currentCell >= 0) void send({ type: "output", index: currentCell, output, displayId, update });
}

function redirectProcessStreams(): void {
  const decoder = new TextDecoder();
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    stream.write = ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
      const text = typeof chunk === "string" ? chunk : decoder.decode(chunk);
      if (text !== "") emit({ output_type: "stream", name, text: text.split(/(?<=\n)/) });
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  }
}

function createConverters(runner: CellRunner) {
  let browser: ConverterModule.Converter | null = null;
  const node = runner.watch(createConverter({ isJS: false, isBrowser: false }));
  return {
    node,
    get browser() {
      return (browser ??= createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      node.close();
      browser?.close();
    },
  };
}

async function run(request: RunRequest): Promise<void> {
  const runner = new CellRunner((text) => emit({ output_type: "stream", name: "stderr", text: text.split(/(?<=\n)/) }));
  const converters = createConverters(runner);
  const executor = createExecutor(process.cwd(), converters, runner.executorConsole);
  runner.attach(executor);
  installDisplayApi({
    displayData: (content, isUpdate) => {
      const transient = content.transient as { display_id?: string } | undefined;
      const data = content.data as Record<string, unknown>;
      const metadata = (content.metadata as Record<string, unknown> | undefined) ?? {};
      emit({ output_type: "display_data", data, metadata }, transient?.display_id, isUpdate);
    },
    clearOutput: (wait) => {
      if (currentCell >= 0) void send({ type: "clear", index: currentCell, wait });
    },
    page: (data) => emit({ output_type: "display_data", data, metadata: {} }),
  });
  redirectProcessStreams();
  // Printed as the kernel prints them (into the cell that is running or ran last), and recorded: such an error
  // fails the cell it surfaced in, as it fails that cell in nbrun (tools/nbrun/execute_notebooks.py).
  const lateErrors: string[] = [];
  const recordLateError = (text: string) => {
    lateErrors.push(text);
    process.stderr.write(text + "\n");
  };
  process.on("uncaughtException", (error) => recordLateError(format("Uncaught exception:", error)));
  process.on("unhandledRejection", (reason) => recordLateError(format("Unhandled promise rejection:", reason)));
  void send({ type: "ready" });

  let executionCount = 0;
  for (const [position, cell] of request.cells.entries()) {
    currentCell = cell.index;
    executionCount++;
    void send({ type: "start", index: cell.index });
    const started = performance.now();
    const lateErrorsBefore = lateErrors.length;
    const outcome = await runner.run(cell.source);
    const milliseconds = performance.now() - started;
    if (outcome.status === "error") {
      emit({ output_type: "error", ...outcome.error });
    } else if (outcome.hasValue) {
      emit({ output_type: "execute_result", execution_count: executionCount, data: mimeBundleOf(outcome.value), metadata: {} });
    }
    // A raises cell passes by throwing its error (shown as Jupyter shows any error) and the lesson goes on.
    const problem = cell.raises ? raisesProblem(cell.raises, outcome.status === "error" ? outcome.error : null) : null;
    const cellOk = cell.raises ? problem === null : outcome.status === "ok";
    let lateError: string | undefined;
    if (cellOk) {
      const isLast = position === request.cells.length - 1;
      await settle(isLast ? SETTLE_AFTER_LAST_CELL_MS : 0);
      const surfaced = lateErrors.slice(lateErrorsBefore);
      if (surfaced.length > 0) {
        const where = isLast ? "in or after the last cell" : "in or after this cell";
        lateError = `an error thrown later by a timer or promise surfaced ${where}: ${headlineOf(surfaced[0])}`;
      }
    }
    const ok = cellOk && lateError === undefined;
    // Wait until "done" (and every output queued before it) is handed over: a large display still queued when the
    // next long synchronous cell starts would otherwise reach the parent only after that cell, past its watchdog.
    await send({ type: "done", index: cell.index, ok, executionCount, milliseconds, ...(problem ? { problem } : {}), lateError });
    if (!ok) break;
  }
  converters.close();
  // Messages go out in order, so once this one is handed over every output before it is too; disconnecting
  // earlier would drop queued outputs.
  await send({ type: "finished" });
  process.disconnect();
  // A timer or socket the lesson left open would keep this process alive forever; its work is done.
  process.exit(0);
}

/**
 * Lets errors thrown by the cell's timers and promises surface before the cell is judged: one timers phase
 * (a timer already due fires before a new 0 ms one) and one check phase (unhandled rejections are reported
 * once the microtasks of the turn have run). After the last cell it also waits `milliseconds`, as nbrun's
 * settle cell does, since no later cell would show what its timers throw.
 */
async function settle(milliseconds: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, milliseconds));
  await new Promise((resolve) => setImmediate(resolve));
}

/** The first lines of a printed error: its headline and where it was thrown. */
function headlineOf(text: string): string {
  return text.split("\n").filter((line) => line.trim() !== "").slice(0, 4).join("\n");
}

// The runner holds the other end of the IPC channel; if it dies (kill -9 of `npm test`/`npm start`) the channel
// closes and this lesson must not run on as an orphan. (The worker's own disconnect at the end exits first.)
process.once("disconnect", () => process.exit(1));

process.once("message", (request: RunRequest) => {
  run(request).catch((error: unknown) => {
    // A failure of the worker itself, not of a cell: the runner shows this stderr.
    writeToRealStderr(`convlab lesson worker: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(70);
  });
});
