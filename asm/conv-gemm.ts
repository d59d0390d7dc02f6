// The gemm path of a float32 convolution, for any stride, dilation, padding and groups: im2colF32 unfolds
// images into column matrices, the gemm (asm/gemm.ts) multiplies each group's filters by its columns, and
// reorderF32 moves the product from the gemm layout [C_out, images·L] to the tensor layout [images, C_out, L]
// (adding the bias). Backward: col2imF32 (im2col's adjoint) and convBackwardChunkF32, a few images' whole
// backward in one call so their column matrix stays in cache. Readable references: im2col / col2im in
// src/ops/unfold.ts and the JS path in src/ops/conv.ts, which test/kernels/conv-wasm.test.ts holds these to.
// Offsets are bytes into memory; nothing here allocates.

import { gemmF32 } from "./gemm";
import { copy, zero } from "./vectors";

/** The output positions [first, end) whose tap at `offset` (+ o·stride) lands inside [0, size); as unfold.ts. */
@inline
function insideFirst(offset: i32, stride: i32, outSize: i32): i32 {
  const first = offset >= 0 ? 0 : (-offset + stride - 1) / stride;
  return min(first, outSize);
}
@inline
function insideEnd(offset: i32, stride: i32, size: i32, outSize: i32, first: i32): i32 {
  const end = size - 1 - offset < 0 ? 0 : min(outSize, (size - 1 - offset) / stride + 1);
  return max(end, first);
}

/**
 * im2col of `count` C×H×W images stored one after another at `images`, into column matrices side by side:
 * row (c·kH + i)·kW + j, column n·outH·outW + oh·outW + ow, rows count·outH·outW floats apart.
 * Taps outside the image (zero padding) read 0. Same layout as im2col in src/ops/unfold.ts.
 * Only images [first, end) are unfolded (`count` sets the layout), so threads can share one call's images.
 */
export function im2colF32(
  images: usize, columns: usize, count: i32, first: i32, end: i32, C: i32, H: i32, W: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const positions = outH * outW;
  const rowStride = <usize>count * <usize>positions * 4;
  for (let n = first; n < end; n++) {
    let row = columns + <usize>n * <usize>positions * 4;
    for (let c = 0; c < C; c++) {
      const plane = images + (<usize>(n * C + c) * <usize>H * <usize>W) * 4;
      for (let i = 0; i < kH; i++) {
        const rowOffset = i * dilationH - padTop;
        const ohFirst = insideFirst(rowOffset, strideH, outH);
        const ohEnd = insideEnd(rowOffset, strideH, H, outH, ohFirst);
        for (let j = 0; j < kW; j++, row += rowStride) {
          const colOffset = j * dilationW - padLeft;
          const owFirst = insideFirst(colOffset, strideW, outW);
          const owEnd = insideEnd(colOffset, strideW, W, outW, owFirst);
          zero(row, ohFirst * outW);
          for (let oh = ohFirst; oh < ohEnd; oh++) {
            const dst = row + <usize>(oh * outW) * 4;
            const src = plane + <usize>((oh * strideH + rowOffset) * W + colOffset) * 4;
            zero(dst, owFirst);
            if (strideW == 1) {
              copy(dst + <usize>owFirst * 4, src + <usize>owFirst * 4, owEnd - owFirst);
            } else {
              for (let ow = owFirst; ow < owEnd; ow++) {
                store<f32>(dst + <usize>ow * 4, load<f32>(src + <usize>(ow * strideW) * 4));
              }
            }
            zero(dst + <usize>owEnd * 4, outW - owEnd);
          }
          zero(row + <usize>(ohEnd * outW) * 4, (outH - ohEnd) * outW);
        }
      }
    }
  }
}

/**
 * The adjoint of im2colF32: adds every column entry onto the pixel it was read from (padding entries are
 * dropped), for `count` images whose columns sit side by side. The images must be zeroed (or hold a sum
 * to add to) beforehand. With stride 1, four neighbouring pixels are added at once. Only images [first, end).
 */
