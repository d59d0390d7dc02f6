// The kernel's message loop: ZeroMQ sockets, request dispatch and the execute protocol.
// tslab's converter and executor do the TypeScript work; this file replaces tslab's ZmqServer,
// whose replies lacked error fields, execute_result, execute_input and proper aborts.
import * as zmq from "zeromq";
import { randomUUID } from "node:crypto";
import { inspect } from "node:util";
import type { Executor } from "tslab/dist/executor.js";
import { CellRunner, describeThrown } from "./cell-runner.js";
import { installDisplayApi, type MimeBundle } from "./display-api.js";
import { History } from "./history.js";
import { isCompleteReply } from "./is-complete.js";
import { IopubChannel, SerialSender, type StreamName } from "./iopub.js";
import { kernelInfo } from "./kernel-info.js";
import { createMessage, MessageSigner, type JupyterMessage } from "./wire.js";

export interface ConnectionInfo {
  transport: string;
  ip: string;
  key: string;
  signature_scheme?: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
}

/** Values with this method display as a rich MIME bundle when they end a cell (like IPython's _repr_mimebundle_). */
export const MIME_BUNDLE_METHOD = Symbol.for("convlab.mimeBundle");

/** What the kernel needs from tslab, created by main.ts. */
export interface TslabParts {
  executor: Executor;
  isCompleteCode(code: string): { completed: boolean; indent?: string };
  printQuickInfo(info: unknown): string;
}

export class KernelServer {
  private readonly session = randomUUID();
  private readonly signer: MessageSigner;
  private readonly shell = new zmq.Router();
  private readonly control = new zmq.Router();
  private readonly stdin = new zmq.Router();
  // No high-water mark: ZeroMQ would otherwise drop iopub messages beyond 1000 queued for a slow reader.
  private readonly iopubSocket = new zmq.Publisher({ sendHighWaterMark: 0 });
  private readonly heartbeat = new zmq.Reply();
  private readonly shellSender: SerialSender;
  private readonly controlSender: SerialSender;
  private readonly iopub: IopubChannel;
  private readonly history = new History();
  private executionCount = 0;
  /** Cells run one after another: the next execute_request waits for this. */
  private executeQueue: Promise<void> = Promise.resolve();
  /** The request whose cell owns stdout, displays and pager output (the last one started). */
  private currentRequest: JupyterMessage | null = null;
  private currentPayloads: Record<string, unknown>[] = [];
  /** Time an error stopped execution; requests sent before it were queued blind and are aborted. */
  private abortRequestsSentBefore = 0;

  constructor(
    private readonly connection: ConnectionInfo,
    private readonly tslab: TslabParts,
    readonly runner: CellRunner,
    private readonly log: (text: string) => void,
  ) {
    this.signer = new MessageSigner(connection.key, connection.signature_scheme);
    const reportSendError = (error: unknown) => this.log(`convlab kernel: send failed: ${String(error)}\n`);
    this.shellSender = new SerialSender(this.shell, reportSendError);
    this.controlSender = new SerialSender(this.control, reportSendError);
    this.iopub = new IopubChannel(new SerialSender(this.iopubSocket, reportSendError), this.signer, this.session);
    installDisplayApi({
      displayData: (content, isUpdate) => {
        const displayId = (content.transient as { display_id?: string } | undefined)?.display_id;
        if (isUpdate && displayId) this.iopub.updateDisplay(displayId, content, this.requestForOutput());
        else this.publishForCell(isUpdate ? "update_display_data" : "display_data", content);
      },
      clearOutput: (wait) => this.publishForCell("clear_output", { wait }),
      page: (data) => this.currentPayloads.push({ source: "page", data, start: 0 }),
    });
  }

  /** Stream text from process.stdout/stderr goes to the cell that is running or ran last. */
  writeStream(name: StreamName, text: string): void {
    if (this.currentRequest) this.iopub.writeStream(name, text, this.currentRequest);
    else this.log(text);
  }

