// pool2dInfo: every size of a 2-D max or average pooling, computed and checked once (like conv2dInfo).
import { ShapeError, ValueError } from "../errors.js";
import { formatValue, pairOf, checkShapeValues, type Pair } from "./args.js";
import type { WindowGeometry } from "./conv-info.js";

export interface Pool2dOptions {
  /** Defaults to the kernel size: windows side by side, as in PyTorch. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export interface Pool2dInfo extends WindowGeometry {
  batched: boolean;
  batchSize: number;
  /** Pooling keeps the channels: outChannels = inChannels. */
  outChannels: number;
  /** Padding is symmetric in pooling; ceilMode windows may also run past the bottom / right padding. */
  padBottom: number; padRight: number;
  ceilMode: boolean;
  inputShape: number[];
  outputShape: number[];
}

/**
 * Output size along one axis, PyTorch's pooling_output_shape: floor (or ceil) of
 * (size + 2·pad - dilation·(k - 1) - 1) / stride, plus 1. In ceil mode the last window must still
 * start inside the input or the left padding, otherwise it is dropped.
 */
export function poolOutputSize(size: number, kernel: number, pad: number, stride: number, dilation: number,
  ceilMode: boolean): number {
  const span = dilation * (kernel - 1) + 1;
  let out = Math.floor((size + 2 * pad - span + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

export function pool2dInfo(inputShape: readonly number[], kernelSize: Pair, options: Pool2dOptions = {},
  op = "maxPool2d"): Pool2dInfo {
  const { stride = null, padding = 0, dilation = 1, ceilMode = false } = options;
  checkShapeValues(inputShape, "input shape", op);
  const [kernelHeight, kernelWidth] = pairOf(kernelSize, "kernel_size", op);
  const [strideHeight, strideWidth] = stride === null ? [kernelHeight, kernelWidth] : pairOf(stride, "stride", op);
  const [padTop, padLeft] = pairOf(padding, "padding", op);
  const [dilationHeight, dilationWidth] = pairOf(dilation, "dilation", op);

  if (kernelHeight <= 0 || kernelWidth <= 0) {
    throw new ValueError(`${op}: kernel size should be greater than zero, but got kH: ${kernelHeight} kW: ${kernelWidth}`);
  }
  if (strideHeight === 0 || strideWidth === 0) throw new ValueError(`${op}: stride should not be zero`);
  if (strideHeight < 0 || strideWidth < 0) {
    throw new ValueError(`${op}: stride should be greater than zero, but got dH: ${strideHeight} dW: ${strideWidth}`);
  }
  if (dilationHeight <= 0 || dilationWidth <= 0) {
    throw new ValueError(`${op}: dilation should be greater than zero, but got dilationH: ${dilationHeight} dilationW: ${dilationWidth}`);
  }
  for (const [pad, kernel, dil] of [[padTop, kernelHeight, dilationHeight], [padLeft, kernelWidth, dilationWidth]]) {
    if (pad < 0) throw new ValueError(`${op}: pad must be non-negative, but got pad: ${pad}`);
    // A window made only of padding would have no input value to pool.
    if (pad > Math.floor((dil * (kernel - 1) + 1) / 2)) {
      throw new ValueError(`${op}: pad should be at most half of effective kernel size, but got pad=${pad}, kernel_size=${kernel} and dilation=${dil}`);
    }
  }
  if ((inputShape.length !== 3 && inputShape.length !== 4) || inputShape.slice(-3).some((d) => d === 0)) {
    const hint = inputShape.length === 2
      ? `, but got input of size ${formatValue([...inputShape])}; add batch and channel axes with X.reshape([1, 1, ${inputShape.join(", ")}])`
      : `, but got input of size ${formatValue([...inputShape])}`;
    throw new ShapeError(`${op}: non-empty 3D or 4D (batch mode) tensor expected for input${hint}`);
  }
  const batched = inputShape.length === 4;
  const [batchSize, channels, inHeight, inWidth] = batched ? inputShape : [1, ...inputShape];
  const outHeight = poolOutputSize(inHeight, kernelHeight, padTop, strideHeight, dilationHeight, ceilMode);
  const outWidth = poolOutputSize(inWidth, kernelWidth, padLeft, strideWidth, dilationWidth, ceilMode);
  if (outHeight < 1 || outWidth < 1) {
    throw new ShapeError(`${op}: Given input size: (${channels}x${inHeight}x${inWidth}). Calculated output size: (${channels}x${outHeight}x${outWidth}). Output size is too small`);
  }
  return {
    batched, batchSize, inChannels: channels, outChannels: channels, inHeight, inWidth,
    kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth,
    padTop, padBottom: padTop, padLeft, padRight: padLeft, ceilMode, outHeight, outWidth,
    inputShape: [...inputShape],
    outputShape: batched ? [batchSize, channels, outHeight, outWidth] : [channels, outHeight, outWidth],
  };
}
