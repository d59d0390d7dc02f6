// A static file server on 127.0.0.1 for the browser tests and `npm run bench -- --browser`: files under `root`, reached at /plain/… as any
// host serves them, and at /isolated/… with the two headers that make a page cross-origin isolated
// (Cross-Origin-Opener-Policy: same-origin, Cross-Origin-Embedder-Policy: require-corp), so one server
// serves both thread modes. Extra in-memory pages can be added (`pages`).
import { createReadStream, existsSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, normalize, sep } from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm", ".json": "application/json", ".map": "application/json", ".css": "text/css",
  ".svg": "image/svg+xml", ".png": "image/png", ".gz": "application/gzip", ".ipynb": "application/json",
};

export interface StaticServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  close(): Promise<void>;
}

export const ISOLATION_HEADERS = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
};

export async function serveStatic(root: string, pages: Record<string, string> = {}): Promise<StaticServer> {
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const match = /^\/(plain|isolated)(\/.*)$/.exec(decodeURIComponent(url.pathname));
    if (!match) { response.writeHead(404).end(); return; }
    const headers: Record<string, string> = { "Cache-Control": "no-store", ...(match[1] === "isolated" ? ISOLATION_HEADERS : {}) };
    let path = match[2].endsWith("/") ? `${match[2]}index.html` : match[2];
    if (pages[path] !== undefined) {
      response.writeHead(200, { ...headers, "Content-Type": TYPES[extname(path)] ?? "text/plain" }).end(pages[path]);
      return;
    }
    path = normalize(join(root, path));
    if (!path.startsWith(root + sep) || !existsSync(path) || !statSync(path).isFile()) { response.writeHead(404, headers).end(); return; }
    response.writeHead(200, { ...headers, "Content-Type": TYPES[extname(path)] ?? "application/octet-stream" });
    createReadStream(path).pipe(response);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