  async start(): Promise<void> {
    const { transport, ip } = this.connection;
    const address = (port: number) => `${transport}://${ip}:${port}`;
    await Promise.all([
      this.shell.bind(address(this.connection.shell_port)),
      this.control.bind(address(this.connection.control_port)),
      this.stdin.bind(address(this.connection.stdin_port)),
      this.iopubSocket.bind(address(this.connection.iopub_port)),
      this.heartbeat.bind(address(this.connection.hb_port)),
    ]);
    void this.serve(this.shell, this.shellSender);
    void this.serve(this.control, this.controlSender);
    void this.echoHeartbeats();
    this.iopub.publish("status", { execution_state: "starting" }, null);
  }

  private async serve(socket: zmq.Router, sender: SerialSender): Promise<void> {
    for await (const frames of socket) {
      let request: JupyterMessage;
      try {
        request = this.signer.decode(frames);
      } catch (error) {
        this.log(`convlab kernel: dropped a message: ${String(error)}\n`);
        continue;
      }
      this.dispatch(request, sender).catch((error) => this.log(`convlab kernel: ${inspect(error)}\n`));
    }
  }

  private async echoHeartbeats(): Promise<void> {
    for await (const frames of this.heartbeat) await this.heartbeat.send(frames);
  }

  private async dispatch(request: JupyterMessage, sender: SerialSender): Promise<void> {
    const type = request.header.msg_type;
    if (type === "execute_request") {
      // Chain on the queue so a cell starts only after the previous one has replied.
      const run = this.executeQueue.then(() => this.execute(request, sender));
      this.executeQueue = run.catch(() => undefined);
      return run;
    }
    this.iopub.publish("status", { execution_state: "busy" }, request);
    try {
      const reply = this.answer(request);
      if (reply) this.reply(sender, request, reply.type, reply.content);
      else this.log(`convlab kernel: unsupported message type ${type}\n`);
    } finally {
      this.iopub.publish("status", { execution_state: "idle" }, request);
    }
    if (type === "shutdown_request") await this.shutdown();
  }

  /** Replies to every request except execute_request; null for types we do not handle. */
  private answer(request: JupyterMessage): { type: string; content: Record<string, unknown> } | null {
    const content = request.content;
    switch (request.header.msg_type) {
      case "kernel_info_request":
        return { type: "kernel_info_reply", content: kernelInfo() };
      case "is_complete_request":
        return { type: "is_complete_reply", content: isCompleteReply(String(content.code ?? ""), this.tslab.isCompleteCode) };
      case "complete_request": {
        const info = this.tslab.executor.complete(content.code, content.cursor_pos ?? content.code.length);
        const reply = { status: "ok", matches: info.candidates, cursor_start: info.start, cursor_end: info.end, metadata: {} };
        return { type: "complete_reply", content: reply };
      }
      case "inspect_request": {
        // detail_level 0 (JupyterLab's tooltip) and 1 (its contextual help) get the same text: signature and docs.
        const info = this.tslab.executor.inspect(content.code, content.cursor_pos ?? content.code.length);
        const text = info ? this.tslab.printQuickInfo(info) : "";
        // For a name TypeScript does not know, its quick info is the bare error type "any": that is "not found",
        // not a tooltip saying "any" (a declared any reads "let x: any").
        const found = text.trim() !== "" && text.trim() !== "any";
        return { type: "inspect_reply", content: { status: "ok", found, data: found ? { "text/plain": text } : {}, metadata: {} } };
      }
      case "history_request":
        return { type: "history_reply", content: { status: "ok", history: this.history.query(content) } };
      case "comm_info_request":
        return { type: "comm_info_reply", content: { status: "ok", comms: {} } };
      case "interrupt_request":
        // Async cells stop here; a synchronous loop is stopped by SIGINT (interrupt_mode "signal").
        this.tslab.executor.interrupt();
        return { type: "interrupt_reply", content: { status: "ok" } };
      case "shutdown_request":
        return { type: "shutdown_reply", content: { status: "ok", restart: Boolean(content.restart) } };
      default:
        return null;
    }
  }

