// Float32 2×2, stride 2 pooling (LeNet's), each forward beside its backward: average pooling (the readable
// path's order of sums) and max pooling with each window's argmax tap. Readable references: the window loops in
// src/kernels/pool-windows.ts, which test/kernels/pool-windows.test.ts holds these to.
// Offsets are bytes into memory; nothing here allocates.

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
