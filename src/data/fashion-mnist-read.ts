// Reading one split of Fashion-MNIST from a folder, checking the files against the known digests.
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DataError } from "../errors.js";
import type { Tensor } from "../tensor/tensor.js";
import { FASHION_MNIST_FILES, type FashionMnistFile, type Split } from "./fashion-mnist-files.js";
import { gunzipFile, isGzip, parseIdx } from "./idx.js";
import { fileError } from "../fs-errors.js";
import { toTensors } from "./fashion-mnist-tensors.js";

export { toTensors } from "./fashion-mnist-tensors.js";

export interface SplitTensors {
  /** N×1×28×28 float32 in [0, 1]. */
  images: Tensor;
  /** N int32 class indices. */
  labels: Tensor;
  /** True when both files match the official content digests. */
  verified: boolean;
}

/** The path of `file` in `dir`, gzip-compressed or raw (the .gz is preferred), or null. */
export function findFile(dir: string, file: FashionMnistFile): string | null {
  const rawName = file.name.replace(/\.gz$/, "");
  for (const name of [file.name, rawName]) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return null;
}

/** True when both files of the split are present in `dir` (whatever their state). */
export function hasSplitFiles(dir: string, split: Split): boolean {
  const files = FASHION_MNIST_FILES[split];
  return findFile(dir, files.images) !== null && findFile(dir, files.labels) !== null;
}

function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

interface CheckedIdx {
  content: Uint8Array;
  verified: boolean;
}

/** Read one file, decompress it when it is gzip, and compare its IDX bytes with the official digest. */
function readChecked(path: string, file: FashionMnistFile): CheckedIdx {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw fileError("loadFashionMnist", "read", path, error);
  }
  const content = isGzip(bytes) ? gunzipFile(bytes, path) : bytes;
  return { content, verified: content.length === file.contentBytes && sha256(content) === file.contentSha256 };
}

/**
 * Load a split from `dir`. With `requireOfficial`, a file whose content is not the official one is a
 * DataError (for locations that hold copies of the real files: the cache, Debian's package).
 */
export function readSplit(dir: string, split: Split, requireOfficial: boolean): SplitTensors {
  const files = FASHION_MNIST_FILES[split];
  const imagesPath = findFile(dir, files.images);
  const labelsPath = findFile(dir, files.labels);
  if (imagesPath === null || labelsPath === null) {
    const missing = [imagesPath === null ? files.images.name : null, labelsPath === null ? files.labels.name : null].filter(Boolean);
    throw new DataError(`loadFashionMnist: ${dir} has no ${missing.join(" or ")} (raw or .gz)`);
  }
  const imagesFile = readChecked(imagesPath, files.images);
  const labelsFile = readChecked(labelsPath, files.labels);
  if (requireOfficial) {
    for (const [path, checked] of [[imagesPath, imagesFile], [labelsPath, labelsFile]] as const) {
      if (!checked.verified) {
        throw new DataError(`loadFashionMnist: ${path} does not match the official Fashion-MNIST checksum (corrupted or a different file)`);
      }
    }
  }
  const images = parseIdx(imagesFile.content, imagesPath, files.images.magic);
  const labels = parseIdx(labelsFile.content, labelsPath, files.labels.magic);
  return {
    ...toTensors(images.shape, images.data, imagesPath, labels.shape, labels.data, labelsPath),
    verified: imagesFile.verified && labelsFile.verified,
  };
}
