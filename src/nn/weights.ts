// Saving and loading a model's parameters in the safetensors layout: an 8-byte little-endian header length,
// a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian float32 values.
// The layout is documented at huggingface.co/docs/safetensors, so the files also open from Python.
import { readFileSync, renameSync, unlinkSync, writeFileSync } from "../platform/files.js";
import { bumpVersion } from "../autograd/version.js";
import { fileError } from "../fs-errors.js";
import { DataError, ShapeError, ValueError } from "../errors.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Module } from "./module.js";
import { typeName } from "../tensor/arguments.js";

interface HeaderEntry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** A header larger than this is refused before it is parsed (safetensors uses the same 100 MB bound). */
const MAX_HEADER_BYTES = 100_000_000;

/** The bytes of a weights file for these named tensors (float32, little-endian). */
export function encodeWeights(named: [string, Tensor][], metadata: Record<string, string> = {}): Uint8Array {
  checkMetadata(metadata, "saveWeights");
  const header: Record<string, unknown> = { __metadata__: { format: "convlab", ...metadata } };
  let offset = 0;
  for (const [name, t] of named) {
    header[name] = { dtype: "F32", shape: [...t.shape], data_offsets: [offset, offset + t.size * 4] };
    offset += t.size * 4;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + json.length) % 8)) % 8); // align the data to 8 bytes, as safetensors writers do
  const headerBytes = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + headerBytes.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let at = 8 + headerBytes.length;
  for (const [, t] of named) {
    for (let i = 0; i < t.size; i++, at += 4) view.setFloat32(at, t.data[i], true);
  }
  return out;
}

/** safetensors' __metadata__ maps strings to strings; anything else would make a file other readers refuse. */
function checkMetadata(metadata: unknown, op: string, source?: string): void {
  const where = source === undefined ? "metadata" : `${source}: __metadata__`;
  if (metadata === null || typeof metadata !== "object" || Array.isArray(metadata)) {
    const message = `${op}: ${where} must be an object of string values, but got ${JSON.stringify(metadata)}`;
    throw source === undefined ? new ValueError(message) : new DataError(message);
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== "string") {
      const message = `${op}: ${where} value for '${key}' must be a string (safetensors metadata is string to string), but got ${JSON.stringify(value) ?? typeof value}`;
      throw source === undefined ? new ValueError(message) : new DataError(message);
    }
  }
}

/** Parses and checks a weights file completely before allocating any tensor. */
export function decodeWeights(bytes: Uint8Array, source = "weights"): { tensors: Map<string, Tensor>; metadata: Record<string, string> } {
  if (bytes.length < 8) throw new DataError(`loadWeights: ${source} is ${bytes.length} bytes, too short for a header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > bytes.length) {
    throw new DataError(`loadWeights: ${source} claims a ${headerLength}-byte header but holds ${bytes.length} bytes in all`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    throw new DataError(`loadWeights: ${source} has a header that is not JSON (${(error as Error).message})`);
  }
  if (header === null || typeof header !== "object" || Array.isArray(header)) {
    throw new DataError(`loadWeights: ${source} has a header that is ${JSON.stringify(header)}, not a JSON object of tensors`);
  }
  if (header.__metadata__ !== undefined) checkMetadata(header.__metadata__, "loadWeights", source);
  const dataBytes = bytes.length - 8 - headerLength;
  const entries: [string, HeaderEntry][] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    const entry = value as HeaderEntry;
    if (entry?.dtype !== "F32") throw new DataError(`loadWeights: ${source}: tensor '${name}' has dtype ${JSON.stringify(entry?.dtype)}; only F32 is supported`);
    const shape = entry.shape;
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || d < 0)) {
      throw new DataError(`loadWeights: ${source}: tensor '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    const count = shape.reduce((p, d) => p * d, 1);
    const [begin, end] = entry.data_offsets ?? [];
    if (!Number.isSafeInteger(begin) || !Number.isSafeInteger(end) || begin < 0 || end !== begin + count * 4 || end > dataBytes) {
      throw new DataError(`loadWeights: ${source}: tensor '${name}' of shape ${formatShape(shape)} claims bytes [${begin}, ${end}) but the file holds ${dataBytes} bytes of data`);
    }
    entries.push([name, entry]);
  }
  // safetensors: no two tensors may share bytes. Sorted by offset, each (non-empty) tensor starts at or after the end
  // of every tensor before it.
  const sorted = entries.filter(([, e]) => e.data_offsets[1] > e.data_offsets[0])
    .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0]);
  for (let i = 1; i < sorted.length; i++) {
    const [previous, { data_offsets: [pb, pe] }] = sorted[i - 1];
    const [name, { data_offsets: [b, e] }] = sorted[i];
    if (b < pe) {
      throw new DataError(`loadWeights: ${source}: tensors '${previous}' (bytes [${pb}, ${pe})) and '${name}' (bytes [${b}, ${e})) overlap; safetensors files give each tensor its own bytes`);
    }
  }
  const tensors = new Map<string, Tensor>();
  const base = 8 + headerLength;
  for (const [name, { shape, data_offsets: [begin, end] }] of entries) {
    const values = new Float32Array((end - begin) / 4);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(base + begin + i * 4, true);
    tensors.set(name, new Tensor(values, shape));
  }
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  return { tensors, metadata };
}

/** Writes model.namedParameters() to path (via a temporary file, so a crash never leaves half a file). */
export function saveWeights(model: Module, path: string, metadata: Record<string, string> = {}): void {
  checkModel(model, "saveWeights");
  const bytes = encodeWeights(model.namedParameters(), metadata);
  const temporary = `${path}.partial`;
  try {
    writeFileSync(temporary, bytes);
  } catch (error) {
    removeQuietly(temporary); // a write that failed part-way (disk full) leaves no partial file
    throw fileError("saveWeights", "write", temporary, error);
  }
  try {
    renameSync(temporary, path);
  } catch (error) {
    removeQuietly(temporary);
    throw fileError("saveWeights", "write", path, error);
  }
}

function checkModel(model: unknown, op: string): void {
  if (model === null || typeof model !== "object" || typeof (model as Module).namedParameters !== "function") {
    throw new ValueError(`${op}: argument 'model' must be a Module, not ${typeName(model)}`);
  }
}

/** Removes our temporary file if it is there; never a directory (unlink refuses those), never throws. */
function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // nothing there, or not ours to remove
  }
}

/** Reads a weights file into model; every parameter must be present with the model's shape. */
export function loadWeights(model: Module, path: string): Module {
  checkModel(model, "loadWeights");
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw fileError("loadWeights", "read", path, error);
  }
  const { tensors } = decodeWeights(bytes, path);
  const params = model.namedParameters();
  for (const [name, p] of params) {
    const t = tensors.get(name);
    if (!t) throw new ValueError(`loadWeights: ${path} has no parameter '${name}' (it holds ${[...tensors.keys()].join(", ") || "nothing"}); was it saved from a different architecture?`);
    if (t.shape.join() !== p.shape.join()) {
      throw new ShapeError(`loadWeights: size mismatch for ${name}: copying a param with shape ${formatShape(t.shape)} from ${path}, the shape in current model is ${formatShape(p.shape)}.`);
    }
  }
  const extra = [...tensors.keys()].filter((k) => !params.some(([n]) => n === k));
  if (extra.length) throw new ValueError(`loadWeights: ${path} has parameters the model does not: ${extra.join(", ")}; was it saved from a different architecture?`);
  for (const [name, p] of params) {
    p.data.set(tensors.get(name)!.data);
    bumpVersion(p, "loadWeights"); // an in-place copy, as PyTorch's param.copy_()
  }
  return model;
}
