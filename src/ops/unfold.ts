// The one sliding-window primitive (im2col) under conv2d and both poolings, and its adjoint (col2im).
//
// Layout, per image: a (C·kH·kW) × (outH·outW) matrix. Row (c·kH + i)·kW + j holds, for every output
// position, the input pixel under kernel tap (i, j) of channel c; column l = oh·outW + ow is one window.
// Convolution puts the column matrices of a chunk of images side by side and does one gemm per group
// (weight rows × columns); pooling reduces each column.
// This is also the layout of PyTorch's F.unfold, which `unfold` below exposes with autograd.
import { record } from "../autograd/graph.js";
import { conv2dInfo, type WindowGeometry } from "../calc/conv-info.js";
import type { Pair } from "../calc/args.js";
import { DTypeError } from "../errors.js";
import { allocate, isFloat, type FloatStorage } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { checkTensor } from "../tensor/arguments.js";
import { pairOf } from "../calc/args.js";

/** Rows of the column matrix of one image: C·kH·kW. */
export function columnRows(g: WindowGeometry): number {
  return g.inChannels * g.kernelHeight * g.kernelWidth;
}

/**
 * The output positions whose tap lands inside the input along one axis: tap position = o·stride + offset
 * must lie in [0, size), so o runs over [first, end). Computed once per tap instead of testing every pixel.
 */
function insideRange(offset: number, stride: number, size: number, outSize: number): [number, number] {
  const first = offset >= 0 ? 0 : Math.ceil(-offset / stride);
  const end = size - 1 - offset < 0 ? 0 : Math.min(outSize, Math.floor((size - 1 - offset) / stride) + 1);
  return [Math.min(first, outSize), Math.max(end, Math.min(first, outSize))];
}

/**
 * Copies the windows of one C×H×W image (starting at imageOffset) into its column matrix (at columnsOffset).
 * Rows are rowStride apart: outH·outW for one image alone, or batch·outH·outW when the columns of
 * several images sit side by side (image n at columnsOffset = n·outH·outW) so that one gemm covers them all.
 * Taps that fall outside the image — the padding, including the extra bottom/right windows of ceil-mode
 * pooling — read padValue (0 for convolution and average pooling, -Infinity for max pooling).
 */
export function im2col(image: FloatStorage, imageOffset: number, g: WindowGeometry,
  columns: FloatStorage, columnsOffset: number, padValue = 0, rowStride = g.outHeight * g.outWidth): void {
  const H = g.inHeight, W = g.inWidth, outH = g.outHeight, outW = g.outWidth;
  const kH = g.kernelHeight, kW = g.kernelWidth, strideH = g.strideHeight, strideW = g.strideWidth;
  let row = columnsOffset;
  for (let c = 0; c < g.inChannels; c++) {
    const plane = imageOffset + c * H * W;
    for (let i = 0; i < kH; i++) {
      const rowOffset = i * g.dilationHeight - g.padTop; // input row = oh·strideH + rowOffset
      const [ohFirst, ohEnd] = insideRange(rowOffset, strideH, H, outH);
      for (let j = 0; j < kW; j++, row += rowStride) {
        const colOffset = j * g.dilationWidth - g.padLeft; // input column = ow·strideW + colOffset
        const [owFirst, owEnd] = insideRange(colOffset, strideW, W, outW);
        // Plain loops rather than fill(): the padded stretches are short and fill's call costs more.
        for (let k = row; k < row + ohFirst * outW; k++) columns[k] = padValue; // rows of padding above
        for (let oh = ohFirst; oh < ohEnd; oh++) {
          const dst = row + oh * outW;
          const src = plane + (oh * strideH + rowOffset) * W + colOffset;
          for (let ow = 0; ow < owFirst; ow++) columns[dst + ow] = padValue;
          for (let ow = owFirst; ow < owEnd; ow++) columns[dst + ow] = image[src + ow * strideW];
          for (let ow = owEnd; ow < outW; ow++) columns[dst + ow] = padValue;
        }
        for (let k = row + ohEnd * outW; k < row + outH * outW; k++) columns[k] = padValue; // and below
      }
    }
  }
}

/**
 * The adjoint of im2col: adds every column entry back onto the pixel it was read from (entries read from
 * padding are dropped). A pixel under several windows receives the sum, which is what backward needs.
 */
export function col2im(columns: FloatStorage, columnsOffset: number, g: WindowGeometry,
  image: FloatStorage, imageOffset: number, rowStride = g.outHeight * g.outWidth): void {
  const H = g.inHeight, W = g.inWidth, outH = g.outHeight, outW = g.outWidth;
  const kH = g.kernelHeight, kW = g.kernelWidth, strideH = g.strideHeight, strideW = g.strideWidth;
  let row = columnsOffset;
  for (let c = 0; c < g.inChannels; c++) {
    const plane = imageOffset + c * H * W;
    for (let i = 0; i < kH; i++) {
      const rowOffset = i * g.dilationHeight - g.padTop;
      const [ohFirst, ohEnd] = insideRange(rowOffset, strideH, H, outH);
      for (let j = 0; j < kW; j++, row += rowStride) {
        const colOffset = j * g.dilationWidth - g.padLeft;
        const [owFirst, owEnd] = insideRange(colOffset, strideW, W, outW);
        for (let oh = ohFirst; oh < ohEnd; oh++) {
          const src = row + oh * outW;
          const dst = plane + (oh * strideH + rowOffset) * W + colOffset;
          for (let ow = owFirst; ow < owEnd; ow++) image[dst + ow * strideW] += columns[src + ow];
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
  checkTensor(input, "unfold", "input", 1);
  if (!isFloat(input.dtype)) throw new DTypeError(`unfold: expected a floating point input, but got ${input.dtype}`);
  const C = input.ndim === 4 ? input.shape[1] : input.shape[0];
  const [kH, kW] = pairOf(kernelSize, "kernel_size", "unfold");
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
