// `prepare` script of this repository (runs after `npm install` / `npm ci` here, never when convlab is installed
// from a tarball or the registry): links node_modules/convlab -> .. so this repository's notebooks and lessons
// import "convlab" the way a course repository that depends on convlab does. The link used to be a
// `"convlab": "file:."` dependency, which leaked into the published manifest and broke end users' installs.
// Plain JavaScript: it runs before anything is built.
import { lstatSync, mkdirSync, readlinkSync, symlinkSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const link = join(root, "node_modules", "convlab");

function existing(path) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

// A copy of this repository inside someone's node_modules (a git dependency being prepared) needs no link.
if (root.split(/[\\/]/).includes("node_modules")) process.exit(0);

const stat = existing(link);
if (stat?.isSymbolicLink() && resolve(dirname(link), readlinkSync(link)) === root) process.exit(0);
if (stat) {
  console.warn(`convlab prepare: ${link} exists and is not a link to this repository; leaving it (notebooks here import it)`);
  process.exit(0);
}
mkdirSync(dirname(link), { recursive: true });
// A junction on Windows needs no privileges; elsewhere a relative link survives moving the checkout.
if (process.platform === "win32") symlinkSync(root, link, "junction");
else symlinkSync("..", link);
console.log("convlab prepare: linked node_modules/convlab -> .. (notebooks in this repository import the working copy)");
