// conv2dInfo: every size of a 2-D convolution, computed and checked once (TensorFlow.js's computeConv2DInfo idea).
// conv2d, the shape calculator, the receptive-field calculator, summary() and the lessons all read this record.
import { ShapeError, ValueError } from "../errors.js";
import { formatValue, pairOf, checkShapeValues, type Pair } from "./args.js";
import { padInfo } from "./pad-info.js";
import { checkAllocation } from "../tensor/dtype.js";
import { sizeOf } from "../tensor/shape.js";

export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";
export const PADDING_MODES: readonly PaddingMode[] = ["zeros", "reflect", "replicate", "circular"];
/** An amount for both sides of each axis, [height, width] amounts, or PyTorch's 'same' / 'valid'. */
export type Conv2dPadding = Pair | "same" | "valid";

export interface Conv2dOptions {
  stride?: Pair;
  padding?: Conv2dPadding;
  dilation?: Pair;
  groups?: number;
  paddingMode?: PaddingMode;
}

/** The sliding-window geometry unfold needs; conv2dInfo and pool2dInfo both carry it. */
export interface WindowGeometry {
  inChannels: number; inHeight: number; inWidth: number;
  kernelHeight: number; kernelWidth: number;
  strideHeight: number; strideWidth: number;
  dilationHeight: number; dilationWidth: number;
  /** Implicit padding before the first row / column; rows and columns past the input read as padding too. */
  padTop: number; padLeft: number;
  outHeight: number; outWidth: number;
}

export interface Conv2dInfo extends WindowGeometry {
  /** False for a 3-D (C, H, W) input, which conv2d treats as a batch of one and returns 3-D. */
  batched: boolean;
  batchSize: number;
  outChannels: number;
  groups: number;
  inChannelsPerGroup: number;
  outChannelsPerGroup: number;
  padBottom: number; padRight: number;
  paddingMode: PaddingMode;
  inputShape: number[];
  weightShape: number[];
  /** [N, C_out, outHeight, outWidth], or [C_out, outHeight, outWidth] for an unbatched input. */
  outputShape: number[];
}

/**
 * Checks conv2d's arguments in PyTorch's order and wording, and computes the output size
 * floor((H + padTop + padBottom - dilation·(kH - 1) - 1) / stride) + 1 (likewise for W).
 */
