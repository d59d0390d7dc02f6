// The gemm path of a float32 convolution (zero padding), all inside the conv module's memory (asm/conv-gemm.ts):
// im2col, one gemm per group and a reorder (adding the bias) forward; backward either through one column matrix
// for many images (kept on the saved stack from the forward when it can be) or a few images at a time (the chunked
// backward, any forward path's). Also what every path shares: the sizes of a layer, the budget that says whether
// a layer fits the module's memory at all (canRunWasm), and the bias gradient.
//
// The steps and their order are those of the readable path in src/ops/conv.ts (JS im2col/col2im around gemm(),
// whose float32 products run in the same gemm kernel), so both give the same bits;
// test/kernels/conv-wasm.test.ts checks that on random shapes and options.

import type { Conv2dInfo } from "../../calc/conv-info.js";
import { alignUp } from "./kernel-module.js";
import { chunkOf, convModule, runChunks, type ConvArgs } from "./conv-module.js";
import { channelsWeightGradScratch, runChannelsWeightGrad } from "./conv-channels-grad-wasm.js";
import { isSaved, layout, pushSaved, put, releaseSaved, take, view, zeroFloats, type SavedColumns } from "./conv-memory.js";
import { activationBackwardInPlace, type ActivationOutput } from "./activation-wasm.js";

/** Most bytes one call lays out in memory; larger work goes to the readable path. */
const MAX_CALL_BYTES = 1.5 * 2 ** 30;
/** Most column-matrix elements one chunk of images unfolds at once (32 MiB), as the readable path. */
export const CONV_COLUMNS_BUDGET = 1 << 23;
/** Column-matrix elements per chunk when no backward needs them: 1 MiB, about what stays in L2. */
const CACHED_COLUMNS = 1 << 18;

/** Sizes shared by forward and backward: per image, per filter, and how many images go in one chunk. */
export function sizes(info: Conv2dInfo) {
  const positions = info.outHeight * info.outWidth;
  const rows = info.inChannels * info.kernelHeight * info.kernelWidth;
  return {
    positions, rows,
    groupRows: rows / info.groups,
    imageSize: info.inChannels * info.inHeight * info.inWidth,
    chunkImages: Math.max(1, Math.min(info.batchSize, Math.floor(CONV_COLUMNS_BUDGET / Math.max(1, rows * positions)))),
  };
}

/** Whether one chunk's buffers fit in the module's memory (forward and backward); otherwise the readable path runs. */
export function canRunWasm(info: Conv2dInfo): boolean {
  const { positions, rows, imageSize, chunkImages } = sizes(info);
  const weights = info.outChannels * rows / info.groups;
  const floats = 2 * weights + info.outChannels + chunkImages * (2 * imageSize + 2 * rows * positions + 3 * info.outChannels * positions);
  return floats * 4 + 2 ** 20 <= MAX_CALL_BYTES;
}

/** The image geometry im2col, col2im and the chunked backward take. */
export function geometry(info: Conv2dInfo) {
  return { C: info.inChannels, H: info.inHeight, W: info.inWidth, kH: info.kernelHeight, kW: info.kernelWidth,
    strideH: info.strideHeight, strideW: info.strideWidth, dilationH: info.dilationHeight, dilationW: info.dilationWidth,
    padTop: info.padTop, padLeft: info.padLeft, outH: info.outHeight, outW: info.outWidth };
}

/** im2colF32 (images at `source` into columns at `target`), or col2imF32 (the other way), in chunks of images. */
function unfoldImages(kernel: "im2colF32" | "col2imF32", source: number, target: number, count: number, info: Conv2dInfo): void {
  const [images, columns] = kernel === "im2colF32" ? [source, target] : [target, source];
  runChunks(kernel, { args: { images, columns, count, first: 0, end: 0, ...geometry(info) }, chunkSize: chunkOf(count),
    total: count, start: "first", end: "end" });
}

/**
 * C (M×N, at c) = op(A)·op(B) in chunks: of columns (multiples of 16, the gemm's tile width) or of row pairs.
 * Each element is summed in the same order wherever the chunk edges fall. `work` holds two workspaces, one per thread.
 */
function gemmChunks(product: Omit<ConvArgs<"gemmF32">, "rowStart" | "rowEnd" | "colStart" | "colEnd">,
  workBytes: number, byRows: boolean): void {
  const args = { ...product, rowStart: 0, rowEnd: product.M, colStart: 0, colEnd: product.N };
  const threadStep = { work: workBytes };
  if (byRows) runChunks("gemmF32", { args, threadStep, chunkSize: chunkOf(product.M, 2), total: product.M, start: "rowStart", end: "rowEnd" });
  else runChunks("gemmF32", { args, threadStep, chunkSize: chunkOf(product.N, 16), total: product.N, start: "colStart", end: "colEnd" });
}

