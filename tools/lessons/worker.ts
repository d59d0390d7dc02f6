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
import { CellRunner } from "../kernel/cell-runner.js";
import { installDisplayApi } from "../kernel/display-api.js";
import { mimeBundleOf } from "../kernel/server.js";
import type { NotebookOutput } from "./notebook.js";
import type { RunRequest, WorkerMessage } from "./protocol.js";
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

function createConverters() {
  let browser: ConverterModule.Converter | null = null;
  const node = createConverter({ isJS: false, isBrowser: false });
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
  const converters = createConverters();
  const runner = new CellRunner((text) => emit({ output_type: "stream", name: "stderr", text: text.split(/(?<=\n)/) }));
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
  process.on("uncaughtException", (error) => process.stderr.write(format("Uncaught exception:", error) + "\n"));
  process.on("unhandledRejection", (reason) => process.stderr.write(format("Unhandled promise rejection:", reason) + "\n"));
  void send({ type: "ready" });

  let executionCount = 0;
  for (const cell of request.cells) {
    currentCell = cell.index;
    executionCount++;
    void send({ type: "start", index: cell.index });
    const started = performance.now();
    const outcome = await runner.run(cell.source);
    if (outcome.status === "error") {
      emit({ output_type: "error", ...outcome.error });
    } else if (outcome.hasValue) {
      emit({ output_type: "execute_result", execution_count: executionCount, data: mimeBundleOf(outcome.value), metadata: {} });
    }
    // A raises cell passes by throwing its error (shown as Jupyter shows any error) and the lesson goes on.
    const problem = cell.raises ? raisesProblem(cell.raises, outcome.status === "error" ? outcome.error : null) : null;
    const ok = cell.raises ? problem === null : outcome.status === "ok";
    // Wait until "done" (and every output queued before it) is handed over: a large display still queued when the
    // next long synchronous cell starts would otherwise reach the parent only after that cell, past its watchdog.
    await send({ type: "done", index: cell.index, ok, executionCount, milliseconds: performance.now() - started, ...(problem ? { problem } : {}) });
    if (!ok) break;
  }
  converters.close();
  // Messages go out in order, so once this one is handed over every output before it is too; disconnecting
  // earlier would drop queued outputs.
  await send({ type: "finished" });
  process.disconnect();
}

process.once("message", (request: RunRequest) => {
  run(request).catch((error: unknown) => {
    // A failure of the worker itself, not of a cell: the runner shows this stderr.
    writeToRealStderr(`convlab lesson worker: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exit(70);
  });
});
