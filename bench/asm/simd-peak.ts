// The WebAssembly engine's own arithmetic peak on this machine: twelve independent f32x4 chains of
// a = a·m + c, a multiply then an add as every convlab kernel does them (WebAssembly SIMD has no fused
// multiply-add without the relaxed-SIMD proposal), with every operand in a register — no loads, no stores.
// Nothing any kernel does can run faster than this; the bench's ceiling lines use it (bench/simd-peak.ts).
// Twelve chains: each step's multiply waits for the previous add, so fewer chains would measure latency, and
// more would not fit in V8's ~15 usable vector registers.

/** Runs `steps` steps (12 chains × 4 lanes × 2 operations = 96 floating-point operations each); returns a lane so the work is kept. */
export function mulAddChains(steps: i32): f32 {
  let a0 = f32x4.splat(1.0), a1 = f32x4.splat(1.1), a2 = f32x4.splat(1.2), a3 = f32x4.splat(1.3);
  let a4 = f32x4.splat(1.4), a5 = f32x4.splat(1.5), a6 = f32x4.splat(1.6), a7 = f32x4.splat(1.7);
  let a8 = f32x4.splat(1.8), a9 = f32x4.splat(1.9), a10 = f32x4.splat(2.0), a11 = f32x4.splat(2.1);
  // m < 1 and c small keep every chain near a fixed point: no overflow, no denormals.
  const m = f32x4.splat(0.9999), c = f32x4.splat(0.0001);
  for (let i = 0; i < steps; i++) {
    a0 = f32x4.add(f32x4.mul(a0, m), c); a1 = f32x4.add(f32x4.mul(a1, m), c);
    a2 = f32x4.add(f32x4.mul(a2, m), c); a3 = f32x4.add(f32x4.mul(a3, m), c);
    a4 = f32x4.add(f32x4.mul(a4, m), c); a5 = f32x4.add(f32x4.mul(a5, m), c);
    a6 = f32x4.add(f32x4.mul(a6, m), c); a7 = f32x4.add(f32x4.mul(a7, m), c);
    a8 = f32x4.add(f32x4.mul(a8, m), c); a9 = f32x4.add(f32x4.mul(a9, m), c);
    a10 = f32x4.add(f32x4.mul(a10, m), c); a11 = f32x4.add(f32x4.mul(a11, m), c);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(f32x4.add(s, f32x4.add(f32x4.add(a8, a9), f32x4.add(a10, a11))), 0);
}
