// Shared test helpers: small IDX files made by hand, temporary folders, the official gzip files
// rebuilt from Debian's copies, and a local HTTP server for the download code.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
export const debianPresent = existsSync(join(DEBIAN_DIR, "train-images-idx3-ubyte.gz"));
if (!debianPresent) {
  console.warn(`SKIPPING the tests that need the real Fashion-MNIST files: ${DEBIAN_DIR} is missing (apt install dataset-fashion-mnist)`);
}

/** IDX bytes written field by field (independently of the library's encoder). */
export function idxBytes(magic: number, dims: number[], values: number[]): Uint8Array {
  const bytes = Buffer.alloc(4 + 4 * dims.length + values.length);
  bytes.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => bytes.writeUInt32BE(d, 4 + 4 * i));
  values.forEach((v, i) => (bytes[4 + 4 * dims.length + i] = v));
  return new Uint8Array(bytes);
}

const temporaryDirs: string[] = [];
export function tempDir(prefix = "convlab-data-"): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  temporaryDirs.push(dir);
  return dir;
}
export function removeTempDirs(): void {
  for (const dir of temporaryDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Debian recompressed the files without the stored file name (FLG.FNAME) and with a 2020 MTIME;
 * the deflate streams are the originals'. Restoring the header (name + the original MTIME, found
 * by searching timestamps until the official SHA-256 matched) gives the official files back.
 */
export const ORIGINAL_GZIP_MTIME: Record<string, number> = {
  "train-images-idx3-ubyte.gz": 1504176606,
  "train-labels-idx1-ubyte.gz": 1504176606,
  "t10k-images-idx3-ubyte.gz": 1504176627,
  "t10k-labels-idx1-ubyte.gz": 1504176627,
};
export function officialGzipFromDebian(name: string): Buffer {
  const debian = readFileSync(join(DEBIAN_DIR, name));
  if (debian[3] !== 0) throw new Error(`${name}: Debian's gzip header has flags ${debian[3]}, expected none`);
  const header = Buffer.from(debian.subarray(0, 10));
  header[3] = 0x08; // FNAME: a zero-terminated original file name follows the header
  header.writeUInt32LE(ORIGINAL_GZIP_MTIME[name], 4);
  return Buffer.concat([header, Buffer.from(name.replace(/\.gz$/, "") + "\0", "latin1"), debian.subarray(10)]);
}

export type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** An HTTP server on 127.0.0.1 with one handler per path; close it with `close()`. */
export async function localServer(routes: Record<string, Route>): Promise<{ baseUrl: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(request.url ?? "");
    const route = routes[request.url ?? ""];
    if (route) route(request, response);
    else response.writeHead(404, { "content-type": "text/plain" }).end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections(); // including requests a test left unanswered on purpose
    }),
  };
}

/** A route that answers 200 with these bytes. */
export function serveBytes(bytes: Uint8Array, contentType = "application/octet-stream"): Route {
  return (_request, response) => {
    response.writeHead(200, { "content-type": contentType, "content-length": String(bytes.length) });
    response.end(bytes);
  };
}
