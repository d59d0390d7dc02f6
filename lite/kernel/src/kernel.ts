// convlab's TypeScript kernel for JupyterLite, on the page: a BaseKernel that runs cells in a Web Worker
// (worker.ts) and turns the worker's messages (protocol.ts) into the kernel's iopub messages. Interrupt: when
// the page is cross-origin isolated, a shared flag that the cell's loops check (KeyboardInterrupt); otherwise the
// worker is replaced — a restart, which loses the cells' state, and says so.
import type { KernelMessage } from "@jupyterlab/services";
import { BaseKernel, type IKernel } from "@jupyterlite/services";
import type { FromWorker, ToWorker } from "./protocol.js";

type ExecuteReply = KernelMessage.IExecuteReplyMsg["content"];
/** The worker's bundles are JSON by construction (postMessage), typed loosely there. */
type DisplayContent = KernelMessage.IDisplayDataMsg["content"] & { transient: { display_id: string } };

export class ConvlabKernel extends BaseKernel {
  private worker!: Worker;
  private started!: Promise<void>;
  private interrupt: Int32Array | null = null;
  private nextId = 0;
  private readonly pending = new Map<number, (reply: ExecuteReply) => void>();

  constructor(options: IKernel.IOptions) {
    super(options);
    this.startWorker();
  }

  get ready(): Promise<void> {
    return this.started;
  }

  private startWorker(): void {
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { name: "convlab-kernel" });
    const shared = globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === "function";
    this.interrupt = shared ? new Int32Array(new SharedArrayBuffer(4)) : null;
    let ready!: () => void;
    this.started = new Promise<void>((resolve) => { ready = resolve; });
    // A worker that cannot start (a missing file, a script error) must say so, not leave the kernel "starting".
    this.worker.onerror = (event) => {
      console.error(`convlab kernel worker: ${event.message}`);
      this.stream({ name: "stderr", text: `The convlab kernel's worker failed: ${event.message}\n` });
      ready();
    };
    this.worker.onmessage = (event: MessageEvent<FromWorker>) => {
      if (event.data.type === "ready") ready();
      else this.handle(event.data);
    };
    this.worker.postMessage({ type: "init", interrupt: this.interrupt ? this.interrupt.buffer as SharedArrayBuffer : null } satisfies ToWorker);
  }

  /** A worker message for the cell that is running. */
  handle(message: FromWorker): void {
    switch (message.type) {
      case "stream": this.stream({ name: message.name, text: message.text }); break;
      case "display":
        if (message.update) this.updateDisplayData(message.content as DisplayContent);
        else this.displayData(message.content as DisplayContent);
        break;
      case "clear": this.clearOutput({ wait: message.wait }); break;
      case "result": this.publishExecuteResult({ execution_count: this.executionCount, data: message.data as DisplayContent["data"], metadata: {} }); break;
      case "reply": {
        const resolve = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.status === "ok") resolve?.({ status: "ok", execution_count: this.executionCount, user_expressions: {} });
        else {
          this.publishExecuteError(message.error);
          resolve?.({ status: "error", execution_count: this.executionCount, ...message.error });
        }
        break;
      }
      default: break;
    }
  }

  /** Stops the running cell: the shared flag, or a fresh worker where there is none. */
  interruptCell(): void {
    if (this.interrupt) {
      Atomics.store(this.interrupt, 0, 1);
      return;
    }
    this.worker.terminate();
    const error = { ename: "KeyboardInterrupt", evalue: "the kernel was restarted to stop the cell: this page is not cross-origin isolated, so a running cell cannot be interrupted; earlier cells' variables are gone",
      traceback: ["KeyboardInterrupt: the kernel was restarted to stop the cell (not cross-origin isolated); run the earlier cells again"] };
    for (const [id] of this.pending) this.handle({ type: "reply", id, status: "error", error });
    this.startWorker();
  }

  dispose(): void {
    if (this.isDisposed) return;
    this.worker.terminate();
    super.dispose();
  }

  async kernelInfoRequest(): Promise<KernelMessage.IInfoReplyMsg["content"]> {
    return {
      implementation: "convlab-lite",
      implementation_version: "0.1.0",
      language_info: {
        name: "typescript", version: "5.9", mimetype: "text/typescript", file_extension: ".ts",
        codemirror_mode: { name: "typescript" }, pygments_lexer: "typescript", nbconvert_exporter: "script",
      },
      protocol_version: "5.3",
      status: "ok",
      banner: "TypeScript with convlab, running in your browser (JupyterLite)",
      help_links: [],
    };
  }

  async executeRequest(content: KernelMessage.IExecuteRequestMsg["content"]): Promise<ExecuteReply> {
    await this.started;
    const id = ++this.nextId;
    const reply = new Promise<ExecuteReply>((resolve) => this.pending.set(id, resolve));
    this.worker.postMessage({ type: "execute", id, code: content.code } satisfies ToWorker);
    const outcome = await reply;
    // A cell run with stop_on_error false (JupyterLab does so for cells tagged raises-exception) must not stop the
    // cells queued after it, but JupyterLite's kernel client cancels the queue on any error reply: the error is
    // shown (its iopub message went out) and the reply says ok, which is what a Jupyter kernel's queue then does.
    if (outcome.status === "error" && content.stop_on_error === false) {
      return { status: "ok", execution_count: outcome.execution_count, user_expressions: {} };
    }
    return outcome;
  }

  async completeRequest(content: KernelMessage.ICompleteRequestMsg["content"]): Promise<KernelMessage.ICompleteReplyMsg["content"]> {
    return { status: "ok", matches: [], cursor_start: content.cursor_pos, cursor_end: content.cursor_pos, metadata: {} };
  }

  async inspectRequest(): Promise<KernelMessage.IInspectReplyMsg["content"]> {
    return { status: "ok", found: false, data: {}, metadata: {} };
  }

  async isCompleteRequest(): Promise<KernelMessage.IIsCompleteReplyMsg["content"]> {
    return { status: "complete" };
  }

  async commInfoRequest(): Promise<KernelMessage.ICommInfoReplyMsg["content"]> {
    return { status: "ok", comms: {} };
  }

  inputReply(): void {}
  async commOpen(): Promise<void> {}
  async commMsg(): Promise<void> {}
  async commClose(): Promise<void> {}
}
