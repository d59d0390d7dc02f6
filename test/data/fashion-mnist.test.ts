// The bundled subset and the real files: counts, balance, checksums, known first labels.
import { createHash } from "node:crypto";
import { copyFileSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadFashionMnist, loadFashionMnistSync } from "../../src/data/fashion-mnist.js";
import { FASHION_MNIST_CLASSES, FASHION_MNIST_FILES } from "../../src/data/fashion-mnist-files.js";
import { readIdx } from "../../src/data/idx.js";
import { bundledSubsetDir, firstPerClass } from "../../src/data/subset.js";
import { DataError } from "../../src/errors.js";
import type { Tensor } from "../../src/tensor/tensor.js";
import { DEBIAN_DIR, debianPresent, officialGzipFromDebian, removeTempDirs, tempDir } from "./helpers.js";

afterAll(removeTempDirs);
// A global data folder on the machine must not change which source these tests see.
delete process.env.CONVLAB_DATA;

const subsetDir = bundledSubsetDir()!;
const subsetOnly = { download: false, debianDir: "/nonexistent", cacheDir: "/nonexistent" } as const;

function classCounts(labels: Tensor): number[] {
  const counts = new Array(10).fill(0);
  for (const label of labels.data) counts[label]++;
  return counts;
}

test("class names are d2l's get_fashion_mnist_labels", () => {
  expect(FASHION_MNIST_CLASSES).toEqual([
    "t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt", "sneaker", "bag", "ankle boot",
  ]);
});

describe("the bundled subset (data/fashion-mnist-subset)", () => {
  test("is found beside the sources", () => {
    expect(subsetDir).toMatch(/data[/\\]fashion-mnist-subset$/);
  });

  test("SHA256SUMS lists the four files with their actual digests; about 3 MB in all", () => {
    const lines = readFileSync(join(subsetDir, "SHA256SUMS"), "utf8").trim().split("\n");
    const names = lines.map((line) => line.slice(66)).sort();
    expect(names).toEqual(["t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz"]);
    let totalBytes = 0;
    for (const line of lines) {
      const bytes = readFileSync(join(subsetDir, line.slice(66)));
      totalBytes += bytes.length;
      expect(createHash("sha256").update(bytes).digest("hex")).toBe(line.slice(0, 64));
    }
    expect(totalBytes).toBeLessThan(3.2e6);
  });

  test("train: 6000 images, 600 of each class; test: 1000, 100 of each", () => {
    const train = loadFashionMnistSync({ split: "train", ...subsetOnly });
    const testSplit = loadFashionMnistSync({ split: "test", ...subsetOnly });
    expect(train.source).toMatchObject({ kind: "subset", path: subsetDir, verified: true, warnings: [] });
    expect(train.images.shape).toEqual([6000, 1, 28, 28]);
    expect(train.labels.shape).toEqual([6000]);
    expect(train.labels.dtype).toBe("int32");
    expect(classCounts(train.labels)).toEqual(new Array(10).fill(600));
    expect(classCounts(testSplit.labels)).toEqual(new Array(10).fill(100));
    expect(testSplit.message).toBe(
      `Fashion-MNIST test: 1000 images from the subset bundled with convlab (${subsetDir}), SHA256SUMS checked; the full 10000 come from \`apt install dataset-fashion-mnist\` or a download`,
    );
  });

  test("pixels are float32 in [0, 1], with both ends reached", () => {
    const { images } = loadFashionMnistSync({ split: "test", ...subsetOnly });
    let min = Infinity, max = -Infinity;
    for (const v of images.data) { if (v < min) min = v; if (v > max) max = v; }
    expect([images.dtype, min, max]).toEqual(["float32", 0, 1]);
  });

  test("a subset file changed after checkout: checksum mismatch, not loaded", async () => {
    const copy = tempDir();
    for (const name of ["SHA256SUMS", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]) copyFileSync(join(subsetDir, name), join(copy, name));
    const labelsPath = join(copy, "t10k-labels-idx1-ubyte.gz");
    const bytes = readFileSync(labelsPath);
    bytes[bytes.length - 1] ^= 0x01;
    writeFileSync(labelsPath, bytes);
    const actual = createHash("sha256").update(bytes).digest("hex");
    await expect(loadFashionMnist({ split: "test", ...subsetOnly, subsetDir: copy })).rejects.toThrow(DataError);
    expect(() => loadFashionMnistSync({ split: "test", ...subsetOnly, subsetDir: copy })).toThrow(
      `loadFashionMnist: checksum mismatch for ${labelsPath}: SHA-256 ${actual}, SHA256SUMS says 6e8ed870be0289377580b612631f8ec187991f98c161b06a8c8780a912d504f8`,
    );
  });

  test("a subset folder without SHA256SUMS is refused", () => {
    const copy = tempDir();
    expect(() => loadFashionMnistSync({ split: "test", ...subsetOnly, subsetDir: copy })).toThrow(`loadFashionMnist: ${join(copy, "SHA256SUMS")} is missing`);
  });
});

