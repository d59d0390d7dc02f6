// Convolution fused with what follows it, for nn.Sequential: Conv2d → Sigmoid or ReLU, and Conv2d → Sigmoid →
// AvgPool2d(2) (LeNet's two blocks). Each returns exactly what the separate ops return — the same kernels on the same numbers
// (test/nn/fusion.test.ts holds them to it) — in one graph node and with less memory traffic; or null when the
// shapes, dtype or options need the separate ops, and the caller runs those.
import { record } from "../autograd/graph.js";
import { conv2dInfo, type Conv2dInfo, type Conv2dOptions } from "../calc/conv-info.js";
import { convChunkedBackwardWasm } from "../kernels/wasm/conv-gemm-wasm.js";
import { convDirectForwardWasm, convRowsWeightGradWasm, type DirectPath } from "../kernels/wasm/conv-direct-wasm.js";
import { convBlockBackwardWasm, convBlockForwardWasm, pooledSize, type FusedBackward } from "../kernels/wasm/conv-block-wasm.js";
import { Tensor } from "../tensor/tensor.js";
import { checkDtypes, convNeeds, wasmGradients } from "./conv.js";
import { planConv } from "./conv-plan.js";

/** How a fused convolution runs (planConv's forward and backward), or null when the separate ops must run. */
function fusedPlan(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions,
  then: "activation" | "sigmoid-avgpool"): { info: Conv2dInfo; forward: DirectPath; backward: FusedBackward } | null {
  const needs = { ...convNeeds(input, weight, bias), then };
  if (!needs.float32) return null;
  checkDtypes(input, weight, bias, "conv2d");
  const info = conv2dInfo(input.shape, weight.shape, options, bias?.shape ?? null);
  const padded = info.padTop + info.padBottom + info.padLeft + info.padRight > 0;
  if (padded && info.paddingMode !== "zeros") return null; // conv2d pads explicitly first: not one op
  const { forward, backward, fused } = planConv(info, needs);
  // planConv fuses only the direct forwards and, when a gradient is needed, the rows, channels or chunked backward.
  if (!fused || forward === "readable" || forward === "gemm") return null;
  return { info, forward, backward: backward === "rows" || backward === "channels" ? backward : "chunked" };
}

/**
 * sigmoid(conv2d(input, weight, bias, options)) or relu(conv2d(...)): each image's convolution output passes the
 * activation while in cache, and backward takes the activation's gradient in inside wasm memory. Graph node
 * "ConvolutionSigmoidBackward" or "ConvolutionReluBackward".
 */
export function conv2dActivation(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions,
  kind: "sigmoid" | "relu"): Tensor | null {
  const plan = fusedPlan(input, weight, bias, options, "activation");
  if (plan === null) return null;
  const { info, forward, backward } = plan;
  const x = input.data as Float32Array, w = weight.data as Float32Array, b = bias && bias.data as Float32Array;
  const y = new Float32Array(info.batchSize * info.outChannels * info.outHeight * info.outWidth);
  convDirectForwardWasm(forward, x, w, b, info, y, kind);
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  const name = kind === "sigmoid" ? "ConvolutionSigmoidBackward" : "ConvolutionReluBackward";
  const output = new Tensor(y, info.outputShape);
  return record(output, name, inputs, (gradOutput) => {
    const gy = gradOutput.data as Float32Array;
    const gw = weight.requiresGrad ? new Float32Array(weight.size) : null;
    const gx = input.requiresGrad ? new Float32Array(input.size) : null;
    const gb = bias !== null && bias.requiresGrad ? new Float32Array(info.outChannels) : null;
    if (backward === "rows") convRowsWeightGradWasm(x, gy, info, gw!, gb, { kind, output: y });
    else {
      const weightGradBy = backward === "channels" ? "channels" : "chunks";
      convChunkedBackwardWasm(x, w, gy, info, gx, gw, gb, { kind, output: y }, weightGradBy);
    }
    return wasmGradients(input, weight, bias, gx, gw, gb);
  }, [input, weight, output]); // the activation's output too: its backward reads it, as sigmoid's and relu's do
}

/**
 * avgPool2d(sigmoid(conv2d(input, weight, bias, options)), 2): the sigmoid's output stays in wasm memory from forward
 * to backward and never becomes a JS array (conv-block-wasm.ts). Graph node "ConvolutionSigmoidAvgPoolBackward".
 */
export function conv2dSigmoidAvgPool2(input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): Tensor | null {
  const plan = fusedPlan(input, weight, bias, options, "sigmoid-avgpool");
  if (plan === null) return null;
  const { info, forward, backward } = plan;
  // Keep the sigmoid's output in wasm memory only when a backward will come for it.
  const { inputGrad, weightGrad, biasGrad } = convNeeds(input, weight, bias);
  const { pooledHeight, pooledWidth } = pooledSize(info);
  const x = input.data as Float32Array, w = weight.data as Float32Array, b = bias && bias.data as Float32Array;
  const pooled = new Float32Array(info.batchSize * info.outChannels * pooledHeight * pooledWidth);
  const kept = convBlockForwardWasm(forward, x, w, b, info, pooled, inputGrad || weightGrad || biasGrad);
  const shape = [...info.outputShape.slice(0, -2), pooledHeight, pooledWidth];
  const inputs = bias === null ? [input, weight] : [input, weight, bias];
  return record(new Tensor(pooled, shape), "ConvolutionSigmoidAvgPoolBackward", inputs, (gradOutput) => {
    const gw = weight.requiresGrad ? new Float32Array(weight.size) : null;
    const gx = input.requiresGrad ? new Float32Array(input.size) : null;
    const gb = bias !== null && bias.requiresGrad ? new Float32Array(info.outChannels) : null;
    convBlockBackwardWasm(forward, backward, x, w, b, gradOutput.data as Float32Array, info, gx, gw, gb, kept);
    return wasmGradients(input, weight, bias, gx, gw, gb);
  }, [input, weight]);
}
