// Conv2d → Sigmoid → AvgPool2d(2) as one op inside the conv module's memory (nn.Sequential fuses the three; LeNet
// has two such blocks). The sigmoid's output — 4.8 MB for LeNet's first layer at batch 256 — never becomes a JS
// array: forward leaves it on the saved stack (conv-memory.ts) for backward, which finds it there, or recomputes it
// when the stack was emptied in between. Only the input, the pooled output and the gradients cross into JS.
// Every step is the kernel the separate ops run (the rows or channels convolution with the sigmoid applied per
// image, avgPool2x2F32, avgPool2x2BackwardF32, sigmoidBackwardF32, the rows or channels weight gradient or the
// chunked backward), on the same numbers in the same order, so the result has the same bits as Conv2d, Sigmoid
// and AvgPool2d run one after another (test/nn/fusion.test.ts).

import type { Conv2dInfo } from "../../calc/conv-info.js";
import { isSaved, layout, pushSaved, put, releaseSaved, take, zeroFloats, type SavedColumns } from "./conv-memory.js";
import { biasGradientAt, chunkedBackwardScratch, runChunkedBackward, sizes } from "./conv-gemm-wasm.js";
import { directChunk, directForwardScratch, rowsWeightGradScratch, runDirectForward, runRowsWeightGrad, type DirectPath }
  from "./conv-direct-wasm.js";
import { runElementwiseBackward } from "./activation-wasm.js";
import { runAvgPool2x2 } from "./pool-wasm.js";

/** Most floats of input, sigmoid output, pooled output and their gradients one block call holds (256 MiB). */
const BLOCK_BUDGET = 1 << 26;

/** The pooled plane of a conv output: 2×2 windows, stride 2, the last odd row or column left out (PyTorch's floor mode). */
export function pooledSize(info: Conv2dInfo): { pooledHeight: number; pooledWidth: number } {
  return { pooledHeight: Math.floor(info.outHeight / 2), pooledWidth: Math.floor(info.outWidth / 2) };
}

/**
 * Whether the block kernels can take this convolution (given a direct forward, which planConv checks): windows to
 * pool, and the whole batch in one call (as the separate direct kernels then also take it, so the sums run in the
 * same order).
 */
export function canRunBlock(info: Conv2dInfo): boolean {
  const { imageSize, positions } = sizes(info);
  const { pooledHeight, pooledWidth } = pooledSize(info);
  const N = info.batchSize, outSize = info.outChannels * positions;
  return pooledHeight > 0 && pooledWidth > 0 && N > 0
    && directChunk(info) === N && N * (2 * imageSize + 3 * outSize) <= BLOCK_BUDGET;
}

/** LeNet's pooling of the block's `planes` sigmoid planes at sourceAt into targetAt, or its gradient (divisor 4). */
function poolPlanes(backward: boolean, sourceAt: number, targetAt: number, planes: number, info: Conv2dInfo): void {
  const { pooledHeight, pooledWidth } = pooledSize(info);
  runAvgPool2x2(backward, sourceAt, targetAt, planes, info.outHeight, info.outWidth, pooledHeight, pooledWidth, 4);
}

/**
 * pooled = avgPool2d(sigmoid(conv2d(x, w) + bias), 2), for an info record with zero padding that canRunBlock,
 * by the direct kernel `forward`.
 * With keep, the sigmoid's output stays on the saved stack for convBlockBackwardWasm, which gets the entry.
 */
export function convBlockForwardWasm(forward: DirectPath, x: Float32Array, w: Float32Array, bias: Float32Array | null,
  info: Conv2dInfo, pooled: Float32Array, keep: boolean): SavedColumns | null {
  const { imageSize, positions } = sizes(info);
  const N = info.batchSize, planes = N * info.outChannels, ySize = planes * positions;
  const kept = keep ? pushSaved(ySize) : null;
  const scratchFloats = directForwardScratch(forward, info);
  const offsets = layout([...scratchFloats, w.length, info.outChannels, N * imageSize, kept ? 0 : ySize, pooled.length]);
  const scratch = offsets.slice(0, scratchFloats.length);
  const [wAt, biasAt, xAt, scratchYAt, pooledAt] = offsets.slice(scratchFloats.length);
  const yAt = kept ? kept.at : scratchYAt;
  put(w, wAt);
  if (bias) put(bias, biasAt);
  put(x, xAt);
  runDirectForward(forward, info, scratch, wAt, bias ? biasAt : 0, xAt, yAt, N, "sigmoid");
  poolPlanes(false, yAt, pooledAt, planes, info);
  take(pooled, pooledAt, pooled.length);
  return kept;
}

