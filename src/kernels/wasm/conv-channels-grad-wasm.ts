// The weight gradient of the channels path (asm/conv-channels.ts convChannelsWeightGradF32), in the conv module's
// memory: dW summed tap by tap over the batch's images, with no column matrix. planConv's "channels" backward runs
// it for dW and the chunked kernel (conv-gemm-wasm.ts) for dX only. Also the channels kernels' geometry, shared
// with the forward (conv-direct-wasm.ts).

import type { Conv2dInfo } from "../../calc/conv-info.js";
import { chunkOf, convModule, runChunks } from "./conv-module.js";
import { view, zeroFloats } from "./conv-memory.js";

/** Taps, output channels rounded up to whole 16-channel blocks, and the zero-bordered image's extent. */
export function channelsGeometry(info: Conv2dInfo) {
  const { channelsPaddedExtent } = convModule.helpers;
  const taps = info.inChannels * info.kernelHeight * info.kernelWidth;
  const oPadded = Math.ceil(info.outChannels / 16) * 16;
  const paddedH = channelsPaddedExtent(info.outHeight, info.kernelHeight, info.strideHeight, info.dilationHeight);
  const paddedW = channelsPaddedExtent(info.outWidth, info.kernelWidth, info.strideWidth, info.dilationWidth);
  return { taps, oPadded, paddedH, paddedW };
}

/** Most floats of zero-bordered images and output-gradient tiles runChannelsWeightGrad holds for a batch (256 MiB). */
const CHANNELS_GRAD_BUDGET = 1 << 26;

/** Whether runChannelsWeightGrad can take this convolution's batch (given a channels forward, which planConv checks). */
export function canRunChannelsGrad(info: Conv2dInfo): boolean {
  const [padded, tiles] = channelsWeightGradScratch(info);
  return padded + tiles <= CHANNELS_GRAD_BUDGET;
}

/** The floats of scratch runChannelsWeightGrad needs: the batch's zero-bordered images, its output gradients in
 * position-major tiles, the tap offsets and the packed gradient. */
export function channelsWeightGradScratch(info: Conv2dInfo): number[] {
  const { taps, oPadded, paddedH, paddedW } = channelsGeometry(info);
  const N = info.batchSize, positions = info.outHeight * info.outWidth;
  return [N * info.inChannels * paddedH * paddedW, N * positions * oPadded, taps, taps * oPadded];
}

/**
 * dW of the channels forward (written to gw, C_out × C·kH·kW) for the whole batch at xAt, from its output gradient
 * at gyAt, without a column matrix: both threads prepare chunks of images, then take ranges of taps, each tap's sum
 * running over the images in order (the same bits for 1 and 2 threads; float32 rounding apart from the gemm's).
 */
export function runChannelsWeightGrad(info: Conv2dInfo, scratch: number[], xAt: number, gyAt: number,
  gw: Float32Array): void {
  const [paddedAt, tilesAt, offsetsAt, packedAt] = scratch;
  const { taps, oPadded, paddedH, paddedW } = channelsGeometry(info);
  const N = info.batchSize, positions = info.outHeight * info.outWidth, outChannels = info.outChannels;
  convModule.call("channelTapOffsets", { offsets: offsetsAt, C: info.inChannels, kH: info.kernelHeight,
    kW: info.kernelWidth, dilationH: info.dilationHeight, dilationW: info.dilationWidth, paddedH, paddedW });
  runChunks("channelsPrepareF32", {
    args: { images: xAt, padded: paddedAt, gradOut: gyAt, gradTiles: tilesAt, first: 0, end: 0, C: info.inChannels,
      H: info.inHeight, W: info.inWidth, padTop: info.padTop, padLeft: info.padLeft, paddedH, paddedW, outChannels,
      oPadded, positions },
    chunkSize: chunkOf(N), total: N, start: "first", end: "end" });
  zeroFloats(packedAt, taps * oPadded);
  // Ranges of whole tap pairs (the kernel's tile), so no pair is split between threads.
  runChunks("convChannelsWeightGradF32", {
    args: { padded: paddedAt, gradTiles: tilesAt, offsets: offsetsAt, gradPacked: packedAt, count: N, tStart: 0, tEnd: 0,
      C: info.inChannels, paddedH, paddedW, strideH: info.strideHeight, strideW: info.strideWidth, oPadded,
      outH: info.outHeight, outW: info.outWidth },
    chunkSize: chunkOf(taps, 2), total: taps, start: "tStart", end: "tEnd" });
  const packed = view(packedAt, taps * oPadded);
  for (let o = 0; o < outChannels; o++) {
    for (let t = 0; t < taps; t++) gw[o * taps + t] = packed[t * oPadded + o];
  }
}
