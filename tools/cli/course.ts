// What every `convlab` command needs to know before it loads any tooling: which course it works on, and
// whether the optional tooling packages (peer dependencies: a library user never installs them) are there.
import { existsSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The convlab package this command belongs to (this repository, or node_modules/convlab in a course).
 * tools/lessons/files.ts has the same function, but importing it loads markdown-it, which may be missing.
 */
export function convlabRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(folder, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "convlab") return folder;
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no convlab package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
}

/** Raised for a usage problem the user fixes (no lessons/ folder, a missing package): printed without a stack. */
export class CliError extends Error {
  override name = "CliError";
}

/** The course repository: the nearest folder at or above `from` with a lessons/ folder. */
export function findCourseRoot(from: string): string {
  let folder = resolve(from);
  for (;;) {
    const lessons = join(folder, "lessons");
    if (existsSync(lessons) && statSync(lessons).isDirectory()) return folder;
    const parent = dirname(folder);
    if (parent === folder) {
      throw new CliError(
        `convlab: no lessons/ folder in ${resolve(from)} or any folder above it. Run convlab inside a course ` +
          "repository: a folder with lessons/NN-name.md files (see the authoring guide in convlab's tools/lessons/README.md).",
      );
    }
    folder = parent;
  }
}

/** The tooling packages each command loads (tslab brings zeromq with it). */
export type Peer = "markdown-it" | "katex" | "highlight.js" | "minisearch" | "tslab" | "zeromq";

const requireFromHere = createRequire(import.meta.url);

function resolvable(name: string): boolean {
  for (const request of [name, `${name}/package.json`]) {
    try {
      requireFromHere.resolve(request);
      return true;
    } catch {
      // a package whose exports hide one of the two requests still resolves the other
    }
  }
  return false;
}

/** Throws a CliError naming what to install when a peer the command needs cannot be loaded. */
export function requirePeers(command: string, peers: Peer[]): void {
  const missing = peers.filter((name) => !resolvable(name));
  if (missing.length === 0) return;
  const manifest = JSON.parse(readFileSync(join(convlabRoot(), "package.json"), "utf8")) as { peerDependencies: Record<string, string> };
  // zeromq arrives with tslab; name it on its own only when tslab is there but zeromq is not (strict installers).
  const toInstall = missing.filter((name) => name !== "zeromq" || !missing.includes("tslab"));
  const specs = toInstall.map((name) => `${name}@"${manifest.peerDependencies[name]}"`);
  throw new CliError(
    `convlab ${command} needs ${missing.join(", ")}, which ${missing.length === 1 ? "is" : "are"} not installed. ` +
      "The lesson tooling is optional (the library does not need it); install it in your course repository:\n" +
      `  npm install --save-dev ${specs.join(" ")}`,
  );
}
