// AssemblyScript source of the float32 gemm kernel (WebAssembly SIMD), compiled by `npm run build:wasm`.
// Same contract as gemmReference in src/kernels/gemm.ts: C (M×N) = op(A)·op(B), or += when accumulating.
// The JavaScript side (src/kernels/wasm/gemm-wasm.ts) copies A, B (and C when accumulating) into this
// module's memory and passes byte offsets; this file never allocates.
//
// Blocking, after GotoBLAS: K is cut into blocks of KC; for each block, the rows of op(A) are packed in
// interleaved pairs, then B is packed 16 columns at a time into a contiguous KC×16 panel that stays in L1
// while every pair of A rows streams past it. Packing also turns both transposed layouts into the same one.
// The micro-kernel keeps a 2×16 tile of C in 8 f32x4 accumulators: with 2 splatted A values and the
// B vectors that is ~14 live registers, the most V8 keeps in xmm registers without spilling.
// A·Bᵀ with a deep K (weight gradients) skips packing altogether: see gemm-dot.ts.

import { dotProducts } from "./gemm-dot";

/** Depth of a K block: a KC×16 float32 panel is 16 KB, half of L1, leaving room for the A rows. */
const KC: i32 = 256;
/** Columns of C per tile = width of a packed B panel. */
const NR: i32 = 16;
/** From this depth on, A·Bᵀ runs as dot products of contiguous rows (gemm-dot.ts) instead of packing B. */
const DOT_MIN_DEPTH: i32 = 256;

/** First byte after this module's static data, rounded up to a cache line: the JS side puts its buffers there. */
export function scratchStart(): usize {
  return (__heap_base + 63) & ~(63 as usize);
}

/** Bytes of scratch one call needs for `rows` rows of C: a packed B panel, a 2×16 edge tile, packed A rows. */
export function workspaceBytes(rows: i32): i32 {
  return KC * NR * 4 + 2 * NR * 4 + (rows + 1) * KC * 4;
}

/**
 * C = op(A)·op(B) (or C += … when `accumulate`), all float32, row-major, given as byte offsets in memory.
 * A is M×K (K×M when transA), B is K×N (N×K when transB), C is M×N. Only the block of C in rows
 * [rowStart, rowEnd) and columns [colStart, colEnd) is computed, so threads can share one product;
 * every element's sum runs in the same order wherever the block edges fall (if rowStart is even and colStart
 * a multiple of 16), so splitting the work never changes the result. `work` holds workspaceBytes(rows) bytes.
 */
export function gemmF32(
  a: usize, b: usize, c: usize, work: usize,
  M: i32, N: i32, K: i32,
  transA: bool, transB: bool, accumulate: bool,
  rowStart: i32, rowEnd: i32, colStart: i32, colEnd: i32,
): void {
  if (rowEnd <= rowStart || colEnd <= colStart) return;
  if (K <= 0) {
    // An empty sum: C = 0, or C unchanged when accumulating.
    if (!accumulate) {
      for (let i = rowStart; i < rowEnd; i++) {
        memory.fill(c + (<usize>i * <usize>N + <usize>colStart) * 4, 0, <usize>(colEnd - colStart) * 4);
      }
    }
    return;
  }
  if (!transA && transB && K >= DOT_MIN_DEPTH) {
    dotProducts(a, b, c, N, K, accumulate, rowStart, rowEnd, colStart, colEnd);
    return;
  }
  const panel = work;
  const edge = panel + <usize>(KC * NR * 4);
  const packedA = edge + <usize>(2 * NR * 4);
  for (let kStart = 0; kStart < K; kStart += KC) {
    const depth = min(KC, K - kStart);
    // The first K block overwrites C unless the caller asked to accumulate into it.
    const addToC = accumulate || kStart > 0;
    packRows(a, packedA, M, K, kStart, depth, rowStart, rowEnd, transA);
    for (let jStart = colStart; jStart < colEnd; jStart += NR) {
      const width = min(NR, colEnd - jStart);
      packPanel(b, panel, N, K, kStart, depth, jStart, width, transB);
      let i = rowStart;
      for (; i + 2 <= rowEnd; i += 2) {
        tile2x16(packedA + <usize>((i - rowStart) * depth) * 4, panel, depth,
          c + (<usize>i * <usize>N + <usize>jStart) * 4, N, width, addToC, edge);
      }
      if (i < rowEnd) {
        tile1x16(packedA + <usize>((i - rowStart) * depth) * 4, panel, depth,
          c + (<usize>i * <usize>N + <usize>jStart) * 4, width, addToC, edge);
      }
    }
  }
}

