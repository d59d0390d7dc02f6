import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkDownloadUrl, downloadVerified } from "../../src/data/download.js";
import { DataError } from "../../src/errors.js";
import { idxBytes, localServer, removeTempDirs, serveBytes, tempDir } from "./helpers.js";

const payload = gzipSync(idxBytes(0x801, [5], [1, 2, 3, 4, 5]));
const payloadSha256 = createHash("sha256").update(payload).digest("hex");

let server: Awaited<ReturnType<typeof localServer>>;
beforeAll(async () => {
  server = await localServer({
    "/good.gz": serveBytes(payload),
    "/portal.gz": serveBytes(new TextEncoder().encode("<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>"), "text/html"),
    "/text.gz": serveBytes(new TextEncoder().encode("hello, plain text"), "text/plain"),
    "/big-announced.gz": (_request, response) => {
      response.writeHead(200, { "content-length": "1000000" }).end(Buffer.alloc(1000000, 0x1f));
    },
    "/big-chunked.gz": (_request, response) => {
      // No content-length: the size limit must hold while streaming.
      response.writeHead(200, { "content-type": "application/gzip" });
      response.write(Buffer.from([0x1f, 0x8b]));
      for (let i = 0; i < 20; i++) response.write(Buffer.alloc(10000));
      response.end();
    },
    "/cut.gz": (_request, response) => {
      response.writeHead(200, { "content-length": String(payload.length) });
      // The cut comes well after the 10 bytes have left: on a loaded machine a cut 20 ms after writing sometimes
      // reached the client before the bytes did ("failed after 0 bytes").
      response.write(payload.subarray(0, 10), () => setTimeout(() => response.destroy(), 300));
    },
    "/silent.gz": () => {
      // Accepts the request and never answers, like a dead proxy.
    },
    "/moved.gz": (_request, response) => response.writeHead(302, { location: "/good.gz" }).end(),
    "/downgrade.gz": (_request, response) => response.writeHead(301, { location: "http://example.invalid/good.gz" }).end(),
  });
});
afterAll(async () => {
  await server.close();
  removeTempDirs();
});

