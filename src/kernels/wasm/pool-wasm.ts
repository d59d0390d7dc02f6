// 2×2, stride 2 average and max pooling (LeNet's) of float32 planes, forward and backward, in the conv module's
// WebAssembly memory (asm/pool.ts), both threads taking chunks of planes. Readable references: the window loops
// in src/kernels/pool-windows.ts, which give the same bits (test/kernels/pool-windows.test.ts).

import { chunkOf, runChunks } from "./conv-module.js";
import { layout, put, putInts, take, takeInts, zeroFloats } from "./conv-memory.js";
import { CONV_COLUMNS_BUDGET } from "./conv-gemm-wasm.js";

/** Planes per call, so a huge batch never needs a huge memory. */
function poolChunk(planes: number, planeFloats: number): number {
  return Math.max(1, Math.min(planes, Math.floor(CONV_COLUMNS_BUDGET / Math.max(1, planeFloats))));
}

/**
 * 2×2, stride 2 average pooling of `planes` H×W planes already in memory at sourceAt into targetAt, or (backward)
 * its gradient from the pooled planes at sourceAt onto the zeroed planes at targetAt; both threads take planes.
 */
export function runAvgPool2x2(backward: boolean, sourceAt: number, targetAt: number, planes: number, H: number,
  W: number, outH: number, outW: number, divisor: number): void {
  const each = chunkOf(planes);
  const shape = { planes: 0, H, W, outH, outW, divisor };
  if (backward) {
    runChunks("avgPool2x2BackwardF32", { args: { gy: sourceAt, grad: targetAt, ...shape }, chunkSize: each, total: planes,
      count: "planes", chunkStep: { gy: each * outH * outW * 4, grad: each * H * W * 4 } });
  } else {
    runChunks("avgPool2x2F32", { args: { x: sourceAt, out: targetAt, ...shape }, chunkSize: each, total: planes,
      count: "planes", chunkStep: { x: each * H * W * 4, out: each * outH * outW * 4 } });
  }
}

/**
 * 2×2, stride 2 average pooling of `planes` H×W float32 planes into out (planes × outH × outW), every window
 * inside its plane; divisor must be a float32 value. Same bits as the readable path (asm/pool.ts avgPool2x2F32).
 */
export function avgPool2x2Wasm(x: Float32Array, out: Float32Array, planes: number, H: number, W: number,
  outH: number, outW: number, divisor: number): void {
  const chunk = poolChunk(planes, H * W);
  const [xAt, outAt] = layout([chunk * H * W, chunk * outH * outW + 4]);
  for (let first = 0; first < planes; first += chunk) {
    const count = Math.min(chunk, planes - first);
    put(x.subarray(first * H * W, (first + count) * H * W), xAt);
    runAvgPool2x2(false, xAt, outAt, count, H, W, outH, outW, divisor);
    take(out, outAt, count * outH * outW, first * outH * outW);
  }
}

/** The gradient of avgPool2x2Wasm: grad (planes × H × W, written whole) from gy (planes × outH × outW). */
export function avgPool2x2BackwardWasm(gy: Float32Array, grad: Float32Array, planes: number, H: number, W: number,
  outH: number, outW: number, divisor: number): void {
  const chunk = poolChunk(planes, H * W);
  const [gyAt, gradAt] = layout([chunk * outH * outW, chunk * H * W]);
  for (let first = 0; first < planes; first += chunk) {
    const count = Math.min(chunk, planes - first);
    put(gy.subarray(first * outH * outW, (first + count) * outH * outW), gyAt);
    zeroFloats(gradAt, count * H * W);
    runAvgPool2x2(true, gyAt, gradAt, count, H, W, outH, outW, divisor);
    take(grad, gradAt, count * H * W, first * H * W);
  }
}

/**
 * 2×2, stride 2 max pooling of `planes` H×W float32 planes into out, with each window's tap (0..3) in argmax;
 * every window inside its plane. Same values and taps as maxPoolWindows (asm/pool.ts maxPool2x2F32).
 */
export function maxPool2x2Wasm(x: Float32Array, out: Float32Array, argmax: Int32Array, planes: number, H: number,
  W: number, outH: number, outW: number): void {
  const chunk = poolChunk(planes, H * W);
  const [xAt, outAt, argmaxAt] = layout([chunk * H * W, chunk * outH * outW, chunk * outH * outW]);
  for (let first = 0; first < planes; first += chunk) {
    const count = Math.min(chunk, planes - first), outputs = count * outH * outW, each = chunkOf(count);
    put(x.subarray(first * H * W, (first + count) * H * W), xAt);
    runChunks("maxPool2x2F32", { args: { x: xAt, out: outAt, argmax: argmaxAt, planes: 0, H, W, outH, outW },
      chunkSize: each, total: count, count: "planes",
      chunkStep: { x: each * H * W * 4, out: each * outH * outW * 4, argmax: each * outH * outW * 4 } });
    take(out, outAt, outputs, first * outH * outW);
    takeInts(argmax, argmaxAt, outputs, first * outH * outW);
  }
}

/** The gradient of maxPool2x2Wasm: grad (planes × H × W, written whole) from gy and the taps. */
export function maxPool2x2BackwardWasm(gy: Float32Array, grad: Float32Array, argmax: Int32Array, planes: number,
  H: number, W: number, outH: number, outW: number): void {
  const chunk = poolChunk(planes, H * W);
  const [gyAt, argmaxAt, gradAt] = layout([chunk * outH * outW, chunk * outH * outW, chunk * H * W]);
  for (let first = 0; first < planes; first += chunk) {
    const count = Math.min(chunk, planes - first), each = chunkOf(count);
    put(gy.subarray(first * outH * outW, (first + count) * outH * outW), gyAt);
    putInts(argmax.subarray(first * outH * outW, (first + count) * outH * outW), argmaxAt);
    zeroFloats(gradAt, count * H * W);
    runChunks("maxPool2x2BackwardF32", { args: { gy: gyAt, grad: gradAt, argmax: argmaxAt, planes: 0, H, W, outH, outW },
      chunkSize: each, total: count, count: "planes",
      chunkStep: { gy: each * outH * outW * 4, grad: each * H * W * 4, argmax: each * outH * outW * 4 } });
    take(grad, gradAt, count * H * W, first * H * W);
  }
}