/**
 * Copies op(A)[rowStart .. rowEnd, kStart .. kStart+depth] into `packed`, two rows at a time interleaved
 * (a[i][p], a[i+1][p], a[i][p+1], …) so the micro-kernel reads one contiguous stream; an odd last row follows alone.
 */
function packRows(
  a: usize, packed: usize, M: i32, K: i32,
  kStart: i32, depth: i32, rowStart: i32, rowEnd: i32, transA: bool,
): void {
  let target = packed;
  let i = rowStart;
  if (transA) {
    // A is stored K×M: the pair a[i][p], a[i+1][p] sits side by side, one 8-byte move.
    const rowStep = <usize>M * 4;
    for (; i + 2 <= rowEnd; i += 2) {
      let source = a + (<usize>kStart * <usize>M + <usize>i) * 4;
      for (let p = 0; p < depth; p++) {
        store<u64>(target, load<u64>(source));
        source += rowStep;
        target += 8;
      }
    }
    if (i < rowEnd) {
      let source = a + (<usize>kStart * <usize>M + <usize>i) * 4;
      for (let p = 0; p < depth; p++) {
        store<f32>(target, load<f32>(source));
        source += rowStep;
        target += 4;
      }
    }
    return;
  }
  for (; i + 2 <= rowEnd; i += 2) {
    const row0 = a + (<usize>i * <usize>K + <usize>kStart) * 4;
    const row1 = row0 + <usize>K * 4;
    let p = 0;
    for (; p + 4 <= depth; p += 4) {
      // Interleave 4 floats of each row into 8: (x0 y0 x1 y1) (x2 y2 x3 y3).
      const x = v128.load(row0 + <usize>p * 4);
      const y = v128.load(row1 + <usize>p * 4);
      v128.store(target, i32x4.shuffle(x, y, 0, 4, 1, 5));
      v128.store(target, i32x4.shuffle(x, y, 2, 6, 3, 7), 16);
      target += 32;
    }
    for (; p < depth; p++) {
      store<f32>(target, load<f32>(row0 + <usize>p * 4));
      store<f32>(target, load<f32>(row1 + <usize>p * 4), 4);
      target += 8;
    }
  }
  if (i < rowEnd) {
    memory.copy(target, a + (<usize>i * <usize>K + <usize>kStart) * 4, <usize>depth * 4);
  }
}

/**
 * Copies op(B)[kStart .. kStart+depth, jStart .. jStart+width] into `panel` as depth rows of 16 floats.
 * Columns past `width` are zero so the micro-kernel can always run full width; their results are dropped.
 */
function packPanel(
  b: usize, panel: usize, N: i32, K: i32,
  kStart: i32, depth: i32, jStart: i32, width: i32, transB: bool,
): void {
  if (!transB && width == NR) {
    let source = b + (<usize>kStart * <usize>N + <usize>jStart) * 4;
    const sourceStep = <usize>N * 4;
    let target = panel;
    for (let p = 0; p < depth; p++) {
      v128.store(target, v128.load(source));
      v128.store(target, v128.load(source, 16), 16);
      v128.store(target, v128.load(source, 32), 32);
      v128.store(target, v128.load(source, 48), 48);
      source += sourceStep;
      target += NR * 4;
    }
    return;
  }
  if (width < NR) memory.fill(panel, 0, <usize>(depth * NR * 4));
  if (!transB) {
    for (let p = 0; p < depth; p++) {
      const source = b + (<usize>(kStart + p) * <usize>N + <usize>jStart) * 4;
      const target = panel + <usize>(p * NR) * 4;
      for (let jj = 0; jj < width; jj++) store<f32>(target + <usize>jj * 4, load<f32>(source + <usize>jj * 4));
    }
  } else {
    // B is stored N×K: column jj of the panel is a contiguous run of row (jStart + jj) of B.
    for (let jj = 0; jj < width; jj++) {
      const source = b + (<usize>(jStart + jj) * <usize>K + <usize>kStart) * 4;
      const target = panel + <usize>jj * 4;
      for (let p = 0; p < depth; p++) store<f32>(target + <usize>(p * NR) * 4, load<f32>(source + <usize>p * 4));
    }
  }
}

