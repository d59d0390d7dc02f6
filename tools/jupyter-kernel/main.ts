// Entry point of the "TypeScript (convlab)" Jupyter kernel:
//   node dist/tools/jupyter-kernel/main.js --connection-file /path/to/kernel-1234.json
// Cells are compiled and run in this process by tslab's converter and executor, with the
// notebook's folder (the working directory Jupyter gives us) as their root.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { format } from "node:util";
import type * as ConverterModule from "tslab/dist/converter.js";
import type * as ExecutorModule from "tslab/dist/executor.js";
import type * as InspectModule from "tslab/dist/inspect.js";
import { CellRunner } from "./cell-runner.js";
import { startGuard } from "./guard.js";
import { KernelServer, type ConnectionInfo } from "./server.js";

const requireFromHere = createRequire(import.meta.url);

function connectionFileFromArgs(args: string[]): string {
  const flagAt = args.indexOf("--connection-file");
  const path = flagAt >= 0 ? args[flagAt + 1] : undefined;
  if (!path) {
    process.stderr.write("usage: node dist/tools/jupyter-kernel/main.js --connection-file FILE\n");
    process.exit(2);
  }
  return path;
}

async function main(): Promise<void> {
  const connection = JSON.parse(readFileSync(connectionFileFromArgs(process.argv.slice(2)), "utf8")) as ConnectionInfo;
  // tslab is CommonJS; require keeps one instance of its modules, shared with `require("tslab")` in cells.
  const converter = requireFromHere("tslab/dist/converter.js") as typeof ConverterModule;
  const { createExecutor } = requireFromHere("tslab/dist/executor.js") as typeof ExecutorModule;
  const { printQuickInfo } = requireFromHere("tslab/dist/inspect.js") as typeof InspectModule;

  // The kernel's own messages go to the terminal that started it, never into a cell.
  const writeToTerminal = process.stderr.write.bind(process.stderr);
  const log = (text: string) => void writeToTerminal(text);

  let server: KernelServer | null = null;
  const runner = new CellRunner((text) => server?.writeStream("stderr", text));

  // Browser-mode cells (`//%browser`) are rare; their converter is built on first use.
  let nodeConverter: ConverterModule.Converter | null = null;
  let browserConverter: ConverterModule.Converter | null = null;
  const converters = {
    get node() {
      return (nodeConverter ??= runner.watch(converter.createConverter({ isJS: false, isBrowser: false })));
    },
    get browser() {
      return (browserConverter ??= converter.createConverter({ isJS: false, isBrowser: true }));
    },
    close() {
      nodeConverter?.close();
      browserConverter?.close();
    },
  };
  converters.node; // Build the compiler now, so the first cell is not the slow one.

  const executor = createExecutor(process.cwd(), converters, runner.executorConsole);
  runner.attach(executor);
  server = new KernelServer(connection, { executor, isCompleteCode: converter.isCompleteCode, printQuickInfo }, runner, log);
  redirectProcessStreams(server);

  // Jupyter interrupts with SIGINT. A synchronous cell is stopped by tslab's breakOnSigint; every other SIGINT
  // reaches the guard thread, which also stops cells that never return to the event loop and ends the kernel
  // when its parent dies (guard-thread.ts). No process.on("SIGINT") here: each breakOnSigint run would remove
  // and restore it, resetting SIGINT to its default action (exit) under the guard's watchdog.
  startGuard({
    interrupt: () => executor.interrupt(),
    explainForcedInterrupt: (text) => server?.writeStream("stderr", text),
    log,
  });
  // Errors thrown later by timers or promises of a finished cell are shown in the latest cell.
  process.on("uncaughtException", (error) => process.stderr.write(format("Uncaught exception:", error) + "\n"));
  process.on("unhandledRejection", (reason) => process.stderr.write(format("Unhandled promise rejection:", reason) + "\n"));
  await server.start();
}

/** Sends process.stdout and process.stderr (and so console.*) to the running cell as stream messages. */
function redirectProcessStreams(server: KernelServer): void {
  const decoder = new TextDecoder();
  for (const name of ["stdout", "stderr"] as const) {
    const stream = process[name];
    stream.write = ((chunk: string | Uint8Array, encodingOrCallback?: unknown, callback?: unknown) => {
      server.writeStream(name, typeof chunk === "string" ? chunk : decoder.decode(chunk));
      const done = typeof encodingOrCallback === "function" ? encodingOrCallback : callback;
      if (typeof done === "function") process.nextTick(done as () => void);
      return true;
    }) as typeof stream.write;
  }
}

main().catch((error) => {
  process.stderr.write(format("convlab kernel failed to start:", error) + "\n");
  process.exit(1);
});
