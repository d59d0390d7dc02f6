// The rows path of a float32 convolution: stride 1, dilation 1, one group, short filters on rows at least 16
// wide (LeNet's first layer). convRowsF32 computes 16 outputs of a row at a time, two output channels at once,
// with no column matrix; convRowsWeightGradF32 is its weight gradient (an order of summation of its own).
// Both copy each image into a zero-bordered buffer first (padImage, rowsPaddedWidth).
// Offsets are bytes into memory; nothing here allocates.

import { activate } from "./activations";
import { copy, laneSum, storeLanes, zero } from "./vectors";

// How the rows kernels work: each image is first copied into a zero-bordered buffer (`padded`, C planes of
// paddedH × paddedW floats, paddedW leaving room for whole-vector loads), then every output row is a sum of
// shifted input rows times splatted weights, taps in (c, i, j) order, each product added to an accumulator
// that starts at 0, and the bias added last: the gemm's own order for K ≤ 256 taps, so the same bits.

/** Copies image n into the zero-bordered buffer. */
@inline
export function padImage(image: usize, padded: usize, C: i32, H: i32, W: i32, padTop: i32, padLeft: i32,
  paddedH: i32, paddedW: i32): void {
  zero(padded, C * paddedH * paddedW);
  for (let c = 0; c < C; c++) {
    for (let h = 0; h < H; h++) {
      copy(padded + <usize>((c * paddedH + h + padTop) * paddedW + padLeft) * 4,
        image + <usize>((c * H + h) * W) * 4, W);
    }
  }
}

/** Floats per row of the zero-bordered buffer: every 16-output block plus the kernel's reach. */
export function rowsPaddedWidth(outW: i32, kW: i32): i32 {
  return ((outW + 15) & ~15) + kW - 1;
}

export function convRowsF32(
  images: usize, padded: usize, weights: usize, bias: usize, out: usize,
  count: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32,
  outChannels: i32, outH: i32, outW: i32, activation: i32,
): void {
  const paddedH = outH + kH - 1, paddedW = rowsPaddedWidth(outW, kW);
  const taps = C * kH * kW;
  for (let n = 0; n < count; n++) {
    padImage(images + <usize>(n * C * H * W) * 4, padded, C, H, W, padTop, padLeft, paddedH, paddedW);
    // Two output channels at a time: each input vector loaded once feeds both (8 accumulators). An odd last
    // channel runs as its own pair (its second half computed again and not stored).
    for (let o = 0; o < outChannels; o += 2) {
      const second = min(o + 1, outChannels - 1);
      const filter0 = weights + <usize>(o * taps) * 4, filter1 = weights + <usize>(second * taps) * 4;
      const b0 = bias != 0 ? load<f32>(bias + <usize>o * 4) : <f32>0;
      const b1 = bias != 0 ? load<f32>(bias + <usize>second * 4) : <f32>0;
      for (let oh = 0; oh < outH; oh++) {
        const target0 = out + <usize>(((n * outChannels + o) * outH + oh) * outW) * 4;
        const target1 = out + <usize>(((n * outChannels + second) * outH + oh) * outW) * 4;
        // Sixteen outputs (four vectors) at a time; the last block may hang past the row (the buffer is wide
        // enough to read there), and only its lanes inside the row are stored.
        for (let ow = 0; ow < outW; ow += 16) {
          if (outW - ow <= 12) { // a last block of at most twelve: three vectors (LeNet's 28-wide rows: 16 + 12)
            narrowBlock(padded, filter0, filter1, target0, target1, second != o, b0, b1, bias != 0, ow, oh, C, kH, kW,
              paddedH, paddedW, outW);
            continue;
          }
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
          let t = 0;
          for (let c = 0; c < C; c++) {
            for (let i = 0; i < kH; i++) {
              const row = padded + <usize>(((c * paddedH + oh + i) * paddedW) + ow) * 4;
              for (let j = 0; j < kW; j++, t++) {
                const w0 = v128.load32_splat(filter0 + <usize>t * 4), w1 = v128.load32_splat(filter1 + <usize>t * 4);
                const src = row + <usize>j * 4;
                let x = v128.load(src);
                a0 = f32x4.add(a0, f32x4.mul(w0, x)); c0 = f32x4.add(c0, f32x4.mul(w1, x));
                x = v128.load(src, 16);
                a1 = f32x4.add(a1, f32x4.mul(w0, x)); c1 = f32x4.add(c1, f32x4.mul(w1, x));
                x = v128.load(src, 32);
                a2 = f32x4.add(a2, f32x4.mul(w0, x)); c2 = f32x4.add(c2, f32x4.mul(w1, x));
                x = v128.load(src, 48);
                a3 = f32x4.add(a3, f32x4.mul(w0, x)); c3 = f32x4.add(c3, f32x4.mul(w1, x));
              }
            }
          }
          if (bias != 0) {
            const s0 = f32x4.splat(b0), s1 = f32x4.splat(b1);
            a0 = f32x4.add(a0, s0); a1 = f32x4.add(a1, s0); a2 = f32x4.add(a2, s0); a3 = f32x4.add(a3, s0);
            c0 = f32x4.add(c0, s1); c1 = f32x4.add(c1, s1); c2 = f32x4.add(c2, s1); c3 = f32x4.add(c3, s1);
          }
          let at = target0 + <usize>ow * 4;
          storeLanes(at, a0, outW - ow); storeLanes(at + 16, a1, outW - ow - 4);
          storeLanes(at + 32, a2, outW - ow - 8); storeLanes(at + 48, a3, outW - ow - 12);
          if (second == o) continue;
          at = target1 + <usize>ow * 4;
          storeLanes(at, c0, outW - ow); storeLanes(at + 16, c1, outW - ow - 4);
          storeLanes(at + 32, c2, outW - ow - 8); storeLanes(at + 48, c3, outW - ow - 12);
        }
      }
    }
    activate(out + <usize>(n * outChannels * outH * outW) * 4, outChannels * outH * outW, activation);
  }
}

