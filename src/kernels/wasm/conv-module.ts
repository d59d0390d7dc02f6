// The conv module (asm/conv.ts, compiled to dist/wasm/conv.wasm): every kernel it exports with its parameters
// declared once, by name, in the asm function's order — the list each call is checked against — and the chunk
// runner its JS wrappers share. Its memory layout is in conv-memory.ts; the wrappers are conv-gemm-wasm.ts,
// conv-direct-wasm.ts (rows and channels), conv-block-wasm.ts, activation-wasm.ts and pool-wasm.ts.
// Every call is synchronous. With two threads (setNumThreads, on by default on two cores), a kernel call is cut
// into chunks — images, output channels, columns or elements — that this thread and a helper worker on the same
// memory take in turn (kernel-threads.ts); the cut never depends on the thread count, so neither do the bits.

import { GEMM_PARAMETERS, type GemmHelpers } from "./gemm-wasm.js";
import { KernelModule, type KernelArgs, type NamedChunkPlan } from "./kernel-module.js";

/** An image batch's geometry, as im2col / col2im and the chunked backward take it. */
const GEOMETRY = ["C", "H", "W", "kH", "kW", "strideH", "strideW", "dilationH", "dilationW", "padTop", "padLeft",
  "outH", "outW"] as const;
/** The rows kernels' shape (stride and dilation are 1). */
const ROWS_SHAPE = ["C", "H", "W", "kH", "kW", "padTop", "padLeft", "outChannels", "outH", "outW"] as const;
/** 2×2 pooling's planes. */
const PLANES = ["planes", "H", "W", "outH", "outW"] as const;

/** The conv module's kernels and their parameters, in asm's order (asm/conv-*.ts, activations.ts, pool.ts). */
export const CONV_KERNELS = {
  gemmF32: GEMM_PARAMETERS,
  im2colF32: ["images", "columns", "count", "first", "end", ...GEOMETRY],
  col2imF32: ["columns", "images", "count", "first", "end", ...GEOMETRY],
  reorderF32: ["gemmLayout", "tensorLayout", "bias", "count", "outChannels", "positions", "toTensor"],
  convBackwardChunkF32: ["images", "gradOut", "weights", "gradWeightsPart", "gradImages", "product", "columns", "work",
    "count", "groups", "outChannels", ...GEOMETRY],
  convRowsF32: ["images", "padded", "weights", "bias", "out", "count", ...ROWS_SHAPE, "activation"],
  convRowsWeightGradF32: ["images", "padded", "gradOut", "gradWeights", "count", "oStart", "oEnd", ...ROWS_SHAPE],
  packChannelWeights: ["weights", "packed", "outChannels", "taps", "oPadded"],
  channelTapOffsets: ["offsets", "C", "kH", "kW", "dilationH", "dilationW", "paddedH", "paddedW"],
  convChannelsF32: ["images", "padded", "packed", "offsets", "bias", "tile", "out", "count", "C", "H", "W", "kH", "kW",
    "strideH", "strideW", "dilationH", "dilationW", "padTop", "padLeft", "outChannels", "outH", "outW", "activation"],
  channelsPrepareF32: ["images", "padded", "gradOut", "gradTiles", "first", "end", "C", "H", "W", "padTop", "padLeft",
    "paddedH", "paddedW", "outChannels", "oPadded", "positions"],
  convChannelsWeightGradF32: ["padded", "gradTiles", "offsets", "gradPacked", "count", "tStart", "tEnd", "C", "paddedH",
    "paddedW", "strideH", "strideW", "oPadded", "outH", "outW"],
  biasGradF32: ["gy", "gb", "count", "outChannels", "positions"],
  sigmoidF32: ["x", "y", "n"],
  sigmoidBackwardF32: ["gy", "y", "gx", "n"],
  reluF32: ["x", "y", "n"],
  reluBackwardF32: ["gy", "y", "gx", "n"],
  avgPool2x2F32: ["x", "out", ...PLANES, "divisor"],
  avgPool2x2BackwardF32: ["gy", "grad", ...PLANES, "divisor"],
  maxPool2x2F32: ["x", "out", "argmax", ...PLANES],
  maxPool2x2BackwardF32: ["gy", "grad", "argmax", ...PLANES],
} as const;
type ConvKernels = typeof CONV_KERNELS;
export type ConvKernel = keyof ConvKernels;

/** The conv module's exports that return sizes (the gemm's workspace, the direct kernels' zero-bordered images). */
interface ConvHelpers extends GemmHelpers {
  rowsPaddedWidth(outW: number, kW: number): number;
  channelsPaddedExtent(outSize: number, k: number, stride: number, dilation: number): number;
}

export const convModule = new KernelModule<ConvKernels, ConvHelpers>("conv", CONV_KERNELS);

/** A conv kernel's arguments by name. */
export type ConvArgs<K extends ConvKernel> = KernelArgs<ConvKernels[K]>;

/** About this many chunks per call: enough for two threads to even out, few enough to cost nothing. */
const CHUNKS_PER_CALL = 16;

/** Items per chunk for `total` items, a multiple of `multiple`. */
export function chunkOf(total: number, multiple = 1): number {
  return Math.max(multiple, Math.ceil(total / CHUNKS_PER_CALL / multiple) * multiple);
}

/** Runs one conv kernel call as chunks on this thread and, with two threads, the helper. */
export function runChunks<K extends ConvKernel>(kernel: K, plan: NamedChunkPlan<ConvKernels[K]>): void {
  convModule.run(kernel, plan);
}

/** How many chunks the helper thread has run since it started (for tests). */
export function convHelperChunks(): number {
  return convModule.helperChunks;
}
