// Float32 activations, each forward beside its backward: sigmoid (a vector exp after Cephes' expf) and ReLU
// (branch-free). activate applies one of them in place to a convolution's output while it is in cache, with
// the separate op's own kernel, so the same bits; its codes match ACTIVATIONS in src/kernels/wasm/activation-wasm.ts.
// Readable references: sigmoidReference and relu's loop in src/ops/activation.ts.
// Offsets are bytes into memory; nothing here allocates.

// exp on f32x4 after Cephes' expf: x = n·ln2 + r with |r| ≤ ln2/2 (ln2 split in two for an exact r),
// e^r by a degree-6 polynomial (≈1 ulp), then 2^n built in the exponent bits. Only called with x ≤ 0.
const LOG2E: f32 = 1.44269504088896341;
const LN2_HIGH: f32 = 0.693359375;
const LN2_LOW: f32 = -2.12194440e-4;
const ROUNDING_SHIFT: f32 = 12582912.0; // 1.5 · 2^23

@inline
function expNonPositive(x: v128): v128 {
  // Below -103.97 e^x is under float32's smallest subnormal; clamping keeps 2^n buildable. pmax is one instruction
  // (max with NaN semantics is several); a NaN passes through (pmax(x, c) is x < c ? c : x).
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

/** sigmoid of one vector v: 1/(1+e) for v ≥ 0 and e/(1+e) for v < 0, with e = e^-|v| (one division). */
@inline
function sigmoidVector(v: v128): v128 {
  // -|v| by setting the sign bit. pmax(z, c) is z < c ? c : z, so a NaN passes the clamp inside exp and every
  // step after it: NaN in, NaN out, with no fix-up.
  const e = expNonPositive(v128.or(v, i32x4.splat(0x80000000)));
  const one = f32x4.splat(1.0);
  return f32x4.div(v128.bitselect(e, one, f32x4.lt(v, f32x4.splat(0))), f32x4.add(one, e));
}

/**
 * y = 1 / (1 + e^-x) for n floats. With e = e^-|x| ≤ 1 (no overflow anywhere), y = 1/(1+e) for x ≥ 0 and
 * e/(1+e) for x < 0, so tiny outputs keep their relative accuracy. NaN stays NaN.
 */
export function sigmoidF32(x: usize, y: usize, n: i32): void {
  let i = 0;
  // Four independent vectors a step: exp is one long chain of dependent operations, and with one vector a
  // step V8's code runs at about half the speed (measured: 4.9 → 2.3 ms for LeNet's 1.2 million conv1 outputs).
  for (; i + 16 <= n; i += 16) {
    const from = x + <usize>i * 4, to = y + <usize>i * 4;
    const v0 = v128.load(from), v1 = v128.load(from, 16), v2 = v128.load(from, 32), v3 = v128.load(from, 48);
    const s0 = sigmoidVector(v0), s1 = sigmoidVector(v1), s2 = sigmoidVector(v2), s3 = sigmoidVector(v3);
    v128.store(to, s0); v128.store(to, s1, 16); v128.store(to, s2, 32); v128.store(to, s3, 48);
  }
  for (; i + 4 <= n; i += 4) v128.store(y + <usize>i * 4, sigmoidVector(v128.load(x + <usize>i * 4)));
  for (; i < n; i++) {
    store<f32>(y + <usize>i * 4, f32x4.extract_lane(sigmoidVector(f32x4.splat(load<f32>(x + <usize>i * 4))), 0));
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

/** Activations fused into a convolution's forward, applied to each image's output while it is in cache. */
export const ACTIVATION_NONE: i32 = 0;
export const ACTIVATION_SIGMOID: i32 = 1;
export const ACTIVATION_RELU: i32 = 2;

/** Applies the activation in place to n floats: the separate op's own kernel, so the same bits. */
@inline
export function activate(at: usize, n: i32, activation: i32): void {
  if (activation == ACTIVATION_SIGMOID) sigmoidF32(at, at, n);
  else if (activation == ACTIVATION_RELU) reluF32(at, at, n);
  else if (activation != ACTIVATION_NONE) unreachable();
}
