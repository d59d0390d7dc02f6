// The iopub channel's rate limiter, driven with a recording socket and a frozen clock, so timing on a
// loaded machine cannot decide the outcome (the end-to-end version lives in kernel-protocol.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { IopubChannel, SerialSender, type SendingSocket } from "../../tools/jupyter-kernel/iopub.js";
import { createMessage, MessageSigner, type JupyterMessage } from "../../tools/jupyter-kernel/wire.js";

const signer = new MessageSigner("");

function recordingChannel(): { channel: IopubChannel; sent: JupyterMessage[] } {
  const sent: JupyterMessage[] = [];
  const socket: SendingSocket = {
    send: async (frames) => {
      sent.push(signer.decode(frames));
    },
  };
  const channel = new IopubChannel(new SerialSender(socket, (error) => { throw error; }), signer, "session");
  return { channel, sent };
}

const streams = (sent: JupyterMessage[]) => sent.filter((m) => m.header.msg_type === "stream").map((m) => m.content.text);

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
  vi.setSystemTime(new Date("2026-11-26T00:00:00Z"));
});
afterEach(() => vi.useRealTimers());

describe("iopub rate limiting", () => {
  it("the first 50 writes go out one by one; later ones wait for tokens and go out together", () => {
    const { channel, sent } = recordingChannel();
    const cell = createMessage("execute_request", {}, null, "client");
    for (let i = 0; i < 80; i++) channel.writeStream("stdout", `line ${i}\n`, cell);
    expect(streams(sent)).toHaveLength(50);
    channel.flush();
    expect(streams(sent)).toHaveLength(51);
    expect(streams(sent).join("")).toBe(Array.from({ length: 80 }, (_, i) => `line ${i}\n`).join(""));
  });

  it("a new cell starts with the whole allowance: its first line is sent at once, with no time passing", async () => {
    const { channel, sent } = recordingChannel();
    const first = createMessage("execute_request", {}, null, "client");
    for (let i = 0; i < 200; i++) channel.writeStream("stdout", `spend ${i}\n`, first);
    channel.flush();
    const before = sent.length;

    const second = createMessage("execute_request", {}, null, "client");
    await channel.startCell();
    channel.writeStream("stdout", "epoch 1 done\n", second);
    // Sent synchronously: a cell that now computes for a long time without yielding still shows it.
    expect(sent.slice(before).map((m) => m.content.text)).toEqual(["epoch 1 done\n"]);
  });

  it("without a new cell, a write after the allowance is spent waits for a token (the limiter is real)", () => {
    const { channel, sent } = recordingChannel();
    const cell = createMessage("execute_request", {}, null, "client");
    for (let i = 0; i < 200; i++) channel.writeStream("stdout", `spend ${i}\n`, cell);
    channel.flush();
    const before = sent.length;
    channel.writeStream("stdout", "held\n", cell);
    expect(sent.length).toBe(before);
    vi.advanceTimersByTime(60);
    expect(sent.slice(before).map((m) => m.content.text)).toEqual(["held\n"]);
  });
});
