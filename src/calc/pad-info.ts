// Shape arithmetic and argument checks of F.pad, shared by the pad op and by conv2d's padding modes.
import { ValueError, ShapeError } from "../errors.js";
import { checkAllocation } from "../tensor/dtype.js";
import { formatValue } from "./args.js";

export type PadMode = "constant" | "reflect" | "replicate" | "circular";
export const PAD_MODES: readonly PadMode[] = ["constant", "reflect", "replicate", "circular"];

export interface PadInfo {
  mode: PadMode;
  inputShape: number[];
  outputShape: number[];
  /** Elements added before / after each dimension of the input (0 for dimensions the pad leaves alone; negative crops). */
  before: number[];
  after: number[];
}

/**
 * `pad` lists (before, after) pairs starting from the LAST dimension, as PyTorch's F.pad:
 * [left, right] pads the width; [left, right, top, bottom] pads width and height.
 */
export function padInfo(inputShape: readonly number[], pad: readonly number[], mode: string = "constant",
  value?: number, op = "pad"): PadInfo {
  if (!PAD_MODES.includes(mode as PadMode)) {
    throw new ValueError(`${op}: Unrecognised padding mode ${mode} (expected one of ${PAD_MODES.map((m) => `'${m}'`).join(", ")})`);
  }
  if (!Array.isArray(pad) || pad.some((p) => !Number.isInteger(p))) {
    throw new ValueError(`${op}: pad must be a list of integers, but got ${formatValue(pad)}`);
  }
  if (pad.length % 2 !== 0) throw new ValueError(`${op}: Padding length must be divisible by 2`);
  const ndim = inputShape.length;
  const paddedDims = pad.length / 2;
  if (paddedDims > ndim) throw new ValueError(`${op}: Padding length too large`);
  if (mode !== "constant") {
    if (value !== undefined) throw new ValueError(`${op}: Padding mode "${mode}" doesn't take in value argument`);
    // Like PyTorch, non-constant modes pad the spatial dimensions of a (batch, channel, ...) tensor.
    if (paddedDims < 1 || paddedDims > 2) {
      throw new ValueError(`${op}: ${mode} padding pads the last 1 or 2 dimensions, so pad must have 2 or 4 values, but got ${pad.length}`);
    }
    if (ndim < paddedDims + 1) {
      throw new ShapeError(`${op}: ${mode} padding of the last ${paddedDims} dimension${paddedDims > 1 ? "s" : ""} expects a ${paddedDims + 1}-D or ${paddedDims + 2}-D input, but got input of size ${formatValue([...inputShape])}`);
    }
  }
  const before = new Array<number>(ndim).fill(0);
  const after = new Array<number>(ndim).fill(0);
  for (let i = 0; i < paddedDims; i++) {
    const dim = ndim - 1 - i;
    before[dim] = pad[2 * i];
    after[dim] = pad[2 * i + 1];
  }
  const outputShape = inputShape.map((size, dim) => size + before[dim] + after[dim]);
  for (let dim = ndim - 1; dim >= 0; dim--) { // last dimension first, the order PyTorch checks in
    const size = inputShape[dim];
    if (before[dim] === 0 && after[dim] === 0) continue;
    if (outputShape[dim] < 0) {
      throw new ShapeError(`${op}: The input size ${size}, plus negative padding ${before[dim]} and ${after[dim]} resulted in a negative output size, which is invalid. Check dimension ${dim} of your input.`);
    }
    if (mode === "reflect" && (before[dim] >= size || after[dim] >= size)) {
      // PyTorch numbers the width's pads argument #4 and the height's #6.
      const argument = dim === ndim - 1 ? 4 : 6;
      throw new ShapeError(`${op}: Argument #${argument}: Padding size should be less than the corresponding input dimension, but got: padding (${before[dim]}, ${after[dim]}) at dimension ${dim} of input ${formatValue([...inputShape])}`);
    }
    if (mode === "circular" && (before[dim] > size || after[dim] > size)) {
      throw new ShapeError(`${op}: Padding value causes wrapping around more than once.`);
    }
    if (mode !== "constant" && size === 0) {
      throw new ShapeError(`${op}: ${mode} padding needs non-empty dimensions to copy from, but dimension ${dim} of input ${formatValue([...inputShape])} is empty`);
    }
  }
  checkAllocation(outputShape.reduce((a, b) => a * b, 1), "float32", op, outputShape);
  return { mode: mode as PadMode, inputShape: [...inputShape], outputShape, before, after };
}

/**
 * The input index each output index along one dimension reads, or -1 where a constant pad fills in.
 * Written once per mode so the forward pass and the backward pass read the same map.
 */
export function padSourceIndex(mode: PadMode, outIndex: number, before: number, size: number): number {
  const i = outIndex - before;
  if (i >= 0 && i < size) return i;
  switch (mode) {
    case "constant": return -1;
    case "reflect": return i < 0 ? -i : 2 * (size - 1) - i; // mirror without repeating the edge
    case "replicate": return i < 0 ? 0 : size - 1;
    case "circular": return ((i % size) + size) % size;
  }
}
