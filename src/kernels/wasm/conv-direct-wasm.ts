// The direct paths of a float32 convolution (no column matrix), in the conv module's memory: the rows kernel
// (asm/conv-rows.ts convRowsF32: short filters on wide rows, LeNet's first layer) with its weight gradient
// (convRowsWeightGradF32), and the channels kernel (asm/conv-channels.ts convChannelsF32: output channels in
// blocks of 16, LeNet's second layer; its weight gradient is in conv-channels-grad-wasm.ts). Which one runs is
// planConv's choice (src/ops/conv-plan.ts), passed in as `path`. Forward gives the gemm path's bits; the rows
// weight gradient sums in its own order (within float32 rounding). Either forward can apply a fused activation
// to each image's output while it is in cache.

import type { Conv2dInfo } from "../../calc/conv-info.js";
import { chunkOf, convModule, runChunks } from "./conv-module.js";
import { layout, put, take, zeroFloats } from "./conv-memory.js";
import { channelsGeometry } from "./conv-channels-grad-wasm.js";
import { ACTIVATIONS, activationBackwardInPlace, type ActivationOutput, type FusedActivation } from "./activation-wasm.js";
import { CONV_COLUMNS_BUDGET, sizes } from "./conv-gemm-wasm.js";

/** The direct kernels: "rows" (convRowsF32) or "channels" (convChannelsF32). */
export type DirectPath = "rows" | "channels";

/** The rows kernels' shape arguments. */
function rowsShape(info: Conv2dInfo) {
  return { C: info.inChannels, H: info.inHeight, W: info.inWidth, kH: info.kernelHeight, kW: info.kernelWidth,
    padTop: info.padTop, padLeft: info.padLeft, outChannels: info.outChannels, outH: info.outHeight, outW: info.outWidth };
}

/** Images per call of the direct kernels: their input and output (or output gradient) within the budget. */
export function directChunk(info: Conv2dInfo): number {
  const perImage = info.inChannels * info.inHeight * info.inWidth + info.outChannels * info.outHeight * info.outWidth;
  return Math.max(1, Math.min(info.batchSize, Math.floor(CONV_COLUMNS_BUDGET / perImage)));
}

/** Floats of one zero-bordered image of the rows kernels. */
function rowsPaddedFloats(info: Conv2dInfo): number {
  return info.inChannels * (info.outHeight + info.kernelHeight - 1)
    * convModule.helpers.rowsPaddedWidth(info.outWidth, info.kernelWidth);
}

/** The floats of scratch runDirectForward needs, in the order it takes their offsets (both threads' copies). */
export function directForwardScratch(path: DirectPath, info: Conv2dInfo): number[] {
  if (path === "rows") {
    const padded = rowsPaddedFloats(info);
    return [padded, padded];
  }
  const { taps, oPadded, paddedH, paddedW } = channelsGeometry(info);
  const paddedSize = info.inChannels * paddedH * paddedW, tileSize = info.outHeight * info.outWidth * oPadded;
  return [taps * oPadded, taps, paddedSize, paddedSize, tileSize, tileSize];
}

/**
 * The direct forward of `count` images at xAt into outAt (tensor layout), with weights at wAt, the bias at biasAt
 * (0: none) and the activation applied to each image's output; `scratch` holds directForwardScratch's offsets.
 * Chunks of images go to both threads.
 */
export function runDirectForward(path: DirectPath, info: Conv2dInfo, scratch: number[], wAt: number, biasAt: number,
  xAt: number, outAt: number, count: number, activation: FusedActivation): void {
  const { imageSize } = sizes(info);
  const outSize = info.outChannels * info.outHeight * info.outWidth;
  const images = chunkOf(count);
  const chunkStep = { images: images * imageSize * 4, out: images * outSize * 4 };
  if (path === "rows") {
    const [paddedAt, helperPaddedAt] = scratch;
    runChunks("convRowsF32", {
      args: { images: xAt, padded: paddedAt, weights: wAt, bias: biasAt, out: outAt, count: 0, ...rowsShape(info),
        activation: ACTIVATIONS[activation] },
      chunkSize: images, total: count, count: "count", chunkStep, threadStep: { padded: helperPaddedAt - paddedAt } });
    return;
  }
  const [packedAt, offsetsAt, paddedAt, helperPaddedAt, tileAt, helperTileAt] = scratch;
  const { taps, oPadded, paddedH, paddedW } = channelsGeometry(info);
  convModule.call("packChannelWeights", { weights: wAt, packed: packedAt, outChannels: info.outChannels, taps, oPadded });
  convModule.call("channelTapOffsets", { offsets: offsetsAt, C: info.inChannels, kH: info.kernelHeight,
    kW: info.kernelWidth, dilationH: info.dilationHeight, dilationW: info.dilationWidth, paddedH, paddedW });
  runChunks("convChannelsF32", {
    args: { images: xAt, padded: paddedAt, packed: packedAt, offsets: offsetsAt, bias: biasAt, tile: tileAt, out: outAt,
      count: 0, C: info.inChannels, H: info.inHeight, W: info.inWidth, kH: info.kernelHeight, kW: info.kernelWidth,
      strideH: info.strideHeight, strideW: info.strideWidth, dilationH: info.dilationHeight,
      dilationW: info.dilationWidth, padTop: info.padTop, padLeft: info.padLeft, outChannels: info.outChannels,
      outH: info.outHeight, outW: info.outWidth, activation: ACTIVATIONS[activation] },
    chunkSize: images, total: count, count: "count", chunkStep,
    threadStep: { padded: helperPaddedAt - paddedAt, tile: helperTileAt - tileAt } });
}

