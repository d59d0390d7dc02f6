// The Jupyter wire protocol: how one message is laid out in ZeroMQ frames and signed.
// https://jupyter-client.readthedocs.io/en/latest/messaging.html#the-wire-protocol
import { createHmac, randomUUID } from "node:crypto";

/** The protocol version this kernel speaks; 5.3 lets validators accept the newer fields we send. */
export const PROTOCOL_VERSION = "5.3";

const DELIMITER = Buffer.from("<IDS|MSG>");

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage {
  /** ZeroMQ routing identities of the requesting client; replies must carry them back. */
  identities: Buffer[];
  header: MessageHeader;
  parentHeader: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: Record<string, any>;
  buffers: Buffer[];
}

/** Computes and checks message signatures with the connection file's key. */
export class MessageSigner {
  constructor(private readonly key: string, private readonly scheme = "hmac-sha256") {}

  sign(frames: (string | Buffer)[]): string {
    // An empty key switches authentication off (allowed by the protocol).
    if (this.key === "") return "";
    const hmac = createHmac(this.scheme.replace(/^hmac-/, ""), this.key);
    for (const frame of frames) hmac.update(frame);
    return hmac.digest("hex");
  }

  /** Parses raw frames from a ROUTER socket; throws on a bad signature so forged messages never run code. */
  decode(frames: Buffer[]): JupyterMessage {
    const delimiterAt = frames.findIndex((frame) => frame.equals(DELIMITER));
    if (delimiterAt < 0) throw new Error("jupyter message without <IDS|MSG> delimiter");
    const signature = frames[delimiterAt + 1].toString();
    const parts = frames.slice(delimiterAt + 2, delimiterAt + 6);
    if (parts.length !== 4) throw new Error("jupyter message with fewer than 4 parts");
    const expected = this.sign(parts);
    if (signature !== expected) throw new Error("jupyter message with an invalid signature");
    return {
      identities: frames.slice(0, delimiterAt),
      header: JSON.parse(parts[0].toString()),
      parentHeader: JSON.parse(parts[1].toString()),
      metadata: JSON.parse(parts[2].toString()),
      content: JSON.parse(parts[3].toString()),
      buffers: frames.slice(delimiterAt + 6),
    };
  }

  encode(message: JupyterMessage): Buffer[] {
    const parts = [message.header, message.parentHeader, message.metadata, message.content].map((part) =>
      Buffer.from(JSON.stringify(part)),
    );
    return [...message.identities, DELIMITER, Buffer.from(this.sign(parts)), ...parts, ...message.buffers];
  }
}

/** Builds a new message of `msgType` in reply to (or on behalf of) `parent`. */
export function createMessage(
  msgType: string,
  content: Record<string, unknown>,
  parent: JupyterMessage | null,
  session: string,
  identities: Buffer[] = parent?.identities ?? [],
): JupyterMessage {
  return {
    identities,
    header: {
      msg_id: randomUUID(),
      session,
      username: parent?.header.username ?? "kernel",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parentHeader: parent?.header ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}
