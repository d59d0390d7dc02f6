// The A·Bᵀ case as dot products: with A stored M×K and B stored N×K, every C[i][j] is the dot product of two
// contiguous rows, so nothing needs packing. This is the shape of a weight gradient (dW = dY·colsᵀ), where
// M and N are small and K (batch × output pixels) is huge; there, packing B would cost about as much as the math.
//
// A 2×4 tile of C keeps 8 f32x4 accumulators, each summing 4 lanes of one dot product; K is walked in
// chunks of KD so the 6 rows being read stay in cache while they are reused across the tile row.

/** Floats of K per chunk: 2 A rows and 4 B rows of 8 KB each fit in L1/L2 together. */
const KD: i32 = 2048;

/** C[rowStart..rowEnd, colStart..colEnd] (+)= A·Bᵀ with A M×K, B N×K, C M×N (byte offsets). */
export function dotProducts(
  a: usize, b: usize, c: usize,
  N: i32, K: i32, accumulate: bool,
  rowStart: i32, rowEnd: i32, colStart: i32, colEnd: i32,
): void {
  const rowBytes = <usize>K * 4;
  for (let kStart = 0; kStart < K; kStart += KD) {
    const depth = min(KD, K - kStart);
    const addToC = accumulate || kStart > 0;
    for (let i = rowStart; i < rowEnd; i += 2) {
      const rows = min(2, rowEnd - i);
      const a0 = a + <usize>i * rowBytes + <usize>kStart * 4;
      // A missing second row reads the first again; its results are dropped.
      const a1 = rows == 2 ? a0 + rowBytes : a0;
      for (let j = colStart; j < colEnd; j += 4) {
        const cols = min(4, colEnd - j);
        const b0 = b + <usize>j * rowBytes + <usize>kStart * 4;
        const b1 = cols > 1 ? b0 + rowBytes : b0;
        const b2 = cols > 2 ? b0 + 2 * rowBytes : b0;
        const b3 = cols > 3 ? b0 + 3 * rowBytes : b0;
        dot2x4(a0, a1, b0, b1, b2, b3, depth, c + (<usize>i * <usize>N + <usize>j) * 4, <usize>N * 4, rows, cols, addToC);
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function dot2x4(
  a0: usize, a1: usize, b0: usize, b1: usize, b2: usize, b3: usize, depth: i32,
  c: usize, cRowBytes: usize, rows: i32, cols: i32, addToC: bool,
): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s02 = f32x4.splat(0), s03 = f32x4.splat(0);
  let s10 = f32x4.splat(0), s11 = f32x4.splat(0), s12 = f32x4.splat(0), s13 = f32x4.splat(0);
  let offset: usize = 0;
  const vectorEnd = <usize>(depth & ~3) * 4;
  for (; offset < vectorEnd; offset += 16) {
    const x0 = v128.load(a0 + offset);
    const x1 = v128.load(a1 + offset);
    let y = v128.load(b0 + offset);
    s00 = f32x4.add(s00, f32x4.mul(x0, y));
    s10 = f32x4.add(s10, f32x4.mul(x1, y));
    y = v128.load(b1 + offset);
    s01 = f32x4.add(s01, f32x4.mul(x0, y));
    s11 = f32x4.add(s11, f32x4.mul(x1, y));
    y = v128.load(b2 + offset);
    s02 = f32x4.add(s02, f32x4.mul(x0, y));
    s12 = f32x4.add(s12, f32x4.mul(x1, y));
    y = v128.load(b3 + offset);
    s03 = f32x4.add(s03, f32x4.mul(x0, y));
    s13 = f32x4.add(s13, f32x4.mul(x1, y));
  }
  // The last depth % 4 products go into lane 0, one at a time.
  const depthEnd = <usize>depth * 4;
  for (; offset < depthEnd; offset += 4) {
    const x0 = v128.load32_zero(a0 + offset);
    const x1 = v128.load32_zero(a1 + offset);
    let y = v128.load32_zero(b0 + offset);
    s00 = f32x4.add(s00, f32x4.mul(x0, y));
    s10 = f32x4.add(s10, f32x4.mul(x1, y));
    y = v128.load32_zero(b1 + offset);
    s01 = f32x4.add(s01, f32x4.mul(x0, y));
    s11 = f32x4.add(s11, f32x4.mul(x1, y));
    y = v128.load32_zero(b2 + offset);
    s02 = f32x4.add(s02, f32x4.mul(x0, y));
    s12 = f32x4.add(s12, f32x4.mul(x1, y));
    y = v128.load32_zero(b3 + offset);
    s03 = f32x4.add(s03, f32x4.mul(x0, y));
    s13 = f32x4.add(s13, f32x4.mul(x1, y));
  }
  storeSum(c, s00, addToC);
  if (cols > 1) storeSum(c + 4, s01, addToC);
  if (cols > 2) storeSum(c + 8, s02, addToC);
  if (cols > 3) storeSum(c + 12, s03, addToC);
  if (rows < 2) return;
  const c1 = c + cRowBytes;
  storeSum(c1, s10, addToC);
  if (cols > 1) storeSum(c1 + 4, s11, addToC);
  if (cols > 2) storeSum(c1 + 8, s12, addToC);
  if (cols > 3) storeSum(c1 + 12, s13, addToC);
}

/** Writes (or adds) the sum of the 4 lanes of `partial` to the float at `at`, always in the same order. */
// @ts-ignore: decorator
@inline
function storeSum(at: usize, partial: v128, addToC: bool): void {
  const sum = (f32x4.extract_lane(partial, 0) + f32x4.extract_lane(partial, 1))
    + (f32x4.extract_lane(partial, 2) + f32x4.extract_lane(partial, 3));
  store<f32>(at, addToC ? load<f32>(at) + sum : sum);
}