describe.skipIf(!debianPresent)("the real files (Debian's dataset-fashion-mnist)", () => {
  // MD5s from the table in Zalando's README (shipped by Debian as /usr/share/doc/dataset-fashion-mnist/README.md.gz).
  const README_MD5: Record<string, string> = {
    "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
    "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
    "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
    "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
  };

  test("Debian's .gz rewrapped with the original gzip header are byte-for-byte the official files", () => {
    for (const split of ["train", "test"] as const) {
      for (const file of [FASHION_MNIST_FILES[split].images, FASHION_MNIST_FILES[split].labels]) {
        const debianSize = statSync(join(DEBIAN_DIR, file.name)).size;
        const official = officialGzipFromDebian(file.name);
        expect([file.name, official.length, debianSize]).toEqual([file.name, file.gzipBytes, file.gzipBytes - file.name.length + 2]);
        expect(createHash("sha256").update(official).digest("hex")).toBe(file.gzipSha256);
        expect(createHash("md5").update(official).digest("hex")).toBe(README_MD5[file.name]);
      }
    }
  });

  test("train: 60000 images, 6000 per class, labels start 9 (ankle boot), 0, 0, 3", () => {
    const train = loadFashionMnistSync({ split: "train", download: false, cacheDir: "/nonexistent" });
    expect(train.source).toEqual({ kind: "debian", path: DEBIAN_DIR, verified: true, warnings: [] });
    expect(train.images.shape).toEqual([60000, 1, 28, 28]);
    expect(Array.from(train.labels.data.subarray(0, 10))).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect(train.classes[train.labels.data[0]]).toBe("ankle boot");
    expect(classCounts(train.labels)).toEqual(new Array(10).fill(6000));
  });

  test("test: 10000 images, 1000 per class, labels start 9, 2, 1, 1, 6", () => {
    const testSplit = loadFashionMnistSync({ split: "test", download: false, cacheDir: "/nonexistent" });
    expect(testSplit.length).toBe(10000);
    expect(Array.from(testSplit.labels.data.subarray(0, 10))).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    expect(classCounts(testSplit.labels)).toEqual(new Array(10).fill(1000));
  });

  test("the subset is the first 600 / 100 of each class of the real files, in their order", () => {
    for (const [split, perClass] of [["train", 600], ["test", 100]] as const) {
      const files = FASHION_MNIST_FILES[split];
      const realImages = readIdx(join(DEBIAN_DIR, files.images.name)).data;
      const realLabels = readIdx(join(DEBIAN_DIR, files.labels.name)).data;
      const kept = firstPerClass(realLabels, perClass, 10);
      const subsetImages = readIdx(join(subsetDir, files.images.name)).data;
      const subsetLabels = readIdx(join(subsetDir, files.labels.name)).data;
      expect(Array.from(subsetLabels)).toEqual(kept.map((i) => realLabels[i]));
      for (const [k, source] of kept.entries()) {
        if (Buffer.compare(subsetImages.subarray(k * 784, (k + 1) * 784), realImages.subarray(source * 784, (source + 1) * 784)) !== 0) {
          throw new Error(`${split} subset image ${k} differs from real image ${source}`);
        }
      }
    }
  });
});
