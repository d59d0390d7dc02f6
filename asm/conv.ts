// AssemblyScript source of the float32 convolution kernels (WebAssembly SIMD), compiled by `npm run build:wasm`
// into dist/wasm/conv.wasm. The module also carries the gemm (asm/gemm.ts, re-exported), so a whole
// conv2d — unfold, one product per group, reorder and bias — runs inside one memory, and JavaScript copies only
// the input in and the output out (src/kernels/wasm/conv-wasm.ts). Readable references: im2col / col2im in
// src/ops/unfold.ts and the sigmoid in src/ops/activation.ts; test/kernels/conv-wasm.test.ts holds these to them.
// Offsets are bytes into memory; this file never allocates.

import { gemmF32 } from "./gemm";
export { gemmF32, scratchStart, workspaceBytes } from "./gemm";

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

// memory.copy / memory.fill cost a call each in V8 (on shared memory); im2col's runs are a few dozen floats,
// so plain vector loops are several times faster.
@inline
function copy(dst: usize, src: usize, floats: i32): void {
  let k = 0;
  for (; k + 4 <= floats; k += 4) v128.store(dst + <usize>k * 4, v128.load(src + <usize>k * 4));
  if (k < floats && floats >= 4) {
    // The last 1–3 floats: one vector ending at the run's end, overlapping floats already copied
    // (safe because source and destination never overlap).
    const last = <usize>(floats - 4) * 4;
    v128.store(dst + last, v128.load(src + last));
    return;
  }
  for (; k < floats; k++) store<f32>(dst + <usize>k * 4, load<f32>(src + <usize>k * 4));
}
@inline
function zero(dst: usize, floats: i32): void {
  let k = 0;
  for (; k + 4 <= floats; k += 4) v128.store(dst + <usize>k * 4, i32x4.splat(0));
  for (; k < floats; k++) store<f32>(dst + <usize>k * 4, 0);
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

// exp on f32x4 after Cephes' expf: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact r),
// e^r by a degree-6 polynomial (≈1 ulp), then 2^n built in the exponent bits. Only called with x ≤ 0.
const LOG2E: f32 = 1.44269504088896341;
const LN2_HIGH: f32 = 0.693359375;
const LN2_LOW: f32 = -2.12194440e-4;
const ROUNDING_SHIFT: f32 = 12582912.0; // 1.5 · 2^23

@inline
function expNonPositive(x: v128): v128 {
  // Below -103.97 e^x is under float32's smallest subnormal; clamping keeps 2^n buildable. pmax is one instruction
  // (max with NaN semantics is several); a NaN passes through and the caller puts it back.
  x = f32x4.pmax(x, f32x4.splat(-104.0));
  // n = round(x·log2 e), to nearest even, by adding 1.5·2^23: the sum's low mantissa bits are n as an integer
  // (same n as f32x4.nearest, and no float-to-int conversion, which x64 has no single instruction for).
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDING_SHIFT));
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDING_SHIFT));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(LN2_HIGH)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(LN2_LOW)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  const r2 = f32x4.mul(r, r);
  const er = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), f32x4.splat(1.0));
  // 2^n for n in [-150, 0] as two factors 2^h · 2^(n-h), each a normal float.
  const ni = i32x4.sub(shifted, f32x4.splat(ROUNDING_SHIFT));
  const half = i32x4.shr_s(ni, 1);
  const scale1 = i32x4.shl(i32x4.add(half, i32x4.splat(127)), 23);
  const scale2 = i32x4.shl(i32x4.add(i32x4.sub(ni, half), i32x4.splat(127)), 23);
  return f32x4.mul(f32x4.mul(er, scale1), scale2);
}

/**
 * y = 1 / (1 + e^-x) for n floats. With e = e^-|x| ≤ 1 (no overflow anywhere), y = 1/(1+e) for x ≥ 0 and
 * e/(1+e) for x < 0, so tiny outputs keep their relative accuracy. NaN stays NaN.
 */
export function sigmoidF32(x: usize, y: usize, n: i32): void {
  const one = f32x4.splat(1.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + <usize>i * 4);
    const e = expNonPositive(f32x4.neg(f32x4.abs(v)));
    // One division: 1/(1+e) for x ≥ 0, e/(1+e) for x < 0 (numerator chosen per lane).
    const numerator = v128.bitselect(e, one, f32x4.lt(v, f32x4.splat(0)));
    const result = f32x4.div(numerator, f32x4.add(one, e));
    // The clamp inside exp turns NaN into -104; put NaN back.
    v128.store(y + <usize>i * 4, v128.bitselect(v, result, f32x4.ne(v, v)));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + <usize>i * 4);
    const e = f32x4.extract_lane(expNonPositive(f32x4.splat(-abs<f32>(v))), 0);
    const result = v < 0 ? e / (1 + e) : 1 / (1 + e);
    store<f32>(y + <usize>i * 4, v != v ? v : result);
  }
}

