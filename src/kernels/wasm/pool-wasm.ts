// 2×2, stride 2 pooling (LeNet's) of float32 planes in the conv module's WebAssembly memory (asm/conv.ts),
// both threads taking chunks of planes. Readable references: the window loops in src/kernels/pool-windows.ts,
// which give the same bits (test/kernels/pool-windows.test.ts).

import { chunkOf, CONV_COLUMNS_BUDGET, layout, put, putInts, runChunks, take, takeInts, zeroFloats } from "./conv-wasm.js";

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
  const [sourceStep, targetStep] = backward ? [outH * outW, H * W] : [H * W, outH * outW];
  runChunks({ kernel: backward ? "avgPool2x2BackwardF32" : "avgPool2x2F32",
    args: [sourceAt, targetAt, 0, H, W, outH, outW, divisor], chunkSize: each, total: planes, countArg: 2,
    chunkStep: [each * sourceStep * 4, each * targetStep * 4, 0, 0, 0, 0, 0, 0] });
}

/**
 * 2×2, stride 2 average pooling of `planes` H×W float32 planes into out (planes × outH × outW), every window
 * inside its plane; divisor must be a float32 value. Same bits as the readable path (asm/conv.ts avgPool2x2F32).
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
 * every window inside its plane. Same values and taps as maxPoolWindows (asm/conv.ts maxPool2x2F32).
 */
export function maxPool2x2Wasm(x: Float32Array, out: Float32Array, argmax: Int32Array, planes: number, H: number,
  W: number, outH: number, outW: number): void {
  const chunk = poolChunk(planes, H * W);
  const [xAt, outAt, argmaxAt] = layout([chunk * H * W, chunk * outH * outW, chunk * outH * outW]);
  for (let first = 0; first < planes; first += chunk) {
    const count = Math.min(chunk, planes - first), outputs = count * outH * outW, each = chunkOf(count);
    put(x.subarray(first * H * W, (first + count) * H * W), xAt);
    runChunks({ kernel: "maxPool2x2F32", args: [xAt, outAt, argmaxAt, 0, H, W, outH, outW], chunkSize: each, total: count,
      countArg: 3, chunkStep: [each * H * W * 4, each * outH * outW * 4, each * outH * outW * 4, 0, 0, 0, 0, 0] });
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
    runChunks({ kernel: "maxPool2x2BackwardF32", args: [gyAt, gradAt, argmaxAt, 0, H, W, outH, outW], chunkSize: each,
      total: count, countArg: 3, chunkStep: [each * outH * outW * 4, each * H * W * 4, each * outH * outW * 4, 0, 0, 0, 0, 0] });
    take(grad, gradAt, count * H * W, first * H * W);
  }
}
