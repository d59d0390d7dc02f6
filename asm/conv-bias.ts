// The bias gradient of a float32 convolution, shared by every path: per channel, the sum of the output
// gradient over the images and positions, in the readable path's order (src/ops/conv.ts biasGradient).
// Offsets are bytes into memory; nothing here allocates.

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
