// The channels path of a float32 convolution: one group, output channels in blocks of 16, any stride,
// dilation and padding (LeNet's second layer). convChannelsF32 sums a tile of 2 positions × 16 channels with the
// gemm's order and roundings, so its output has the gemm path's bits; packChannelWeights, channelsPaddedExtent
// and channelTapOffsets prepare its operands. Backward goes through the gemm path (conv-gemm.ts).
// Offsets are bytes into memory; nothing here allocates.

import { activate } from "./activations";
import { copy, zero } from "./vectors";

// How convChannelsF32 works: direct convolution vectorized over output channels, for many output channels on narrow rows (LeNet's second
// layer: 16 channels, 10-wide rows), where the rows kernel's vectors would be mostly empty and the
// gemm path spends as long unfolding a 15 MB column matrix as multiplying. No column matrix: each image is
// copied into a zero-bordered buffer, and a tile of 2 output positions × 16 channels (8 accumulators, the
// gemm's own 2×16 tile) sums taps in (c, i, j) order — an input pixel splatted, times a vector of 16 channels'
// weights. Sums start at 0, run in blocks of 256 taps added to the running total as the gemm's K blocks are,
// and the bias comes last: the gemm path's order and roundings, so the same bits. Any stride and dilation.

/** Taps per block, as the gemm's KC: the sums restart every 256 taps and are added to the running total. */
const CHANNEL_TAP_BLOCK: i32 = 256;

/** packed[t][o] = weights[o][t] for t < taps, o < outChannels; channels up to oPadded (a multiple of 16) are 0. */
export function packChannelWeights(weights: usize, packed: usize, outChannels: i32, taps: i32, oPadded: i32): void {
  zero(packed, taps * oPadded);
  for (let o = 0; o < outChannels; o++) {
    for (let t = 0; t < taps; t++) {
      store<f32>(packed + <usize>(t * oPadded + o) * 4, load<f32>(weights + <usize>(o * taps + t) * 4));
    }
  }
}

/** Rows and columns of convChannelsF32's zero-bordered image: exactly the extent the windows reach. */
export function channelsPaddedExtent(outH: i32, kH: i32, strideH: i32, dilationH: i32): i32 {
  return (outH - 1) * strideH + (kH - 1) * dilationH + 1;
}

/** Byte offset of tap (c, i, j) from a window's corner in the zero-bordered image, for every tap. */
export function channelTapOffsets(offsets: usize, C: i32, kH: i32, kW: i32, dilationH: i32, dilationW: i32,
  paddedH: i32, paddedW: i32): void {
  let t = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kH; i++) {
      for (let j = 0; j < kW; j++, t++) {
        store<i32>(offsets + <usize>t * 4, ((c * paddedH + i * dilationH) * paddedW + j * dilationW) * 4);
      }
    }
  }
}

