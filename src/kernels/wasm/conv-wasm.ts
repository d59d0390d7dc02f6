// float32 conv2d (zero padding) and sigmoid run inside one WebAssembly module, asm/conv.ts, compiled by
// `npm run build` (script build:wasm) into dist/wasm/conv.wasm. The module carries its own copy of the gemm
// (asm/gemm.ts), so unfold, the products, the reorder and the bias all happen in its memory: JavaScript copies
// the input and weights in and the result out, and no column matrix ever crosses into a JS array.
//
// The steps and their order are those of the readable path in src/ops/conv.ts (JS im2col/col2im around
// gemm(), whose float32 products run in the same gemm kernel), so both give the same bits;
// test/kernels/conv-wasm.test.ts checks that on random shapes and options.
// Every call is synchronous. With two threads (setNumThreads, on by default on two cores), each kernel call is cut
// into chunks — images, output channels, columns or elements — that this thread and a helper worker on the same
// memory take in turn (kernel-threads.ts); the cut never depends on the thread count, so neither do the bits.

import type { Conv2dInfo } from "../../calc/conv-info.js";
import { ConvlabError } from "../../errors.js";
import { wasmModule } from "../../platform/wasm.js";
import { getNumThreads } from "../threads.js";
import { KernelThreads, type ChunkPlan } from "./kernel-threads.js";
import { WebAssembly, type WasmMemory } from "./webassembly.js";

/** The im2col / col2im geometry arguments, in asm/conv.ts's order after (source, target, count). */
type Geometry = [C: number, H: number, W: number, kH: number, kW: number, strideH: number, strideW: number,
  dilationH: number, dilationW: number, padTop: number, padLeft: number, outH: number, outW: number];

/** What asm/conv.ts exports; offsets are bytes into memory. */
interface ConvExports {
  scratchStart(): number;
  workspaceBytes(rows: number): number;
  gemmF32(a: number, b: number, c: number, work: number, M: number, N: number, K: number,
    transA: number, transB: number, accumulate: number,
    rowStart: number, rowEnd: number, colStart: number, colEnd: number): void;
  im2colF32(images: number, columns: number, count: number, first: number, end: number, ...geometry: Geometry): void;
  col2imF32(columns: number, images: number, count: number, first: number, end: number, ...geometry: Geometry): void;
  reorderF32(gemmLayout: number, tensorLayout: number, bias: number, count: number, outChannels: number,
    positions: number, toTensor: number): void;
  sigmoidF32(x: number, y: number, n: number): void;
  sigmoidBackwardF32(gy: number, y: number, gx: number, n: number): void;
  avgPool2x2F32(x: number, out: number, planes: number, H: number, W: number, outH: number, outW: number, divisor: number): void;
  avgPool2x2BackwardF32(gy: number, grad: number, planes: number, H: number, W: number, outH: number, outW: number,
    divisor: number): void;
  paddedWidth(outW: number, kW: number): number;
  convDirectF32(images: number, padded: number, weights: number, bias: number, out: number, count: number,
    ...shape: [...DirectShape, activation: number]): void;
  convDirectWeightGradF32(images: number, padded: number, gradOut: number, gradWeights: number, count: number,
    oStart: number, oEnd: number, ...shape: DirectShape): void;
  packChannelWeights(weights: number, packed: number, outChannels: number, taps: number, oPadded: number): void;
  channelsPaddedHeight(outSize: number, k: number, stride: number, dilation: number): number;
  channelTapOffsets(offsets: number, C: number, kH: number, kW: number, dilationH: number, dilationW: number,
    paddedH: number, paddedW: number): void;
  convChannelsF32(images: number, padded: number, packed: number, offsets: number, bias: number, tile: number,
    out: number, count: number, ...shape: [...ChannelsShape, activation: number]): void;
  biasGradF32(gy: number, gb: number, count: number, outChannels: number, positions: number): void;
  convBackwardChunkF32(images: number, gradOut: number, weights: number, gradWeightsPart: number, gradImages: number,
    product: number, columns: number, work: number, count: number, groups: number, outChannels: number,
    ...geometry: Geometry): void;
}

/** convChannelsF32's shape arguments, in asm/conv.ts's order after `count`. */
type ChannelsShape = [C: number, H: number, W: number, kH: number, kW: number, strideH: number, strideW: number,
  dilationH: number, dilationW: number, padTop: number, padLeft: number, outChannels: number, outH: number, outW: number];

/** The direct kernels' shape arguments, in asm/conv.ts's order after `count`. */
type DirectShape = [C: number, H: number, W: number, kH: number, kW: number, padTop: number, padLeft: number,
  outChannels: number, outH: number, outW: number];

