// One simulated learner: opens a notebook from their own ~/convlab through their server's REST API (contents,
// sessions: the server starts the convlab kernel as JupyterLab would), then sends its code cells one by one as
// execute_request over the kernel's websocket channels and checks each reply, the way tools/nbrun does:
// `ci` overrides in quick runs (applyCiOverrides, the code nbrun's --quick mirrors), `raises` cells must fail with
// their expected error, and a late "Uncaught exception"/"Unhandled promise rejection" on stderr fails a cell.
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { raisesProblem, type RaisesMetadata } from "../lessons/raises.js";
import { applyCiOverrides } from "../lessons/transform.js";

export interface CellResult {
  index: number;
  status: "ok" | "error";
  message?: string;
  seconds: number;
  /** What the cell printed to stdout. */
  stdout: string;
}

export interface NotebookResult {
  notebook: string;
  passed: boolean;
  cells: CellResult[];
  codeCells: number;
  /** From the first execute_request to the first output of any cell. */
  firstOutputSeconds: number | null;
  seconds: number;
  error?: string;
}

interface NotebookCell {
  cell_type: string;
  source: string | string[];
  metadata?: { convlab?: { ci?: Record<string, unknown>; raises?: RaisesMetadata } };
}

interface Message {
  header: { msg_id: string; msg_type: string };
  parent_header: { msg_id?: string };
  content: Record<string, unknown>;
  channel: string;
}

const LATE_ERROR_PREFIXES = ["Uncaught exception:", "Unhandled promise rejection:"];

export class LearnerClient {
  constructor(readonly hubUrl: string, readonly name: string, readonly token: string) {}

  private serverUrl(path: string): string {
    return `${this.hubUrl}/user/${this.name}/api${path}`;
  }

