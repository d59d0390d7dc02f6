// The messages between the kernel (kernel.ts, on the page) and its Web Worker (worker.ts), and the worker's
// side of them (KernelWorker): a cell's console output as streams, the library's display API as display_data /
// update_display_data, its last value as execute_result, and its end as a reply. Plain data only, so
// postMessage carries them and the unit tests can read them.
import { CellRunner, type CellError, type RunnerOptions, type Ts } from "./executor.js";

export type ToWorker =
  | { type: "init"; interrupt: SharedArrayBuffer | null }
  | { type: "execute"; id: number; code: string };

export type FromWorker =
  | { type: "ready" }
  | { type: "stream"; id: number; name: "stdout" | "stderr"; text: string }
  | { type: "display"; id: number; update: boolean; content: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: { display_id: string } } }
  | { type: "clear"; id: number; wait: boolean }
  | { type: "result"; id: number; data: Record<string, unknown> }
  | { type: "reply"; id: number; status: "ok" }
  | { type: "reply"; id: number; status: "error"; error: CellError };

const KERNEL_API_KEY = Symbol.for("convlab.kernel");

/** text/plain of a value, the way a REPL shows it: strings quoted, objects by their own toString when they have one. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || value === undefined || typeof value !== "object") {
    return typeof value === "function" ? `[Function: ${(value as { name?: string }).name || "anonymous"}]` : String(value);
  }
  const own = (value as { toString?: () => string }).toString;
  if (typeof own === "function" && own !== Object.prototype.toString && own !== Array.prototype.toString) return String(value);
  if (Array.isArray(value)) return `[ ${value.map((v) => formatValue(v)).join(", ")} ]`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length}) [ ${Array.from(value as unknown as ArrayLike<number>).slice(0, 100).join(", ")} ]`;
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** console.log's way with its arguments: strings as they are, everything else formatted. */
function formatArgs(args: unknown[]): string {
  return args.map((a) => (typeof a === "string" ? a : formatValue(a))).join(" ") + "\n";
}

let nextDisplay = 0;
function newDisplayId(): string {
  return `convlab-lite-${Date.now().toString(36)}-${(nextDisplay++).toString(36)}`;
}

export class KernelWorker {
  private readonly runner: CellRunner;
  private current = -1;

  constructor(ts: Ts, private readonly post: (message: FromWorker) => void, options: RunnerOptions) {
    this.runner = new CellRunner(ts, options);
    // Cells see this console (the worker also routes the global one here, for library code).
    this.runner.scope.console = this.console;
  }

  /** A console whose output goes to the running cell as streams. */
  readonly console = {
    log: (...args: unknown[]) => this.stream("stdout", formatArgs(args)),
    info: (...args: unknown[]) => this.stream("stdout", formatArgs(args)),
    debug: (...args: unknown[]) => this.stream("stdout", formatArgs(args)),
    warn: (...args: unknown[]) => this.stream("stderr", formatArgs(args)),
    error: (...args: unknown[]) => this.stream("stderr", formatArgs(args)),
  };

  private stream(name: "stdout" | "stderr", text: string): void {
    this.post({ type: "stream", id: this.current, name, text });
  }

  /** The display API the library looks for on globalThis (show, liveFigure, training progress). */
  installDisplayApi(): void {
    const display = (update: boolean, displayId: string, data: Record<string, unknown>, metadata: Record<string, unknown> = {}) =>
      this.post({ type: "display", id: this.current, update, content: { data, metadata, transient: { display_id: displayId } } });
    const api = {
      version: 1,
      display: (data: Record<string, unknown>, options: { displayId?: string; metadata?: Record<string, unknown> } = {}) => {
        const displayId = options.displayId ?? newDisplayId();
        display(false, displayId, data, options.metadata);
        return displayId;
      },
      updateDisplay: (displayId: string, data: Record<string, unknown>, options: { metadata?: Record<string, unknown> } = {}) =>
        display(true, displayId, data, options.metadata),
      clearOutput: (wait = false) => this.post({ type: "clear", id: this.current, wait }),
      page: (data: unknown) => this.console.log(typeof data === "string" ? data : formatValue(data)),
      newDisplayId,
    };
    Object.defineProperty(globalThis, KERNEL_API_KEY, { value: api, configurable: true });
  }

  async execute(id: number, code: string): Promise<void> {
    this.current = id;
    const outcome = await this.runner.run(code);
    if (outcome.status === "error") {
      this.post({ type: "reply", id, status: "error", error: outcome.error });
      return;
    }
    if (outcome.value !== undefined && outcome.value.value !== undefined) {
      this.post({ type: "result", id, data: { "text/plain": formatValue(outcome.value.value) } });
    }
    this.post({ type: "reply", id, status: "ok" });
  }
}