const PAGE_BYTES = 65536;
/** Must equal --maximumMemory in the build:wasm script (pages of 64 KiB): 2 GiB. */
const MAXIMUM_PAGES = 32768;
/** Most bytes one call lays out in memory; larger work goes to the readable path. */
const MAX_CALL_BYTES = 1.5 * 2 ** 30;
const ALIGN_BYTES = 64;
/** Most column-matrix elements one chunk of images unfolds at once (32 MiB), as the readable path. */
export const CONV_COLUMNS_BUDGET = 1 << 23;
/** Column-matrix elements per chunk when no backward needs them: 1 MiB, about what stays in L2. */
const CACHED_COLUMNS = 1 << 18;

let loaded: { exports: ConvExports; memory: WasmMemory; threads: KernelThreads } | null = null;
let heap: Float32Array = new Float32Array(0);

/** Sets `floats` floats from byte offset `at` to zero. */
export function zeroFloats(at: number, floats: number): void {
  heap.fill(0, at / 4, at / 4 + floats);
}

function kernels(): ConvExports {
  if (loaded) return loaded.exports;
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true });
  // Read from dist/wasm (Node) or fetched next to the bundle (browser): src/platform/wasm.ts.
  const module = wasmModule("conv");
  const exports = new WebAssembly.Instance(module, { env: { memory } }).exports;
  const threads = new KernelThreads(module, memory, exports as Record<string, (...args: number[]) => unknown>, CHUNKED_KERNELS);
  loaded = { exports: exports as ConvExports, memory, threads };
  return loaded.exports;
}

/** The kernels that run in chunks (the helper thread looks them up by name). */
const CHUNKED_KERNELS = ["convBackwardChunkF32", "convDirectF32", "convDirectWeightGradF32", "convChannelsF32", "im2colF32", "col2imF32",
  "gemmF32", "sigmoidF32", "sigmoidBackwardF32", "reluF32", "reluBackwardF32", "avgPool2x2F32", "avgPool2x2BackwardF32",
  "maxPool2x2F32", "maxPool2x2BackwardF32"] as const;
type ChunkedKernel = typeof CHUNKED_KERNELS[number];

/** About this many chunks per call: enough for two threads to even out, few enough to cost nothing. */
const CHUNKS_PER_CALL = 16;

/** Items per chunk for `total` items, a multiple of `multiple`. */
export function chunkOf(total: number, multiple = 1): number {
  return Math.max(multiple, Math.ceil(total / CHUNKS_PER_CALL / multiple) * multiple);
}

/** Runs one kernel call as chunks on this thread and, with two threads, the helper. */
export function runChunks(plan: ChunkPlan & { kernel: ChunkedKernel }): void {
  kernels();
  loaded!.threads.run(plan, getNumThreads());
}

/** Activations a convolution's forward can apply itself (asm/conv.ts activate), by their code there. */
export type FusedActivation = "none" | "sigmoid" | "relu";
const ACTIVATIONS: Record<FusedActivation, number> = { none: 0, sigmoid: 1, relu: 2 };

/** A fused activation's output, which its backward reads (sigmoid: y · (1 - y); relu: y > 0). */
export interface ActivationOutput { kind: "sigmoid" | "relu"; output: Float32Array }

/**
 * For a convolution fused with an activation: turns dL/dy at `gyAt` into dL/dz in place — dL/dy · y · (1 - y) for a
 * sigmoid, y > 0 ? dL/dy : 0 for a relu — y being the activation's output (copied to `yAt`), with the separate op's
 * kernel, so the same bits.
 */
function activationBackwardInPlace(gyAt: number, activation: ActivationOutput, yAt: number): void {
  put(activation.output, yAt);
  runElementwiseBackward(activation.kind === "sigmoid" ? "sigmoidBackwardF32" : "reluBackwardF32", gyAt, yAt, gyAt,
    activation.output.length);
}

/**
 * gx = kernel(gy, y), elementwise over `count` floats already in memory (gxAt may be gyAt: in place), both threads
 * taking chunks.
 */
export function runElementwiseBackward(kernel: "sigmoidBackwardF32" | "reluBackwardF32", gyAt: number, yAt: number,
  gxAt: number, count: number): void {
  const floats = chunkOf(count, 4);
  runChunks({ kernel, args: [gyAt, yAt, gxAt, 0], chunkSize: floats, total: count, countArg: 3,
    chunkStep: [floats * 4, floats * 4, floats * 4, 0] });
}

/** gb = the bias gradient of `count` images' output gradient at gyAt (biasGradF32, at gbAt), copied out. */
export function biasGradientAt(gyAt: number, gbAt: number, gb: Float32Array, count: number, positions: number): void {
  zeroFloats(gbAt, gb.length);
  kernels().biasGradF32(gyAt, gbAt, count, gb.length, positions);
  take(gb, gbAt, gb.length);
}

