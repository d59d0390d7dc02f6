// encodePng for a browser (the browser build uses this in place of png.ts): the same PNG layout, built in a
// Uint8Array, with the pixels in zlib "stored" blocks, because a browser's only deflate (CompressionStream) is
// asynchronous and figures render synchronously. The image is the same; the bytes are larger (a 28×28 image
// is 3 KiB), which for the heatmaps inside a figure does not matter.
import { encodePngWith } from "./png-format.js";

function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** A zlib stream of stored (uncompressed) deflate blocks of at most 65535 bytes. */
function zlibStored(raw: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(raw.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + raw.length + 4);
  const view = new DataView(out.buffer);
  out[0] = 0x78; out[1] = 0x01;
  let at = 2;
  for (let i = 0; i < blocks; i++) {
    const part = raw.subarray(i * 65535, Math.min(raw.length, (i + 1) * 65535));
    out[at] = i === blocks - 1 ? 1 : 0;
    view.setUint16(at + 1, part.length, true);
    view.setUint16(at + 3, ~part.length & 0xffff, true);
    out.set(part, at + 5);
    at += 5 + part.length;
  }
  view.setUint32(at, adler32(raw));
  return out;
}

/** PNG bytes of a width × height RGBA image (row-major, 4 bytes per pixel). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  return encodePngWith(width, height, rgba, zlibStored);
}