function download(path: string, destination: string, sha256 = payloadSha256, maxBytes = 100000) {
  return downloadVerified({ url: server.baseUrl + path.replace(/^\//, ""), destination, sha256, maxBytes });
}

/** Nothing may be left behind by a failed download: no file, no temporary part. */
function expectNothingKept(dir: string) {
  expect(readdirSync(dir)).toEqual([]);
}

describe("downloadVerified against a server on 127.0.0.1", () => {
  test("good file: written to the destination with the expected bytes, no temporary left", async () => {
    const dir = tempDir();
    await download("/good.gz", join(dir, "sub", "f.gz"));
    expect(readFileSync(join(dir, "sub", "f.gz")).equals(payload)).toBe(true);
    expect(readdirSync(join(dir, "sub"))).toEqual(["f.gz"]);
  });

  test("redirect on the same server is followed", async () => {
    const dir = tempDir();
    await download("/moved.gz", join(dir, "f.gz"));
    expect(readFileSync(join(dir, "f.gz")).equals(payload)).toBe(true);
  });

  test("checksum mismatch: DataError with both digests, file not kept", async () => {
    const dir = tempDir();
    const wrong = "0".repeat(64);
    await expect(download("/good.gz", join(dir, "f.gz"), wrong)).rejects.toThrow(
      `download: ${server.baseUrl}good.gz does not match its known checksum (SHA-256 ${payloadSha256}, expected ${wrong}); the file was not kept`,
    );
    expectNothingKept(dir);
  });

  test("a failed download leaves an existing destination untouched", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "f.gz"), "previous");
    await expect(download("/good.gz", join(dir, "f.gz"), "1".repeat(64))).rejects.toThrow(DataError);
    expect(readFileSync(join(dir, "f.gz"), "utf8")).toBe("previous");
    expect(readdirSync(dir)).toEqual(["f.gz"]);
  });

  test("HTML page instead of gzip: reported as HTML, not parsed", async () => {
    const dir = tempDir();
    await expect(download("/portal.gz", join(dir, "f.gz"))).rejects.toThrow(
      `download: ${server.baseUrl}portal.gz sent an HTML page instead of gzip data (a captive portal, proxy or error page?); nothing was kept`,
    );
    expectNothingKept(dir);
  });

  test("other non-gzip data: the first bytes are shown", async () => {
    const dir = tempDir();
    await expect(download("/text.gz", join(dir, "f.gz"))).rejects.toThrow("did not send gzip data (it starts with bytes 68 65 6c 6c, gzip starts with 1f 8b)");
    expectNothingKept(dir);
  });

  test("announced size above the limit: refused before reading", async () => {
    const dir = tempDir();
    await expect(download("/big-announced.gz", join(dir, "f.gz"))).rejects.toThrow(
      `download: ${server.baseUrl}big-announced.gz announces 1000000 bytes, more than the 100000 expected; not downloading`,
    );
    expectNothingKept(dir);
  });

  test("unannounced stream above the limit: stopped while streaming", async () => {
    const dir = tempDir();
    await expect(download("/big-chunked.gz", join(dir, "f.gz"))).rejects.toThrow("sent more than the 100000 bytes expected; stopped");
    expectNothingKept(dir);
  });

  test("connection cut mid-file: DataError, nothing kept", async () => {
    const dir = tempDir();
    await expect(download("/cut.gz", join(dir, "f.gz"))).rejects.toThrow(`download: ${server.baseUrl}cut.gz failed after 10 bytes`);
    expectNothingKept(dir);
  });

  test("no answer within connectTimeoutMs=200: timed out, nothing kept", async () => {
    const dir = tempDir();
    const started = Date.now();
    await expect(
      downloadVerified({ url: server.baseUrl + "silent.gz", destination: join(dir, "f.gz"), sha256: payloadSha256, maxBytes: 100, connectTimeoutMs: 200 }),
    ).rejects.toThrow(`download: cannot fetch ${server.baseUrl}silent.gz: timed out`);
    expect(Date.now() - started).toBeLessThan(5000);
    expectNothingKept(dir);
  });

  test("HTTP 404: DataError with the status", async () => {
    const dir = tempDir();
    await expect(download("/missing.gz", join(dir, "f.gz"))).rejects.toThrow(`download: ${server.baseUrl}missing.gz answered HTTP 404 Not Found`);
    expectNothingKept(dir);
  });

  test("redirect to plain http elsewhere: refused before contacting it", async () => {
    const dir = tempDir();
    await expect(download("/downgrade.gz", join(dir, "f.gz"))).rejects.toThrow(
      "download: refusing http://example.invalid/good.gz: only https:// URLs are allowed (plain http only for a server on this machine)",
    );
    expectNothingKept(dir);
  });
});

describe("download URL rule", () => {
  test("https anywhere and http on loopback are allowed", () => {
    expect(checkDownloadUrl("https://raw.githubusercontent.com/x.gz").protocol).toBe("https:");
    expect(checkDownloadUrl("http://127.0.0.1:8080/x.gz").hostname).toBe("127.0.0.1");
    expect(checkDownloadUrl("http://localhost/x.gz").hostname).toBe("localhost");
  });

  test("plain http to another host, ftp and garbage are refused without a request", async () => {
    for (const url of ["http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/x.gz", "ftp://127.0.0.1/x.gz"]) {
      expect(() => checkDownloadUrl(url)).toThrow(`download: refusing ${url}: only https:// URLs are allowed`);
    }
    expect(() => checkDownloadUrl("not a url")).toThrow("download: not a url is not a valid URL");
    let fetched = false;
    const fetchSpy = async () => { fetched = true; return new Response(""); };
    const dir = tempDir();
    await expect(downloadVerified({ url: "http://example.invalid/x.gz", destination: join(dir, "x.gz"), sha256: payloadSha256, maxBytes: 10, fetch: fetchSpy }))
      .rejects.toThrow(DataError);
    expect(fetched).toBe(false);
    expect(existsSync(join(dir, "x.gz"))).toBe(false);
  });
});