export function convChannelsF32(
  images: usize, padded: usize, packed: usize, offsets: usize, bias: usize, tile: usize, out: usize,
  count: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32, strideH: i32, strideW: i32, dilationH: i32, dilationW: i32,
  padTop: i32, padLeft: i32, outChannels: i32, outH: i32, outW: i32, activation: i32,
): void {
  const paddedH = channelsPaddedExtent(outH, kH, strideH, dilationH);
  const paddedW = channelsPaddedExtent(outW, kW, strideW, dilationW);
  const taps = C * kH * kW, positions = outH * outW;
  const oPadded = (outChannels + 15) & ~15;
  const tapStride = <usize>oPadded * 4;
  const copyRows = min(H, paddedH - padTop), copyColumns = min(W, paddedW - padLeft);
  for (let n = 0; n < count; n++) {
    // The image inside its zero border; rows and columns no window reaches are left out.
    zero(padded, C * paddedH * paddedW);
    const image = images + <usize>(n * C * H * W) * 4;
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < copyRows; h++) {
        copy(padded + <usize>((c * paddedH + h + padTop) * paddedW + padLeft) * 4, image + <usize>((c * H + h) * W) * 4,
          copyColumns);
      }
    }
    // tile[p][o]: this image's sums, position-major, 16 channels per vector.
    for (let oc = 0; oc < oPadded; oc += 16) {
      const block = packed + <usize>oc * 4;
      for (let p = 0; p < positions; p += 2) {
        const q = min(p + 1, positions - 1); // an odd last position is computed twice and stored once
        const corner0 = padded + <usize>(((p / outW) * strideH * paddedW + (p % outW) * strideW) * 4);
        const corner1 = padded + <usize>(((q / outW) * strideH * paddedW + (q % outW) * strideW) * 4);
        const at0 = tile + <usize>(p * oPadded + oc) * 4, at1 = tile + <usize>(q * oPadded + oc) * 4;
        for (let t0 = 0; t0 < taps; t0 += CHANNEL_TAP_BLOCK) {
          const tEnd = min(taps, t0 + CHANNEL_TAP_BLOCK);
          let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
          let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
          let w = block + <usize>t0 * tapStride;
          for (let t = t0; t < tEnd; t++, w += tapStride) {
            const offset = <usize>load<i32>(offsets + <usize>t * 4);
            const x0 = v128.load32_splat(corner0 + offset), x1 = v128.load32_splat(corner1 + offset);
            let y = v128.load(w);
            a00 = f32x4.add(a00, f32x4.mul(x0, y)); a10 = f32x4.add(a10, f32x4.mul(x1, y));
            y = v128.load(w, 16);
            a01 = f32x4.add(a01, f32x4.mul(x0, y)); a11 = f32x4.add(a11, f32x4.mul(x1, y));
            y = v128.load(w, 32);
            a02 = f32x4.add(a02, f32x4.mul(x0, y)); a12 = f32x4.add(a12, f32x4.mul(x1, y));
            y = v128.load(w, 48);
            a03 = f32x4.add(a03, f32x4.mul(x0, y)); a13 = f32x4.add(a13, f32x4.mul(x1, y));
          }
          if (t0 > 0) { // a later block: running total + this block's sum, as the gemm adds its K blocks
            a00 = f32x4.add(v128.load(at0), a00); a01 = f32x4.add(v128.load(at0, 16), a01);
            a02 = f32x4.add(v128.load(at0, 32), a02); a03 = f32x4.add(v128.load(at0, 48), a03);
            a10 = f32x4.add(v128.load(at1), a10); a11 = f32x4.add(v128.load(at1, 16), a11);
            a12 = f32x4.add(v128.load(at1, 32), a12); a13 = f32x4.add(v128.load(at1, 48), a13);
          }
          // Position q first: when q == p (odd last), p's store wins and it is the same value anyway.
          v128.store(at1, a10); v128.store(at1, a11, 16); v128.store(at1, a12, 32); v128.store(at1, a13, 48);
          v128.store(at0, a00); v128.store(at0, a01, 16); v128.store(at0, a02, 32); v128.store(at0, a03, 48);
        }
      }
    }
    // To the tensor layout [C_out, positions], adding the bias last.
    for (let o = 0; o < outChannels; o++) {
      const b = bias != 0 ? load<f32>(bias + <usize>o * 4) : <f32>0;
      const target = out + <usize>((n * outChannels + o) * positions) * 4;
      for (let p = 0; p < positions; p++) {
        const sum = load<f32>(tile + <usize>(p * oPadded + o) * 4);
        store<f32>(target + <usize>p * 4, bias != 0 ? sum + b : sum);
      }
    }
    activate(out + <usize>(n * outChannels * positions) * 4, outChannels * positions, activation);
  }
}

// The weight gradient of the channels path, without a column matrix: dW[o][t] = Σ over images n and output
// positions p of dY[n, o, p] · x_padded[n, corner(p) + offset(t)] — the forward's loop with the roles of taps and
// positions exchanged. channelsPrepareF32 first puts every image in its zero border and every output gradient in
// position-major order ([p][o], 16 channels per vector), once per batch; convChannelsWeightGradF32 then sums a tile
// of 2 taps × 16 channels over one image's positions (sums start at 0) and adds it to the running total, image after
// image in order. Threads take ranges of taps, so the bits do not depend on the thread count; the order differs
// from the gemm's (float32 rounding apart, as the chunked path's weight gradient).

/** Images [first, end): each into its zero-bordered copy, and its output gradient [O][P] into [P][oPadded]. */
export function channelsPrepareF32(
  images: usize, padded: usize, gradOut: usize, gradTiles: usize, first: i32, end: i32,
  C: i32, H: i32, W: i32, padTop: i32, padLeft: i32, paddedH: i32, paddedW: i32,
  outChannels: i32, oPadded: i32, positions: i32,
): void {
  const copyRows = min(H, paddedH - padTop), copyColumns = min(W, paddedW - padLeft);
  const paddedSize = C * paddedH * paddedW;
  for (let n = first; n < end; n++) {
    const target = padded + <usize>(n * paddedSize) * 4;
    zero(target, paddedSize);
    const image = images + <usize>(n * C * H * W) * 4;
    for (let c = 0; c < C; c++) {
      for (let h = 0; h < copyRows; h++) {
        copy(target + <usize>((c * paddedH + h + padTop) * paddedW + padLeft) * 4, image + <usize>((c * H + h) * W) * 4,
          copyColumns);
      }
    }
    const tiles = gradTiles + <usize>(n * positions * oPadded) * 4;
    if (oPadded > outChannels) zero(tiles, positions * oPadded);
    const gy = gradOut + <usize>(n * outChannels * positions) * 4;
    for (let o = 0; o < outChannels; o++) {
      for (let p = 0; p < positions; p++) {
        store<f32>(tiles + <usize>(p * oPadded + o) * 4, load<f32>(gy + <usize>(o * positions + p) * 4));
      }
    }
  }
}

