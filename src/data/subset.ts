// The Fashion-MNIST subset committed to the repository (data/fashion-mnist-subset), which lets
// every lesson run offline on a fresh clone. tools/data/make-subset.ts makes it from the real files;
// its SHA256SUMS file is checked at every load so a damaged checkout is reported, not trained on.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DataError } from "../errors.js";
import { fileError } from "../fs-errors.js";
import { parseChecksums } from "./fashion-mnist-files.js";

export const SUBSET_FOLDER = join("data", "fashion-mnist-subset");
export const CHECKSUMS_FILE = "SHA256SUMS";

/**
 * The bundled subset's folder: found by walking up from this module, which sits at
 * src/data (tests, tsx) or dist/src/data (the built package) below the package root.
 */
export function bundledSubsetDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = join(dir, SUBSET_FOLDER);
    if (existsSync(join(candidate, CHECKSUMS_FILE))) return candidate;
    dir = resolve(dir, "..");
  }
  return null;
}

/** Check the named files in `dir` against its SHA256SUMS; throw a DataError naming the first bad one. */
/** readFileSync with a DataError naming the file (a directory or an unreadable file in its place). */
function readOrThrow(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw fileError("loadFashionMnist", "read", path, error);
  }
}

export function verifyChecksums(dir: string, names: readonly string[]): void {
  const sumsPath = join(dir, CHECKSUMS_FILE);
  if (!existsSync(sumsPath)) throw new DataError(`loadFashionMnist: ${sumsPath} is missing`);
  const sums = parseChecksums(readOrThrow(sumsPath).toString("utf8"), sumsPath);
  for (const name of names) {
    const path = join(dir, name);
    const expected = sums.get(name);
    if (expected === undefined) throw new DataError(`loadFashionMnist: ${sumsPath} lists no checksum for ${name}`);
    if (!existsSync(path)) throw new DataError(`loadFashionMnist: ${path} is missing`);
    const actual = createHash("sha256").update(readOrThrow(path)).digest("hex");
    if (actual !== expected) {
      throw new DataError(`loadFashionMnist: checksum mismatch for ${path}: SHA-256 ${actual}, ${CHECKSUMS_FILE} says ${expected}`);
    }
  }
}

/**
 * The indices the subset keeps: the first `perClass` samples of each class, in file order.
 * File order is already random, so a prefix of the subset is close to balanced too.
 */
export function firstPerClass(labels: ArrayLike<number>, perClass: number, classCount: number): number[] {
  const taken = new Array<number>(classCount).fill(0);
  const kept: number[] = [];
  for (let i = 0; i < labels.length; i++) {
    if (taken[labels[i]] < perClass) {
      taken[labels[i]]++;
      kept.push(i);
    }
  }
  const short = taken.findIndex((n) => n < perClass);
  if (short >= 0) throw new DataError(`firstPerClass: class ${short} has only ${taken[short]} samples, ${perClass} requested`);
  return kept;
}
