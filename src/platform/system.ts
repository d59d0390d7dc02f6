// The host, seen from Node: environment variables, cores, memory, the terminal.
import { availableParallelism, totalmem } from "node:os";

/** An environment variable, or undefined (a browser has none). */
export function environmentVariable(name: string): string | undefined {
  return process.env[name];
}

/** Cores the WebAssembly kernels may use: two threads need two. */
export function usableCores(): number {
  return availableParallelism();
}

/** Why a second thread is impossible here, or null when it is possible (Node: always possible). */
export function noSecondThreadReason(): string | null {
  return null;
}

/** Bytes of memory the machine has: no tensor may be larger. */
export function machineBytes(): number {
  return totalmem();
}

/** Whether standard output is a terminal (the training progress bar's choice). */
export function isTerminal(): boolean {
  return process.stdout.isTTY === true;
}

export function writeLine(text: string): void {
  process.stdout.write(text + "\n");
}

/** Bytes as base64 (figures' embedded images). */
export function bytesToBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}