/** gb = the bias gradient of `count` images' output gradient at gyAt (biasGradF32, at gbAt), copied out. */
export function biasGradientAt(gyAt: number, gbAt: number, gb: Float32Array, count: number, positions: number): void {
  zeroFloats(gbAt, gb.length);
  convModule.call("biasGradF32", { gy: gyAt, gb: gbAt, count, outChannels: gb.length, positions });
  take(gb, gbAt, gb.length);
}

/**
 * out [N, C_out, outH, outW] = conv2d(x, w) + bias, for an info record with zero padding.
 * With keepColumns, a batch that is one chunk leaves its column matrix on the saved stack for
 * convColumnsBackwardWasm and returns the entry (null otherwise).
 */
export function convGemmForwardWasm(x: Float32Array, w: Float32Array, bias: Float32Array | null, info: Conv2dInfo,
  out: Float32Array, keepColumns = false): SavedColumns | null {
  const { positions, rows, groupRows, imageSize, chunkImages: wholeChunk } = sizes(info);
  const N = info.batchSize, outChannels = info.outChannels, outPerGroup = info.outChannelsPerGroup;
  // Columns that backward will read are unfolded for the whole batch at once and kept; otherwise (evaluation)
  // a few images at a time, so the columns are still in cache when the gemm reads them. Each output's sum
  // runs over one filter whatever the chunk, so the chunk size never changes the result.
  const keep = keepColumns && wholeChunk === N && N > 0;
  const chunkImages = keep ? wholeChunk
    : Math.max(1, Math.min(wholeChunk, Math.floor(CACHED_COLUMNS / Math.max(1, rows * positions))));
  const columnsFloats = rows * chunkImages * positions;
  const kept = keep ? pushSaved(columnsFloats) : null;
  const workBytes = alignUp(convModule.helpers.workspaceBytes(outPerGroup));
  const [work, wAt, biasAt, xAt, scratchColumnsAt, productAt, outAt] = layout([
    2 * workBytes / 4, w.length, outChannels, chunkImages * imageSize,
    kept ? 0 : columnsFloats, outChannels * chunkImages * positions, outChannels * chunkImages * positions]);
  const columnsAt = kept ? kept.at : scratchColumnsAt;
  put(w, wAt);
  if (bias) put(bias, biasAt);
  for (let first = 0; first < N; first += chunkImages) {
    const count = Math.min(chunkImages, N - first), width = count * positions;
    put(x.subarray(first * imageSize, (first + count) * imageSize), xAt);
    unfoldImages("im2colF32", xAt, columnsAt, count, info);
    for (let g = 0; g < info.groups; g++) {
      // product_g (outPerGroup × width) = W_g (outPerGroup × groupRows) · columns_g (groupRows × width)
      gemmChunks({ a: wAt + g * outPerGroup * groupRows * 4, b: columnsAt + g * groupRows * width * 4,
        c: productAt + g * outPerGroup * width * 4, work, M: outPerGroup, N: width, K: groupRows,
        transA: 0, transB: 0, accumulate: 0 }, workBytes, false);
    }
    convModule.call("reorderF32", { gemmLayout: productAt, tensorLayout: outAt, bias: bias ? biasAt : 0, count,
      outChannels, positions, toTensor: 1 });
    take(out, outAt, count * outChannels * positions, first * outChannels * positions);
  }
  return kept;
}

/**
 * The weight gradient (accumulated into gw, which the caller zeroes) and the input gradient (written to gx)
 * of convGemmForwardWasm through one column matrix for many images, given the output gradient gy; either may be
 * null when not needed. Uses the forward's saved columns when they are still there (and releases them), and
 * recomputes them otherwise.
 */
