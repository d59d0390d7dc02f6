// encodePng in Node: the PNG format of png-format.ts with Node's zlib deflate.
import { deflateSync } from "node:zlib";
import { encodePngWith } from "./png-format.js";

/** PNG bytes of a width × height RGBA image (row-major, 4 bytes per pixel). */
export function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  return encodePngWith(width, height, rgba, (raw) => deflateSync(raw, { level: 6 }));
}