export function col2imF32(
  columns: usize, images: usize, count: i32, first: i32, end: i32, C: i32, H: i32, W: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const positions = outH * outW;
  const rowStride = <usize>count * <usize>positions * 4;
  for (let n = first; n < end; n++) {
    let row = columns + <usize>n * <usize>positions * 4;
    for (let c = 0; c < C; c++) {
      const plane = images + (<usize>(n * C + c) * <usize>H * <usize>W) * 4;
      for (let i = 0; i < kH; i++) {
        const rowOffset = i * dilationH - padTop;
        const ohFirst = insideFirst(rowOffset, strideH, outH);
        const ohEnd = insideEnd(rowOffset, strideH, H, outH, ohFirst);
        for (let j = 0; j < kW; j++, row += rowStride) {
          const colOffset = j * dilationW - padLeft;
          const owFirst = insideFirst(colOffset, strideW, outW);
          const owEnd = insideEnd(colOffset, strideW, W, outW, owFirst);
          for (let oh = ohFirst; oh < ohEnd; oh++) {
            const src = row + <usize>(oh * outW) * 4;
            const dst = plane + <usize>((oh * strideH + rowOffset) * W + colOffset) * 4;
            let ow = owFirst;
            if (strideW == 1) {
              for (; ow + 4 <= owEnd; ow += 4) {
                const at = dst + <usize>ow * 4;
                v128.store(at, f32x4.add(v128.load(at), v128.load(src + <usize>ow * 4)));
              }
            }
            for (; ow < owEnd; ow++) {
              const at = dst + <usize>(ow * strideW) * 4;
              store<f32>(at, load<f32>(at) + load<f32>(src + <usize>ow * 4));
            }
          }
        }
      }
    }
  }
}

/**
 * From the gemm layout [C_out, count·L] to the tensor layout [count, C_out, L], adding bias[o] when
 * `bias` is non-zero (an offset); `toTensor` false goes the other way (no bias), for the output gradient.
 */
export function reorderF32(gemmLayout: usize, tensorLayout: usize, bias: usize, count: i32, outChannels: i32,
  positions: i32, toTensor: bool): void {
  const bytes = <usize>positions * 4;
  for (let o = 0; o < outChannels; o++) {
    const b = bias != 0 ? load<f32>(bias + <usize>o * 4) : <f32>0;
    for (let n = 0; n < count; n++) {
      const g = gemmLayout + (<usize>o * <usize>count + <usize>n) * bytes;
      const t = tensorLayout + (<usize>n * <usize>outChannels + <usize>o) * bytes;
      if (!toTensor) {
        copy(g, t, positions);
      } else if (bias == 0) {
        copy(t, g, positions);
      } else {
        const splat = f32x4.splat(b);
        let l = 0;
        for (; l + 4 <= positions; l += 4) {
          v128.store(t + <usize>l * 4, f32x4.add(v128.load(g + <usize>l * 4), splat));
        }
        for (; l < positions; l++) store<f32>(t + <usize>l * 4, load<f32>(g + <usize>l * 4) + b);
      }
    }
  }
}

/**
 * Backward of a convolution through the columns, for one chunk of `count` images (a few, so the chunk's column
 * matrix stays in cache): dY to the gemm layout, then — when `gradWeightsPart` is non-zero — this chunk's own
 * weight gradient dW_k = dY_k · columns_kᵀ (written, not accumulated: the caller adds the chunks' parts in chunk
 * order, so the sum never depends on which thread ran which chunk), and — when `gradImages` is non-zero — the
 * input gradient: d(columns) = Wᵀ · dY_k folded back onto the chunk's images (zeroed beforehand).
 * `product`, `columns` and `work` are this thread's scratch.
 */
export function convBackwardChunkF32(
  images: usize, gradOut: usize, weights: usize, gradWeightsPart: usize, gradImages: usize,
  product: usize, columns: usize, work: usize,
  count: i32, groups: i32, outChannels: i32, C: i32, H: i32, W: i32,
  kH: i32, kW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outH: i32, outW: i32,
): void {
  const positions = outH * outW, width = count * positions;
  const outPerGroup = outChannels / groups, groupRows = (C / groups) * kH * kW;
  reorderF32(product, gradOut, 0, count, outChannels, positions, false); // dY as [C_out, images·L]
  if (gradWeightsPart != 0) {
    im2colF32(images, columns, count, 0, count, C, H, W, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW);
    for (let g = 0; g < groups; g++) {
      gemmF32(product + <usize>(g * outPerGroup * width) * 4, columns + <usize>(g * groupRows * width) * 4,
        gradWeightsPart + <usize>(g * outPerGroup * groupRows) * 4, work, outPerGroup, groupRows, width,
        false, true, false, 0, outPerGroup, 0, groupRows);
    }
  }
  if (gradImages != 0) {
    for (let g = 0; g < groups; g++) {
      gemmF32(weights + <usize>(g * outPerGroup * groupRows) * 4, product + <usize>(g * outPerGroup * width) * 4,
        columns + <usize>(g * groupRows * width) * 4, work, groupRows, width, outPerGroup,
        true, false, false, 0, groupRows, 0, width);
    }
    col2imF32(columns, gradImages, count, 0, count, C, H, W, kH, kW, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW);
  }
}
