// Convolution fused with what follows it, for nn.Sequential: Conv2d → Sigmoid or ReLU, and Conv2d → Sigmoid →
// AvgPool2d(2) (LeNet's two blocks). Each returns exactly what the separate ops return — the same kernels on the same numbers
// (test/nn/fusion.test.ts holds them to it) — in one graph node and with less memory traffic; or null when the
// shapes, dtype or options need the separate ops, and the caller runs those.
import { isGradEnabled, record } from "../autograd/graph.js";
import { conv2dInfo, type Conv2dInfo, type Conv2dOptions } from "../calc/conv-info.js";
import {
  conv2dChunkedBackwardWasm, conv2dDirectForwardWasm, conv2dDirectWeightGradWasm, convChunkedBackwardFits,
  convWasmFits, directForwardKind,
} from "../kernels/wasm/conv-wasm.js";
import { convBlockBackwardWasm, convBlockFits, convBlockForwardWasm, pooledSize } from "../kernels/wasm/conv-block-wasm.js";
import { Tensor } from "../tensor/tensor.js";
import { checkDtypes, wasmGradients } from "./conv.js";

/** How a fused convolution runs, or null when it cannot: its info and which backward takes the gradient in. */
function fusedPlan(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions):
  { info: Conv2dInfo; grad: boolean; directBackward: boolean } | null {
  if (!(input.data instanceof Float32Array) || !(weight.data instanceof Float32Array)) return null;
  if (bias !== null && !(bias.data instanceof Float32Array)) return null;
  checkDtypes(input, weight, bias, "conv2d");
  const info = conv2dInfo(input.shape, weight.shape, options, bias?.shape ?? null);
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  if ((padded && info.paddingMode !== "zeros") || !convWasmFits(info)) return null;
  const kind = directForwardKind(info);
  if (kind === null) return null;
  const grad = isGradEnabled() && (input.requiresGrad || weight.requiresGrad || (bias?.requiresGrad ?? false));
  // The direct weight-gradient kernel when no input gradient is needed (LeNet's first layer), else the chunked backward.
  const directBackward = kind === "direct" && !input.requiresGrad && weight.requiresGrad;
  if (grad && !directBackward && !convChunkedBackwardFits(info)) return null;
  return { info, grad, directBackward };
}

/**
 * sigmoid(conv2d(input, weight, bias, options)) or relu(conv2d(...)): each image's convolution output passes the
 * activation while in cache, and backward takes the activation's gradient in inside wasm memory. Graph node
 * "ConvolutionSigmoidBackward" or "ConvolutionReluBackward".
 */
export function conv2dActivation(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions,
  kind: "sigmoid" | "relu"): Tensor | null {
  const plan = fusedPlan(input, weight, bias, options);
  if (plan === null) return null;
  const { info, directBackward } = plan;
  const x = input.data as Float32Array, w = weight.data as Float32Array, b = bias && bias.data as Float32Array;
  const y = new Float32Array(info.batchSize * info.outChannels * info.outHeight * info.outWidth);
  conv2dDirectForwardWasm(x, w, b, info, y, kind);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  const name = kind === "sigmoid" ? "ConvolutionSigmoidBackward" : "ConvolutionReluBackward";
  const output = new Tensor(y, info.outputShape);
  return record(output, name, inputs, (gradOutput) => {
    const gy = gradOutput.data as Float32Array;
    const gw = weight.requiresGrad ? new Float32Array(weight.size) : null;
    const gx = input.requiresGrad ? new Float32Array(input.size) : null;
    const gb = bias !== null && bias.requiresGrad ? new Float32Array(info.outChannels) : null;
    if (directBackward) conv2dDirectWeightGradWasm(x, gy, info, gw!, gb, { kind, output: y });
    else conv2dChunkedBackwardWasm(x, w, gy, info, gx, gw, gb, { kind, output: y });
    return wasmGradients(input, weight, bias, gx, gw, gb);
  }, [input, weight, output]); // the activation's output too: its backward reads it, as sigmoid's and relu's do
}

/**
 * avgPool2d(sigmoid(conv2d(input, weight, bias, options)), 2): the sigmoid's output stays in wasm memory from forward
 * to backward and never becomes a JS array (conv-block-wasm.ts). Graph node "ConvolutionSigmoidAvgPoolBackward".
 */
export function conv2dSigmoidAvgPool2(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): Tensor | null {
  const plan = fusedPlan(input, weight, bias, options);
  if (plan === null || !convBlockFits(plan.info)) return null;
  const { info, grad, directBackward } = plan;
  const { pooledHeight, pooledWidth } = pooledSize(info);
  const x = input.data as Float32Array, w = weight.data as Float32Array, b = bias && bias.data as Float32Array;
  const pooled = new Float32Array(info.batchSize * info.outChannels * pooledHeight * pooledWidth);
  const kept = convBlockForwardWasm(x, w, b, info, pooled, grad);
  const shape = [...info.outputShape.slice(0, -2), pooledHeight, pooledWidth];
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  return record(new Tensor(pooled, shape), "ConvolutionSigmoidAvgPoolBackward", inputs, (gradOutput) => {
    const gw = weight.requiresGrad ? new Float32Array(weight.size) : null;
    const gx = input.requiresGrad ? new Float32Array(input.size) : null;
    const gb = bias !== null && bias.requiresGrad ? new Float32Array(info.outChannels) : null;
    convBlockBackwardWasm(x, w, b, gradOutput.data as Float32Array, info, gx, gw, gb, kept, directBackward);
    return wasmGradients(input, weight, bias, gx, gw, gb);
  }, [input, weight]);
}
