import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, test } from "vitest";
import { DataError } from "../../src/errors.js";
import { encodeIdx, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, readIdx } from "../../src/data/idx.js";
import { idxBytes, removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);

describe("IDX reader", () => {
  const images = idxBytes(0x803, [2, 2, 3], [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);

  test("raw images file 2×2×3: shape and values", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "images-idx3-ubyte"), images);
    const parsed = readIdx(join(dir, "images-idx3-ubyte"), IDX_IMAGES_MAGIC);
    expect(parsed.magic).toBe(0x803);
    expect(parsed.shape).toEqual([2, 2, 3]);
    expect(Array.from(parsed.data)).toEqual([0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255]);
  });

  test("gzip labels file is detected by its 1f 8b magic, whatever its name", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "labels-no-extension"), gzipSync(idxBytes(0x801, [4], [9, 0, 3, 7])));
    const parsed = readIdx(join(dir, "labels-no-extension"), IDX_LABELS_MAGIC);
    expect(parsed.shape).toEqual([4]);
    expect(Array.from(parsed.data)).toEqual([9, 0, 3, 7]);
  });

  test("encodeIdx writes what parseIdx reads (and what the hand-made bytes hold)", () => {
    const encoded = encodeIdx([2, 2, 3], images.subarray(16));
    expect(Buffer.from(encoded).equals(Buffer.from(images))).toBe(true);
  });

  test("labels file where images are expected: magic number error naming the file", () => {
    expect(() => parseIdx(idxBytes(0x801, [3], [1, 2, 3]), "/x/train-images-idx3-ubyte", IDX_IMAGES_MAGIC)).toThrow(
      "readIdx: /x/train-images-idx3-ubyte has magic number 0x00000801, expected 0x00000803 (an IDX images file: unsigned bytes, 3 dimensions)",
    );
  });

  test("not an IDX file at all (a PNG): magic number error", () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(() => parseIdx(png, "f.png")).toThrow(DataError);
    expect(() => parseIdx(png, "f.png")).toThrow("readIdx: f.png has magic number 0x89504e47, which is not an IDX magic number");
  });

  test("type code other than unsigned byte (0x0D float) is refused", () => {
    expect(() => parseIdx(idxBytes(0x0d01, [1], [0, 0, 0, 0]), "floats")).toThrow(
      "readIdx: floats has IDX type code 0x0d; only unsigned bytes (0x08) are supported",
    );
  });

  test("data shorter than the header declares: truncated, with both sizes", () => {
    const short = idxBytes(0x803, [2, 2, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(() => parseIdx(short, "short-images")).toThrow(
      "readIdx: short-images is truncated: its header declares shape [2, 2, 3] (12 bytes of data) but only 11 bytes follow",
    );
  });

  test("header cut inside the dimensions", () => {
    expect(() => parseIdx(images.subarray(0, 10), "cut")).toThrow(
      "readIdx: cut is truncated inside its header (10 bytes, the header of a 3-dimensional IDX file needs 16)",
    );
  });

  test("bytes after the declared data are an error, not ignored", () => {
    const long = idxBytes(0x801, [2], [1, 2, 3]);
    expect(() => parseIdx(long, "long-labels")).toThrow("readIdx: long-labels has 1 unexpected byte after the 2 declared by its header [2]");
  });

  test("fewer than 4 bytes", () => {
    expect(() => parseIdx(new Uint8Array([0, 0]), "tiny")).toThrow("readIdx: tiny is too short to be an IDX file (2 bytes)");
  });

  test("truncated gzip file: DataError naming the file and saying truncated", () => {
    const dir = tempDir();
    const gz = gzipSync(images);
    const path = join(dir, "cut.gz");
    writeFileSync(path, gz.subarray(0, gz.length - 9));
    expect(() => readIdx(path)).toThrow(DataError);
    expect(() => readIdx(path)).toThrow(`readIdx: ${path} is not a valid gzip file (unexpected end of file): the file is truncated (an interrupted download?); delete it and fetch it again`);
  });

  test("gzip with a damaged CRC: DataError saying corrupted", () => {
    const dir = tempDir();
    const gz = Buffer.from(gzipSync(images));
    gz[gz.length - 8] ^= 0xff; // first byte of the CRC-32 trailer
    const path = join(dir, "bad-crc.gz");
    writeFileSync(path, gz);
    expect(() => readIdx(path)).toThrow(`readIdx: ${path} is not a valid gzip file (incorrect data check): the file is corrupted; delete it and fetch it again`);
  });

  test("missing file: DataError naming it", () => {
    expect(() => readIdx("/nonexistent/file-idx1-ubyte")).toThrow("readIdx: cannot read /nonexistent/file-idx1-ubyte: ENOENT");
  });
});