/** How many chunks the helper thread has run since it started (for tests). */
export function convHelperChunks(): number {
  kernels();
  return loaded!.threads.helperChunks;
}

/** A step vector of `length` zeros with the given entries set. */
export function steps(length: number, entries: Record<number, number>): number[] {
  const result = new Array<number>(length).fill(0);
  for (const [index, value] of Object.entries(entries)) result[Number(index)] = value;
  return result;
}

/**
 * Column matrices a forward leaves in memory for its backward, as a stack right after the module's static
 * data; each call's scratch buffers go above it. Backward runs in the reverse order of forward, so it finds
 * its columns on top and pops them (with anything above). This is a cache, never a requirement: when a new
 * entry would pass SAVED_BUDGET_BYTES the stack is emptied, and a backward whose entry is gone recomputes
 * its columns. So a forward whose backward never comes (evaluation without noGrad) costs memory only until
 * the budget is reached, and the memory never grows past budget + one call's scratch.
 */
export interface SavedColumns { readonly at: number; readonly end: number }
const saved: SavedColumns[] = [];
const SAVED_BUDGET_BYTES = 96 * 2 ** 20;

function dataEnd(): number {
  return Math.ceil(kernels().scratchStart() / ALIGN_BYTES) * ALIGN_BYTES;
}

function savedEnd(): number {
  return saved.length > 0 ? saved[saved.length - 1].end : dataEnd();
}

/** Room for `floats` floats on the saved stack, or null when they alone pass the budget. */
export function pushSaved(floats: number): SavedColumns | null {
  const bytes = Math.ceil((floats * 4) / ALIGN_BYTES) * ALIGN_BYTES;
  if (bytes > SAVED_BUDGET_BYTES) return null;
  if (savedEnd() + bytes - dataEnd() > SAVED_BUDGET_BYTES) saved.length = 0;
  const entry = { at: savedEnd(), end: savedEnd() + bytes };
  saved.push(entry);
  return entry;
}

/** Whether an entry still holds what its forward put there. */
export function isSaved(entry: SavedColumns | null): entry is SavedColumns {
  return entry !== null && saved.includes(entry);
}

/** Releases an entry and every entry above it (pushed later, so already used or abandoned). */
export function releaseSaved(entry: SavedColumns | null): void {
  const index = entry === null ? -1 : saved.indexOf(entry);
  if (index >= 0) saved.length = index;
}

/** How many bytes the saved stack holds (for tests). */
export function savedColumnsBytes(): number {
  return savedEnd() - dataEnd();
}

/**
 * Lays out buffers of the given float counts above the saved stack and grows memory to hold them;
 * returns their byte offsets. Each call starts afresh: nothing in this scratch outlives a kernel call.
 */
export function layout(floatCounts: number[]): number[] {
  kernels(); // loads the module on first use
  const memory = loaded!.memory;
  let at = savedEnd();
  const offsets = floatCounts.map((count) => {
    const offset = at;
    at += Math.ceil((count * 4) / ALIGN_BYTES) * ALIGN_BYTES;
    return offset;
  });
  if (memory.buffer.byteLength < at) memory.grow(Math.ceil((at - memory.buffer.byteLength) / PAGE_BYTES));
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  return offsets;
}

function alignedBytes(bytes: number): number {
  return Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
}

export function put(source: Float32Array, at: number): void {
  heap.set(source, at / 4);
}

export function take(target: Float32Array, at: number, count: number, targetOffset = 0): void {
  target.set(heap.subarray(at / 4, at / 4 + count), targetOffset);
}

/** put and take for int32 arrays (pooling's argmax). */
export function putInts(source: Int32Array, at: number): void {
  new Int32Array(heap.buffer).set(source, at / 4);
}

export function takeInts(target: Int32Array, at: number, count: number, targetOffset = 0): void {
  target.set(new Int32Array(heap.buffer, at, count), targetOffset);
}

function geometry(info: Conv2dInfo): Geometry {
  return [info.inChannels, info.inHeight, info.inWidth, info.kernelHeight, info.kernelWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, info.padTop, info.padLeft,
    info.outHeight, info.outWidth];
}

/** im2colF32 (or col2imF32) over `count` images, in chunks of images. */
function unfoldImages(kernel: "im2colF32" | "col2imF32", source: number, target: number, count: number, info: Conv2dInfo): void {
  const args = [source, target, count, 0, 0, ...geometry(info)];
  runChunks({ kernel, args, chunkSize: chunkOf(count), total: count, startArg: 3, endArg: 4 });
}

/**
 * C (M×N, at c) = op(A)·op(B) in chunks: of columns (multiples of 16, the gemm's tile width) or of row pairs.
 * Each element is summed in the same order wherever the chunk edges fall. `work` holds two workspaces, one per thread.
 */
