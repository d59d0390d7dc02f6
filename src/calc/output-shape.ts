// Small public calculators: the shape a convolution or pooling produces, without computing it.
// Built on conv2dInfo / pool2dInfo, so they agree with the ops and throw the same errors.
import type { Pair } from "./args.js";
import { conv2dInfo, type Conv2dOptions } from "./conv-info.js";
import { pool2dInfo, type Pool2dOptions } from "./pool-info.js";

/**
 * Output shape of conv2d. Shapes as conv2d takes them ([N, C, H, W] input, [C_out, C_in / groups, kH, kW] weight),
 * or, for the book's single-channel examples, an [H, W] input with a [kH, kW] kernel, giving [outH, outW].
 *
 *   convOutputShape([8, 8], [3, 3], { padding: 1 })            // [8, 8]
 *   convOutputShape([1, 1, 8, 8], [1, 1, 3, 3], { stride: 2 }) // [1, 1, 3, 3]
 */
export function convOutputShape(inputShape: readonly number[], weightShape: readonly number[],
  options: Conv2dOptions = {}): number[] {
  if (inputShape.length === 2 && weightShape.length === 2) {
    const info = conv2dInfo([1, 1, ...inputShape], [1, 1, ...weightShape], options, null, "convOutputShape");
    return [info.outHeight, info.outWidth];
  }
  return conv2dInfo(inputShape, weightShape, options, null, "convOutputShape").outputShape;
}

/**
 * Output shape of maxPool2d / avgPool2d for an [N, C, H, W], [C, H, W] or (single-channel) [H, W] input.
 *
 *   poolOutputShape([1, 6, 28, 28], 2)                      // [1, 6, 14, 14]
 *   poolOutputShape([5, 5], 2, { ceilMode: true })          // [3, 3]
 */
export function poolOutputShape(inputShape: readonly number[], kernelSize: Pair, options: Pool2dOptions = {}): number[] {
  if (inputShape.length === 2) {
    const info = pool2dInfo([1, ...inputShape], kernelSize, options, "poolOutputShape");
    return [info.outHeight, info.outWidth];
  }
  return pool2dInfo(inputShape, kernelSize, options, "poolOutputShape").outputShape;
}