export function convColumnsBackwardWasm(x: Float32Array, w: Float32Array, gy: Float32Array, info: Conv2dInfo,
  gx: Float32Array | null, gw: Float32Array | null, kept: SavedColumns | null = null, gb: Float32Array | null = null): void {
  const { positions, rows, groupRows, imageSize, chunkImages } = sizes(info);
  const N = info.batchSize, outChannels = info.outChannels, outPerGroup = info.outChannelsPerGroup;
  const reuse = isSaved(kept) && chunkImages === N;
  if (!reuse) releaseSaved(kept);
  const workBytes = alignUp(convModule.helpers.workspaceBytes(Math.max(outPerGroup, groupRows)));
  const [work, wAt, gwAt, xAt, scratchColumnsAt, gyAt, productAt, gxAt, gbAt] = layout([
    2 * workBytes / 4, w.length, w.length, chunkImages * imageSize,
    reuse ? 0 : rows * chunkImages * positions, outChannels * chunkImages * positions,
    outChannels * chunkImages * positions, gx ? chunkImages * imageSize : 0, outChannels]);
  const columnsAt = reuse ? kept.at : scratchColumnsAt;
  put(w, wAt);
  if (gw) zeroFloats(gwAt, w.length);
  if (gb) zeroFloats(gbAt, outChannels);
  for (let first = 0; first < N; first += chunkImages) {
    const count = Math.min(chunkImages, N - first), width = count * positions;
    put(gy.subarray(first * outChannels * positions, (first + count) * outChannels * positions), gyAt);
    if (gb) convModule.call("biasGradF32", { gy: gyAt, gb: gbAt, count, outChannels, positions });
    // dY as [C_out, images·L]
    convModule.call("reorderF32", { gemmLayout: productAt, tensorLayout: gyAt, bias: 0, count, outChannels, positions,
      toTensor: 0 });
    if (gw) { // dW_g += dY_g · columns_gᵀ
      if (!reuse) {
        put(x.subarray(first * imageSize, (first + count) * imageSize), xAt);
        unfoldImages("im2colF32", xAt, columnsAt, count, info);
      }
      for (let g = 0; g < info.groups; g++) {
        gemmChunks({ a: productAt + g * outPerGroup * width * 4, b: columnsAt + g * groupRows * width * 4,
          c: gwAt + g * outPerGroup * groupRows * 4, work, M: outPerGroup, N: groupRows, K: width,
          transA: 0, transB: 1, accumulate: 1 }, workBytes, true);
      }
    }
    if (gx) { // d(columns_g) = W_gᵀ · dY_g (into the columns buffer), then fold back onto the images
      for (let g = 0; g < info.groups; g++) {
        gemmChunks({ a: wAt + g * outPerGroup * groupRows * 4, b: productAt + g * outPerGroup * width * 4,
          c: columnsAt + g * groupRows * width * 4, work, M: groupRows, N: width, K: outPerGroup,
          transA: 1, transB: 0, accumulate: 0 }, workBytes, false);
      }
      zeroFloats(gxAt, count * imageSize);
      unfoldImages("col2imF32", columnsAt, gxAt, count, info);
      take(gx, gxAt, count * imageSize, first * imageSize);
    }
  }
  if (gw) take(gw, gwAt, w.length);
  if (gb) take(gb, gbAt, outChannels);
  if (reuse) releaseSaved(kept);
}

/**
 * What the chunked backward may lay out, in floats: per-chunk weight-gradient parts (16 MiB) and the whole batch's
 * images, output gradient and input gradient (256 MiB). Larger work goes through one column matrix instead
 * (tests lower these to reach that path with small shapes).
 */
export const chunkedBackwardBudget = { gradientParts: 1 << 22, batch: 1 << 26 };

/** Images per chunk of the chunked backward: a column matrix of about CACHED_COLUMNS floats, which stays in cache. */
function backwardChunkImages(info: Conv2dInfo): number {
  const { positions, rows } = sizes(info);
  return Math.max(1, Math.min(info.batchSize, Math.floor(CACHED_COLUMNS / Math.max(1, rows * positions))));
}

/**
 * Whether convChunkedBackwardWasm can take this backward: the whole batch's images and gradients, and one
 * weight-gradient part per chunk, within their budgets. Otherwise convColumnsBackwardWasm (one column matrix for many images).
 */
export function canRunChunkedBackward(info: Conv2dInfo): boolean {
  const { imageSize } = sizes(info);
  const outSize = info.outChannels * info.outHeight * info.outWidth;
  const chunks = Math.ceil(info.batchSize / backwardChunkImages(info));
  const weights = info.outChannels * (info.inChannels / info.groups) * info.kernelHeight * info.kernelWidth;
  return info.batchSize > 0 && chunks * weights <= chunkedBackwardBudget.gradientParts
    && info.batchSize * (2 * imageSize + outSize) <= chunkedBackwardBudget.batch;
}

/**
 * convColumnsBackwardWasm's gradients a few images at a time, both threads taking chunks (asm/conv-gemm.ts
 * convBackwardChunkF32): each chunk's column matrix stays in cache instead of one 15 MB matrix for LeNet's batch.
 * The input gradient has the same bits as the one-matrix path; the weight gradient is summed per chunk and the
 * parts added in chunk order (an order of its own, within float32 rounding, and the same for 1 and 2 threads), or
 * with weightGradBy "channels" by the channels path's own kernel.
 */
