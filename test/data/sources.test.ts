// Where loadFashionMnist finds its files: dir > $CONVLAB_DATA > cache > Debian > download > subset.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { loadFashionMnist, loadFashionMnistSync, type LoadFashionMnistOptions } from "../../src/data/fashion-mnist.js";
import { FASHION_MNIST_FILES } from "../../src/data/fashion-mnist-files.js";
import { DataError, ValueError } from "../../src/errors.js";
import {
  DEBIAN_DIR, debianPresent, idxBytes, localServer, officialGzipFromDebian, removeTempDirs, serveBytes, tempDir,
} from "./helpers.js";

const savedEnv = { CONVLAB_DATA: process.env.CONVLAB_DATA, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
let cacheRoot: string;
let noDebian: string;
beforeEach(() => {
  delete process.env.CONVLAB_DATA;
  cacheRoot = tempDir("convlab-cache-");
  process.env.XDG_CACHE_HOME = cacheRoot;
  noDebian = tempDir("convlab-no-debian-");
});
afterEach(() => {
  for (const [name, value] of Object.entries(savedEnv)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});
afterAll(removeTempDirs);

const cacheDir = () => join(cacheRoot, "convlab", "fashion-mnist");
const TEST_FILES = FASHION_MNIST_FILES.test;

/** A small stand-in for the test split: `labels.length` images whose pixels all equal their label × 20. */
function writeSmallSplit(dir: string, labels: number[], options: { gzip?: boolean; imageCount?: number } = {}): string {
  mkdirSync(dir, { recursive: true });
  const imageCount = options.imageCount ?? labels.length;
  const pixels = Array.from({ length: imageCount * 784 }, (_, i) => (labels[Math.floor(i / 784)] ?? 0) * 20);
  const files: [string, Uint8Array][] = [
    [TEST_FILES.images.name, idxBytes(0x803, [imageCount, 28, 28], pixels)],
    [TEST_FILES.labels.name, idxBytes(0x801, [labels.length], labels)],
  ];
  for (const [name, bytes] of files) {
    if (options.gzip === false) writeFileSync(join(dir, name.replace(/\.gz$/, "")), bytes);
    else writeFileSync(join(dir, name), gzipSync(bytes));
  }
  return dir;
}

/** Only the bundled subset remains: no Debian, no download. */
const offline: LoadFashionMnistOptions = { split: "test", download: false };

describe("sources without the real files", () => {
  test("dir is used as given, even with every other source present; unofficial files are labelled so", async () => {
    const dir = writeSmallSplit(tempDir(), [3, 1, 4]);
    process.env.CONVLAB_DATA = writeSmallSplit(tempDir(), [1, 1]);
    writeSmallSplit(cacheDir(), [2, 2]);
    const loaded = await loadFashionMnist({ ...offline, dir });
    expect(loaded.source).toEqual({ kind: "dir", path: dir, verified: false, warnings: [] });
    expect(loaded.length).toBe(3);
    expect(Array.from(loaded.labels.data)).toEqual([3, 1, 4]);
    expect(loaded.images.shape).toEqual([3, 1, 28, 28]);
    expect(loaded.images.dtype).toBe("float32");
    expect(loaded.images.data[784]).toBeCloseTo(20 / 255, 7);
    expect(loaded.message).toBe(`Fashion-MNIST test: 3 images from the folder given (${dir}), not the official files' checksums`);
  });

  test("dir with raw (not gzip) files", () => {
    const dir = writeSmallSplit(tempDir(), [9, 0], { gzip: false });
    const loaded = loadFashionMnistSync({ ...offline, dir });
    expect(Array.from(loaded.labels.data)).toEqual([9, 0]);
    expect(loaded.images.data[0]).toBeCloseTo(180 / 255, 6);
  });

  test("dir without the files: DataError, no silent fallback", () => {
    const dir = tempDir();
    expect(() => loadFashionMnistSync({ ...offline, dir })).toThrow(
      `loadFashionMnist: ${dir} has no t10k-images-idx3-ubyte.gz or t10k-labels-idx1-ubyte.gz (raw or .gz)`,
    );
  });

  test("3 images but 2 labels: DataError naming both files", () => {
    const dir = writeSmallSplit(tempDir(), [1, 2], { imageCount: 3 });
    expect(() => loadFashionMnistSync({ ...offline, dir })).toThrow(
      `loadFashionMnist: ${join(dir, TEST_FILES.images.name)} holds 3 images but ${join(dir, TEST_FILES.labels.name)} holds 2 labels; the two files must come from the same split`,
    );
  });

  test("a label of 10: DataError with its index", () => {
    const dir = writeSmallSplit(tempDir(), [0, 10]);
    expect(() => loadFashionMnistSync({ ...offline, dir })).toThrow(
      `loadFashionMnist: ${join(dir, TEST_FILES.labels.name)} has label 10 at index 1; Fashion-MNIST labels are 0 to 9`,
    );
  });

  test("images of 14×14: DataError", () => {
    const dir = tempDir();
    writeFileSync(join(dir, TEST_FILES.images.name), gzipSync(idxBytes(0x803, [1, 14, 14], new Array(196).fill(0))));
    writeFileSync(join(dir, TEST_FILES.labels.name), gzipSync(idxBytes(0x801, [1], [0])));
    expect(() => loadFashionMnistSync({ ...offline, dir })).toThrow("holds 14×14 images, expected 28×28");
  });

  test("labels file in place of images (wrong magic) in dir: DataError naming the file", () => {
    const dir = writeSmallSplit(tempDir(), [1]);
    copyFileSync(join(dir, TEST_FILES.labels.name), join(dir, TEST_FILES.images.name));
    expect(() => loadFashionMnistSync({ ...offline, dir })).toThrow(
      `readIdx: ${join(dir, TEST_FILES.images.name)} has magic number 0x00000801, expected 0x00000803`,
    );
  });

  test("$CONVLAB_DATA: its fashion-mnist/ subfolder, or the folder itself", () => {
    const root = tempDir();
    writeSmallSplit(join(root, "fashion-mnist"), [5, 5, 5, 5]);
    process.env.CONVLAB_DATA = root;
    const fromSubfolder = loadFashionMnistSync({ ...offline, debianDir: noDebian });
    expect(fromSubfolder.source.kind).toBe("env");
    expect(fromSubfolder.source.path).toBe(join(root, "fashion-mnist"));
    expect(fromSubfolder.length).toBe(4);

    process.env.CONVLAB_DATA = writeSmallSplit(tempDir(), [6]);
    const direct = loadFashionMnistSync({ ...offline, debianDir: noDebian });
    expect(direct.source).toMatchObject({ kind: "env", path: process.env.CONVLAB_DATA, verified: false });
  });

  test("$CONVLAB_DATA without the files: warning, then the next source", () => {
    const empty = tempDir();
    process.env.CONVLAB_DATA = empty;
    const loaded = loadFashionMnistSync({ ...offline, debianDir: noDebian });
    expect(loaded.source.kind).toBe("subset");
    expect(loaded.source.warnings).toEqual([`$CONVLAB_DATA: neither ${empty} nor ${join(empty, "fashion-mnist")} holds the test files`]);
    expect(loaded.message).toContain(`; skipped: $CONVLAB_DATA: neither ${empty}`);
  });

  test("cache files that are not the official ones: reported and not used", () => {
    writeSmallSplit(cacheDir(), [1, 2, 3]);
    const loaded = loadFashionMnistSync({ ...offline, debianDir: noDebian });
    expect(loaded.source.kind).toBe("subset");
    expect(loaded.length).toBe(1000);
    expect(loaded.source.warnings).toEqual([
      `cache: loadFashionMnist: ${join(cacheDir(), TEST_FILES.images.name)} does not match the official Fashion-MNIST checksum (corrupted or a different file); not used`,
    ]);
  });

  test("truncated gzip in the cache: reported and not used", () => {
    writeSmallSplit(cacheDir(), [1, 2, 3]);
    const imagesPath = join(cacheDir(), TEST_FILES.images.name);
    const gz = readFileSync(imagesPath);
    writeFileSync(imagesPath, gz.subarray(0, gz.length - 12));
    const loaded = loadFashionMnistSync({ ...offline, debianDir: noDebian });
    expect(loaded.source.kind).toBe("subset");
    expect(loaded.source.warnings[0]).toBe(
      `cache: readIdx: ${imagesPath} is not a valid gzip file (unexpected end of file): the file is truncated (an interrupted download?); delete it and fetch it again; not used`,
    );
  });

  test("download: false never contacts the server; a failing download falls back with a warning", async () => {
    const server = await localServer({});
    try {
      const noDownload = await loadFashionMnist({ ...offline, debianDir: noDebian, baseUrl: server.baseUrl });
      expect(noDownload.source.kind).toBe("subset");
      expect(server.requests).toEqual([]);

      const failed = await loadFashionMnist({ split: "test", debianDir: noDebian, baseUrl: server.baseUrl });
      expect(failed.source.kind).toBe("subset");
      expect(server.requests).toEqual(["/t10k-labels-idx1-ubyte.gz"]);
      expect(failed.source.warnings).toEqual([
        `download: ${server.baseUrl}t10k-labels-idx1-ubyte.gz answered HTTP 404 Not Found`,
      ]);
    } finally {
      await server.close();
    }
  });

  test("the production download location must be https", async () => {
    const loaded = await loadFashionMnist({ split: "test", debianDir: noDebian, baseUrl: "http://example.invalid/fashion/" });
    expect(loaded.source.kind).toBe("subset");
    expect(loaded.source.warnings[0]).toContain("download: refusing http://example.invalid/fashion/t10k-labels-idx1-ubyte.gz: only https:// URLs are allowed");
  });

  test("the synchronous loader never downloads", () => {
    expect(loadFashionMnistSync({ split: "test", debianDir: noDebian, download: true }).source.kind).toBe("subset");
  });

  test("limit 25 keeps the first 25 samples in file order", () => {
    const all = loadFashionMnistSync({ ...offline, debianDir: noDebian });
    const first = loadFashionMnistSync({ ...offline, debianDir: noDebian, limit: 25 });
    expect(first.length).toBe(25);
    expect(first.images.shape).toEqual([25, 1, 28, 28]);
    expect(Array.from(first.labels.data)).toEqual(Array.from(all.labels.data.subarray(0, 25)));
    expect(Array.from(first.images.data)).toEqual(Array.from(all.images.data.subarray(0, 25 * 784)));
    expect(first.message).toContain("Fashion-MNIST test: 25 images (the first 25 of 1000) from the subset bundled with convlab");
  });

  test("limit above the size keeps everything and says so; limit 0 or 2.5 is a ValueError", () => {
    const loaded = loadFashionMnistSync({ ...offline, debianDir: noDebian, limit: 5000 });
    expect(loaded.length).toBe(1000);
    expect(loaded.message).toContain("1000 images (limit 5000 ≥ the 1000 available: all)");
    expect(() => loadFashionMnistSync({ ...offline, limit: 0 })).toThrow(ValueError);
    expect(() => loadFashionMnistSync({ ...offline, limit: 2.5 })).toThrow("loadFashionMnist: limit must be a positive integer, got 2.5");
  });

  test("split other than train or test: ValueError", () => {
    expect(() => loadFashionMnistSync({ split: "validation" as "train" })).toThrow('loadFashionMnist: split must be "train" or "test", got "validation"');
  });

  test("a DataError is a DataError", () => {
    expect(() => loadFashionMnistSync({ ...offline, dir: tempDir() })).toThrow(DataError);
  });
});

describe.skipIf(!debianPresent)("sources with the real files (Debian's dataset-fashion-mnist)", () => {
  /** A copy of Debian's test split in `dir`. */
  function copyDebianTestSplit(dir: string): string {
    mkdirSync(dir, { recursive: true });
    for (const file of [TEST_FILES.images, TEST_FILES.labels]) copyFileSync(join(DEBIAN_DIR, file.name), join(dir, file.name));
    return dir;
  }

  test("the full order: dir > env > cache > debian > subset, removing one source at a time", () => {
    const dir = copyDebianTestSplit(tempDir());
    const envRoot = copyDebianTestSplit(tempDir());
    const debianDir = copyDebianTestSplit(tempDir());
    copyDebianTestSplit(cacheDir());
    process.env.CONVLAB_DATA = envRoot;
    const load = (extra: LoadFashionMnistOptions = {}) => loadFashionMnistSync({ split: "test", debianDir, ...extra });

    expect(load({ dir }).source).toEqual({ kind: "dir", path: dir, verified: true, warnings: [] });
    expect(load().source).toEqual({ kind: "env", path: envRoot, verified: true, warnings: [] });
    delete process.env.CONVLAB_DATA;
    expect(load().source).toEqual({ kind: "cache", path: cacheDir(), verified: true, warnings: [] });
    const fromCache = load();
    expect(fromCache.length).toBe(10000);
    expect(fromCache.message).toBe(`Fashion-MNIST test: 10000 images from the convlab cache (${cacheDir()}), official SHA-256 verified`);
    process.env.XDG_CACHE_HOME = tempDir();
    expect(load().source).toEqual({ kind: "debian", path: debianDir, verified: true, warnings: [] });
    expect(load({ debianDir: noDebian }).source.kind).toBe("subset");
  });

  test("Debian's copy comes before a download: the server is not contacted", async () => {
    const server = await localServer({});
    try {
      const loaded = await loadFashionMnist({ split: "test", debianDir: DEBIAN_DIR, baseUrl: server.baseUrl });
      expect(loaded.source.kind).toBe("debian");
      expect(server.requests).toEqual([]);
    } finally {
      await server.close();
    }
  });

  test("a cache file with one flipped pixel byte: reported, Debian's copy used instead", () => {
    const imagesPath = join(copyDebianTestSplit(cacheDir()), TEST_FILES.images.name);
    // Rewrap the content with one pixel changed, so the gzip is valid and only the digest catches it.
    const content = gunzipSync(readFileSync(imagesPath));
    content[16 + 400] ^= 0x01;
    writeFileSync(imagesPath, gzipSync(content));
    const loaded = loadFashionMnistSync({ split: "test", debianDir: DEBIAN_DIR, download: false });
    expect(loaded.source.kind).toBe("debian");
    expect(loaded.source.warnings).toEqual([
      `cache: loadFashionMnist: ${imagesPath} does not match the official Fashion-MNIST checksum (corrupted or a different file); not used`,
    ]);
    expect(loaded.message).toContain("from Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist), official SHA-256 verified; skipped: cache:");
  });

  test("download from a local server of the official files: verified, cached, then loaded from the cache", async () => {
    const labels = officialGzipFromDebian(TEST_FILES.labels.name);
    const images = officialGzipFromDebian(TEST_FILES.images.name);
    const server = await localServer({
      "/fashion/t10k-labels-idx1-ubyte.gz": serveBytes(labels),
      "/fashion/t10k-images-idx3-ubyte.gz": serveBytes(images),
    });
    try {
      const baseUrl = server.baseUrl + "fashion/";
      const downloaded = await loadFashionMnist({ split: "test", debianDir: noDebian, baseUrl });
      expect(downloaded.source).toEqual({ kind: "download", path: cacheDir(), verified: true, warnings: [] });
      expect(downloaded.length).toBe(10000);
      expect(downloaded.labels.data[0]).toBe(9);
      expect(readFileSync(join(cacheDir(), TEST_FILES.images.name)).equals(images)).toBe(true);
      expect(server.requests).toEqual(["/fashion/t10k-labels-idx1-ubyte.gz", "/fashion/t10k-images-idx3-ubyte.gz"]);

      const again = await loadFashionMnist({ split: "test", debianDir: noDebian, baseUrl });
      expect(again.source.kind).toBe("cache");
      expect(server.requests.length).toBe(2);
    } finally {
      await server.close();
    }
  });

  test("download of a file that is not the official one (Debian's re-wrapped gzip): refused by the gzip digest", async () => {
    const server = await localServer({
      "/t10k-labels-idx1-ubyte.gz": serveBytes(readFileSync(join(DEBIAN_DIR, TEST_FILES.labels.name))),
    });
    try {
      const loaded = await loadFashionMnist({ split: "test", debianDir: noDebian, baseUrl: server.baseUrl });
      expect(loaded.source.kind).toBe("subset");
      expect(loaded.source.warnings[0]).toMatch(/^download: .*t10k-labels-idx1-ubyte\.gz does not match its known checksum \(SHA-256 8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05, expected 67da17c7/);
    } finally {
      await server.close();
    }
  });
});
