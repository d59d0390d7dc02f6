// maxPool2d and avgPool2d through the same im2col as conv2d: unfold each image, then reduce every column.
// Backward builds the gradient of the columns and folds it back with col2im.
import { record } from "../autograd/graph.js";
import type { Pair } from "../calc/args.js";
import { pool2dInfo, type Pool2dInfo } from "../calc/pool-info.js";
import { DTypeError, ValueError } from "../errors.js";
import { allocate, isFloat, type FloatStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { col2im, columnRows, im2col } from "./unfold.js";
import {
  avgPoolWindows, avgPoolWindowsBackward, canRunPoolWindows, maxPoolWindows, maxPoolWindowsBackward,
} from "../kernels/pool-windows.js";
import { checkTensor } from "../tensor/arguments.js";

/**
 * "fast" pools non-overlapping windows inside the input directly (src/kernels/pool-windows.ts) and everything
 * else through im2col; "readable" always goes through im2col. Both give the same bits (tests compare them).
 */
export type PoolKernels = "fast" | "readable";

export interface MaxPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export interface AvgPool2dOptions {
  /** Defaults to kernelSize. */
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  /** Count the zero padding in the divisor (PyTorch's default). */
  countIncludePad?: boolean;
  /** Divide every window by this instead. */
  divisorOverride?: number | null;
}

function checkFloat(input: Tensor, op: string): void {
  if (!isFloat(input.dtype)) throw new DTypeError(`${op}: expected a floating point input, but got ${input.dtype}`);
}

/**
 * The largest value in each window. Padding never wins (it reads -Infinity); a NaN in a window wins,
 * as in PyTorch. The gradient goes to the (first) maximum of each window.
 */
export function maxPool2d(input: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  return maxPool2dWith("fast", input, kernelSize, options);
}

/** maxPool2d with a choice of kernels, for the tests that hold the direct loops to the readable path. */
export function maxPool2dWith(kernels: PoolKernels, input: Tensor, kernelSize: Pair, options: MaxPool2dOptions = {}): Tensor {
  checkTensor(input, "maxPool2d", "input", 1);
  checkFloat(input, "maxPool2d");
  const info = pool2dInfo(input.shape, kernelSize, options, "maxPool2d");
  const { taps, positions, imageSize, planes } = sizes(info);
  const x = input.data as FloatStorage;
  const out = allocate(input.dtype, planes * positions) as FloatStorage;
  const argmax = new Int32Array(planes * positions); // which tap of its window each output came from
  if (kernels === "fast" && canRunPoolWindows(info)) {
    maxPoolWindows(x, out, argmax, planes, info);
    return record(new Tensor(out, info.outputShape), "MaxPool2DWithIndicesBackward", [input], (gradOutput) => {
      const grad = allocate(input.dtype, input.size) as FloatStorage;
      maxPoolWindowsBackward(gradOutput.data as FloatStorage, grad, argmax, planes, info);
      return [new Tensor(grad, input.shape)];
    }, [input]); // PyTorch saves the input (and max pooling its indices)
  }
  const columns = allocate(input.dtype, columnRows(info) * positions) as FloatStorage;
  const firstTap = firstInputTaps(info);
  for (let n = 0; n < info.batchSize; n++) {
    im2col(x, n * imageSize, info, columns, 0, -Infinity);
    for (let c = 0; c < info.inChannels; c++) {
      const plane = (n * info.inChannels + c) * positions;
      const firstRow = c * taps * positions;
      // Start from the window's first input pixel, so a window of -Infinity still sends its gradient there.
      for (let l = 0; l < positions; l++) {
        out[plane + l] = columns[firstRow + firstTap[l] * positions + l];
        argmax[plane + l] = firstTap[l];
      }
      for (let t = 0; t < taps; t++) {
        const row = firstRow + t * positions;
        for (let l = 0; l < positions; l++) {
          const value = columns[row + l];
          // `value > best` alone would let NaN lose every comparison; PyTorch lets it win.
          if (value > out[plane + l] || Number.isNaN(value)) {
            out[plane + l] = value;
            argmax[plane + l] = t;
          }
        }
      }
    }
  }
  return record(new Tensor(out, info.outputShape), "MaxPool2DWithIndicesBackward", [input], (gradOutput) => {
    const gy = gradOutput.data as FloatStorage;
    const grad = allocate(input.dtype, input.size) as FloatStorage;
    for (let n = 0; n < info.batchSize; n++) {
      columns.fill(0);
      for (let c = 0; c < info.inChannels; c++) {
        const plane = (n * info.inChannels + c) * positions;
        for (let l = 0; l < positions; l++) columns[(c * taps + argmax[plane + l]) * positions + l] = gy[plane + l];
      }
      col2im(columns, 0, info, grad, n * imageSize);
    }
    return [new Tensor(grad, input.shape)];
  }, [input]); // PyTorch saves the input (and max pooling its indices)
}

/** The mean of each window; the divisor follows PyTorch (countIncludePad, ceil-mode windows, divisorOverride). */
export function avgPool2d(input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  return avgPool2dWith("fast", input, kernelSize, options);
}

/** avgPool2d with a choice of kernels, for the tests that hold the direct loops to the readable path. */
export function avgPool2dWith(kernels: PoolKernels, input: Tensor, kernelSize: Pair, options: AvgPool2dOptions = {}): Tensor {
  checkTensor(input, "avgPool2d", "input", 1);
  checkFloat(input, "avgPool2d");
  const { countIncludePad = true, divisorOverride = null, ...windowOptions } = options;
  if (divisorOverride !== null && divisorOverride !== undefined) {
    if (!Number.isInteger(divisorOverride)) {
      throw new ValueError(`avgPool2d: divisor_override must be an integer, but got ${divisorOverride}`);
    }
    if (divisorOverride === 0) throw new ValueError("avgPool2d: divisor must be not zero");
  }
  const info = pool2dInfo(input.shape, kernelSize, { ...windowOptions, dilation: 1 }, "avgPool2d");
  const { taps, positions, imageSize, planes } = sizes(info);
  const divisors = windowDivisors(info, countIncludePad, divisorOverride ?? null);
  const x = input.data as FloatStorage;
  const out = allocate(input.dtype, planes * positions) as FloatStorage;
  if (kernels === "fast" && canRunPoolWindows(info) && positions > 0) {
    const divisor = divisors[0]; // no padding: every window has the same divisor
    avgPoolWindows(x, out, planes, info, divisor);
    return record(new Tensor(out, info.outputShape), "AvgPool2DBackward", [input], (gradOutput) => {
      const grad = allocate(input.dtype, input.size) as FloatStorage;
      avgPoolWindowsBackward(gradOutput.data as FloatStorage, grad, planes, info, divisor);
      return [new Tensor(grad, input.shape)];
    }, [input]); // PyTorch saves the input (and max pooling its indices)
  }
  const columns = allocate(input.dtype, columnRows(info) * positions) as FloatStorage;
  for (let n = 0; n < info.batchSize; n++) {
    im2col(x, n * imageSize, info, columns, 0, 0);
    for (let c = 0; c < info.inChannels; c++) {
      const plane = (n * info.inChannels + c) * positions;
      for (let t = 0; t < taps; t++) {
        const row = (c * taps + t) * positions;
        for (let l = 0; l < positions; l++) out[plane + l] += columns[row + l];
      }
      for (let l = 0; l < positions; l++) out[plane + l] /= divisors[l];
    }
  }
  return record(new Tensor(out, info.outputShape), "AvgPool2DBackward", [input], (gradOutput) => {
    const gy = gradOutput.data as FloatStorage;
    const grad = allocate(input.dtype, input.size) as FloatStorage;
    for (let n = 0; n < info.batchSize; n++) {
      for (let c = 0; c < info.inChannels; c++) {
        const plane = (n * info.inChannels + c) * positions;
        for (let t = 0; t < taps; t++) {
          const row = (c * taps + t) * positions;
          for (let l = 0; l < positions; l++) columns[row + l] = gy[plane + l] / divisors[l];
        }
      }
      col2im(columns, 0, info, grad, n * imageSize);
    }
    return [new Tensor(grad, input.shape)];
  }, [input]); // PyTorch saves the input (and max pooling its indices)
}

/** For each window, its first tap that lies on the input rather than on the padding (PyTorch's starting index). */
function firstInputTaps(info: Pool2dInfo): Int32Array {
  const first = new Int32Array(info.outHeight * info.outWidth);
  for (let oh = 0; oh < info.outHeight; oh++) {
    const top = oh * info.strideHeight - info.padTop;
    const i = top < 0 ? Math.ceil(-top / info.dilationHeight) : 0;
    for (let ow = 0; ow < info.outWidth; ow++) {
      const left = ow * info.strideWidth - info.padLeft;
      const j = left < 0 ? Math.ceil(-left / info.dilationWidth) : 0;
      first[oh * info.outWidth + ow] = i * info.kernelWidth + j;
    }
  }
  return first;
}

function sizes(info: Pool2dInfo) {
  const positions = info.outHeight * info.outWidth;
  return {
    taps: info.kernelHeight * info.kernelWidth,
    positions,
    imageSize: info.inChannels * info.inHeight * info.inWidth,
    planes: info.batchSize * info.inChannels,
  };
}

/**
 * What each window's sum is divided by, as PyTorch's avg_pool2d: the window clipped to the padded input
 * (so ceil-mode windows hanging past the padding count only up to it), or, without countIncludePad,
 * clipped to the input itself.
 */
function windowDivisors(info: Pool2dInfo, countIncludePad: boolean, divisorOverride: number | null): Float64Array {
  const divisors = new Float64Array(info.outHeight * info.outWidth);
  for (let oh = 0; oh < info.outHeight; oh++) {
    for (let ow = 0; ow < info.outWidth; ow++) {
      let top = oh * info.strideHeight - info.padTop, left = ow * info.strideWidth - info.padLeft;
      let bottom = Math.min(top + info.kernelHeight, info.inHeight + info.padBottom);
      let right = Math.min(left + info.kernelWidth, info.inWidth + info.padRight);
      const withPadding = (bottom - top) * (right - left);
      top = Math.max(top, 0); left = Math.max(left, 0);
      bottom = Math.min(bottom, info.inHeight); right = Math.min(right, info.inWidth);
      const inside = (bottom - top) * (right - left);
      divisors[oh * info.outWidth + ow] = divisorOverride ?? (countIncludePad ? withPadding : inside);
    }
  }
  return divisors;
}