/**
 * The gemm forward's result (convGemmForwardWasm) by a direct kernel (same bits: the gemm's order of sums), with an
 * activation applied while each image's output is in cache.
 */
export function convDirectForwardWasm(path: DirectPath, x: Float32Array, w: Float32Array, bias: Float32Array | null,
  info: Conv2dInfo, out: Float32Array, activation: FusedActivation = "none"): void {
  const chunk = directChunk(info);
  const { imageSize } = sizes(info);
  const outSize = info.outChannels * info.outHeight * info.outWidth;
  const scratchFloats = directForwardScratch(path, info);
  const offsets = layout([...scratchFloats, w.length, info.outChannels, chunk * imageSize, chunk * outSize]);
  const scratch = offsets.slice(0, scratchFloats.length);
  const [wAt, biasAt, xAt, outAt] = offsets.slice(scratchFloats.length);
  put(w, wAt);
  if (bias) put(bias, biasAt);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    put(x.subarray(first * imageSize, (first + count) * imageSize), xAt);
    runDirectForward(path, info, scratch, wAt, bias ? biasAt : 0, xAt, outAt, count, activation);
    take(out, outAt, count * outSize, first * outSize);
  }
}

/** The floats of scratch runRowsWeightGrad needs (both threads' zero-bordered images). */
export function rowsWeightGradScratch(info: Conv2dInfo): number[] {
  const padded = rowsPaddedFloats(info);
  return [padded, padded];
}

/**
 * dW (C_out × C·kH·kW at gwAt, added to) of the rows kernel for `count` images at xAt and their output gradient
 * at gyAt, in chunks of output channels: each channel's sums run over every image in order, whichever thread runs them.
 */
export function runRowsWeightGrad(info: Conv2dInfo, scratch: number[], xAt: number, gyAt: number, gwAt: number,
  count: number): void {
  const [paddedAt, helperPaddedAt] = scratch;
  runChunks("convRowsWeightGradF32", {
    args: { images: xAt, padded: paddedAt, gradOut: gyAt, gradWeights: gwAt, count, oStart: 0, oEnd: 0, ...rowsShape(info) },
    chunkSize: chunkOf(info.outChannels), total: info.outChannels, start: "oStart", end: "oEnd",
    threadStep: { padded: helperPaddedAt - paddedAt } });
}

/**
 * The weight gradient of the rows forward, written to gw (summed in its own order: float32 rounding apart from the
 * gemm's), and the bias gradient into gb; with `activation`, the output gradient first passes its backward.
 */
export function convRowsWeightGradWasm(x: Float32Array, gy: Float32Array, info: Conv2dInfo, gw: Float32Array,
  gb: Float32Array | null = null, activation: ActivationOutput | null = null): void {
  const chunk = directChunk(info);
  const { imageSize, positions } = sizes(info);
  const outSize = info.outChannels * positions;
  const scratchFloats = rowsWeightGradScratch(info);
  const offsets = layout([...scratchFloats, gw.length, chunk * imageSize, chunk * outSize, info.outChannels,
    activation ? chunk * outSize : 0]);
  const scratch = offsets.slice(0, scratchFloats.length);
  const [gwAt, xAt, gyAt, gbAt, yAt] = offsets.slice(scratchFloats.length);
  zeroFloats(gwAt, gw.length);
  if (gb) zeroFloats(gbAt, info.outChannels);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    put(x.subarray(first * imageSize, (first + count) * imageSize), xAt);
    put(gy.subarray(first * outSize, (first + count) * outSize), gyAt);
    if (activation) {
      const output = activation.output.subarray(first * outSize, (first + count) * outSize);
      activationBackwardInPlace(gyAt, { kind: activation.kind, output }, yAt);
    }
    runRowsWeightGrad(info, scratch, xAt, gyAt, gwAt, count);
    if (gb) convModule.call("biasGradF32", { gy: gyAt, gb: gbAt, count, outChannels: info.outChannels, positions });
  }
  take(gw, gwAt, gw.length);
  if (gb) take(gb, gbAt, info.outChannels);
}