export function convChunkedBackwardWasm(x: Float32Array, w: Float32Array, gy: Float32Array, info: Conv2dInfo,
  gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null, activation: ActivationOutput | null = null,
  weightGradBy: WeightGradBy = "chunks"): void {
  const { positions, imageSize } = sizes(info);
  const N = info.batchSize, outChannels = info.outChannels, outSize = outChannels * positions;
  const scratchFloats = chunkedBackwardScratch(info, gw !== null, weightGradBy);
  const offsets = layout([...scratchFloats, w.length, N * imageSize, N * outSize, gx ? N * imageSize : 0, outChannels,
    activation ? N * outSize : 0]);
  const scratch = offsets.slice(0, scratchFloats.length);
  const [wAt, xAt, gyAt, gxAt, gbAt, yAt] = offsets.slice(scratchFloats.length);
  put(w, wAt);
  put(x, xAt);
  put(gy, gyAt);
  if (activation) activationBackwardInPlace(gyAt, activation, yAt);
  if (gb) biasGradientAt(gyAt, gbAt, gb, N, positions);
  runChunkedBackward(info, scratch, xAt, gyAt, wAt, gx ? gxAt : 0, gw, weightGradBy);
  if (gx) take(gx, gxAt, N * imageSize);
}

/**
 * How the chunked backward gets the weight gradient: "chunks", a part per chunk of images from its column matrix,
 * the parts added in chunk order; or "channels", the channels path's own kernel (conv-channels-grad-wasm.ts: no
 * column matrix, each tap summed over the images in order), for convolutions the channels forward runs.
 */
export type WeightGradBy = "chunks" | "channels";

/** The floats of scratch runChunkedBackward needs: the chunks' weight-gradient parts, and each thread's buffers. */
export function chunkedBackwardScratch(info: Conv2dInfo, weightGrad: boolean,
  weightGradBy: WeightGradBy = "chunks"): number[] {
  const { positions, rows, groupRows } = sizes(info);
  const chunk = backwardChunkImages(info), chunks = Math.ceil(info.batchSize / chunk);
  const weights = info.outChannels * groupRows;
  const work = alignUp(convModule.helpers.workspaceBytes(Math.max(info.outChannelsPerGroup, groupRows))) / 4;
  const product = info.outChannels * chunk * positions, columns = rows * chunk * positions;
  const parts = weightGrad && weightGradBy === "chunks" ? chunks * weights : 0;
  const channels = weightGrad && weightGradBy === "channels" ? channelsWeightGradScratch(info) : [];
  return [parts, product, product, columns, columns, work, work, ...channels];
}

/** How many of chunkedBackwardScratch's buffers the chunked kernel itself uses (parts, then two of each per thread). */
const CHUNKED_BUFFERS = 7;

/**
 * The input gradient (into gxAt, zeroed here; 0: none) and the weight gradient (into gw; null: none) of the whole
 * batch, from the output gradient at gyAt, a few images at a time on both threads; the chunks' weight-gradient
 * parts are added in chunk order.
 */
export function runChunkedBackward(info: Conv2dInfo, scratch: number[], xAt: number, gyAt: number, wAt: number,
  gxAt: number, gw: Float32Array | null, weightGradBy: WeightGradBy = "chunks"): void {
  if (weightGradBy === "channels") {
    runChunkedBackward(info, scratch.slice(0, CHUNKED_BUFFERS), xAt, gyAt, wAt, gxAt, null);
    if (gw) runChannelsWeightGrad(info, scratch.slice(CHUNKED_BUFFERS), xAt, gyAt, gw);
    return;
  }
  if (gxAt === 0 && gw === null) return;
  const { positions, imageSize, groupRows } = sizes(info);
  const N = info.batchSize, chunk = backwardChunkImages(info), chunks = Math.ceil(N / chunk);
  const outSize = info.outChannels * positions, weights = info.outChannels * groupRows;
  const [partsAt, productAt, helperProductAt, columnsAt, helperColumnsAt, workAt, helperWorkAt] = scratch;
  if (gxAt !== 0) zeroFloats(gxAt, N * imageSize);
  runChunks("convBackwardChunkF32", {
    args: { images: xAt, gradOut: gyAt, weights: wAt, gradWeightsPart: gw ? partsAt : 0, gradImages: gxAt,
      product: productAt, columns: columnsAt, work: workAt, count: 0, groups: info.groups, outChannels: info.outChannels,
      ...geometry(info) },
    chunkSize: chunk, total: N, count: "count",
    chunkStep: { images: chunk * imageSize * 4, gradOut: chunk * outSize * 4, gradWeightsPart: gw ? weights * 4 : 0,
      gradImages: gxAt !== 0 ? chunk * imageSize * 4 : 0 },
    threadStep: { product: helperProductAt - productAt, columns: helperColumnsAt - columnsAt, work: helperWorkAt - workAt },
  });
  if (gw) {
    // dW = ((part_0 + part_1) + part_2) + …, in float32, in chunk order.
    take(gw, partsAt, weights);
    for (let k = 1; k < chunks; k++) {
      const part = view(partsAt + k * weights * 4, weights);
      for (let i = 0; i < weights; i++) gw[i] += part[i];
    }
  }
}
