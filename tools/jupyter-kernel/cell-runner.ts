// Runs one cell with tslab's executor and turns what it reports into Jupyter's terms.
//
// tslab's executor reports everything through the console object it is given: compile
// diagnostics and thrown values go to console.error (then execute() resolves false), and the
// cell's last expression value goes to console.log. We hand it a console that records these
// calls, so an error becomes {ename, evalue, traceback} and the last value an execute_result,
// instead of text on stderr/stdout as in stock tslab.
import { format, inspect } from "node:util";
import type { Converter } from "tslab/dist/converter.js";
import type { Executor } from "tslab/dist/executor.js";
import { type CompiledCell, framesInCell } from "./cell-lines.js";

export interface CellError {
  ename: string;
  evalue: string;
  traceback: string[];
}

export type CellOutcome =
  | { status: "ok"; hasValue: boolean; value: unknown }
  | { status: "error"; error: CellError };

interface ConsoleCalls {
  errors: unknown[][];
  lastValue: { value: unknown } | null;
}

/** printDiagnostics in tslab's executor.js logs each diagnostic with exactly this format. */
const DIAGNOSTIC_FORMAT = "%s%d:%d - %s";

/** Frames from the kernel's own machinery say nothing about the learner's code. */
const INTERNAL_FRAME = /node_modules[\\/]tslab[\\/]|[\\/]tools[\\/]kernel[\\/]|\(node:|^\s*at node:/;

export class CellRunner {
  private calls: ConsoleCalls | null = null;

  /** The console to give createExecutor; it forwards to the running cell's records. */
  readonly executorConsole = {
    log: (value?: unknown) => {
      if (this.calls) this.calls.lastValue = { value };
    },
    error: (...args: unknown[]) => {
      if (this.calls) this.calls.errors.push(args);
      else process.stderr.write(format(...args) + "\n");
    },
  };

  private executor: Executor | null = null;
  /** The running cell's source, and what tslab compiled it to (for naming cell lines in tracebacks). */
  private running: string | null = null;
  private compiled: CompiledCell | null = null;

  constructor(private readonly writeStderr: (text: string) => void) {}

  /** Keeps the JavaScript tslab compiles each cell to, so a traceback can point at the learner's line. */
  watch(converter: Converter): Converter {
    const convert = converter.convert.bind(converter);
    converter.convert = (prevDecl, src) => {
      const result = convert(prevDecl, src);
      if (src === this.running && result.output !== undefined) {
        this.compiled = { source: src, output: result.output, hasToplevelAwait: result.hasToplevelAwait ?? false };
      }
      return result;
    };
    return converter;
  }

  attach(executor: Executor): void {
    this.executor = executor;
  }

  async run(code: string): Promise<CellOutcome> {
    if (!this.executor) throw new Error("CellRunner.run before attach");
    const calls: ConsoleCalls = { errors: [], lastValue: null };
    this.calls = calls;
    this.running = code;
    this.compiled = null;
    let succeeded: boolean;
    try {
      succeeded = await this.executor.execute(code);
    } catch (thrown) {
      // The converter itself failed (a bug in tslab or the TypeScript fork): still a cell error.
      calls.errors.push([thrown]);
      succeeded = false;
    } finally {
      this.calls = null;
    }
    // One turn of the event loop before the reply: Node reports a promise the cell rejected and left unhandled
    // only when it next processes its tick queue, which in an idle kernel is whenever the next message arrives
    // (under the next cell, or never after the last one). This way "Unhandled promise rejection" lands in the
    // cell that caused it, before its reply, as nbrun and the lesson runner expect.
    await new Promise((resolve) => setImmediate(resolve));
    if (!succeeded) return { status: "error", error: describeFailure(calls.errors, this.compiled) };
    // A successful run may still print diagnostics (e.g. a `//%module` cell with type errors).
    for (const args of calls.errors) this.writeStderr(format(...args) + "\n");
    return calls.lastValue
      ? { status: "ok", hasValue: true, value: calls.lastValue.value }
      : { status: "ok", hasValue: false, value: undefined };
  }
}

function describeFailure(errors: unknown[][], cell: CompiledCell | null): CellError {
  const diagnostics = errors.filter((args) => args[0] === DIAGNOSTIC_FORMAT);
  if (diagnostics.length > 0) {
    // printDiagnostics' arguments: fileName prefix, line, column, message.
    const lines = diagnostics.map((args) => format(...args));
    return { ename: "TSError", evalue: lines.join("\n"), traceback: lines };
  }
  if (errors.length === 0) {
    return { ename: "Error", evalue: "the cell failed without reporting an error", traceback: [] };
  }
  return describeThrown(errors[errors.length - 1][0], cell);
}

/** `cell`: the cell the error came from, when known; its frames are then named by cell line (cell-lines.ts). */
export function describeThrown(thrown: unknown, cell: CompiledCell | null = null): CellError {
  if (thrown instanceof Error) {
    // Classes that forget to set `name` still deserve their own name in the report.
    const constructorName = thrown.constructor?.name;
    const ename = thrown.name === "Error" && constructorName && constructorName !== "Error" ? constructorName : thrown.name;
    const stackLines = (thrown.stack ?? `${ename}: ${thrown.message}`).split("\n");
    const frames = stackLines.filter((line) => /^\s+at /.test(line) && !INTERNAL_FRAME.test(line));
    const headline = `${ename}: ${thrown.message}`;
    return { ename, evalue: thrown.message, traceback: [headline, ...framesInCell(frames, cell)] };
  }
  const evalue = inspect(thrown);
  return { ename: "Uncaught", evalue, traceback: [`Uncaught ${evalue}`] };
}
