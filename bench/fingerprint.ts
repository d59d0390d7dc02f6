// Which build of convlab a worker ran: a hash of the compiled library and its wasm kernels. In a tree where
// others rebuild dist/ while a bench runs, rounds can measure different code; the bench warns when they do.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DIST = fileURLToPath(new URL("..", import.meta.url)); // dist/bench/.. = dist/

function files(dir: string, extensions: string[]): string[] {
  let found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found = found.concat(files(path, extensions));
    else if (extensions.some((e) => entry.name.endsWith(e))) found.push(path);
  }
  return found.sort();
}

/** First 12 hex digits of SHA-256 over dist/src/**.js and dist/wasm/*.wasm (names and contents). */
export function convlabBuildFingerprint(): string {
  const hash = createHash("sha256");
  for (const path of [...files(join(DIST, "src"), [".js"]), ...files(join(DIST, "wasm"), [".wasm"])]) {
    hash.update(path.slice(DIST.length)).update(readFileSync(path));
  }
  return hash.digest("hex").slice(0, 12);
}
