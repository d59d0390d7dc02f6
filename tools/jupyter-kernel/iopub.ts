// Ordered, lossless publishing on the iopub channel.
//
// zeromq.js sends synchronously for up to ~512 sends per event-loop turn; after that a send is
// deferred to the next turn and any further send() throws EBUSY. tslab ignores that, so a
// synchronous loop printing more than ~500 lines loses the rest. Here a send that finds the
// socket busy waits in a queue instead, and bursts are coalesced so far fewer sends are needed:
// stream text and display updates go out at once while a token bucket allows (BURST_MESSAGES,
// refilled at MESSAGES_PER_SECOND, so a training loop's occasional lines show live even inside
// a long synchronous cell); beyond that they are buffered and sent together when tokens are back
// (checked on each write, since no timer fires during synchronous code), before any other
// message (to keep the order), and at the end of the cell.
import type { JupyterMessage, MessageSigner } from "./wire.js";
import { createMessage } from "./wire.js";

/** The part of a zeromq socket we need; the Publisher, Router and Reply sockets all have it. */
export interface SendingSocket {
  send(frames: Buffer[]): Promise<void>;
}

export type StreamName = "stdout" | "stderr";

const BURST_MESSAGES = 50;
const MESSAGES_PER_SECOND = 20;
const FLUSH_INTERVAL_MS = 1000 / MESSAGES_PER_SECOND;
/** Above this many buffered characters stream text is sent at once. */
const STREAM_MAX_CHARS = 256 * 1024;

/** Sends frames in order, synchronously when ZeroMQ allows it, queued when the socket is busy. */
export class SerialSender {
  private readonly waiting: Buffer[][] = [];
  private lastSend: Promise<void> = Promise.resolve();
  private draining: Promise<void> | null = null;

  constructor(private readonly socket: SendingSocket, private readonly onError: (error: unknown) => void) {}

  send(frames: Buffer[]): void {
    if (this.draining) {
      this.waiting.push(frames);
      return;
    }
    try {
      this.lastSend = this.socket.send(frames).catch(this.onError);
    } catch (error) {
      if ((error as { code?: string }).code !== "EBUSY") return this.onError(error);
      this.waiting.push(frames);
      this.draining = this.drain();
    }
  }

  /** Resolves once everything queued so far has been handed to ZeroMQ. */
  async drained(): Promise<void> {
    await this.draining;
    await this.lastSend;
  }

  private async drain(): Promise<void> {
    await this.lastSend;
    while (this.waiting.length > 0) {
      const frames = this.waiting.shift() as Buffer[];
      this.lastSend = this.socket.send(frames).catch(this.onError);
      await this.lastSend;
    }
    this.draining = null;
  }
}

type PendingOutput =
  | { kind: "stream"; name: StreamName; text: string; parent: JupyterMessage }
  | { kind: "update"; displayId: string; content: Record<string, unknown>; parent: JupyterMessage };

export class IopubChannel {
  private pending: PendingOutput[] = [];
  private pendingChars = 0;
  private tokens = BURST_MESSAGES;
  private tokensCountedAt = Date.now();
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sender: SerialSender,
    private readonly signer: MessageSigner,
    private readonly session: string,
  ) {}

  /** Publishes a message at once, after any output buffered before it. */
  publish(msgType: string, content: Record<string, unknown>, parent: JupyterMessage | null): void {
    this.flush();
    this.sendMessage(msgType, content, parent);
  }

  writeStream(name: StreamName, text: string, parent: JupyterMessage): void {
    if (text === "") return;
    const last = this.pending[this.pending.length - 1];
    if (last?.kind === "stream" && last.name === name && last.parent === parent) last.text += text;
    else this.pending.push({ kind: "stream", name, text, parent });
    this.pendingChars += text.length;
    this.flushSoon();
  }

  /** Buffers an update_display_data; a newer update of the same display replaces an unsent one. */
  updateDisplay(displayId: string, content: Record<string, unknown>, parent: JupyterMessage): void {
    const unsent = this.pending.find((item) => item.kind === "update" && item.displayId === displayId);
    if (unsent?.kind === "update") {
      unsent.content = content;
      unsent.parent = parent;
    } else {
      this.pending.push({ kind: "update", displayId, content, parent });
    }
    this.flushSoon();
  }

  flush(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const items = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    for (const item of items) {
      if (item.kind === "stream") this.sendMessage("stream", { name: item.name, text: item.text }, item.parent);
      else this.sendMessage("update_display_data", item.content, item.parent);
    }
  }

  drained(): Promise<void> {
    this.flush();
    return this.sender.drained();
  }

  /**
   * A new cell gets the whole burst allowance back and an empty send queue: its first lines go out at
   * once even when the cell before it spent every token, and even if it then computes synchronously
   * for a long time (no timer can fire then to send buffered text).
   */
  async startCell(): Promise<void> {
    await this.drained();
    this.tokens = BURST_MESSAGES;
    this.tokensCountedAt = Date.now();
  }

  private flushSoon(): void {
    const now = Date.now();
    this.tokens = Math.min(BURST_MESSAGES, this.tokens + ((now - this.tokensCountedAt) / 1000) * MESSAGES_PER_SECOND);
    this.tokensCountedAt = now;
    if (this.tokens >= 1 || this.pendingChars >= STREAM_MAX_CHARS) {
      this.tokens = Math.max(0, this.tokens - 1);
      this.flush();
    } else if (this.flushTimer === null) {
      this.flushTimer = setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
    }
  }

  private sendMessage(msgType: string, content: Record<string, unknown>, parent: JupyterMessage | null): void {
    // iopub messages are broadcast, so they carry no routing identities.
    this.sender.send(this.signer.encode(createMessage(msgType, content, parent, this.session, [])));
  }
}
