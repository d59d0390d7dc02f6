// The pooling definitions, one output value at a time, as PyTorch's CPU kernels state them.
// Slow and forward-only: for reading and for tests; maxPool2d and avgPool2d must agree with them.
import type { Pair } from "../calc/args.js";
import { pool2dInfo } from "../calc/pool-info.js";
import { allocate } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import type { AvgPool2dOptions, MaxPool2dOptions } from "./pool.js";

/** Max of each window; taps on the padding are skipped, and a NaN wins. */
export function maxPool2dReference(input: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  const info = pool2dInfo(input.shape, kernelSize, options, "maxPool2dReference");
  const { inHeight: H, inWidth: W } = info;
  const out = allocate(input.dtype, info.outputShape.reduce((a, b) => a * b, 1));
  let index = 0;
  for (let plane = 0; plane < info.batchSize * info.inChannels; plane++) {
    for (let oh = 0; oh < info.outHeight; oh++) {
      for (let ow = 0; ow < info.outWidth; ow++) {
        let best = -Infinity;
        for (let i = 0; i < info.kernelHeight; i++) {
          const ih = oh * info.strideHeight - info.padTop + i * info.dilationHeight;
          if (ih < 0 || ih >= H) continue;
          for (let j = 0; j < info.kernelWidth; j++) {
            const iw = ow * info.strideWidth - info.padLeft + j * info.dilationWidth;
            if (iw < 0 || iw >= W) continue;
            const v = input.data[(plane * H + ih) * W + iw];
            if (v > best || Number.isNaN(v)) best = v;
            if (Number.isNaN(best)) break;
          }
        }
        out[index++] = best;
      }
    }
  }
  return new Tensor(out, info.outputShape);
}

/**
 * Mean of each window. As in PyTorch: the window is first clipped to the padded input (which sets the divisor when
 * countIncludePad), then to the input itself (which sets the divisor otherwise); divisorOverride replaces both.
 */
export function avgPool2dReference(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  const { countIncludePad = true, divisorOverride = null, ...window } = options;
  const info = pool2dInfo(input.shape, kernelSize, { ...window, dilation: 1 }, "avgPool2dReference");
  const { inHeight: H, inWidth: W } = info;
  const out = allocate(input.dtype, info.outputShape.reduce((a, b) => a * b, 1));
  let index = 0;
  for (let plane = 0; plane < info.batchSize * info.inChannels; plane++) {
    for (let oh = 0; oh < info.outHeight; oh++) {
      for (let ow = 0; ow < info.outWidth; ow++) {
        let hStart = oh * info.strideHeight - info.padTop, wStart = ow * info.strideWidth - info.padLeft;
        let hEnd = Math.min(hStart + info.kernelHeight, H + info.padTop);
        let wEnd = Math.min(wStart + info.kernelWidth, W + info.padLeft);
        const paddedSize = (hEnd - hStart) * (wEnd - wStart);
        hStart = Math.max(hStart, 0); wStart = Math.max(wStart, 0);
        hEnd = Math.min(hEnd, H); wEnd = Math.min(wEnd, W);
        let total = 0;
        for (let ih = hStart; ih < hEnd; ih++) for (let iw = wStart; iw < wEnd; iw++) total += input.data[(plane * H + ih) * W + iw];
        const divisor = divisorOverride ?? (countIncludePad ? paddedSize : (hEnd - hStart) * (wEnd - wStart));
        out[index++] = total / divisor;
      }
    }
  }
  return new Tensor(out, info.outputShape);
}