// Direct convolution for stride 1, dilation 1, one group and short filters (C·kH·kW ≤ 256, LeNet's first
// layer): no column matrix. Each image is first copied into a zero-bordered buffer (`padded`, C planes of
// paddedH × paddedW floats, paddedW leaving room for whole-vector loads), then every output row is a sum of
// shifted input rows times splatted weights, taps in (c, i, j) order, each product added to an accumulator
// that starts at 0, and the bias added last: the gemm's own order for K ≤ 256, so the same bits.

/** Copies image n into the zero-bordered buffer. */
@inline
function padImage(image: usize, padded: usize, C: i32, H: i32, W: i32, padTop: i32, padLeft: i32,
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
export function paddedWidth(outW: i32, kW: i32): i32 {
  return ((outW + 15) & ~15) + kW - 1;
}

export function convDirectF32(
  images: usize, padded: usize, weights: usize, bias: usize, out: usize,
  count: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32,
  outChannels: i32, outH: i32, outW: i32, activation: i32,
): void {
  const paddedH = outH + kH - 1, paddedW = paddedWidth(outW, kW);
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

/** Activations fused into a convolution's forward, applied to each image's output while it is in cache. */
const ACTIVATION_NONE: i32 = 0;
const ACTIVATION_SIGMOID: i32 = 1;
const ACTIVATION_RELU: i32 = 2;

/** Applies the activation in place to n floats: the separate op's own kernel, so the same bits. */
@inline
function activate(at: usize, n: i32, activation: i32): void {
  if (activation == ACTIVATION_SIGMOID) sigmoidF32(at, at, n);
  else if (activation == ACTIVATION_RELU) reluF32(at, at, n);
  else if (activation != ACTIVATION_NONE) unreachable();
}

/** Stores the first `lanes` lanes of v (all four when lanes ≥ 4, none when lanes ≤ 0). */
@inline
function storeLanes(at: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(at, v);
    return;
  }
  if (lanes > 0) store<f32>(at, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

@inline
function laneSum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

/**
 * The weight gradient of convDirectF32, added into `gradWeights` (C_out × C·kH·kW):
 * dW[o, c, i, j] += Σ over images and output positions of dY[n, o, oh, ow] · x_padded[n, c, oh + i, ow + j].
 * Each sum runs in vector lanes added together at the end of each image — an order of its own, so these
 * bits differ from the gemm's within float32 rounding. Only output channels [oStart, oEnd), so threads can
 * share the channels (each pads every image itself).
 */
export function convDirectWeightGradF32(
  images: usize, padded: usize, gradOut: usize, gradWeights: usize,
  count: i32, oStart: i32, oEnd: i32, C: i32, H: i32, W: i32, kH: i32, kW: i32, padTop: i32, padLeft: i32,
  outChannels: i32, outH: i32, outW: i32,
): void {
  const paddedH = outH + kH - 1, paddedW = paddedWidth(outW, kW);
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

/** dx = dy · y · (1 - y) for n floats, from sigmoid's output y (float32 arithmetic, as PyTorch's kernel). */
export function sigmoidBackwardF32(gy: usize, y: usize, gx: usize, n: i32): void {
  const one = f32x4.splat(1.0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i * 4;
    const out = v128.load(y + at);
    v128.store(gx + at, f32x4.mul(f32x4.mul(v128.load(gy + at), out), f32x4.sub(one, out)));
  }
  for (; i < n; i++) {
    const at = <usize>i * 4;
    const out = load<f32>(y + at);
    store<f32>(gx + at, load<f32>(gy + at) * out * (1 - out));
  }
}

/**
 * 2×2 average pooling with stride 2 over `planes` H×W planes (every window inside the plane): the sum
 * (((0 + x00) + x01) + x10) + x11 in float32, then / divisor — the order and roundings of the readable path.
 * Four outputs per step: two vector loads per input row, split into even and odd columns.
 */
export function avgPool2x2F32(x: usize, out: usize, planes: i32, H: i32, W: i32, outH: i32, outW: i32, divisor: f32): void {
  const d = f32x4.splat(divisor), zeroes = f32x4.splat(0);
  let o = out;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < outH; oh++) {
      const row0 = x + <usize>((p * H + 2 * oh) * W) * 4, row1 = row0 + <usize>W * 4;
      let ow = 0;
      for (; ow + 4 <= outW; ow += 4, o += 16) {
        const a0 = v128.load(row0 + <usize>ow * 8), b0 = v128.load(row0 + <usize>ow * 8, 16);
        const a1 = v128.load(row1 + <usize>ow * 8), b1 = v128.load(row1 + <usize>ow * 8, 16);
        // 0 + x00 first, as the readable sum that starts from 0 (it turns a -0 into +0).
        const first = f32x4.add(zeroes, i32x4.shuffle(a0, b0, 0, 2, 4, 6));
        const top = f32x4.add(first, i32x4.shuffle(a0, b0, 1, 3, 5, 7));
        const sum = f32x4.add(f32x4.add(top, i32x4.shuffle(a1, b1, 0, 2, 4, 6)), i32x4.shuffle(a1, b1, 1, 3, 5, 7));
        v128.store(o, f32x4.div(sum, d));
      }
      for (; ow < outW; ow++, o += 4) {
        const at0 = row0 + <usize>ow * 8, at1 = row1 + <usize>ow * 8;
        store<f32>(o, ((((0 + load<f32>(at0)) + load<f32>(at0, 4)) + load<f32>(at1)) + load<f32>(at1, 4)) / divisor);
      }
    }
  }
}

/**
 * Its gradient: every pixel of a window gets gy / divisor (+ 0, so -0 becomes +0 as adding it to a zeroed
 * gradient does). `grad` must be zeroed beforehand: pixels outside every window (an odd last row or column) stay 0.
 */
export function avgPool2x2BackwardF32(gy: usize, grad: usize, planes: i32, H: i32, W: i32, outH: i32, outW: i32,
  divisor: f32): void {
  const d = f32x4.splat(divisor), zeroes = f32x4.splat(0);
  let g = gy;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < outH; oh++) {
      const row0 = grad + <usize>((p * H + 2 * oh) * W) * 4, row1 = row0 + <usize>W * 4;
      let ow = 0;
      for (; ow + 4 <= outW; ow += 4, g += 16) {
        const share = f32x4.add(f32x4.div(v128.load(g), d), zeroes);
        const left = i32x4.shuffle(share, share, 0, 0, 1, 1), right = i32x4.shuffle(share, share, 2, 2, 3, 3);
        v128.store(row0 + <usize>ow * 8, left); v128.store(row0 + <usize>ow * 8, right, 16);
        v128.store(row1 + <usize>ow * 8, left); v128.store(row1 + <usize>ow * 8, right, 16);
      }
      for (; ow < outW; ow++, g += 4) {
        const share = load<f32>(g) / divisor + 0;
        const at0 = row0 + <usize>ow * 8, at1 = row1 + <usize>ow * 8;
        store<f32>(at0, share); store<f32>(at0, share, 4); store<f32>(at1, share); store<f32>(at1, share, 4);
      }
    }
  }
}