/** Images per block of convChannelsWeightGradF32: their copies and gradients stay in cache across all taps. */
const GRAD_IMAGE_BLOCK: i32 = 16;

/**
 * Adds dW for taps [tStart, tEnd) of `count` prepared images into gradPacked ([taps][oPadded], zeroed by the
 * caller before the first call).
 */
export function convChannelsWeightGradF32(
  padded: usize, gradTiles: usize, offsets: usize, gradPacked: usize, count: i32, tStart: i32, tEnd: i32,
  C: i32, paddedH: i32, paddedW: i32, strideH: i32, strideW: i32, oPadded: i32, outH: i32, outW: i32,
): void {
  const positions = outH * outW, paddedSize = C * paddedH * paddedW;
  const rowStep = <usize>(strideH * paddedW) * 4, columnStep = <usize>strideW * 4, tileStep = <usize>oPadded * 4;
  for (let n0 = 0; n0 < count; n0 += GRAD_IMAGE_BLOCK) {
    const nEnd = min(count, n0 + GRAD_IMAGE_BLOCK);
    for (let t = tStart; t < tEnd; t += 2) {
      const u = min(t + 1, tEnd - 1); // an odd last tap is computed twice and added once
      const offset0 = <usize>load<i32>(offsets + <usize>t * 4), offset1 = <usize>load<i32>(offsets + <usize>u * 4);
      for (let n = n0; n < nEnd; n++) {
        const image = padded + <usize>(n * paddedSize) * 4;
        const tiles = gradTiles + <usize>(n * positions * oPadded) * 4;
        for (let oc = 0; oc < oPadded; oc += 16) {
          let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a02 = f32x4.splat(0), a03 = f32x4.splat(0);
          let a10 = f32x4.splat(0), a11 = f32x4.splat(0), a12 = f32x4.splat(0), a13 = f32x4.splat(0);
          let g = tiles + <usize>oc * 4;
          let rowCorner = image;
          for (let oh = 0; oh < outH; oh++, rowCorner += rowStep) {
            let corner = rowCorner;
            for (let ow = 0; ow < outW; ow++, corner += columnStep, g += tileStep) {
              const x0 = v128.load32_splat(corner + offset0), x1 = v128.load32_splat(corner + offset1);
              let y = v128.load(g);
              a00 = f32x4.add(a00, f32x4.mul(x0, y)); a10 = f32x4.add(a10, f32x4.mul(x1, y));
              y = v128.load(g, 16);
              a01 = f32x4.add(a01, f32x4.mul(x0, y)); a11 = f32x4.add(a11, f32x4.mul(x1, y));
              y = v128.load(g, 32);
              a02 = f32x4.add(a02, f32x4.mul(x0, y)); a12 = f32x4.add(a12, f32x4.mul(x1, y));
              y = v128.load(g, 48);
              a03 = f32x4.add(a03, f32x4.mul(x0, y)); a13 = f32x4.add(a13, f32x4.mul(x1, y));
            }
          }
          // Running total + this image's sum; tap u first, so an odd last tap's (equal) second sum is overwritten.
          const at0 = gradPacked + <usize>(t * oPadded + oc) * 4, at1 = gradPacked + <usize>(u * oPadded + oc) * 4;
          if (u != t) {
            v128.store(at1, f32x4.add(v128.load(at1), a10)); v128.store(at1, f32x4.add(v128.load(at1, 16), a11), 16);
            v128.store(at1, f32x4.add(v128.load(at1, 32), a12), 32); v128.store(at1, f32x4.add(v128.load(at1, 48), a13), 48);
          }
          v128.store(at0, f32x4.add(v128.load(at0), a00)); v128.store(at0, f32x4.add(v128.load(at0, 16), a01), 16);
          v128.store(at0, f32x4.add(v128.load(at0, 32), a02), 32); v128.store(at0, f32x4.add(v128.load(at0, 48), a03), 48);
        }
      }
    }
  }
}
