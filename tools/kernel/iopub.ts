// Ordered, lossless publishing on the iopub channel.
//
// tslab sends one message per process.stdout.write without waiting for the socket, and
// zeromq.js rejects a send while another one is still in flight, so a tight loop of console.log
// loses output. Here every send waits for the previous one, and stream text is coalesced:
// writes are buffered and flushed as one message at most every STREAM_FLUSH_MS, when another
// kind of output must keep its place after them, and when the cell ends.
import type { JupyterMessage, MessageSigner } from "./wire.js";
import { createMessage } from "./wire.js";

/** The part of a zeromq socket we need; the Publisher, Router and Reply sockets all have it. */
export interface SendingSocket {
  send(frames: Buffer[]): Promise<void>;
}

export type StreamName = "stdout" | "stderr";

const STREAM_FLUSH_MS = 50;
/** Above this many buffered characters a message is sent even inside a synchronous loop. */
const STREAM_MAX_CHARS = 256 * 1024;

/** Sends frames one after another; a failed send is reported but does not stop later ones. */
export class SerialSender {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly socket: SendingSocket, private readonly onError: (error: unknown) => void) {}

  send(frames: Buffer[]): Promise<void> {
    this.tail = this.tail.then(() => this.socket.send(frames)).catch(this.onError);
    return this.tail;
  }

  /** Resolves once everything queued so far has been handed to ZeroMQ. */
  drained(): Promise<void> {
    return this.tail;
  }
}

interface PendingStream {
  name: StreamName;
  text: string;
  parent: JupyterMessage;
}

export class IopubChannel {
  private pendingStreams: PendingStream[] = [];
  private pendingChars = 0;
  private flushTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly sender: SerialSender,
    private readonly signer: MessageSigner,
    private readonly session: string,
  ) {}

  /** Publishes a non-stream message, after any stream text written before it. */
  publish(msgType: string, content: Record<string, unknown>, parent: JupyterMessage | null): void {
    this.flushStreams();
    this.sendMessage(msgType, content, parent);
  }

  writeStream(name: StreamName, text: string, parent: JupyterMessage): void {
    if (text === "") return;
    const last = this.pendingStreams[this.pendingStreams.length - 1];
    if (last && last.name === name && last.parent === parent) last.text += text;
    else this.pendingStreams.push({ name, text, parent });
    this.pendingChars += text.length;
    if (this.pendingChars >= STREAM_MAX_CHARS) this.flushStreams();
    else if (this.flushTimer === null) this.flushTimer = setTimeout(() => this.flushStreams(), STREAM_FLUSH_MS);
  }

  flushStreams(): void {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const streams = this.pendingStreams;
    this.pendingStreams = [];
    this.pendingChars = 0;
    for (const { name, text, parent } of streams) this.sendMessage("stream", { name, text }, parent);
  }

  drained(): Promise<void> {
    this.flushStreams();
    return this.sender.drained();
  }

  private sendMessage(msgType: string, content: Record<string, unknown>, parent: JupyterMessage | null): void {
    // iopub messages are broadcast, so they carry no routing identities.
    const message = createMessage(msgType, content, parent, this.session, []);
    void this.sender.send(this.signer.encode(message));
  }
}
