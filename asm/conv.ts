// Entry file of the conv module: `npm run build:wasm` compiles it into dist/wasm/conv.wasm, whose exports are
// exactly what this file re-exports. One module, one memory: a whole conv2d — unfold, one product per group,
// reorder and bias — or an activation or pooling runs inside it, and JavaScript copies only the inputs in and the
// results out (src/kernels/wasm/conv-module.ts loads it). The kernels live one family per file:
//   gemm.ts, gemm-dot.ts   the float32 gemm (also built alone into gemm.wasm)
//   conv-gemm.ts           im2col / col2im, reorder, and the chunked backward through columns
//   conv-rows.ts           the rows path (stride 1, short filters, wide rows) and its weight gradient
//   conv-channels.ts       the channels path (output channels in blocks of 16) and its weight gradient
//   conv-bias.ts           the bias gradient
//   activations.ts         sigmoid and ReLU, forward and backward
//   pool.ts                2×2 average and max pooling, forward and backward
//   vectors.ts             copy / zero / lane helpers the others inline

export { gemmF32, scratchStart, workspaceBytes } from "./gemm";
export { col2imF32, convBackwardChunkF32, im2colF32, reorderF32 } from "./conv-gemm";
export { convRowsF32, convRowsWeightGradF32, rowsPaddedWidth } from "./conv-rows";
export { channelsPaddedExtent, channelsPrepareF32, channelTapOffsets, convChannelsF32, convChannelsWeightGradF32,
  packChannelWeights } from "./conv-channels";
export { biasGradF32 } from "./conv-bias";
export { reluBackwardF32, reluF32, sigmoidBackwardF32, sigmoidF32 } from "./activations";
export { avgPool2x2BackwardF32, avgPool2x2F32, maxPool2x2BackwardF32, maxPool2x2F32 } from "./pool";
