// F.pad: constant, reflect, replicate and circular padding, with backward (PyTorch's semantics).
// Every output element reads one input element (or the constant); the index maps in padSourceIndex say which,
// so forward copies along the map and backward adds the gradient back along the same map.
import { record } from "../autograd/graph.js";
import { padInfo, padSourceIndex, type PadMode } from "../calc/pad-info.js";
import { allocate, isFloat } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { stridesOf } from "../tensor/shape.js";
import { checkTensor } from "../tensor/arguments.js";

const BACKWARD_NAMES: Record<PadMode, string> = {
  constant: "ConstantPadNdBackward", reflect: "ReflectionPadBackward",
  replicate: "ReplicationPadBackward", circular: "CircularPadBackward",
};

/**
 * pad lists (before, after) amounts from the last dimension backwards:
 * [left, right] pads the width, [left, right, top, bottom] width and height, and so on.
 * Negative amounts crop. `value` is for mode "constant" only (default 0).
 *
 *   pad(x, [1, 1, 2, 0], "reflect")
 */
export function pad(input: Tensor, padding: readonly number[], mode: PadMode = "constant", value?: number): Tensor {
  checkTensor(input, "pad", "input", 1);
  const info = padInfo(input.shape, padding, mode, value);
  const fill = value ?? 0;
  const maps = info.outputShape.map((size, dim) => {
    const map = new Int32Array(size);
    for (let o = 0; o < size; o++) map[o] = padSourceIndex(info.mode, o, info.before[dim], input.shape[dim]);
    return map;
  });
  const out = allocate(input.dtype, info.outputShape.reduce((a, b) => a * b, 1));
  const x = input.data;
  forEachOutputRow(info.outputShape, maps, stridesOf(input.shape), (outRow, inRow, lastMap) => {
    for (let o = 0; o < lastMap.length; o++) {
      const i = lastMap[o];
      out[outRow + o] = inRow < 0 || i < 0 ? fill : x[inRow + i];
    }
  });
  const result = new Tensor(out, info.outputShape);
  if (!isFloat(input.dtype)) return result;
  return record(result, BACKWARD_NAMES[info.mode], [input], (gradOutput) => {
    const grad = allocate(input.dtype, input.size);
    const g = gradOutput.data;
    forEachOutputRow(info.outputShape, maps, stridesOf(input.shape), (outRow, inRow, lastMap) => {
      if (inRow < 0) return;
      for (let o = 0; o < lastMap.length; o++) {
        const i = lastMap[o];
        if (i >= 0) grad[inRow + i] += g[outRow + o];
      }
    });
    return [new Tensor(grad, input.shape)];
  });
}

/**
 * Walks the output one last-dimension row at a time, handing the row's output offset, the offset of the
 * input row it reads (-1 when a constant pad covers the whole row) and the last dimension's index map.
 */
function forEachOutputRow(outputShape: readonly number[], maps: Int32Array[], inputStrides: number[],
  visit: (outRow: number, inRow: number, lastMap: Int32Array) => void): void {
  const ndim = outputShape.length;
  if (ndim === 0) { visit(0, 0, new Int32Array([0])); return; }
  const rowLength = outputShape[ndim - 1];
  const rows = outputShape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (rowLength === 0) return;
  const index = new Array<number>(ndim - 1).fill(0); // odometer over the leading dimensions
  for (let r = 0; r < rows; r++) {
    let inRow = 0;
    for (let d = 0; d < ndim - 1; d++) {
      const source = maps[d][index[d]];
      if (source < 0) { inRow = -1; break; }
      inRow += source * inputStrides[d];
    }
    visit(r * rowLength, inRow, maps[ndim - 1]);
    for (let d = ndim - 2; d >= 0; d--) {
      if (++index[d] < outputShape[d]) break;
      index[d] = 0;
    }
  }
}
