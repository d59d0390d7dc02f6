// Fetch one file into place only when it is complete and verified: the bytes stream into a
// temporary file beside the destination while being hashed, and the rename happens last, so a
// cut connection or a tampered file never leaves something that looks like a good copy.
import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, renameSync, unlinkSync } from "node:fs";
import { open } from "node:fs/promises";
import { fileError } from "../fs-errors.js";
import { dirname } from "node:path";
import { DataError } from "../errors.js";

export type FetchFunction = (url: string, init?: { signal?: AbortSignal; redirect?: "manual" }) => Promise<Response>;

export interface DownloadOptions {
  url: string;
  destination: string;
  /** Expected SHA-256 of the downloaded bytes, lowercase hex. */
  sha256: string;
  /** Refuse responses larger than this many bytes (announced or actual). */
  maxBytes: number;
  /** Whole-download time limit in milliseconds (default 10 minutes). */
  timeoutMs?: number;
  /** Time limit for the server's first answer (default 30 s), so an offline machine falls back quickly. */
  connectTimeoutMs?: number;
  /** Replaceable for tests; the global fetch otherwise. */
  fetch?: FetchFunction;
}

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/**
 * HTTPS only, so nobody on the path can swap the file; plain HTTP is accepted for loopback
 * addresses alone, where the tests run their own server and no network is crossed.
 */
export function checkDownloadUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DataError(`download: ${url} is not a valid URL`);
  }
  const loopbackHttp = parsed.protocol === "http:" && LOOPBACK_HOSTS.has(parsed.hostname);
  if (parsed.protocol !== "https:" && !loopbackHttp) {
    throw new DataError(`download: refusing ${url}: only https:// URLs are allowed (plain http only for a server on this machine)`);
  }
  return parsed;
}

export async function downloadVerified(options: DownloadOptions): Promise<void> {
  const { url, destination, sha256, maxBytes } = options;
  checkDownloadUrl(url);
  const fetchFunction: FetchFunction = options.fetch ?? ((target, init) => fetch(target, init));
  const connecting = new AbortController();
  const connectTimer = setTimeout(() => connecting.abort(new DOMException("connect timeout", "TimeoutError")), options.connectTimeoutMs ?? 30_000);
  const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs ?? 10 * 60 * 1000), connecting.signal]);
  let response: Response;
  try {
    response = await fetchFollowingRedirects(url, fetchFunction, signal);
  } finally {
    clearTimeout(connectTimer);
  }
  if (!response.ok) {
    throw new DataError(`download: ${url} answered HTTP ${response.status} ${response.statusText}`.trimEnd());
  }
  const announced = Number(response.headers.get("content-length") ?? NaN);
  if (Number.isFinite(announced) && announced > maxBytes) {
    await response.body?.cancel();
    throw new DataError(`download: ${url} announces ${announced} bytes, more than the ${maxBytes} expected; not downloading`);
  }
  if (!response.body) throw new DataError(`download: ${url} answered with an empty body`);

  // A cache folder that cannot be made or written is a DataError like every other download failure, so the
  // loader falls back to the bundled subset with a note instead of stopping on a raw ENOTDIR / EACCES.
  try {
    mkdirSync(dirname(destination), { recursive: true });
  } catch (error) {
    await response.body.cancel().catch(() => undefined);
    throw fileError("download", "create the cache folder", dirname(destination), error);
  }
  const temporary = `${destination}.part-${process.pid}-${randomBytes(4).toString("hex")}`;
  let file: Awaited<ReturnType<typeof open>>;
  try {
    file = await open(temporary, "w");
  } catch (error) {
    await response.body.cancel().catch(() => undefined);
    throw fileError("download", "write into the cache folder", dirname(destination), error);
  }
  const hash = createHash("sha256");
  const reader = response.body.getReader();
  let received = 0;
  let completed = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (received === 0) checkLooksLikeGzip(value, url, response.headers.get("content-type"));
      received += value.byteLength;
      if (received > maxBytes) {
        throw new DataError(`download: ${url} sent more than the ${maxBytes} bytes expected; stopped`);
      }
      hash.update(value);
      await file.write(value);
    }
    if (received === 0) throw new DataError(`download: ${url} answered with an empty body`);
    const digest = hash.digest("hex");
    if (digest !== sha256) {
      throw new DataError(`download: ${url} does not match its known checksum (SHA-256 ${digest}, expected ${sha256}); the file was not kept`);
    }
    await file.sync();
    completed = true;
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    if (error instanceof DataError) throw error;
    throw new DataError(`download: ${url} failed after ${received} bytes: ${describeFetchError(error)}`);
  } finally {
    await file.close();
    if (!completed) removeQuietly(temporary);
  }
  try {
    renameSync(temporary, destination);
  } catch (error) {
    removeQuietly(temporary);
    throw fileError("download", "write", destination, error);
  }
}

const MAX_REDIRECTS = 5;

/**
 * Redirects are followed by hand so that each new location is checked before it is contacted:
 * a redirect may not lead from https to plain http.
 */
async function fetchFollowingRedirects(url: string, fetchFunction: FetchFunction, signal: AbortSignal): Promise<Response> {
  let current = url;
  for (let hop = 0; ; hop++) {
    let response: Response;
    try {
      response = await fetchFunction(current, { signal, redirect: "manual" });
    } catch (error) {
      throw new DataError(`download: cannot fetch ${current}: ${describeFetchError(error)}`);
    }
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || location === null) return response;
    await response.body?.cancel();
    if (hop === MAX_REDIRECTS) throw new DataError(`download: ${url} redirected more than ${MAX_REDIRECTS} times`);
    current = new URL(location, current).href;
    checkDownloadUrl(current);
  }
}

function checkLooksLikeGzip(firstChunk: Uint8Array, url: string, contentType: string | null): void {
  if (firstChunk.length >= 2 && firstChunk[0] === 0x1f && firstChunk[1] === 0x8b) return;
  const start = new TextDecoder().decode(firstChunk.subarray(0, 256)).trimStart().toLowerCase();
  if ((contentType ?? "").includes("html") || start.startsWith("<!doctype html") || start.startsWith("<html") || start.startsWith("<")) {
    throw new DataError(`download: ${url} sent an HTML page instead of gzip data (a captive portal, proxy or error page?); nothing was kept`);
  }
  const firstBytes = Array.from(firstChunk.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new DataError(`download: ${url} did not send gzip data (it starts with bytes ${firstBytes}, gzip starts with 1f 8b); nothing was kept`);
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === "TimeoutError" || error.name === "AbortError") return "timed out";
  // Node's fetch hides the useful part (ENOTFOUND, ECONNREFUSED, ...) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: nothing to clean.
  }
}