  async api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(this.serverUrl(path), {
      method,
      headers: { Authorization: `token ${this.token}`, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${this.name}: ${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : null) as T;
  }

  async notebookCells(path: string): Promise<NotebookCell[]> {
    const model = await this.api<{ content: { cells: NotebookCell[] } }>("GET", `/contents/${encodeURI(path)}?type=notebook&content=1`);
    return model.content.cells;
  }

  /**
   * Runs a notebook of the learner's home in a fresh kernel. `onKernel(pid-less)` hooks let the caller read CPU
   * before the kernel is shut down (`beforeShutdown`).
   */
  async runNotebook(path: string, options: { quick: boolean; cellTimeoutMs?: number; beforeShutdown?: () => void }): Promise<NotebookResult> {
    const started = Date.now();
    const result: NotebookResult = { notebook: path, passed: false, cells: [], codeCells: 0, firstOutputSeconds: null, seconds: 0 };
    let session: { id: string; kernel: { id: string } } | null = null;
    let kernel: KernelChannels | null = null;
    try {
      const cells = await this.notebookCells(path);
      const code = cells
        .map((cell, index) => ({ cell, index, source: Array.isArray(cell.source) ? cell.source.join("") : cell.source }))
        .filter(({ cell, source }) => cell.cell_type === "code" && source.trim() !== "");
      result.codeCells = code.length;
      session = await this.api("POST", "/sessions", {
        path, name: path.split("/").pop(), type: "notebook", kernel: { name: "convlab" },
      });
      kernel = await KernelChannels.open(this.serverUrl(`/kernels/${session!.kernel.id}/channels?session_id=${randomUUID()}`), this.token);
      await kernel.request("kernel_info_request", {}, options.cellTimeoutMs ?? 600_000);
      const firstRequest = Date.now();
      for (const { cell, index, source } of code) {
        const ci = cell.metadata?.convlab?.ci;
        const runnable = options.quick && ci ? applyCiOverrides(source, ci) : source;
        const cellStart = Date.now();
        const run = await kernel.execute(runnable, options.cellTimeoutMs ?? 1_800_000, () => {
          result.firstOutputSeconds ??= (Date.now() - firstRequest) / 1000;
        });
        const seconds = (Date.now() - cellStart) / 1000;
        const raises = cell.metadata?.convlab?.raises;
        let problem: string | null;
        if (raises) problem = raisesProblem(raises, run.error);
        else if (run.error) problem = `${run.error.ename}: ${run.error.evalue}`;
        else problem = run.lateError;
        result.cells.push(problem
          ? { index, status: "error", message: problem, seconds, stdout: run.stdout }
          : { index, status: "ok", seconds, stdout: run.stdout });
        if (problem) break; // like nbclient without allow_errors: the rest of the notebook depends on this cell
      }
      options.beforeShutdown?.();
      result.passed = result.cells.length === code.length && result.cells.every((cell) => cell.status === "ok");
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
    } finally {
      kernel?.close();
      if (session) await this.api("DELETE", `/sessions/${session.id}`).catch(() => undefined);
      result.seconds = (Date.now() - started) / 1000;
    }
    return result;
  }
}

interface ExecuteOutcome {
  error: { ename: string; evalue: string } | null;
  lateError: string | null;
  outputs: number;
  stdout: string;
}

/** The kernel's shell and iopub channels over the server's websocket (JSON messages, protocol 5.3). */
export class KernelChannels {
  private readonly session = randomUUID();
  private readonly waiting = new Map<string, (message: Message) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(data.toString()) as Message;
      const parent = message.parent_header?.msg_id;
      if (parent) this.waiting.get(parent)?.(message);
    });
  }

  static open(url: string, token: string): Promise<KernelChannels> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(url.replace(/^http/, "ws"), { headers: { Authorization: `token ${token}` } });
      socket.once("open", () => resolve(new KernelChannels(socket)));
      socket.once("error", reject);
    });
  }

  private send(msgType: string, content: Record<string, unknown>): string {
    const msgId = randomUUID();
    this.socket.send(JSON.stringify({
      header: { msg_id: msgId, msg_type: msgType, username: "learner", session: this.session, date: new Date().toISOString(), version: "5.3" },
      parent_header: {}, metadata: {}, content, channel: "shell", buffers: [],
    }));
    return msgId;
  }

  /** Sends a request and resolves with its reply. */
  request(msgType: string, content: Record<string, unknown>, timeoutMs: number): Promise<Message> {
    return new Promise((resolve, reject) => {
      const msgId = this.send(msgType, content);
      const timer = setTimeout(() => {
        this.waiting.delete(msgId);
        reject(new Error(`no ${msgType.replace("_request", "_reply")} within ${timeoutMs / 1000} s`));
      }, timeoutMs);
      this.waiting.set(msgId, (message) => {
        if (message.channel === "shell") {
          clearTimeout(timer);
          this.waiting.delete(msgId);
          resolve(message);
        }
      });
    });
  }

  /** Runs code; resolves when both the execute_reply and iopub's idle status have arrived (nothing is lost). */
  execute(code: string, timeoutMs: number, onOutput: () => void): Promise<ExecuteOutcome> {
    return new Promise((resolve, reject) => {
      let reply: Message | null = null;
      let idle = false;
      let outputs = 0;
      let stderr = "";
      let stdout = "";
      let error: ExecuteOutcome["error"] = null;
      const msgId = this.send("execute_request", { code, silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
      const timer = setTimeout(() => {
        this.waiting.delete(msgId);
        reject(new Error(`cell did not finish within ${timeoutMs / 1000} s (reply: ${reply ? "yes" : "no"}, idle: ${idle})`));
      }, timeoutMs);
      const finish = () => {
        if (!reply || !idle) return;
        clearTimeout(timer);
        this.waiting.delete(msgId);
        const content = reply.content as { status: string; ename?: string; evalue?: string };
        if (content.status !== "ok" && !error) error = { ename: content.ename ?? "", evalue: content.evalue ?? "" };
        const lines = stderr.split("\n");
        const at = lines.findIndex((line) => LATE_ERROR_PREFIXES.some((prefix) => line.startsWith(prefix)));
        resolve({ error, lateError: at < 0 ? null : lines.slice(at, at + 4).join("\n"), outputs, stdout });
      };
      this.waiting.set(msgId, (message) => {
        const type = message.header.msg_type;
        if (message.channel === "shell" && type === "execute_reply") reply = message;
        else if (type === "status" && message.content.execution_state === "idle") idle = true;
        else if (type === "stream" || type === "display_data" || type === "execute_result" || type === "error") {
          outputs++;
          onOutput();
          if (type === "stream" && message.content.name === "stderr") stderr += String(message.content.text);
          if (type === "stream" && message.content.name === "stdout") stdout += String(message.content.text);
          if (type === "error") error = { ename: String(message.content.ename), evalue: String(message.content.evalue) };
        }
        finish();
      });
    });
  }

  close(): void {
    this.socket.close();
  }
}