// Direct convolution vectorized over output channels, for many output channels on narrow rows (LeNet's second
// layer: 16 channels, 10-wide rows), where the first direct kernel's row vectors would be mostly empty and the
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

/** Rows and columns of channelsF32's zero-bordered image: exactly the extent the windows reach. */
export function channelsPaddedHeight(outH: i32, kH: i32, strideH: i32, dilationH: i32): i32 {
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
  const paddedH = channelsPaddedHeight(outH, kH, strideH, dilationH);
  const paddedW = channelsPaddedHeight(outW, kW, strideW, dilationW);
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

/**
 * dB[o] += Σ over `count` images and every position of dY[n, o, ·], as biasGradient in src/ops/conv.ts does it
 * (so the same bits): per image and channel four float64 running sums (positions mod 4), added as
 * (s0 + s1) + (s2 + s3), then added to the float32 total, rounding once per image.
 */
export function biasGradF32(gy: usize, gb: usize, count: i32, outChannels: i32, positions: i32): void {
  for (let n = 0; n < count; n++) {
    for (let o = 0; o < outChannels; o++) {
      const start = gy + <usize>((n * outChannels + o) * positions) * 4;
      let s01 = f64x2.splat(0), s23 = f64x2.splat(0);
      let l = 0;
      for (; l + 4 <= positions; l += 4) {
        const v = v128.load(start + <usize>l * 4);
        s01 = f64x2.add(s01, f64x2.promote_low_f32x4(v));
        s23 = f64x2.add(s23, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
      }
      let s0 = f64x2.extract_lane(s01, 0);
      for (; l < positions; l++) s0 += <f64>load<f32>(start + <usize>l * 4);
      const at = gb + <usize>o * 4;
      const sum = (s0 + f64x2.extract_lane(s01, 1)) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
      store<f32>(at, <f32>(<f64>load<f32>(at) + sum));
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

/**
 * y = max(x, 0) for n floats, as relu in src/ops/activation.ts (x ≤ 0 ? 0 : x): NaN stays NaN, -0 becomes +0.
 * Branch-free: on random signs the JS loop's branch mispredicts about half the time (~9 ns an element).
 */
export function reluF32(x: usize, y: usize, n: i32): void {
  const zeroes = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i * 4;
    v128.store(y + at, f32x4.max(v128.load(x + at), zeroes));
  }
  for (; i < n; i++) {
    const v = load<f32>(x + <usize>i * 4);
    store<f32>(y + <usize>i * 4, v <= 0 ? 0 : v);
  }
}

/** dx = y > 0 ? dy : 0 for n floats, from relu's output y (NaN outputs pass no gradient, as the JS loop). */
export function reluBackwardF32(gy: usize, y: usize, gx: usize, n: i32): void {
  const zeroes = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const at = <usize>i * 4;
    v128.store(gx + at, v128.and(v128.load(gy + at), f32x4.gt(v128.load(y + at), zeroes)));
  }
  for (; i < n; i++) {
    const at = <usize>i * 4;
    store<f32>(gx + at, load<f32>(y + at) > 0 ? load<f32>(gy + at) : 0);
  }
}

/**
 * 2×2, stride 2 max pooling of `planes` H×W planes (every window inside the plane), with each window's tap
 * (0..3, row-major) as int32 in `argmax`: the first maximum, a NaN replacing it (value > best || value is NaN, tap by
 * tap, as maxPoolWindows in src/kernels/pool-windows.ts). Four outputs per step.
 */
export function maxPool2x2F32(x: usize, out: usize, argmax: usize, planes: i32, H: i32, W: i32, outH: i32, outW: i32): void {
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < outH; oh++) {
      const row0 = x + <usize>((p * H + 2 * oh) * W) * 4, row1 = row0 + <usize>W * 4;
      let ow = 0;
      for (; ow + 4 <= outW; ow += 4, o += 16) {
        const a0 = v128.load(row0 + <usize>ow * 8), b0 = v128.load(row0 + <usize>ow * 8, 16);
        const a1 = v128.load(row1 + <usize>ow * 8), b1 = v128.load(row1 + <usize>ow * 8, 16);
        let best = i32x4.shuffle(a0, b0, 0, 2, 4, 6), tap = i32x4.splat(0);
        let value = i32x4.shuffle(a0, b0, 1, 3, 5, 7);
        let take = v128.or(f32x4.gt(value, best), f32x4.ne(value, value));
        best = v128.bitselect(value, best, take); tap = v128.bitselect(i32x4.splat(1), tap, take);
        value = i32x4.shuffle(a1, b1, 0, 2, 4, 6);
        take = v128.or(f32x4.gt(value, best), f32x4.ne(value, value));
        best = v128.bitselect(value, best, take); tap = v128.bitselect(i32x4.splat(2), tap, take);
        value = i32x4.shuffle(a1, b1, 1, 3, 5, 7);
        take = v128.or(f32x4.gt(value, best), f32x4.ne(value, value));
        best = v128.bitselect(value, best, take); tap = v128.bitselect(i32x4.splat(3), tap, take);
        v128.store(out + o, best);
        v128.store(argmax + o, tap);
      }
      for (; ow < outW; ow++, o += 4) {
        const at0 = row0 + <usize>ow * 8, at1 = row1 + <usize>ow * 8;
        let best = load<f32>(at0), tap = 0;
        const v1 = load<f32>(at0, 4), v2 = load<f32>(at1), v3 = load<f32>(at1, 4);
        if (v1 > best || v1 != v1) { best = v1; tap = 1; }
        if (v2 > best || v2 != v2) { best = v2; tap = 2; }
        if (v3 > best || v3 != v3) { best = v3; tap = 3; }
        store<f32>(out + o, best);
        store<i32>(argmax + o, tap);
      }
    }
  }
}

/** Its gradient: each window's gradient onto the pixel its maximum came from; `grad` zeroed beforehand (0 + g, as +=). */
export function maxPool2x2BackwardF32(gy: usize, grad: usize, argmax: usize, planes: i32, H: i32, W: i32, outH: i32,
  outW: i32): void {
  let o: usize = 0;
  for (let p = 0; p < planes; p++) {
    for (let oh = 0; oh < outH; oh++) {
      const row0 = grad + <usize>((p * H + 2 * oh) * W) * 4;
      for (let ow = 0; ow < outW; ow++, o += 4) {
        const tap = load<i32>(argmax + o);
        const at = row0 + <usize>((tap >> 1) * W + 2 * ow + (tap & 1)) * 4;
        store<f32>(at, load<f32>(at) + load<f32>(gy + o));
      }
    }
  }
}
