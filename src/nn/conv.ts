// Conv2d and the pooling layers: thin modules over F.conv2d / F.maxPool2d / F.avgPool2d.
// They keep their geometry in public fields (kernelSize, stride, padding, dilation), which the
// receptive-field calculator and summary() read.
import { pairOf, type Pair } from "../calc/args.js";
import { conv2dInfo, PADDING_MODES, type Conv2dPadding, type PaddingMode } from "../calc/conv-info.js";
import { ValueError } from "../errors.js";
import { conv2d } from "../ops/conv.js";
import { conv2dActivation, conv2dSigmoidAvgPool2 } from "../ops/conv-fused.js";
import { avgPool2d, maxPool2d } from "../ops/pool.js";
import type { FloatDType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { defaultLayerInit } from "./init.js";
import { checkPositiveInt, parameter, ReLU, Sigmoid } from "./layers.js";
import { Module } from "./module.js";

export interface Conv2dLayerOptions {
  stride?: Pair;
  padding?: Conv2dPadding;
  paddingMode?: PaddingMode;
  dilation?: Pair;
  groups?: number;
  bias?: boolean;
  dtype?: FloatDType;
}

export class Conv2d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | "same" | "valid";
  readonly paddingMode: PaddingMode;
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Pair, options: Conv2dLayerOptions = {}) {
    super();
    const op = "Conv2d";
    checkPositiveInt(inChannels, "in_channels", op);
    checkPositiveInt(outChannels, "out_channels", op);
    const { stride = 1, padding = 0, paddingMode = "zeros", dilation = 1, groups = 1, bias = true, dtype = "float32" } = options;
    this.kernelSize = pairOf(kernelSize, "kernel_size", op);
    this.stride = pairOf(stride, "stride", op);
    this.dilation = pairOf(dilation, "dilation", op);
    this.padding = typeof padding === "string" ? padding : pairOf(padding, "padding", op);
    if (!PADDING_MODES.includes(paddingMode)) {
      throw new ValueError(`Conv2d: padding_mode must be one of {'replicate', 'reflect', 'zeros', 'circular'}, but got padding_mode='${paddingMode}'`);
    }
    if (!Number.isInteger(groups) || groups <= 0) throw new ValueError(`Conv2d: groups must be a positive integer`);
    if (inChannels % groups !== 0) throw new ValueError("Conv2d: in_channels must be divisible by groups");
    if (outChannels % groups !== 0) throw new ValueError("Conv2d: out_channels must be divisible by groups");
    if (typeof padding === "string" && padding !== "same" && padding !== "valid") {
      throw new ValueError(`Conv2d: Invalid padding string '${padding}', should be one of {'valid', 'same'}`);
    }
    if (padding === "same" && this.stride.some((s) => s !== 1)) {
      throw new ValueError("Conv2d: padding='same' is not supported for strided convolutions");
    }
    this.paddingMode = paddingMode;
    this.groups = groups;
    this.weight = parameter([outChannels, inChannels / groups, ...this.kernelSize], dtype, "Conv2d");
    this.bias = bias ? parameter([outChannels], dtype, "Conv2d") : null;
    defaultLayerInit(this.weight, this.bias);
  }

  forward(input: Tensor): Tensor {
    return conv2d(input, this.weight, this.bias, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, paddingMode: this.paddingMode,
    });
  }

  /**
   * Conv2d → Sigmoid → AvgPool2d(2) (conv2dSigmoidAvgPool2) or Conv2d → Sigmoid or ReLU (conv2dActivation) in one pass, when the
   * layers are exactly those classes — a subclass's own forward is never bypassed — the pooling is 2×2 with stride 2
   * and nothing else, and the fast kernels take the shapes; null otherwise.
   */
  override fuse(following: readonly Module[], input: Tensor): { output: Tensor; layers: number } | null {
    const [next, after] = following;
    const activation = next?.constructor === Sigmoid ? "sigmoid" : next?.constructor === ReLU ? "relu" : null;
    if (this.constructor !== Conv2d || activation === null) return null;
    const options = {
      stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, paddingMode: this.paddingMode,
    };
    if (activation === "sigmoid" && after instanceof AvgPool2d && after.constructor === AvgPool2d && isPlainPool2(after)) {
      const output = conv2dSigmoidAvgPool2(input, this.weight, this.bias, options);
      if (output !== null) return { output, layers: 2 };
    }
    const output = conv2dActivation(input, this.weight, this.bias, options, activation);
    return output === null ? null : { output, layers: 1 };
  }

  /** The output shape for an input shape, without running the layer. */
  outputShape(inputShape: readonly number[]): number[] {
    const info = conv2dInfo(inputShape, this.weight.shape, {
      stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, paddingMode: this.paddingMode,
    });
    return info.batched ? [info.batchSize, info.outChannels, info.outHeight, info.outWidth] : [info.outChannels, info.outHeight, info.outWidth];
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(", ")})`];
    if (this.stride.some((s) => s !== 1)) parts.push(`stride=(${this.stride.join(", ")})`);
    if (typeof this.padding === "string") parts.push(`padding=${this.padding}`);
    else if (this.padding.some((p) => p !== 0)) parts.push(`padding=(${this.padding.join(", ")})`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=(${this.dilation.join(", ")})`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=False");
    if (this.paddingMode !== "zeros") parts.push(`padding_mode=${this.paddingMode}`);
    return parts.join(", ");
  }
}