/** The backwards a fused convolution runs (planConv's): see src/ops/conv-plan.ts. */
export type FusedBackward = "rows" | "channels" | "chunked";

/**
 * The gradients of convBlockForwardWasm from the pooled output's gradient: gx (null: not needed), gw and gb
 * (written; null: not needed), by planConv's `forward` and `backward` ("rows": the rows weight-gradient kernel,
 * no input gradient; "channels": the channels weight-gradient kernel, and the chunked one for dX; or "chunked").
 * Uses the forward's saved sigmoid output when it is still there (and releases it), and recomputes it otherwise.
 */
export function convBlockBackwardWasm(forward: DirectPath, backward: FusedBackward, x: Float32Array, w: Float32Array,
  bias: Float32Array | null, gPooled: Float32Array, info: Conv2dInfo, gx: Float32Array | null, gw: Float32Array | null,
  gb: Float32Array | null, kept: SavedColumns | null): void {
  const { imageSize, positions } = sizes(info);
  const N = info.batchSize, outChannels = info.outChannels, planes = N * outChannels, ySize = planes * positions;
  const reuse = isSaved(kept);
  if (!reuse) releaseSaved(kept);
  const forwardFloats = reuse ? [] : directForwardScratch(forward, info);
  const weightGradBy = backward === "channels" ? "channels" : "chunks";
  const backwardFloats = backward === "rows" ? rowsWeightGradScratch(info)
    : chunkedBackwardScratch(info, gw !== null, weightGradBy);
  const offsets = layout([...forwardFloats, ...backwardFloats, w.length, outChannels, N * imageSize, reuse ? 0 : ySize,
    gPooled.length, ySize, gx ? N * imageSize : 0, w.length, outChannels]);
  const forwardScratch = offsets.slice(0, forwardFloats.length);
  const backwardScratch = offsets.slice(forwardFloats.length, forwardFloats.length + backwardFloats.length);
  const [wAt, biasAt, xAt, scratchYAt, gPooledAt, gyAt, gxAt, gwAt, gbAt] = offsets.slice(forwardFloats.length + backwardFloats.length);
  put(w, wAt);
  put(x, xAt);
  put(gPooled, gPooledAt);
  const yAt = reuse ? kept.at : scratchYAt;
  if (!reuse) { // the saved stack was emptied since the forward: the same kernels give the same sigmoid output
    if (bias) put(bias, biasAt);
    runDirectForward(forward, info, forwardScratch, wAt, bias ? biasAt : 0, xAt, yAt, N, "sigmoid");
  }
  // dL/dy from the pool (onto a zeroed gradient, as the separate op), then dL/dz = dL/dy · y · (1 - y) in place.
  zeroFloats(gyAt, ySize);
  poolPlanes(true, gPooledAt, gyAt, planes, info);
  runElementwiseBackward("sigmoidBackwardF32", gyAt, yAt, gyAt, ySize);
  if (gb) biasGradientAt(gyAt, gbAt, gb, N, positions);
  if (backward === "rows") {
    if (gw) {
      zeroFloats(gwAt, w.length);
      runRowsWeightGrad(info, backwardScratch, xAt, gyAt, gwAt, N);
      take(gw, gwAt, w.length);
    }
  } else {
    runChunkedBackward(info, backwardScratch, xAt, gyAt, wAt, gx ? gxAt : 0, gw, weightGradBy);
    if (gx) take(gx, gxAt, N * imageSize);
  }
  if (reuse) releaseSaved(kept);
}