/** convRowsF32's last block of a row when at most twelve outputs remain: the same sums on three vectors, not four. */
@inline
function narrowBlock(padded: usize, filter0: usize, filter1: usize, target0: usize, target1: usize, both: bool,
  b0: f32, b1: f32, hasBias: bool, ow: i32, oh: i32, C: i32, kH: i32, kW: i32, paddedH: i32, paddedW: i32, outW: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0);
  let t = 0;
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kH; i++) {
      const row = padded + <usize>(((c * paddedH + oh + i) * paddedW) + ow) * 4;
      for (let j = 0; j < kW; j++, t++) {
        const w0 = v128.load32_splat(filter0 + <usize>t * 4), w1 = v128.load32_splat(filter1 + <usize>t * 4);
        const src = row + <usize>j * 4;
        let x = v128.load(src);
        a0 = f32x4.add(a0, f32x4.mul(w0, x)); c0 = f32x4.add(c0, f32x4.mul(w1, x));
        x = v128.load(src, 16);
        a1 = f32x4.add(a1, f32x4.mul(w0, x)); c1 = f32x4.add(c1, f32x4.mul(w1, x));
        x = v128.load(src, 32);
        a2 = f32x4.add(a2, f32x4.mul(w0, x)); c2 = f32x4.add(c2, f32x4.mul(w1, x));
      }
    }
  }
  if (hasBias) {
    const s0 = f32x4.splat(b0), s1 = f32x4.splat(b1);
    a0 = f32x4.add(a0, s0); a1 = f32x4.add(a1, s0); a2 = f32x4.add(a2, s0);
    c0 = f32x4.add(c0, s1); c1 = f32x4.add(c1, s1); c2 = f32x4.add(c2, s1);
  }
  let at = target0 + <usize>ow * 4;
  storeLanes(at, a0, outW - ow); storeLanes(at + 16, a1, outW - ow - 4); storeLanes(at + 32, a2, outW - ow - 8);
  if (!both) return;
  at = target1 + <usize>ow * 4;
  storeLanes(at, c0, outW - ow); storeLanes(at + 16, c1, outW - ow - 4); storeLanes(at + 32, c2, outW - ow - 8);
}

/**
 * The weight gradient of convRowsF32, added into `gradWeights` (C_out × C·kH·kW):
 * dW[o, c, i, j] += Σ over images and output positions of dY[n, o, oh, ow] · x_padded[n, c, oh + i, ow + j].
 * Each sum runs in vector lanes added together at the end of each image — an order of its own, so these
 * bits differ from the gemm's within float32 rounding. Only output channels [oStart, oEnd), so threads can
 * share the channels (each pads every image itself).
 */