function gemmChunks(a: number, b: number, c: number, work: number, workBytes: number, M: number, N: number, K: number,
  transA: number, transB: number, accumulate: number, byRows: boolean): void {
  const args = [a, b, c, work, M, N, K, transA, transB, accumulate, 0, M, 0, N];
  const threadStep = steps(args.length, { 3: workBytes });
  if (byRows) runChunks({ kernel: "gemmF32", args, threadStep, chunkSize: chunkOf(M, 2), total: M, startArg: 10, endArg: 11 });
  else runChunks({ kernel: "gemmF32", args, threadStep, chunkSize: chunkOf(N, 16), total: N, startArg: 12, endArg: 13 });
}

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

/** Whether one chunk's buffers fit in the module's memory (forward and backward); otherwise use the readable path. */
export function convWasmFits(info: Conv2dInfo): boolean {
  const { positions, rows, imageSize, chunkImages } = sizes(info);
  const weights = info.outChannels * rows / info.groups;
  const floats = 2 * weights + info.outChannels + chunkImages * (2 * imageSize + 2 * rows * positions + 3 * info.outChannels * positions);
  return floats * 4 + 2 ** 20 <= MAX_CALL_BYTES;
}

/**
 * out [N, C_out, outH, outW] = conv2d(x, w) + bias, for an info record with zero padding.
 * With keepColumns, a batch that is one chunk leaves its column matrix on the saved stack for
 * conv2dBackwardWasm and returns the entry (null otherwise).
 */
export function conv2dForwardWasm(x: Float32Array, w: Float32Array, bias: Float32Array | null, info: Conv2dInfo,
  out: Float32Array, keepColumns = false): SavedColumns | null {
  const exports = kernels();
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
  const workBytes = alignedBytes(exports.workspaceBytes(outPerGroup));
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
      gemmChunks(wAt + g * outPerGroup * groupRows * 4, columnsAt + g * groupRows * width * 4,
        productAt + g * outPerGroup * width * 4, work, workBytes, outPerGroup, width, groupRows, 0, 0, 0, false);
    }
    exports.reorderF32(productAt, outAt, bias ? biasAt : 0, count, outChannels, positions, 1);
    take(out, outAt, count * outChannels * positions, first * outChannels * positions);
  }
  return kept;
}

/**
 * The weight gradient (accumulated into gw, which the caller zeroes) and the input gradient (written to gx)
 * of conv2dForwardWasm, given the output gradient gy; either may be null when not needed. Uses the forward's
 * saved columns when they are still there (and releases them), and recomputes them otherwise.
 */
