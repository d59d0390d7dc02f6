// The host, seen from a browser page or worker: no environment, cores only when the page may share memory.

export function environmentVariable(_name: string): string | undefined {
  return undefined;
}

/** Two threads need a helper worker sharing memory, which a page gets only when cross-origin isolated. */
export function noSecondThreadReason(): string | null {
  if (globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === "function") return null;
  return "this page is not cross-origin isolated, so it cannot share memory with a worker "
    + "(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp)";
}

export function usableCores(): number {
  return noSecondThreadReason() === null ? (globalThis.navigator?.hardwareConcurrency ?? 1) : 1;
}

/** Browsers do not say; navigator.deviceMemory (Chromium, in GiB, capped at 8) when there, else 4 GiB. */
export function machineBytes(): number {
  const gib = (globalThis.navigator as { deviceMemory?: number } | undefined)?.deviceMemory;
  return (typeof gib === "number" && gib > 0 ? gib : 4) * 2 ** 30;
}

export function isTerminal(): boolean {
  return false;
}

export function writeLine(text: string): void {
  console.log(text);
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
