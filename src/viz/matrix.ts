// Turning tensors into the value grids figures draw, with the checks a learner needs: rank, emptiness,
// non-finite values (counted, drawn as marked gaps) and size (large grids are averaged down, with a note).
import { ShapeError, ValueError } from "../errors.js";
import { Tensor } from "../tensor/tensor.js";
import { figureText } from "./locale.js";

/** A row-major grid of values; `step` > 1 when each cell is the mean of a step × step block of the tensor. */
export interface Matrix {
  rows: number;
  columns: number;
  values: Float64Array;
  step: number;
  /** The tensor's own size, before any downsampling. */
  sourceRows: number;
  sourceColumns: number;
  nonFinite: NonFiniteCount;
}

export interface NonFiniteCount {
  nan: number;
  positiveInfinity: number;
  negativeInfinity: number;
}

/** Cells per side beyond which a grid is averaged down: plotly.js stays responsive and notebooks small. */
export const MAX_CELLS_PER_SIDE = 256;

export type MatrixInput = Tensor | readonly (readonly number[])[];

/** Checks that `t` holds a 2-D grid (leading size-1 dims allowed: [1, 1, H, W]) and returns shape and values. */
export function valuesOf(t: MatrixInput, expectedRank: number, what: string, op: string): { shape: number[]; values: ArrayLike<number> } {
  let shape: number[];
  let values: ArrayLike<number>;
  if (t instanceof Tensor) {
    shape = [...t.shape];
    values = t.data;
  } else if (Array.isArray(t)) {
    const rows = t as readonly (readonly number[])[];
    const width = rows.length > 0 && Array.isArray(rows[0]) ? rows[0].length : 0;
    if (rows.some((row) => !Array.isArray(row) || row.length !== width)) {
      throw new ValueError(`${op}: expected ${what} as a Tensor or a rectangular array of rows of numbers`);
    }
    shape = [rows.length, width];
    values = rows.flat() as number[];
  } else {
    throw new ValueError(`${op}: expected ${what} to be a Tensor, but got ${typeof t}`);
  }
  while (shape.length > expectedRank && shape[0] === 1) shape = shape.slice(1);
  if (shape.length !== expectedRank) {
    throw new ShapeError(`${op}: expected ${what} to be a ${expectedRank}-D tensor, but got a ${shape.length}-D tensor of shape [${shape.join(", ")}]`);
  }
  if (shape.some((d) => d === 0)) {
    throw new ValueError(`${op}: expected a non-empty ${what}, but got a tensor of shape [${shape.join(", ")}]`);
  }
  return { shape, values };
}

export function countNonFinite(values: ArrayLike<number>, offset = 0, length = values.length): NonFiniteCount {
  const count = { nan: 0, positiveInfinity: 0, negativeInfinity: 0 };
  for (let i = offset; i < offset + length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) count.nan++;
    else if (v === Infinity) count.positiveInfinity++;
    else if (v === -Infinity) count.negativeInfinity++;
  }
  return count;
}

/**
 * The H × W grid at `offset` in `values`, averaged over step × step blocks when a side exceeds maxSide.
 * A block's mean is over its finite values; a block with none is NaN (a gap).
 */
export function gridOf(values: ArrayLike<number>, rows: number, columns: number, offset = 0, maxSide = MAX_CELLS_PER_SIDE): Matrix {
  const nonFinite = countNonFinite(values, offset, rows * columns);
  const step = Math.max(1, Math.ceil(Math.max(rows, columns) / maxSide));
  const outRows = Math.ceil(rows / step), outColumns = Math.ceil(columns / step);
  const out = new Float64Array(outRows * outColumns);
  for (let r = 0; r < outRows; r++) {
    for (let c = 0; c < outColumns; c++) {
      let sum = 0, n = 0, firstNonFinite = NaN;
      for (let i = r * step; i < Math.min(rows, (r + 1) * step); i++) {
        for (let j = c * step; j < Math.min(columns, (c + 1) * step); j++) {
          const v = values[offset + i * columns + j];
          if (Number.isFinite(v)) { sum += v; n++; } else if (Number.isNaN(firstNonFinite)) firstNonFinite = v;
        }
      }
      out[r * outColumns + c] = n > 0 ? sum / n : firstNonFinite;
    }
  }
  return { rows: outRows, columns: outColumns, values: out, step, sourceRows: rows, sourceColumns: columns, nonFinite };
}

export function matrixOf(t: MatrixInput, what: string, op: string, maxSide = MAX_CELLS_PER_SIDE): Matrix {
  const { shape, values } = valuesOf(t, 2, what, op);
  return gridOf(values, shape[0], shape[1], 0, maxSide);
}

/** Smallest and largest finite value (0, 0 when there is none). */
export function finiteRange(values: ArrayLike<number>): [number, number] {
  let low = Infinity, high = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) { if (v < low) low = v; if (v > high) high = v; }
  }
  return low === Infinity ? [0, 0] : [low, high];
}

/** What a figure's note says about gaps and downsampling; "" when there is nothing to say. */
export function noteFor(matrix: Matrix): string {
  const parts: string[] = [];
  const { nan, positiveInfinity, negativeInfinity } = matrix.nonFinite;
  const kinds = [[nan, "NaN"], [positiveInfinity, "+Inf"], [negativeInfinity, "-Inf"]] as const;
  const present = kinds.filter(([n]) => n > 0).map(([n, name]) => `${n} ${name}`);
  const words = figureText();
  if (present.length > 0) parts.push(words.gapsMarked(present.join(", ")));
  if (matrix.step > 1) {
    parts.push(words.downsampled(`${matrix.sourceRows}×${matrix.sourceColumns}`, `${matrix.rows}×${matrix.columns}`, matrix.step));
  }
  return parts.join("; ");
}
