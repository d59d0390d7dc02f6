// Which kernels run a convolution: the table of paths, and planConv, the one function that picks a row of it.
// conv2d (conv.ts) and the fused convolutions of nn.Sequential (conv-fused.ts) ask it and run what it says; the
// kernels themselves never re-decide. Each path's "can it run?" test is named canRun… .
//
// forward    kernels                                           first match wins
// ─────────  ────────────────────────────────────────────────  ───────────────────────────────────────────────────
// readable   JS im2col · gemm() · reorder (conv.ts)            float64, the caller asks for it (the tests that hold
//                                                              the fast paths to it), or !canRunWasm (too large)
// rows       convRowsF32 (asm/conv-rows.ts)                    canRunRows: stride 1, dilation 1, one group,
//                                                              C·kH·kW ≤ 64 taps, rows ≥ 16 wide (LeNet's 1st layer)
// channels   convChannelsF32 (asm/conv-channels.ts)            canRunChannels: one group, C_out a multiple of 16
//                                                              (LeNet's 2nd layer)
// gemm       im2colF32 · gemmF32 · reorderF32 (conv-gemm.ts)   every other float32 convolution
//
// backward   kernels                                           first match wins
// ─────────  ────────────────────────────────────────────────  ───────────────────────────────────────────────────
// readable   JS im2col · gemm() · col2im (conv.ts)             forward readable
// rows       convRowsWeightGradF32 (asm/conv-rows.ts)          forward rows, and only the weight (and bias) need a
//                                                              gradient; sums in its own order (float32 rounding)
// channels   convChannelsWeightGradF32 (asm/conv-channels.ts)  forward channels, a weight gradient is needed, and
//            for dW; convBackwardChunkF32 for dX only           canRunChunkedBackward and canRunChannelsGrad; dW sums
//                                                              each tap over the images in order (float32 rounding)
// chunked    convBackwardChunkF32 (asm/conv-gemm.ts)           canRunChunkedBackward: the batch and one weight-
//                                                              gradient part per chunk fit their budgets
// columns    im2colF32 · gemmF32 · col2imF32, one column       otherwise; a gemm forward keeps its columns on the
//            matrix for many images                            saved stack for it when a weight gradient is needed
//
// fused      nn.Sequential's Conv2d → Sigmoid | ReLU and Conv2d → Sigmoid → AvgPool2d(2) run as one op when the
//            forward is rows or channels, the backward (if any gradient is needed) is rows, channels or chunked,
//            and for the pooling block canRunBlock (the whole batch in one call); otherwise the separate ops run.
//
// Every forward gives the readable path's bits; the backwards give its bits too except the rows, channels and
// chunked weight gradients (test/kernels/conv-wasm.test.ts, test/nn/fusion.test.ts).

import type { Conv2dInfo } from "../calc/conv-info.js";
import { canRunBlock } from "../kernels/wasm/conv-block-wasm.js";
import { canRunChunkedBackward, canRunWasm } from "../kernels/wasm/conv-gemm-wasm.js";
import { canRunChannelsGrad } from "../kernels/wasm/conv-channels-grad-wasm.js";

export type ConvForward = "readable" | "rows" | "channels" | "gemm";
export type ConvBackward = "readable" | "rows" | "channels" | "chunked" | "columns";

/** What a convolution must compute, as planConv reads it. */
export interface ConvNeeds {
  /** float32 input and weight (float64 runs the readable path). */
  float32: boolean;
  /** Which gradients backward must produce (false when grad mode is off). */
  inputGrad: boolean;
  weightGrad: boolean;
  biasGrad: boolean;
  /** The readable path whatever the shape: the tests that hold every fast path to it. */
  readable?: boolean;
  /** What follows the convolution in nn.Sequential, for `fused`. */
  then?: "activation" | "sigmoid-avgpool";
}

export interface ConvPlan {
  forward: ConvForward;
  backward: ConvBackward;
  /** Whether the convolution and `needs.then` can run as one op (false when nothing follows). */
  fused: boolean;
}

/** The rows kernel: stride 1, dilation 1, one group, a short filter, rows of at least one 16-output block. */
export function canRunRows(info: Conv2dInfo): boolean {
  // Past 64 taps the channels or gemm kernels win; under 16 outputs a row the rows kernel's vectors run mostly empty.
  return info.groups === 1 && info.strideHeight === 1 && info.strideWidth === 1
    && info.dilationHeight === 1 && info.dilationWidth === 1
    && info.inChannels * info.kernelHeight * info.kernelWidth <= 64 && info.outWidth >= 16;
}

/** The channels kernel: one group, output channels in whole blocks of 16 (any stride, dilation, padding). */
export function canRunChannels(info: Conv2dInfo): boolean {
  return info.groups === 1 && info.outChannels % 16 === 0;
}

/** The paths a convolution with this info record (zero padding) takes, given what it needs. */
export function planConv(info: Conv2dInfo, needs: ConvNeeds): ConvPlan {
  if (!needs.float32 || needs.readable || !canRunWasm(info)) return { forward: "readable", backward: "readable", fused: false };
  const forward: ConvForward = canRunRows(info) ? "rows" : canRunChannels(info) ? "channels" : "gemm";
  const backward: ConvBackward = forward === "rows" && !needs.inputGrad && needs.weightGrad ? "rows"
    : !canRunChunkedBackward(info) ? "columns"
    : forward === "channels" && needs.weightGrad && canRunChannelsGrad(info) ? "channels" : "chunked";
  const anyGrad = needs.inputGrad || needs.weightGrad || needs.biasGrad;
  const fused = needs.then !== undefined && (forward === "rows" || forward === "channels")
    && (!anyGrad || backward !== "columns") && (needs.then !== "sigmoid-avgpool" || canRunBlock(info));
  return { forward, backward, fused };
}