export function conv2dInfo(inputShape: readonly number[], weightShape: readonly number[], options: Conv2dOptions = {},
  biasShape: readonly number[] | null = null, op = "conv2d"): Conv2dInfo {
  const { stride = 1, padding = 0, dilation = 1, groups = 1, paddingMode = "zeros" } = options;
  checkShapeValues(inputShape, "input shape", op);
  checkShapeValues(weightShape, "weight shape", op);
  if (inputShape.length !== 3 && inputShape.length !== 4) {
    const hint = inputShape.length === 2
      ? `. A single-channel image needs batch and channel axes first: X.reshape([1, 1, ${inputShape.join(", ")}]) (the book's X.reshape((1, 1) + X.shape))`
      : "";
    throw new ShapeError(`${op}: Expected 3D (unbatched) or 4D (batched) input to ${op}, but got input of size: ${formatValue([...inputShape])}${hint}`);
  }
  if (weightShape.length !== 4) {
    throw new ShapeError(`${op}: Expected a 4D weight [out_channels, in_channels / groups, kH, kW], but got weight of size ${formatValue([...weightShape])}`);
  }
  if (!PADDING_MODES.includes(paddingMode)) {
    throw new ValueError(`${op}: padding_mode must be one of {${PADDING_MODES.map((m) => `'${m}'`).join(", ")}}, but got padding_mode='${String(paddingMode)}'`);
  }
  const batched = inputShape.length === 4;
  const [batchSize, inChannels, inHeight, inWidth] = batched ? inputShape : [1, ...inputShape];
  const [outChannels, weightInChannels, kernelHeight, kernelWidth] = weightShape;
  const [strideHeight, strideWidth] = pairOf(stride, "stride", op);
  const [dilationHeight, dilationWidth] = pairOf(dilation, "dilation", op);
  if (!Number.isInteger(groups)) throw new ValueError(`${op}: groups must be an integer, but got groups=${groups}`);
  if (kernelHeight <= 0 || kernelWidth <= 0) {
    // An empty window would make every output the bias alone, over a grid larger than the input.
    throw new ValueError(`${op}: kernel size should be greater than zero, but got kernel_height: ${kernelHeight} kernel_width: ${kernelWidth}`);
  }

  // Spread of one window: dilation·(k - 1) + 1 input pixels.
  const spanHeight = dilationHeight * (kernelHeight - 1) + 1;
  const spanWidth = dilationWidth * (kernelWidth - 1) + 1;
  let padTop: number, padBottom: number, padLeft: number, padRight: number;
  if (typeof padding === "string") {
    if (padding === "valid") {
      padTop = padBottom = padLeft = padRight = 0;
    } else if (padding === "same") {
      if (strideHeight !== 1 || strideWidth !== 1) {
        throw new ValueError(`${op}: padding='same' is not supported for strided convolutions`);
      }
      // Total padding span - 1 keeps the size; PyTorch puts the odd pixel on the right / bottom.
      padTop = Math.floor((spanHeight - 1) / 2);
      padBottom = spanHeight - 1 - padTop;
      padLeft = Math.floor((spanWidth - 1) / 2);
      padRight = spanWidth - 1 - padLeft;
    } else {
      throw new ValueError(`${op}: Invalid padding string: '${padding}' (expected 'same', 'valid', a number or [height, width])`);
    }
  } else {
    [padTop, padLeft] = pairOf(padding, "padding", op);
    [padBottom, padRight] = [padTop, padLeft];
  }

  if (Math.min(padTop, padLeft) < 0) throw new ValueError(`${op}: negative padding is not supported`);
  if (Math.min(strideHeight, strideWidth) <= 0) throw new ValueError(`${op}: non-positive stride is not supported`);
  if (Math.min(dilationHeight, dilationWidth) <= 0) {
    throw new ValueError(`${op}: dilation should be greater than zero, but got ${formatValue([dilationHeight, dilationWidth])}`);
  }
  if (groups <= 0) throw new ValueError(`${op}: non-positive groups is not supported`);
  if (outChannels % groups !== 0) {
    throw new ShapeError(`${op}: Given groups=${groups}, expected weight to be divisible by ${groups} at dimension 0, but got weight of size ${formatValue([...weightShape])} instead`);
  }
  if (inChannels !== weightInChannels * groups) {
    throw new ShapeError(`${op}: Given groups=${groups}, weight of size ${formatValue([...weightShape])}, expected input${formatValue([...inputShape])} to have ${weightInChannels * groups} channels, but got ${inChannels} channels instead`);
  }
  if (biasShape !== null && (biasShape.length !== 1 || biasShape[0] !== outChannels)) {
    throw new ShapeError(`${op}: Given weight of size ${formatValue([...weightShape])}, expected bias to be 1-dimensional with ${outChannels} elements, but got bias of size ${formatValue([...biasShape])} instead`);
  }
  if (paddingMode !== "zeros") {
    // The same checks F.pad makes (reflect needs pad < size, circular pad <= size).
    padInfo(inputShape, [padLeft, padRight, padTop, padBottom], paddingMode, undefined, op);
  }
  const paddedHeight = inHeight + padTop + padBottom;
  const paddedWidth = inWidth + padLeft + padRight;
  if (paddedHeight < spanHeight || paddedWidth < spanWidth) {
    throw new ShapeError(`${op}: Calculated padded input size per channel: (${paddedHeight} x ${paddedWidth}). Kernel size: (${spanHeight} x ${spanWidth}). Kernel size can't be greater than actual input size`);
  }
  const outHeight = Math.floor((paddedHeight - spanHeight) / strideHeight) + 1;
  const outWidth = Math.floor((paddedWidth - spanWidth) / strideWidth) + 1;
  const outputShape = batched ? [batchSize, outChannels, outHeight, outWidth] : [outChannels, outHeight, outWidth];
  // Huge padding or strides of a huge input: refuse before any buffer of that size is asked for.
  checkAllocation(sizeOf(outputShape), "float32", op, outputShape);
  checkAllocation(weightInChannels * kernelHeight * kernelWidth * outHeight * outWidth, "float32", op);
  return {
    batched, batchSize, inChannels, inHeight, inWidth, outChannels, groups,
    inChannelsPerGroup: weightInChannels, outChannelsPerGroup: outChannels / groups,
    kernelHeight, kernelWidth, strideHeight, strideWidth, dilationHeight, dilationWidth,
    padTop, padBottom, padLeft, padRight, paddingMode, outHeight, outWidth,
    inputShape: [...inputShape], weightShape: [...weightShape], outputShape,
  };
}
