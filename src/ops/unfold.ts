// The one sliding-window primitive (im2col) under conv2d and both poolings, and its adjoint (col2im).
//
// Layout, per image: a (C·kH·kW) × (outH·outW) matrix. Row (c·kH + i)·kW + j holds, for every output
// position, the input pixel under kernel tap (i, j) of channel c; column l = oh·outW + ow is one window.
// Convolution is then one gemm per group (weight rows × columns), and pooling reduces each column.
// This is also the layout of PyTorch's F.unfold, which `unfold` below exposes with autograd.
import { record } from "../autograd/graph.js";
import { conv2dInfo, type WindowGeometry } from "../calc/conv-info.js";
import type { Pair } from "../calc/args.js";
import { DTypeError } from "../errors.js";
import { allocate, isFloat, type FloatStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";

/** Rows of the column matrix of one image: C·kH·kW. */
export function columnRows(g: WindowGeometry): number {
  return g.inChannels * g.kernelHeight * g.kernelWidth;
}

/**
 * Copies the windows of one C×H×W image (starting at imageOffset) into its column matrix (at columnsOffset).
 * Taps that fall outside the image — the padding, including the extra bottom/right windows of ceil-mode
 * pooling — read padValue (0 for convolution and average pooling, -Infinity for max pooling).
 */
export function im2col(image: FloatStorage, imageOffset: number, g: WindowGeometry,
  columns: FloatStorage, columnsOffset: number, padValue = 0): void {
  const H = g.inHeight, W = g.inWidth, outH = g.outHeight, outW = g.outWidth;
  const positions = outH * outW;
  let row = columnsOffset;
  for (let c = 0; c < g.inChannels; c++) {
    const plane = imageOffset + c * H * W;
    for (let i = 0; i < g.kernelHeight; i++) {
      for (let j = 0; j < g.kernelWidth; j++, row += positions) {
        let dst = row;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * g.strideHeight - g.padTop + i * g.dilationHeight;
          if (ih < 0 || ih >= H) { // a whole row of padding
            columns.fill(padValue, dst, dst + outW);
            dst += outW;
            continue;
          }
          const src = plane + ih * W;
          for (let ow = 0; ow < outW; ow++, dst++) {
            const iw = ow * g.strideWidth - g.padLeft + j * g.dilationWidth;
            columns[dst] = iw >= 0 && iw < W ? image[src + iw] : padValue;
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: adds every column entry back onto the pixel it was read from (entries read from
 * padding are dropped). A pixel under several windows receives the sum, which is what backward needs.
 */
export function col2im(columns: FloatStorage, columnsOffset: number, g: WindowGeometry,
  image: FloatStorage, imageOffset: number): void {
  const H = g.inHeight, W = g.inWidth, outH = g.outHeight, outW = g.outWidth;
  const positions = outH * outW;
  let row = columnsOffset;
  for (let c = 0; c < g.inChannels; c++) {
    const plane = imageOffset + c * H * W;
    for (let i = 0; i < g.kernelHeight; i++) {
      for (let j = 0; j < g.kernelWidth; j++, row += positions) {
        let src = row;
        for (let oh = 0; oh < outH; oh++) {
          const ih = oh * g.strideHeight - g.padTop + i * g.dilationHeight;
          if (ih < 0 || ih >= H) { src += outW; continue; }
          const dst = plane + ih * W;
          for (let ow = 0; ow < outW; ow++, src++) {
            const iw = ow * g.strideWidth - g.padLeft + j * g.dilationWidth;
            if (iw >= 0 && iw < W) image[dst + iw] += columns[src];
          }
        }
      }
    }
  }
}

export interface UnfoldOptions {
  stride?: Pair;
  padding?: Pair;
  dilation?: Pair;
}

/**
 * PyTorch's F.unfold for images: [N, C, H, W] → [N, C·kH·kW, L] with L = outH·outW windows
 * (a 3-D [C, H, W] input gives [C·kH·kW, L]). Zero padding. Differentiable: backward is col2im.
 */
export function unfold(input: Tensor, kernelSize: Pair, options: UnfoldOptions = {}): Tensor {
  if (!isFloat(input.dtype)) throw new DTypeError(`unfold: expected a floating point input, but got ${input.dtype}`);
  const C = input.ndim === 4 ? input.shape[1] : input.shape[0];
  const [kH, kW] = typeof kernelSize === "number" ? [kernelSize, kernelSize] : kernelSize;
  const info = conv2dInfo(input.shape, [1, C, kH, kW], options, null, "unfold");
  const rows = columnRows(info), positions = info.outHeight * info.outWidth;
  const imageSize = C * info.inHeight * info.inWidth, columnsSize = rows * positions;
  const x = input.data as FloatStorage;
  const columns = allocate(input.dtype, info.batchSize * columnsSize) as FloatStorage;
  for (let n = 0; n < info.batchSize; n++) im2col(x, n * imageSize, info, columns, n * columnsSize);
  const shape = info.batched ? [info.batchSize, rows, positions] : [rows, positions];
  return record(new Tensor(columns, shape), "Im2ColBackward", [input], (gradOutput) => {
    const grad = allocate(input.dtype, input.size) as FloatStorage;
    const g = gradOutput.data as FloatStorage;
    for (let n = 0; n < info.batchSize; n++) col2im(g, n * columnsSize, info, grad, n * imageSize);
    return [new Tensor(grad, input.shape)];
  });
}
