// Pooling straight over the input's windows, for the common case where windows neither overlap nor leave the
// input (LeNet's 2×2, stride 2): no column matrix, one pass over the input forward and one over the gradient
// backward. The readable path in src/ops/pool.ts (im2col, reduce each column, col2im) handles every case;
// these loops (and the WebAssembly 2×2 kernel) do the same arithmetic in the same order, so they give the same bits
// (test/kernels/pool-windows.test.ts compares them).
import type { Pool2dInfo } from "../calc/pool-info.js";
import type { FloatStorage } from "../tensor/dtype.js";
import { avgPool2x2BackwardWasm, avgPool2x2Wasm, maxPool2x2BackwardWasm, maxPool2x2Wasm } from "./wasm/pool-wasm.js";

/**
 * Whether every window lies inside the input (no padding, no ceil-mode overhang), windows do not overlap
 * (stride ≥ kernel) and dilation is 1: then each input pixel feeds at most one output, and backward writes
 * each gradient pixel once.
 */
export function canRunPoolWindows(info: Pool2dInfo): boolean {
  return info.padTop === 0 && info.padLeft === 0 && info.padBottom === 0 && info.padRight === 0
    && info.dilationHeight === 1 && info.dilationWidth === 1
    && info.strideHeight >= info.kernelHeight && info.strideWidth >= info.kernelWidth
    && (info.outHeight - 1) * info.strideHeight + info.kernelHeight <= info.inHeight
    && (info.outWidth - 1) * info.strideWidth + info.kernelWidth <= info.inWidth;
}

/**
 * LeNet's case — 2×2 windows, stride 2, float32 — runs in WebAssembly SIMD (asm/pool.ts avgPool2x2F32), with
 * the same additions in the same order; the divisor must then be exact in float32 (any divisor up to 2^24).
 */
function isWasm2x2(info: Pool2dInfo, divisor: number): boolean {
  return is2x2(info) && Math.fround(divisor) === divisor;
}

function is2x2(info: Pool2dInfo): boolean {
  return info.kernelHeight === 2 && info.kernelWidth === 2 && info.strideHeight === 2 && info.strideWidth === 2;
}

/** out[plane, oh, ow] = (sum over the window, taps in row-major order) / divisor, for every plane (n, c). */
export function avgPoolWindows(x: FloatStorage, out: FloatStorage, planes: number, info: Pool2dInfo, divisor: number): void {
  if (x instanceof Float32Array && out instanceof Float32Array && isWasm2x2(info, divisor)) {
    avgPool2x2Wasm(x, out, planes, info.inHeight, info.inWidth, info.outHeight, info.outWidth, divisor);
    return;
  }
  const H = info.inHeight, W = info.inWidth, outH = info.outHeight, outW = info.outWidth;
  const kH = info.kernelHeight, kW = info.kernelWidth, sH = info.strideHeight, sW = info.strideWidth;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const corner = plane + oh * sH * W + ow * sW;
        // Summed in the output array itself, so each partial sum rounds to its dtype as the readable path's do.
        out[o] = 0;
        for (let i = 0; i < kH; i++) for (let j = 0; j < kW; j++) out[o] += x[corner + i * W + j];
        out[o] /= divisor;
      }
    }
  }
}

/** The gradient of avgPoolWindows: each input pixel of a window receives that window's gradient / divisor. */
export function avgPoolWindowsBackward(gy: FloatStorage, grad: FloatStorage, planes: number, info: Pool2dInfo,
  divisor: number): void {
  const H = info.inHeight, W = info.inWidth, outH = info.outHeight, outW = info.outWidth;
  const kH = info.kernelHeight, kW = info.kernelWidth, sH = info.strideHeight, sW = info.strideWidth;
  if (gy instanceof Float32Array && grad instanceof Float32Array && isWasm2x2(info, divisor)) {
    avgPool2x2BackwardWasm(gy, grad, planes, H, W, outH, outW, divisor);
    return;
  }
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const corner = plane + oh * sH * W + ow * sW;
        const share = gy[o] / divisor;
        // += onto the zeroed gradient (not =): 0 + (-0) is +0, as col2im gives.
        for (let i = 0; i < kH; i++) for (let j = 0; j < kW; j++) grad[corner + i * W + j] += share;
      }
    }
  }
}

/**
 * The largest value of each window and which tap (i·kW + j) it came from: the first maximum, with NaN
 * winning, as the readable path and PyTorch.
 */
export function maxPoolWindows(x: FloatStorage, out: FloatStorage, argmax: Int32Array, planes: number,
  info: Pool2dInfo): void {
  const H = info.inHeight, W = info.inWidth, outH = info.outHeight, outW = info.outWidth;
  // The 2×2, stride 2 case in WebAssembly SIMD (asm/pool.ts maxPool2x2F32): same comparisons, no branches to mispredict.
  if (x instanceof Float32Array && out instanceof Float32Array && is2x2(info)) {
    maxPool2x2Wasm(x, out, argmax, planes, H, W, outH, outW);
    return;
  }
  const kH = info.kernelHeight, kW = info.kernelWidth, sH = info.strideHeight, sW = info.strideWidth;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const corner = plane + oh * sH * W + ow * sW;
        let best = x[corner], bestTap = 0;
        for (let i = 0; i < kH; i++) {
          for (let j = 0; j < kW; j++) {
            const value = x[corner + i * W + j];
            if (value > best || Number.isNaN(value)) { best = value; bestTap = i * kW + j; }
          }
        }
        out[o] = best;
        argmax[o] = bestTap;
      }
    }
  }
}

/** The gradient of maxPoolWindows: each window's gradient goes to the pixel its maximum came from. */
export function maxPoolWindowsBackward(gy: FloatStorage, grad: FloatStorage, argmax: Int32Array, planes: number,
  info: Pool2dInfo): void {
  const H = info.inHeight, W = info.inWidth, outH = info.outHeight, outW = info.outWidth;
  if (gy instanceof Float32Array && grad instanceof Float32Array && is2x2(info)) {
    maxPool2x2BackwardWasm(gy, grad, argmax, planes, H, W, outH, outW);
    return;
  }
  const kW = info.kernelWidth, sH = info.strideHeight, sW = info.strideWidth;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const plane = p * H * W;
    for (let oh = 0; oh < outH; oh++) {
      for (let ow = 0; ow < outW; ow++, o++) {
        const tap = argmax[o], i = Math.floor(tap / kW), j = tap - i * kW;
        grad[plane + (oh * sH + i) * W + ow * sW + j] += gy[o];
      }
    }
  }
}
