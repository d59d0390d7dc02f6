// The IDX format of LeCun's MNIST files, which Fashion-MNIST reuses: a 4-byte magic number
// (two zero bytes, a type code, the number of dimensions), one big-endian uint32 per dimension,
// then the values in row-major order. Files come raw or gzip-compressed; we detect which by content.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { DataError } from "../errors.js";
import { fileError } from "../fs-errors.js";
import { DEFAULT_MAX_INFLATED_BYTES, isGzip, parseIdx, type IdxArray } from "./idx-format.js";

export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, encodeIdx, isGzip, parseIdx, type IdxArray } from "./idx-format.js";

/** Decompress gzip data, turning zlib's terse errors into a DataError that names the file. */
export function gunzipFile(bytes: Uint8Array, fileName: string, maxInflatedBytes = DEFAULT_MAX_INFLATED_BYTES): Uint8Array {
  try {
    return gunzipSync(bytes, { maxOutputLength: maxInflatedBytes });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const hint = /unexpected end/i.test(reason)
      ? "the file is truncated (an interrupted download?)"
      : "the file is corrupted";
    throw new DataError(`readIdx: ${fileName} is not a valid gzip file (${reason}): ${hint}; delete it and fetch it again`);
  }
}

/** Read an IDX file from disk, gzip-compressed or raw. */
export function readIdx(path: string, expectedMagic?: number): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw fileError("readIdx", "read", path, error);
  }
  return parseIdx(isGzip(bytes) ? gunzipFile(bytes, path) : bytes, path, expectedMagic);
}

