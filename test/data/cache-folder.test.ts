// Issue 18, item 12: a cache folder that cannot be made during a download falls back to the bundled subset with a
// message, as every other download failure does (it stopped the loader with a raw ENOTDIR).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { loadFashionMnist } from "../../src/data/fashion-mnist.js";
import { downloadVerified } from "../../src/data/download.js";
import { DataError } from "../../src/errors.js";
import { localServer, removeTempDirs, serveBytes, tempDir } from "./helpers.js";

const savedData = process.env.CONVLAB_DATA;
delete process.env.CONVLAB_DATA; // only the folders this test names
afterAll(() => {
  if (savedData !== undefined) process.env.CONVLAB_DATA = savedData;
  removeTempDirs();
});

describe("download into a cache folder that cannot be made", () => {
  test("the loader falls back to the bundled subset, naming the folder and the reason", async () => {
    const root = tempDir();
    const file = join(root, "a-file");
    writeFileSync(file, "not a folder");
    const cacheDir = join(file, "fashion-mnist");
    const server = await localServer({ "/t10k-labels-idx1-ubyte.gz": serveBytes(new Uint8Array([0x1f, 0x8b, 0, 0])) });
    try {
      const loaded = await loadFashionMnist({ split: "test", debianDir: "/nonexistent", cacheDir, baseUrl: server.baseUrl });
      expect(loaded.source.kind).toBe("subset");
      expect(loaded.source.warnings).toEqual([
        `download: cannot create the cache folder ${cacheDir}: ENOTDIR (a part of the path is a file, not a directory)`,
      ]);
    } finally {
      await server.close();
    }
  });

  test("downloadVerified itself throws a DataError (the type the loader falls back on)", async () => {
    const root = tempDir();
    writeFileSync(join(root, "f"), "x");
    const server = await localServer({ "/x.gz": serveBytes(new Uint8Array([0x1f, 0x8b, 0, 0])) });
    try {
      const error = await downloadVerified({
        url: server.baseUrl + "x.gz", destination: join(root, "f", "sub", "x.gz"), sha256: "0".repeat(64), maxBytes: 100,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DataError);
      expect((error as Error).message).toBe(`download: cannot create the cache folder ${join(root, "f", "sub")}: ENOTDIR (a part of the path is a file, not a directory)`);
    } finally {
      await server.close();
    }
  });
});