export interface MaxPool2dLayerOptions {
  stride?: Pair | null;
  padding?: Pair;
  dilation?: Pair;
  ceilMode?: boolean;
}

export class MaxPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly dilation: [number, number];
  readonly ceilMode: boolean;

  constructor(kernelSize: Pair, { stride = null, padding = 0, dilation = 1, ceilMode = false }: MaxPool2dLayerOptions = {}) {
    super();
    this.kernelSize = pairOf(kernelSize, "kernel_size", "MaxPool2d");
    this.stride = stride === null ? this.kernelSize : pairOf(stride, "stride", "MaxPool2d");
    this.padding = pairOf(padding, "padding", "MaxPool2d");
    this.dilation = pairOf(dilation, "dilation", "MaxPool2d");
    this.ceilMode = ceilMode;
  }

  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }

  override extraRepr(): string {
    return `kernel_size=${this.kernelSize[0]}, stride=${this.stride[0]}, padding=${this.padding[0]}, dilation=${this.dilation[0]}, ceil_mode=${this.ceilMode ? "True" : "False"}`;
  }
}

export interface AvgPool2dLayerOptions {
  stride?: Pair | null;
  padding?: Pair;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  constructor(kernelSize: Pair, { stride = null, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null }: AvgPool2dLayerOptions = {}) {
    super();
    this.kernelSize = pairOf(kernelSize, "kernel_size", "AvgPool2d");
    this.stride = stride === null ? this.kernelSize : pairOf(stride, "stride", "AvgPool2d");
    this.padding = pairOf(padding, "padding", "AvgPool2d");
    this.ceilMode = ceilMode;
    this.countIncludePad = countIncludePad;
    this.divisorOverride = divisorOverride;
  }

  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, {
      stride: this.stride, padding: this.padding, ceilMode: this.ceilMode,
      countIncludePad: this.countIncludePad, divisorOverride: this.divisorOverride,
    });
  }

  override extraRepr(): string {
    return `kernel_size=${this.kernelSize[0]}, stride=${this.stride[0]}, padding=${this.padding[0]}`;
  }
}

/** AvgPool2d(2): 2×2 windows, stride 2, no padding, floor mode, the plain window average (what the block kernels do). */
function isPlainPool2(pool: AvgPool2d): boolean {
  const [kH, kW] = pool.kernelSize, [sH, sW] = pool.stride, [pH, pW] = pool.padding;
  return kH === 2 && kW === 2 && sH === 2 && sW === 2 && pH === 0 && pW === 0 && !pool.ceilMode && pool.divisorOverride === null;
}