export function convRowsWeightGradF32(
  images: usize, padded: usize, gradOut: usize, gradWeights: usize,
  count: i32, oStart: i32, oEnd: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32,
  outChannels: i32, outH: i32, outW: i32,
): void {
  const paddedH = outH + kH - 1, paddedW = rowsPaddedWidth(outW, kW);
  const taps = C * kH * kW;
  const fullVectors = outW >> 2;
  for (let n = 0; n < count; n++) {
    padImage(images + <usize>(n * C * H * W) * 4, padded, C, H, W, padTop, padLeft, paddedH, paddedW);
    for (let o = oStart; o < oEnd; o++) {
      const gy = gradOut + <usize>((n * outChannels + o) * outH * outW) * 4;
      for (let c = 0; c < C; c++) {
        for (let i = 0; i < kH; i++) {
          const t = (c * kH + i) * kW; // tap (c, i, 0)
          let j = 0;
          // Four neighbouring taps at once: each dY vector is loaded once and multiplied by four shifted rows.
          for (; j + 4 <= kW; j += 4) {
            let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
            let tail0: f32 = 0, tail1: f32 = 0, tail2: f32 = 0, tail3: f32 = 0;
            for (let oh = 0; oh < outH; oh++) {
              const g = gy + <usize>(oh * outW) * 4;
              const x = padded + <usize>(((c * paddedH + oh + i) * paddedW) + j) * 4;
              for (let v = 0; v < fullVectors; v++) {
                const gv = v128.load(g + <usize>v * 16), xv = x + <usize>v * 16;
                s0 = f32x4.add(s0, f32x4.mul(gv, v128.load(xv)));
                s1 = f32x4.add(s1, f32x4.mul(gv, v128.load(xv, 4)));
                s2 = f32x4.add(s2, f32x4.mul(gv, v128.load(xv, 8)));
                s3 = f32x4.add(s3, f32x4.mul(gv, v128.load(xv, 12)));
              }
              for (let r = fullVectors * 4; r < outW; r++) {
                const gr = load<f32>(g + <usize>r * 4), xr = x + <usize>r * 4;
                tail0 += gr * load<f32>(xr); tail1 += gr * load<f32>(xr, 4);
                tail2 += gr * load<f32>(xr, 8); tail3 += gr * load<f32>(xr, 12);
              }
            }
            const at = gradWeights + <usize>(o * taps + t + j) * 4;
            store<f32>(at, load<f32>(at) + laneSum(s0) + tail0);
            store<f32>(at, load<f32>(at, 4) + laneSum(s1) + tail1, 4);
            store<f32>(at, load<f32>(at, 8) + laneSum(s2) + tail2, 8);
            store<f32>(at, load<f32>(at, 12) + laneSum(s3) + tail3, 12);
          }
          // The remaining taps one at a time, with four independent sums (vectors v mod 4).
          for (; j < kW; j++) {
            let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
            let tail: f32 = 0;
            for (let oh = 0; oh < outH; oh++) {
              const g = gy + <usize>(oh * outW) * 4;
              const x = padded + <usize>(((c * paddedH + oh + i) * paddedW) + j) * 4;
              let v = 0;
              for (; v + 4 <= fullVectors; v += 4) {
                const gv = g + <usize>v * 16, xv = x + <usize>v * 16;
                s0 = f32x4.add(s0, f32x4.mul(v128.load(gv), v128.load(xv)));
                s1 = f32x4.add(s1, f32x4.mul(v128.load(gv, 16), v128.load(xv, 16)));
                s2 = f32x4.add(s2, f32x4.mul(v128.load(gv, 32), v128.load(xv, 32)));
                s3 = f32x4.add(s3, f32x4.mul(v128.load(gv, 48), v128.load(xv, 48)));
              }
              if (v < fullVectors) s0 = f32x4.add(s0, f32x4.mul(v128.load(g + <usize>v * 16), v128.load(x + <usize>v * 16)));
              if (v + 1 < fullVectors) s1 = f32x4.add(s1, f32x4.mul(v128.load(g + <usize>v * 16, 16), v128.load(x + <usize>v * 16, 16)));
              if (v + 2 < fullVectors) s2 = f32x4.add(s2, f32x4.mul(v128.load(g + <usize>v * 16, 32), v128.load(x + <usize>v * 16, 32)));
              for (let r = fullVectors * 4; r < outW; r++) tail += load<f32>(g + <usize>r * 4) * load<f32>(x + <usize>r * 4);
            }
            const at = gradWeights + <usize>(o * taps + t + j) * 4;
            store<f32>(at, load<f32>(at) + laneSum(f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3))) + tail);
          }
        }
      }
    }
  }
}
