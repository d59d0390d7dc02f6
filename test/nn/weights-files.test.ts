// Issue 18, items 3 and 11: weights files that break the safetensors rules, and file-system failures of
// loadWeights / saveWeights as DataErrors naming the function and the path, with no temporary file left behind.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DataError, lenet, nn, ValueError } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "convlab-weights-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A safetensors file with this header and `dataBytes` zero bytes of data. */
function fileWith(header: unknown, dataBytes: number): Buffer {
  const json = JSON.stringify(header);
  const buf = Buffer.alloc(8 + json.length + dataBytes);
  buf.writeBigUInt64LE(BigInt(json.length), 0);
  buf.write(json, 8);
  return buf;
}

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a throw");
}

describe("item 3: the safetensors rules", () => {
  it("tensors whose byte ranges overlap are refused, both named", () => {
    const bytes = fileWith({
      a: { dtype: "F32", shape: [4], data_offsets: [0, 16] },
      b: { dtype: "F32", shape: [2], data_offsets: [8, 16] },
    }, 16);
    const error = thrown(() => nn.decodeWeights(bytes, "overlap.safetensors"));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe("loadWeights: overlap.safetensors: tensors 'a' (bytes [0, 16)) and 'b' (bytes [8, 16)) overlap; safetensors files give each tensor its own bytes");
  });

  it("overlap is found whatever the header's order; empty tensors and adjacent ranges are fine", () => {
    const overlapping = fileWith({
      late: { dtype: "F32", shape: [2], data_offsets: [12, 20] },
      early: { dtype: "F32", shape: [4], data_offsets: [0, 16] },
    }, 20);
    expect(() => nn.decodeWeights(overlapping)).toThrow("tensors 'early' (bytes [0, 16)) and 'late' (bytes [12, 20)) overlap");
    const fine = fileWith({
      a: { dtype: "F32", shape: [2], data_offsets: [0, 8] },
      empty: { dtype: "F32", shape: [0, 3], data_offsets: [4, 4] },
      b: { dtype: "F32", shape: [2], data_offsets: [8, 16] },
    }, 16);
    expect([...nn.decodeWeights(fine).tensors.keys()]).toEqual(["a", "empty", "b"]);
  });

  it("saveWeights refuses metadata that is not string to string, and writes nothing", () => {
    const path = join(dir, "meta.safetensors");
    for (const bad of [{ epochs: 10 }, { nested: { a: "b" } }, { flag: true }, { missing: undefined }]) {
      const error = thrown(() => nn.saveWeights(lenet(), path, bad as never));
      expect(error).toBeInstanceOf(ValueError);
      expect(error.message).toMatch(/^saveWeights: metadata value for '\w+' must be a string \(safetensors metadata is string to string\)/);
    }
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.partial`)).toBe(false);
  });

  it("a file whose __metadata__ is not string to string is refused on load", () => {
    const bytes = fileWith({ __metadata__: { epochs: 3 }, w: { dtype: "F32", shape: [1], data_offsets: [0, 4] } }, 4);
    expect(() => nn.decodeWeights(bytes, "m.safetensors")).toThrow(/^loadWeights: m\.safetensors: __metadata__ value for 'epochs' must be a string/);
  });
});

describe("item 11: file errors name the function and the path", () => {
  it("a header that is JSON null, an array or a number is a DataError, not a TypeError", () => {
    for (const header of [null, [1, 2], 42, "text"]) {
      const error = thrown(() => nn.decodeWeights(fileWith(header, 0), "h.safetensors"));
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toBe(`loadWeights: h.safetensors has a header that is ${JSON.stringify(header)}, not a JSON object of tensors`);
    }
  });

  it("loadWeights on a missing file, a directory and a symlink loop", () => {
    const loop = join(dir, "loop.safetensors");
    symlinkSync(loop, loop);
    const cases: [string, string][] = [
      [join(dir, "missing.safetensors"), "ENOENT (no such file or directory)"],
      [dir, "EISDIR (it is a directory, not a file)"],
      [loop, "ELOOP (too many levels of symbolic links (a symlink loop?))"],
    ];
    for (const [path, reason] of cases) {
      const error = thrown(() => nn.loadWeights(lenet(), path));
      expect(error).toBeInstanceOf(DataError);
      expect(error.message).toBe(`loadWeights: cannot read ${path}: ${reason}`);
    }
  });

  it("saveWeights to a bad path: a DataError, and no temporary file left behind", () => {
    const target = join(dir, "save-into");
    mkdirSync(target);
    // The final rename fails (the path is a directory): the full temporary file must not stay as dir.partial.
    let error = thrown(() => nn.saveWeights(lenet(), target));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toMatch(new RegExp(`^saveWeights: cannot write ${target}: E(ISDIR|EXIST|NOTEMPTY|PERM)`));
    expect(existsSync(`${target}.partial`)).toBe(false);
    // A parent that is a file: the temporary file cannot even be made.
    const file = join(dir, "plain-file");
    writeFileSync(file, "x");
    error = thrown(() => nn.saveWeights(lenet(), join(file, "w.safetensors")));
    expect(error).toBeInstanceOf(DataError);
    expect(error.message).toBe(`saveWeights: cannot write ${join(file, "w.safetensors")}.partial: ENOTDIR (a part of the path is a file, not a directory)`);
    expect(readdirSync(dir).filter((f) => f.endsWith(".partial"))).toEqual([]);
  });

  // root ignores permissions, so this one can only run as another user.
  it.skipIf(process.getuid?.() === 0)("a read-only folder", () => {
    const locked = join(dir, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    try {
      expect(() => nn.saveWeights(lenet(), join(locked, "w.safetensors"))).toThrow(/^saveWeights: cannot write .*EACCES/);
    } finally {
      chmodSync(locked, 0o700);
    }
  });
});