/** Two rows of C, 16 columns: c[i..i+2, j..j+16] (+)= a[i..i+2, block] · panel. */
// @ts-ignore: decorator
@inline
function tile2x16(
  pairs: usize, panel: usize, depth: i32,
  c: usize, N: i32, width: i32, addToC: bool, edge: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  let pa = pairs;
  let pb = panel;
  for (let p = 0; p < depth; p++) {
    const x0 = v128.load32_splat(pa);
    const x1 = v128.load32_splat(pa, 4);
    let y = v128.load(pb);
    c00 = f32x4.add(c00, f32x4.mul(x0, y));
    c10 = f32x4.add(c10, f32x4.mul(x1, y));
    y = v128.load(pb, 16);
    c01 = f32x4.add(c01, f32x4.mul(x0, y));
    c11 = f32x4.add(c11, f32x4.mul(x1, y));
    y = v128.load(pb, 32);
    c02 = f32x4.add(c02, f32x4.mul(x0, y));
    c12 = f32x4.add(c12, f32x4.mul(x1, y));
    y = v128.load(pb, 48);
    c03 = f32x4.add(c03, f32x4.mul(x0, y));
    c13 = f32x4.add(c13, f32x4.mul(x1, y));
    pa += 8;
    pb += NR * 4;
  }
  const c1 = c + <usize>N * 4;
  if (width == NR) {
    if (addToC) {
      c00 = f32x4.add(v128.load(c), c00); c01 = f32x4.add(v128.load(c, 16), c01);
      c02 = f32x4.add(v128.load(c, 32), c02); c03 = f32x4.add(v128.load(c, 48), c03);
      c10 = f32x4.add(v128.load(c1), c10); c11 = f32x4.add(v128.load(c1, 16), c11);
      c12 = f32x4.add(v128.load(c1, 32), c12); c13 = f32x4.add(v128.load(c1, 48), c13);
    }
    v128.store(c, c00); v128.store(c, c01, 16); v128.store(c, c02, 32); v128.store(c, c03, 48);
    v128.store(c1, c10); v128.store(c1, c11, 16); v128.store(c1, c12, 32); v128.store(c1, c13, 48);
    return;
  }
  // A partial tile at the right edge of C: go through the edge buffer so only `width` columns are touched.
  v128.store(edge, c00); v128.store(edge, c01, 16); v128.store(edge, c02, 32); v128.store(edge, c03, 48);
  v128.store(edge, c10, 64); v128.store(edge, c11, 80); v128.store(edge, c12, 96); v128.store(edge, c13, 112);
  storeEdgeRow(edge, c, width, addToC);
  storeEdgeRow(edge + NR * 4, c1, width, addToC);
}

/** The last row of C when M is odd: c[i, j..j+16] (+)= a[i, block] · panel. */
// @ts-ignore: decorator
@inline
function tile1x16(
  row: usize, panel: usize, depth: i32,
  c: usize, width: i32, addToC: bool, edge: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let pa = row;
  let pb = panel;
  for (let p = 0; p < depth; p++) {
    const x0 = v128.load32_splat(pa);
    c00 = f32x4.add(c00, f32x4.mul(x0, v128.load(pb)));
    c01 = f32x4.add(c01, f32x4.mul(x0, v128.load(pb, 16)));
    c02 = f32x4.add(c02, f32x4.mul(x0, v128.load(pb, 32)));
    c03 = f32x4.add(c03, f32x4.mul(x0, v128.load(pb, 48)));
    pa += 4;
    pb += NR * 4;
  }
  if (width == NR) {
    if (addToC) {
      c00 = f32x4.add(v128.load(c), c00); c01 = f32x4.add(v128.load(c, 16), c01);
      c02 = f32x4.add(v128.load(c, 32), c02); c03 = f32x4.add(v128.load(c, 48), c03);
    }
    v128.store(c, c00); v128.store(c, c01, 16); v128.store(c, c02, 32); v128.store(c, c03, 48);
    return;
  }
  v128.store(edge, c00); v128.store(edge, c01, 16); v128.store(edge, c02, 32); v128.store(edge, c03, 48);
  storeEdgeRow(edge, c, width, addToC);
}

/** Writes the first `width` floats of a tile row from the edge buffer into C. */
function storeEdgeRow(source: usize, c: usize, width: i32, addToC: bool): void {
  for (let jj = 0; jj < width; jj++) {
    const at = c + <usize>jj * 4;
    const value = load<f32>(source + <usize>jj * 4);
    store<f32>(at, addToC ? load<f32>(at) + value : value);
  }
}
