// The IDX format of LeCun's MNIST files, which Fashion-MNIST reuses: a 4-byte magic number
// (two zero bytes, a type code, the number of dimensions), one big-endian uint32 per dimension,
// then the values in row-major order. Files come raw or gzip-compressed; we detect which by content.
// This file is the format alone (no file access), shared by Node (idx.ts) and the browser build.
import { DataError } from "../errors.js";

/** Magic number of an IDX file of unsigned bytes with one dimension (labels). */
export const IDX_LABELS_MAGIC = 0x00000801;
/** Magic number of an IDX file of unsigned bytes with three dimensions (images N×rows×cols). */
export const IDX_IMAGES_MAGIC = 0x00000803;

const UNSIGNED_BYTE_TYPE = 0x08;
// The largest official file inflates to 47,040,016 bytes; a bound well above it stops a gzip bomb
// from filling memory while leaving room for larger IDX datasets.
export const DEFAULT_MAX_INFLATED_BYTES = 512 * 1024 * 1024;

export interface IdxArray {
  magic: number;
  shape: number[];
  /** The values, a view into the decompressed file (no copy). */
  data: Uint8Array;
}

/** True when the bytes start with gzip's magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Parse IDX bytes (already decompressed). `expectedMagic` is checked when given, so a labels file
 * passed where images are expected is caught here rather than as a strange shape later.
 */
export function parseIdx(bytes: Uint8Array, fileName: string, expectedMagic?: number): IdxArray {
  if (bytes.length < 4) {
    throw new DataError(`readIdx: ${fileName} is too short to be an IDX file (${bytes.length} bytes)`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  const typeCode = bytes[2];
  const ndim = bytes[3];
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DataError(`readIdx: ${fileName} has magic number ${hex(magic)}, which is not an IDX magic number (expected 0x0000TTDD)`);
  }
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new DataError(`readIdx: ${fileName} has magic number ${hex(magic)}, expected ${hex(expectedMagic)} (${describeMagic(expectedMagic)})`);
  }
  if (typeCode !== UNSIGNED_BYTE_TYPE) {
    throw new DataError(`readIdx: ${fileName} has IDX type code ${hex(typeCode, 2)}; only unsigned bytes (0x08) are supported`);
  }
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) {
    throw new DataError(`readIdx: ${fileName} is truncated inside its header (${bytes.length} bytes, the header of a ${ndim}-dimensional IDX file needs ${headerBytes})`);
  }
  const shape: number[] = [];
  for (let d = 0; d < ndim; d++) shape.push(view.getUint32(4 + 4 * d, false));
  const expectedValues = shape.reduce((product, size) => product * size, 1);
  const foundValues = bytes.length - headerBytes;
  if (foundValues < expectedValues) {
    throw new DataError(`readIdx: ${fileName} is truncated: its header declares shape [${shape.join(", ")}] (${expectedValues} bytes of data) but only ${foundValues} bytes follow`);
  }
  if (foundValues > expectedValues) {
    const extra = foundValues - expectedValues;
    throw new DataError(`readIdx: ${fileName} has ${extra} unexpected ${extra === 1 ? "byte" : "bytes"} after the ${expectedValues} declared by its header [${shape.join(", ")}]`);
  }
  return { magic, shape, data: bytes.subarray(headerBytes) };
}

function hex(value: number, digits = 8): string {
  return "0x" + value.toString(16).padStart(digits, "0");
}

function describeMagic(magic: number): string {
  if (magic === IDX_LABELS_MAGIC) return "an IDX labels file: unsigned bytes, 1 dimension";
  if (magic === IDX_IMAGES_MAGIC) return "an IDX images file: unsigned bytes, 3 dimensions";
  return "IDX";
}

/** The IDX bytes of an unsigned-byte array: the inverse of parseIdx (used to make the bundled subset). */
export function encodeIdx(shape: readonly number[], data: Uint8Array): Uint8Array {
  const expectedValues = shape.reduce((product, size) => product * size, 1);
  if (data.length !== expectedValues) {
    throw new DataError(`encodeIdx: shape [${shape.join(", ")}] needs ${expectedValues} bytes, got ${data.length}`);
  }
  const bytes = new Uint8Array(4 + 4 * shape.length + data.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, (UNSIGNED_BYTE_TYPE << 8) | shape.length, false);
  shape.forEach((size, d) => view.setUint32(4 + 4 * d, size, false));
  bytes.set(data, 4 + 4 * shape.length);
  return bytes;
}
