// Small vector helpers the float32 kernels share (inlined where they are used): copy and zero runs of floats,
// store the first lanes of a vector, and add a vector's four lanes. Offsets are bytes into memory.

// memory.copy / memory.fill cost a call each in V8 (on shared memory); im2col's runs are a few dozen floats,
// so plain vector loops are several times faster.
@inline
export function copy(dst: usize, src: usize, floats: i32): void {
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
export function zero(dst: usize, floats: i32): void {
  let k = 0;
  for (; k + 4 <= floats; k += 4) v128.store(dst + <usize>k * 4, i32x4.splat(0));
  for (; k < floats; k++) store<f32>(dst + <usize>k * 4, 0);
}

/** Stores the first `lanes` lanes of v (all four when lanes ≥ 4, none when lanes ≤ 0). */
@inline
export function storeLanes(at: usize, v: v128, lanes: i32): void {
  if (lanes >= 4) {
    v128.store(at, v);
    return;
  }
  if (lanes > 0) store<f32>(at, f32x4.extract_lane(v, 0));
  if (lanes > 1) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (lanes > 2) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

@inline
export function laneSum(v: v128): f32 {
  return (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}