export function conv2dBackwardWasm(x: Float32Array, w: Float32Array, gy: Float32Array, info: Conv2dInfo,
  gx: Float32Array | null, gw: Float32Array | null, kept: SavedColumns | null = null, gb: Float32Array | null = null): void {
  const exports = kernels();
  const { positions, rows, groupRows, imageSize, chunkImages } = sizes(info);
  const N = info.batchSize, outChannels = info.outChannels, outPerGroup = info.outChannelsPerGroup;
  const reuse = isSaved(kept) && chunkImages === N;
  if (!reuse) releaseSaved(kept);
  const workBytes = alignedBytes(exports.workspaceBytes(Math.max(outPerGroup, groupRows)));
  const [work, wAt, gwAt, xAt, scratchColumnsAt, gyAt, productAt, gxAt, gbAt] = layout([
    2 * workBytes / 4, w.length, w.length, chunkImages * imageSize,
    reuse ? 0 : rows * chunkImages * positions, outChannels * chunkImages * positions,
    outChannels * chunkImages * positions, gx ? chunkImages * imageSize : 0, outChannels]);
  const columnsAt = reuse ? kept.at : scratchColumnsAt;
  put(w, wAt);
  if (gw) heap.fill(0, gwAt / 4, gwAt / 4 + w.length);
  if (gb) heap.fill(0, gbAt / 4, gbAt / 4 + outChannels);
  for (let first = 0; first < N; first += chunkImages) {
    const count = Math.min(chunkImages, N - first), width = count * positions;
    put(gy.subarray(first * outChannels * positions, (first + count) * outChannels * positions), gyAt);
    if (gb) exports.biasGradF32(gyAt, gbAt, count, outChannels, positions);
    exports.reorderF32(productAt, gyAt, 0, count, outChannels, positions, 0); // dY as [C_out, images·L]
    if (gw) { // dW_g += dY_g · columns_gᵀ
      if (!reuse) {
        put(x.subarray(first * imageSize, (first + count) * imageSize), xAt);
        unfoldImages("im2colF32", xAt, columnsAt, count, info);
      }
      for (let g = 0; g < info.groups; g++) {
        gemmChunks(productAt + g * outPerGroup * width * 4, columnsAt + g * groupRows * width * 4,
          gwAt + g * outPerGroup * groupRows * 4, work, workBytes, outPerGroup, groupRows, width, 0, 1, 1, true);
      }
    }
    if (gx) { // d(columns_g) = W_gᵀ · dY_g (into the columns buffer), then fold back onto the images
      for (let g = 0; g < info.groups; g++) {
        gemmChunks(wAt + g * outPerGroup * groupRows * 4, productAt + g * outPerGroup * width * 4,
          columnsAt + g * groupRows * width * 4, work, workBytes, groupRows, width, outPerGroup, 1, 0, 0, false);
      }
      heap.fill(0, gxAt / 4, gxAt / 4 + count * imageSize);
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
 * Whether conv2dChunkedBackwardWasm takes this backward: the whole batch's images and gradients, and one
 * weight-gradient part per chunk, within their budgets. Otherwise conv2dBackwardWasm (one column matrix for many images).
 */
export function convChunkedBackwardFits(info: Conv2dInfo): boolean {
  const { imageSize } = sizes(info);
  const outSize = info.outChannels * info.outHeight * info.outWidth;
  const chunks = Math.ceil(info.batchSize / backwardChunkImages(info));
  const weights = info.outChannels * (info.inChannels / info.groups) * info.kernelHeight * info.kernelWidth;
  return info.batchSize > 0 && chunks * weights <= chunkedBackwardBudget.gradientParts
    && info.batchSize * (2 * imageSize + outSize) <= chunkedBackwardBudget.batch;
}

/**
 * conv2dBackwardWasm's gradients a few images at a time, both threads taking chunks (asm/conv.ts
 * convBackwardChunkF32): each chunk's column matrix stays in cache instead of one 15 MB matrix for LeNet's batch.
 * The input gradient has the same bits as the one-matrix path; the weight gradient is summed per chunk and the
 * parts added in chunk order (an order of its own, within float32 rounding, and the same for 1 and 2 threads).
 */
export function conv2dChunkedBackwardWasm(x: Float32Array, w: Float32Array, gy: Float32Array, info: Conv2dInfo,
  gx: Float32Array | null, gw: Float32Array | null, gb: Float32Array | null, activation: ActivationOutput | null = null): void {
  const { positions, imageSize } = sizes(info);
  const N = info.batchSize, outChannels = info.outChannels, outSize = outChannels * positions;
  const scratchFloats = chunkedBackwardScratch(info, gw !== null);
  const offsets = layout([...scratchFloats, w.length, N * imageSize, N * outSize, gx ? N * imageSize : 0, outChannels,
    activation ? N * outSize : 0]);
  const scratch = offsets.slice(0, scratchFloats.length);
  const [wAt, xAt, gyAt, gxAt, gbAt, yAt] = offsets.slice(scratchFloats.length);
  put(w, wAt);
  put(x, xAt);
  put(gy, gyAt);
  if (activation) activationBackwardInPlace(gyAt, activation, yAt);
  if (gb) biasGradientAt(gyAt, gbAt, gb, N, positions);
  runChunkedBackward(info, scratch, xAt, gyAt, wAt, gx ? gxAt : 0, gw);
  if (gx) take(gx, gxAt, N * imageSize);
}

/** The floats of scratch runChunkedBackward needs: the chunks' weight-gradient parts, and each thread's buffers. */
export function chunkedBackwardScratch(info: Conv2dInfo, weightGrad: boolean): number[] {
  const exports = kernels();
  const { positions, rows, groupRows } = sizes(info);
  const chunk = backwardChunkImages(info), chunks = Math.ceil(info.batchSize / chunk);
  const weights = info.outChannels * groupRows;
  const work = alignedBytes(exports.workspaceBytes(Math.max(info.outChannelsPerGroup, groupRows))) / 4;
  const product = info.outChannels * chunk * positions, columns = rows * chunk * positions;
  return [weightGrad ? chunks * weights : 0, product, product, columns, columns, work, work];
}

/**
 * The input gradient (into gxAt, zeroed here; 0: none) and the weight gradient (into gw; null: none) of the whole
 * batch, from the output gradient at gyAt, a few images at a time on both threads; the chunks' weight-gradient
 * parts are added in chunk order.
 */
export function runChunkedBackward(info: Conv2dInfo, scratch: number[], xAt: number, gyAt: number, wAt: number,
  gxAt: number, gw: Float32Array | null): void {
  if (gxAt === 0 && gw === null) return;
  const { positions, imageSize, groupRows } = sizes(info);
  const N = info.batchSize, chunk = backwardChunkImages(info), chunks = Math.ceil(N / chunk);
  const outSize = info.outChannels * positions, weights = info.outChannels * groupRows;
  const [partsAt, productAt, helperProductAt, columnsAt, helperColumnsAt, workAt, helperWorkAt] = scratch;
  if (gxAt !== 0) heap.fill(0, gxAt / 4, gxAt / 4 + N * imageSize);
  const args = [xAt, gyAt, wAt, gw ? partsAt : 0, gxAt, productAt, columnsAt, workAt, 0, info.groups, info.outChannels,
    ...geometry(info)];
  runChunks({ kernel: "convBackwardChunkF32", args, chunkSize: chunk, total: N, countArg: 8,
    chunkStep: steps(args.length, { 0: chunk * imageSize * 4, 1: chunk * outSize * 4, 3: gw ? weights * 4 : 0,
      4: gxAt !== 0 ? chunk * imageSize * 4 : 0 }),
    threadStep: steps(args.length, { 5: helperProductAt - productAt, 6: helperColumnsAt - columnsAt, 7: helperWorkAt - workAt }) });
  if (gw) {
    // dW = ((part_0 + part_1) + part_2) + …, in float32, in chunk order.
    take(gw, partsAt, weights);
    for (let k = 1; k < chunks; k++) {
      const part = heap.subarray(partsAt / 4 + k * weights, partsAt / 4 + (k + 1) * weights);
      for (let i = 0; i < weights; i++) gw[i] += part[i];
    }
  }
}

/**
 * Whether conv2d goes through the direct kernels (asm/conv.ts convDirectF32) instead of unfold + gemm:
 * stride 1, dilation 1, one group, a short filter (C·kH·kW ≤ 64 taps, where the gemm spends more time
 * packing 20 MB of columns than multiplying) and rows at least 16 wide (one full block of outputs).
 * LeNet's first layer (1 channel, 5×5, 28 wide) qualifies; its second (150 taps, 10 wide) does not.
 */
export function convDirectEligible(info: Conv2dInfo): boolean {
  return info.groups === 1 && info.strideHeight === 1 && info.strideWidth === 1
    && info.dilationHeight === 1 && info.dilationWidth === 1
    && info.inChannels * info.kernelHeight * info.kernelWidth <= 64 && info.outWidth >= 16;
}

function directShape(info: Conv2dInfo): DirectShape {
  return [info.inChannels, info.inHeight, info.inWidth, info.kernelHeight, info.kernelWidth, info.padTop, info.padLeft,
    info.outChannels, info.outHeight, info.outWidth];
}

/** Images per call of the direct kernels: their input and output (or output gradient) within the budget. */
export function directChunk(info: Conv2dInfo): number {
  const perImage = info.inChannels * info.inHeight * info.inWidth + info.outChannels * info.outHeight * info.outWidth;
  return Math.max(1, Math.min(info.batchSize, Math.floor(CONV_COLUMNS_BUDGET / perImage)));
}

function paddedFloats(exports: ConvExports, info: Conv2dInfo): number {
  return info.inChannels * (info.outHeight + info.kernelHeight - 1) * exports.paddedWidth(info.outWidth, info.kernelWidth);
}

/**
 * Whether conv2d's forward goes through the channel-vectorized direct kernel (asm/conv.ts convChannelsF32)
 * instead of unfold + gemm: one group, output channels in whole blocks of 16, and not a layer the first direct
 * kernel takes. LeNet's second layer (16 channels, 10-wide rows) qualifies. Same bits as the gemm path.
 */
export function convChannelsEligible(info: Conv2dInfo): boolean {
  return info.groups === 1 && info.outChannels % 16 === 0 && !convDirectEligible(info);
}

/** Which direct forward kernel takes a layer: "direct" (short filters, wide rows), "channels" (16k channels) or neither. */
export function directForwardKind(info: Conv2dInfo): "direct" | "channels" | null {
  return convDirectEligible(info) ? "direct" : convChannelsEligible(info) ? "channels" : null;
}

function channelsGeometry(exports: ConvExports, info: Conv2dInfo) {
  const taps = info.inChannels * info.kernelHeight * info.kernelWidth;
  const oPadded = Math.ceil(info.outChannels / 16) * 16;
  const paddedH = exports.channelsPaddedHeight(info.outHeight, info.kernelHeight, info.strideHeight, info.dilationHeight);
  const paddedW = exports.channelsPaddedHeight(info.outWidth, info.kernelWidth, info.strideWidth, info.dilationWidth);
  return { taps, oPadded, paddedH, paddedW };
}

/** The floats of scratch runDirectForward needs, in the order it takes their offsets (both threads' copies). */
export function directForwardScratch(info: Conv2dInfo): number[] {
  const exports = kernels();
  if (directForwardKind(info) === "direct") {
    const padded = paddedFloats(exports, info);
    return [padded, padded];
  }
  const { taps, oPadded, paddedH, paddedW } = channelsGeometry(exports, info);
  const paddedSize = info.inChannels * paddedH * paddedW, tileSize = info.outHeight * info.outWidth * oPadded;
  return [taps * oPadded, taps, paddedSize, paddedSize, tileSize, tileSize];
}

/**
 * The direct forward of `count` images at xAt into outAt (tensor layout), with weights at wAt, the bias at biasAt
 * (0: none) and the activation applied to each image's output; `scratch` holds directForwardScratch's offsets.
 * Chunks of images go to both threads.
 */
export function runDirectForward(info: Conv2dInfo, scratch: number[], wAt: number, biasAt: number, xAt: number,
  outAt: number, count: number, activation: FusedActivation): void {
  const exports = kernels();
  const imageSize = info.inChannels * info.inHeight * info.inWidth;
  const outSize = info.outChannels * info.outHeight * info.outWidth;
  const images = chunkOf(count);
  if (directForwardKind(info) === "direct") {
    const [paddedAt, helperPaddedAt] = scratch;
    const args = [xAt, paddedAt, wAt, biasAt, outAt, 0, ...directShape(info), ACTIVATIONS[activation]];
    runChunks({ kernel: "convDirectF32", args, chunkSize: images, total: count, countArg: 5,
      chunkStep: steps(args.length, { 0: images * imageSize * 4, 4: images * outSize * 4 }),
      threadStep: steps(args.length, { 1: helperPaddedAt - paddedAt }) });
    return;
  }
  const [packedAt, offsetsAt, paddedAt, helperPaddedAt, tileAt, helperTileAt] = scratch;
  const { taps, oPadded, paddedH, paddedW } = channelsGeometry(exports, info);
  exports.packChannelWeights(wAt, packedAt, info.outChannels, taps, oPadded);
  exports.channelTapOffsets(offsetsAt, info.inChannels, info.kernelHeight, info.kernelWidth, info.dilationHeight,
    info.dilationWidth, paddedH, paddedW);
  const shape: ChannelsShape = [info.inChannels, info.inHeight, info.inWidth, info.kernelHeight, info.kernelWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, info.padTop, info.padLeft,
    info.outChannels, info.outHeight, info.outWidth];
  const args = [xAt, paddedAt, packedAt, offsetsAt, biasAt, tileAt, outAt, 0, ...shape, ACTIVATIONS[activation]];
  runChunks({ kernel: "convChannelsF32", args, chunkSize: images, total: count, countArg: 7,
    chunkStep: steps(args.length, { 0: images * imageSize * 4, 6: images * outSize * 4 }),
    threadStep: steps(args.length, { 1: helperPaddedAt - paddedAt, 5: helperTileAt - tileAt }) });
}

/**
 * conv2dForwardWasm's result by a direct kernel (directForwardKind; same bits: the gemm's order of sums),
 * with an activation applied while each image's output is in cache.
 */
export function conv2dDirectForwardWasm(x: Float32Array, w: Float32Array, bias: Float32Array | null, info: Conv2dInfo,
  out: Float32Array, activation: FusedActivation = "none"): void {
  const chunk = directChunk(info);
  const imageSize = info.inChannels * info.inHeight * info.inWidth;
  const outSize = info.outChannels * info.outHeight * info.outWidth;
  const scratchFloats = directForwardScratch(info);
  const offsets = layout([...scratchFloats, w.length, info.outChannels, chunk * imageSize, chunk * outSize]);
  const scratch = offsets.slice(0, scratchFloats.length);
  const [wAt, biasAt, xAt, outAt] = offsets.slice(scratchFloats.length);
  put(w, wAt);
  if (bias) put(bias, biasAt);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    put(x.subarray(first * imageSize, (first + count) * imageSize), xAt);
    runDirectForward(info, scratch, wAt, bias ? biasAt : 0, xAt, outAt, count, activation);
    take(out, outAt, count * outSize, first * outSize);
  }
}

/** The floats of scratch runDirectWeightGrad needs (both threads' zero-bordered images). */
export function directWeightGradScratch(info: Conv2dInfo): number[] {
  const padded = paddedFloats(kernels(), info);
  return [padded, padded];
}

/**
 * dW (C_out × C·kH·kW at gwAt, added to) of the direct kernel for `count` images at xAt and their output gradient
 * at gyAt, in chunks of output channels: each channel's sums run over every image in order, whichever thread runs them.
 */
export function runDirectWeightGrad(info: Conv2dInfo, scratch: number[], xAt: number, gyAt: number, gwAt: number,
  count: number): void {
  const [paddedAt, helperPaddedAt] = scratch;
  const args = [xAt, paddedAt, gyAt, gwAt, count, 0, 0, ...directShape(info)];
  runChunks({ kernel: "convDirectWeightGradF32", args, chunkSize: chunkOf(info.outChannels), total: info.outChannels,
    startArg: 5, endArg: 6, threadStep: steps(args.length, { 1: helperPaddedAt - paddedAt }) });
}

/** The weight gradient of conv2dDirectForwardWasm, written to gw (summed in its own order: float32 rounding apart from the gemm's). */
export function conv2dDirectWeightGradWasm(x: Float32Array, gy: Float32Array, info: Conv2dInfo, gw: Float32Array,
  gb: Float32Array | null = null, activation: ActivationOutput | null = null): void {
  const exports = kernels();
  const chunk = directChunk(info);
  const imageSize = info.inChannels * info.inHeight * info.inWidth;
  const positions = info.outHeight * info.outWidth, outSize = info.outChannels * positions;
  const scratchFloats = directWeightGradScratch(info);
  const offsets = layout([...scratchFloats, gw.length, chunk * imageSize, chunk * outSize, info.outChannels,
    activation ? chunk * outSize : 0]);
  const scratch = offsets.slice(0, scratchFloats.length);
  const [gwAt, xAt, gyAt, gbAt, yAt] = offsets.slice(scratchFloats.length);
  heap.fill(0, gwAt / 4, gwAt / 4 + gw.length);
  if (gb) heap.fill(0, gbAt / 4, gbAt / 4 + info.outChannels);
  for (let first = 0; first < info.batchSize; first += chunk) {
    const count = Math.min(chunk, info.batchSize - first);
    put(x.subarray(first * imageSize, (first + count) * imageSize), xAt);
    put(gy.subarray(first * outSize, (first + count) * outSize), gyAt);
    if (activation) {
      const output = activation.output.subarray(first * outSize, (first + count) * outSize);
      activationBackwardInPlace(gyAt, { kind: activation.kind, output }, yAt);
    }
    runDirectWeightGrad(info, scratch, xAt, gyAt, gwAt, count);
    if (gb) exports.biasGradF32(gyAt, gbAt, count, info.outChannels, positions);
  }
  take(gw, gwAt, gw.length);
  if (gb) take(gb, gbAt, info.outChannels);
}

/** Floats per slice of the elementwise kernels, so a huge tensor never needs a huge memory. */
const SLICE = 1 << 20;

/** out = kernel(x), elementwise over float32 arrays of equal length, both threads taking chunks. */
function elementwise(kernel: "sigmoidF32" | "reluF32", x: Float32Array, out: Float32Array): void {
  kernels();
  const [inAt, outAt] = layout([Math.min(SLICE, x.length), Math.min(SLICE, x.length)]);
  for (let start = 0; start < x.length; start += SLICE) {
    const count = Math.min(SLICE, x.length - start);
    put(x.subarray(start, start + count), inAt);
    const floats = chunkOf(count, 4);
    runChunks({ kernel, args: [inAt, outAt, 0], chunkSize: floats, total: count, countArg: 2,
      chunkStep: [floats * 4, floats * 4, 0] });
    take(out, outAt, count, start);
  }
}

/** gx = kernel(gy, y), elementwise, y being the op's output. */
function elementwiseBackward(kernel: "sigmoidBackwardF32" | "reluBackwardF32", gy: Float32Array, y: Float32Array,
  gx: Float32Array): void {
  kernels();
  const [gyAt, yAt, gxAt] = layout([Math.min(SLICE, y.length), Math.min(SLICE, y.length), Math.min(SLICE, y.length)]);
  for (let start = 0; start < y.length; start += SLICE) {
    const count = Math.min(SLICE, y.length - start);
    put(gy.subarray(start, start + count), gyAt);
    put(y.subarray(start, start + count), yAt);
    runElementwiseBackward(kernel, gyAt, yAt, gxAt, count);
    take(gx, gxAt, count, start);
  }
}

/** y = sigmoid(x), elementwise over float32 arrays of equal length. */
export function sigmoidWasm(x: Float32Array, y: Float32Array): void {
  elementwise("sigmoidF32", x, y);
}

/** gx = gy · y · (1 - y) over float32 arrays of equal length, y being sigmoid's output. */
export function sigmoidBackwardWasm(gy: Float32Array, y: Float32Array, gx: Float32Array): void {
  elementwiseBackward("sigmoidBackwardF32", gy, y, gx);
}

/** y = relu(x) (x ≤ 0 ? 0 : x, NaN kept), elementwise over float32 arrays of equal length, branch-free. */
export function reluWasm(x: Float32Array, y: Float32Array): void {
  elementwise("reluF32", x, y);
}

/** gx = y > 0 ? gy : 0 over float32 arrays of equal length, y being relu's output. */
export function reluBackwardWasm(gy: Float32Array, y: Float32Array, gx: Float32Array): void {
  elementwiseBackward("reluBackwardF32", gy, y, gx);
}