  private async execute(request: JupyterMessage, sender: SerialSender): Promise<void> {
    const { code = "", silent = false, store_history: storeHistory = true, stop_on_error: stopOnError = true } =
      request.content;
    this.iopub.publish("status", { execution_state: "busy" }, request);
    try {
      if (this.wasSentBeforeAnError(request)) {
        this.reply(sender, request, "execute_reply", { status: "aborted", execution_count: null });
        return;
      }
      if (!silent && storeHistory) this.executionCount += 1;
      const executionCount = this.executionCount;
      if (!silent) this.iopub.publish("execute_input", { code, execution_count: executionCount }, request);
      this.currentRequest = request;
      this.currentPayloads = [];
      await this.iopub.startCell();
      const outcome = await this.runner.run(code);
      this.iopub.flush();

      if (outcome.status === "error") {
        const { ename, evalue, traceback } = outcome.error;
        if (!silent) this.iopub.publish("error", { ename, evalue, traceback }, request);
        if (stopOnError) this.abortRequestsSentBefore = Date.now();
        this.reply(sender, request, "execute_reply", {
          status: "error",
          execution_count: executionCount,
          ename,
          evalue,
          traceback,
        });
        if (storeHistory) this.history.add(executionCount, code, null);
        return;
      }

      let outputText: string | null = null;
      if (outcome.hasValue && !silent) {
        const data = mimeBundleOf(outcome.value);
        outputText = String(data["text/plain"]);
        this.iopub.publish("execute_result", { execution_count: executionCount, data, metadata: {} }, request);
      }
      if (storeHistory) this.history.add(executionCount, code, outputText);
      this.reply(sender, request, "execute_reply", {
        status: "ok",
        execution_count: executionCount,
        payload: this.currentPayloads,
        user_expressions: {},
      });
    } finally {
      this.iopub.publish("status", { execution_state: "idle" }, request);
    }
  }

  private wasSentBeforeAnError(request: JupyterMessage): boolean {
    const sentAt = Date.parse(request.header.date);
    return Number.isFinite(sentAt) && sentAt < this.abortRequestsSentBefore;
  }

  private publishForCell(msgType: string, content: Record<string, unknown>): void {
    this.iopub.publish(msgType, content, this.requestForOutput());
  }

  private requestForOutput(): JupyterMessage {
    if (!this.currentRequest) throw new Error("display: no cell is running in this kernel yet");
    return this.currentRequest;
  }

  private reply(sender: SerialSender, request: JupyterMessage, msgType: string, content: Record<string, unknown>): void {
    sender.send(this.signer.encode(createMessage(msgType, content, request, this.session)));
  }

  private async shutdown(): Promise<void> {
    await this.iopub.drained();
    await this.shellSender.drained();
    await this.controlSender.drained();
    this.tslab.executor.close();
    for (const socket of [this.shell, this.control, this.stdin, this.iopubSocket, this.heartbeat]) socket.close();
    process.exit(0);
  }
}

/** The execute_result bundle of a cell's last value: its own bundle if it has one, else util.inspect text. */
export function mimeBundleOf(value: unknown): MimeBundle {
  const text = inspect(value);
  const method = (value as Record<PropertyKey, unknown> | null)?.[MIME_BUNDLE_METHOD];
  if (typeof method !== "function") return { "text/plain": text };
  try {
    const bundle = method.call(value) as MimeBundle;
    return { "text/plain": text, ...bundle };
  } catch (error) {
    const { ename, evalue } = describeThrown(error);
    return { "text/plain": `${text}\n(rich display failed: ${ename}: ${evalue})` };
  }
}
